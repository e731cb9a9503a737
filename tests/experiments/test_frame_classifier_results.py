"""The recorded frame-classifier validation: its out-of-fold predictions give its numbers."""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, f1_score

from ..conftest import REPO_ROOT, needs_mirror

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

RESULTS = REPO_ROOT / "experiments" / "results"
RECORD = json.loads((RESULTS / "frame_classifiers.json").read_text())
RUNS = [(dataset, kind) for dataset, entry in sorted(RECORD.items())
        for kind in sorted(entry["kinds"])]


def _per_fold(dataset: str, kind: str) -> dict[str, list[float]]:
    from experiments.validation.frame_classifiers import load_data

    texts, target = load_data(dataset)
    predictions = pd.read_csv(RESULTS / f"frame_classifiers_{dataset}_{kind}.csv.gz")
    values: dict[str, list[float]] = {"f1_macro": [], "accuracy": []}
    for (_, _), fold in predictions.groupby(["seed", "fold"], sort=True):
        rows = fold["position"].to_numpy()
        if isinstance(target, pd.DataFrame):
            truth = target.to_numpy()[rows]
            pred = fold[[f"y_pred[{f}]" for f in target.columns]].to_numpy()
            # the recorded truth is the gold matrix, row for row
            np.testing.assert_array_equal(
                fold[[f"y_true[{f}]" for f in target.columns]].to_numpy(), truth)
            values["f1_macro"].append(f1_score(truth, pred, average=None,
                                               zero_division=0).mean())
            values["accuracy"].append((truth == pred).all(axis=1).mean())
        else:
            truth, pred = target[rows], fold["y_pred"].to_numpy(object)
            assert (fold["y_true"].to_numpy(object) == truth).all()
            values["f1_macro"].append(f1_score(truth, pred, average="macro", zero_division=0))
            values["accuracy"].append(accuracy_score(truth, pred))
    return values


@needs_mirror
@pytest.mark.slow
@pytest.mark.parametrize("dataset, kind", RUNS)
def test_recorded_predictions_give_the_recorded_scores(dataset, kind):
    record = RECORD[dataset]["kinds"][kind]
    recomputed = _per_fold(dataset, kind)
    for metric, values in recomputed.items():
        assert np.round(values, 4).tolist() == pytest.approx(
            record["metrics"][metric]["values"], abs=1e-4), metric
        assert np.mean(values) == pytest.approx(record["metrics"][metric]["mean"], abs=1e-4)
    # every text is predicted once per seed, by the fold that did not train on it
    predictions = pd.read_csv(RESULTS / f"frame_classifiers_{dataset}_{kind}.csv.gz")
    n_folds = len(record["folds"])
    assert sorted(predictions["seed"].unique()) == record["seeds"]
    for _, seed in predictions.groupby("seed"):
        assert seed["position"].is_unique
        if n_folds == 5:
            assert len(seed) == record["n_texts"]


def test_record_holds_every_default_kind_and_the_trivial_rules():
    from experiments.validation.frame_classifiers import DEFAULT_KINDS

    assert set(RECORD) == {"gvfc", "narrative_frames"}
    for entry in RECORD.values():
        assert set(DEFAULT_KINDS) <= set(entry["kinds"])
        assert {"f1_macro"} <= set(entry["baseline"]["metrics"])
        for record in entry["kinds"].values():
            assert record["seeds"] and set(record["seeds"]) <= {0, 1, 2}
            metric = record["metrics"]["f1_macro"]
            if metric["n"] >= 2:
                assert metric["ci_low"] <= metric["mean"] <= metric["ci_high"]
            else:  # a one-fold sample has no interval, and says so
                assert np.isnan(metric["ci_low"]) and np.isnan(metric["ci_high"])


def test_default_frame_kind_is_the_best_measured_kind_that_fits_in_minutes():
    from framing.models import DEFAULT_FRAME_KIND

    # the default is named by the measured kind it builds (embeddings with mpnet)
    recorded = {"embeddings": "mpnet"}.get(DEFAULT_FRAME_KIND, DEFAULT_FRAME_KIND)
    for entry in RECORD.values():
        fast = {k: r for k, r in entry["kinds"].items() if r["mean_fit_seconds"] < 600}
        best = max(fast, key=lambda k: fast[k]["metrics"]["f1_macro"]["mean"])
        spread = fast[best]["metrics"]["f1_macro"]["mean"] - fast[best]["metrics"][
            "f1_macro"]["ci_low"]
        # the default is the best, or within the best kind's interval of it
        assert (fast[best]["metrics"]["f1_macro"]["mean"]
                - fast[recorded]["metrics"]["f1_macro"]["mean"]) <= spread


def test_readme_frame_tables_are_written_from_the_results():
    from experiments.validation.frame_tables import README, render, replace_block

    text = README.read_text(encoding="utf-8")
    assert replace_block(text, render()) == text, (
        "experiments/README.md's frame tables are stale: run "
        "python -m experiments.validation.frame_tables")
