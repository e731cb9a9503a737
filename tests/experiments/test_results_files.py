"""Recorded out-of-fold predictions give the macro-F1 that experiments/README.md reports."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from ..conftest import REPO_ROOT, needs_mirror

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

RESULTS = REPO_ROOT / "experiments" / "results"


@needs_mirror
def test_babe_bfloat16_predictions_give_the_reported_fold_scores():
    from experiments.validation.babe_classifier import load_data

    oof = pd.read_csv(RESULTS / "babe_mpnet_bfloat16_seed0_oof.csv")
    labels = load_data()["label"].to_numpy()
    # every BABE SG2 sentence is predicted once, by the fold that did not train on it
    assert sorted(oof["position"]) == list(range(len(labels)))
    proba = oof[["proba[Biased]", "proba[Non-biased]"]].to_numpy()
    predicted = np.asarray(["Biased", "Non-biased"])[proba.argmax(axis=1)]
    truth = labels[oof["position"]]
    per_fold = [f1_score(truth[oof["fold"] == k], predicted[oof["fold"] == k], average="macro")
                for k in range(5)]
    assert np.round(per_fold, 3).tolist() == [0.824, 0.815, 0.791, 0.797, 0.785]
    assert np.mean(per_fold) == pytest.approx(0.802, abs=5e-4)
