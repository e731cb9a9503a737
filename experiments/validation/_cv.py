"""What the classifier validation scripts share: environment, ensembles, summaries.

Both :mod:`.babe_classifier` and :mod:`.ideology_unseen_outlets` cross-validate several
classifier kinds on the same folds, build the ensemble from the members' out-of-fold
probabilities (rather than fitting the members again), and summarise the folds with fit
times.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd


def use_local_mirror() -> None:
    """Point the fetchers at ``../shared/data/mirror`` when it exists; no hub downloads."""
    mirror = Path(__file__).resolve().parents[3] / "shared" / "data" / "mirror"
    if "FRAMING_MIRROR" not in os.environ and mirror.is_dir():
        os.environ["FRAMING_MIRROR"] = str(mirror)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def ensemble_predictions(predictions: dict[str, pd.DataFrame], members, seeds=None
                         ) -> pd.DataFrame:
    """Mean of the members' out-of-fold probabilities, row-aligned on split/seed/position.

    This is what a soft-voting ensemble of the members predicts on each test fold, without
    fitting the members twice. ``seeds`` keeps only those seeds (the ones every member has).
    """
    keys = ["split", "seed", "fold", "position", "y_true"]
    frames = []
    for member in members:
        frame = predictions[member]
        if seeds is not None:
            frame = frame[frame["seed"].isin(seeds)]
        frames.append(frame.set_index(keys).filter(like="proba["))
    mean = sum(frames) / len(frames)
    out = mean.reset_index()
    out["y_pred"] = _most_probable(mean)
    return out


def _most_probable(proba: pd.DataFrame) -> np.ndarray:
    """The class of each row's largest ``proba[<class>]`` column."""
    classes = np.asarray([c[len("proba["):-1] for c in proba.columns])
    return classes[proba.to_numpy().argmax(axis=1)]


def pooled_predictions(pred: pd.DataFrame, groups) -> pd.DataFrame:
    """Out-of-fold probabilities averaged over each test fold's articles of one outlet.

    ``groups`` holds the outlet of every row of the data (indexed by ``position``). This is
    what :class:`framing.models.OutletPooledClassifier` predicts on each test fold, given
    the test rows' outlets, without refitting.
    """
    from framing.models._pooling import pool_by_group

    out = pred.reset_index(drop=True)
    columns = [c for c in out if c.startswith("proba[")]
    outlets = np.asarray(groups, dtype=object)[out["position"].to_numpy()]
    for rows in out.groupby(["split", "seed", "fold"]).indices.values():
        out.loc[rows, columns] = pool_by_group(out.loc[rows, columns].to_numpy(),
                                               outlets[rows])
    out["y_pred"] = _most_probable(out[columns])
    return out


def scores_from_predictions(pred: pd.DataFrame, classes) -> pd.DataFrame:
    """Per-fold metrics of out-of-fold predictions, in :func:`framing.models.evaluate`'s form."""
    from framing.models._evaluate import fold_metrics

    rows = []
    for (split, seed, fold), g in pred.groupby(["split", "seed", "fold"], sort=True):
        values = fold_metrics(g["y_true"].to_numpy(), g["y_pred"].to_numpy(), classes)
        rows += [(split, seed, fold, k, float(v), np.nan, len(g)) for k, v in values.items()]
    return pd.DataFrame(rows, columns=["split", "seed", "fold", "metric", "value", "n_train",
                                       "n_test"])


def summarise(scores: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95% interval per kind, split and metric, with the mean fit time."""
    from framing.models import summarize_scores

    scores = scores.copy()
    scores.attrs["by"] = ["kind"]
    summary = summarize_scores(scores)
    seconds = (scores[scores["metric"] == "fit_seconds"].groupby(["kind", "split"])["value"]
               .mean().rename("fit_seconds_mean"))
    return summary.merge(seconds.reset_index(), on=["kind", "split"], how="left")
