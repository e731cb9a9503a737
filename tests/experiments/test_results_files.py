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


@needs_mirror
def test_two_bfloat16_seeds_averaged_give_the_reported_scores():
    """Seed 1 was fitted on seed 0's folds (the model's random_state only), so the two
    files average row by row into SeedAveragedClassifier(n_seeds=2)'s predictions."""
    from experiments.validation.babe_classifier import load_data

    labels = load_data()["label"].to_numpy()
    columns = ["proba[Biased]", "proba[Non-biased]"]
    seeds = [pd.read_csv(RESULTS / f"babe_mpnet_bfloat16_seed{s}_oof.csv").sort_values(
        "position").reset_index(drop=True) for s in (0, 1)]
    assert seeds[0]["fold"].equals(seeds[1]["fold"])  # the same folds
    classes = np.asarray(["Biased", "Non-biased"])
    truth, fold = labels[seeds[0]["position"]], seeds[0]["fold"].to_numpy()

    def per_fold(proba):
        predicted = classes[proba.argmax(axis=1)]
        return np.round([f1_score(truth[fold == k], predicted[fold == k], average="macro")
                         for k in range(5)], 3).tolist()

    assert per_fold(seeds[1][columns].to_numpy()) == [0.820, 0.805, 0.801, 0.785, 0.796]
    mean = (seeds[0][columns].to_numpy() + seeds[1][columns].to_numpy()) / 2
    assert per_fold(mean) == [0.829, 0.818, 0.796, 0.804, 0.799]
    assert np.mean(per_fold(mean)) == pytest.approx(0.809, abs=5e-4)
