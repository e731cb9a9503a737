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
    probas, per_fold = _bfloat16_seeds((0,))
    assert per_fold(probas[0]) == [0.824, 0.815, 0.791, 0.797, 0.785]
    assert np.mean(per_fold(probas[0])) == pytest.approx(0.802, abs=5e-4)


def _bfloat16_seeds(seeds):
    """Each seed's out-of-fold probabilities, row by row on the same sentences, and a
    function giving per-fold macro-F1 (3 decimals) of any such probabilities."""
    from experiments.validation.babe_classifier import load_data

    labels = load_data()["label"].to_numpy()
    columns = ["proba[Biased]", "proba[Non-biased]"]
    runs = [pd.read_csv(RESULTS / f"babe_mpnet_bfloat16_seed{s}_oof.csv").sort_values(
        "position").reset_index(drop=True) for s in seeds]
    # every BABE SG2 sentence is predicted once, by the fold that did not train on it
    assert all(run["position"].tolist() == list(range(len(labels))) for run in runs)
    assert all(run["fold"].equals(runs[0]["fold"]) for run in runs)  # the same folds
    classes = np.asarray(["Biased", "Non-biased"])
    truth, fold = labels[runs[0]["position"]], runs[0]["fold"].to_numpy()

    def per_fold(proba):
        predicted = classes[proba.argmax(axis=1)]
        return np.round([f1_score(truth[fold == k], predicted[fold == k], average="macro")
                         for k in range(5)], 3).tolist()

    return [run[columns].to_numpy() for run in runs], per_fold


@needs_mirror
def test_two_bfloat16_seeds_averaged_give_the_reported_scores():
    """Seed 1 was fitted on seed 0's folds (the model's random_state only), so the two
    files average row by row into SeedAveragedClassifier(n_seeds=2)'s predictions."""
    probas, per_fold = _bfloat16_seeds((0, 1))
    assert per_fold(probas[1]) == [0.820, 0.805, 0.801, 0.785, 0.796]
    mean = (probas[0] + probas[1]) / 2
    assert per_fold(mean) == [0.829, 0.818, 0.796, 0.804, 0.799]
    assert np.mean(per_fold(mean)) == pytest.approx(0.809, abs=5e-4)


@needs_mirror
def test_three_bfloat16_seeds_averaged_give_the_reported_scores():
    """Seed 2, fitted like seed 1; the three averaged are SeedAveragedClassifier(n_seeds=3)."""
    probas, per_fold = _bfloat16_seeds((0, 1, 2))
    assert per_fold(probas[2]) == [0.839, 0.786, 0.816, 0.782, 0.807]
    mean = (probas[0] + probas[1] + probas[2]) / 3
    assert per_fold(mean) == [0.834, 0.823, 0.813, 0.800, 0.810]
    assert np.mean(per_fold(mean)) == pytest.approx(0.816, abs=5e-4)
