"""Supervised frame classifiers against human coders, on two issues: every kind, 5 folds x 3 seeds.

Run from the repository root::

    FRAMING_MIRROR=/work/shared/data/mirror HF_HUB_OFFLINE=1 \\
        python -m experiments.validation.frame_classifiers

Options: ``--datasets gvfc,narrative_frames``, ``--kinds tfidf,minilm,mpnet,ensemble``
(``transformer`` is left out of the default run: fine-tuning takes minutes per fold on a
CPU; name it, with ``--folds 0`` for a sample of folds), ``--seeds 0,1,2``,
``--folds 0,1`` (only those of the 5 folds).

Data
----
``gvfc``
    The Gun Violence Frame Corpus (Liu et al. 2019, ``fetch_gvfc()``): headlines coded
    with one primary frame of nine. Kept: headlines coded relevant and given a frame
    (``label_frame`` present). Target: the frame name. One frame per text.
``narrative_frames``
    The Narrative Frames corpus (Frermann et al. 2023, ``fetch_narrative_frames()``):
    climate-change articles coded for five generic frames, each present or not. Kept:
    articles with all five codes. Target: the five-column binary matrix (multi-label).

Kinds (each :func:`framing.models.make_frame_classifier` with its fixed settings, nothing
tuned on test folds; multi-label thresholds come from inner folds of each training fold):
``tfidf``; ``minilm`` and ``mpnet`` (the ``embeddings`` kind with that encoder);
``ensemble`` (the mean of mpnet embeddings, MiniLM embeddings and TF-IDF, each a
classifier of its own); ``transformer`` (mpnet fine-tuned; GVFC only).

Baselines on the same folds: GVFC, the majority class of the training fold; Narrative
Frames, "always present" per frame (F1 = 2p / (1 + p) for a frame present in a share p of
the test fold's articles).

Outputs: ``experiments/results/frame_classifiers.json`` (per dataset and kind: the
mean and 95% interval of each metric over folds x seeds, per-fold values, mean fit
seconds; the baselines) and ``experiments/results/frame_classifiers_<dataset>_<kind>.csv.gz``
(out-of-fold probabilities and predictions by position, no text), which
``tests/experiments/test_frame_classifier_results.py`` checks against the JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ._cv import use_local_mirror

RESULTS = Path(__file__).resolve().parents[1] / "results"
DATASETS = ("gvfc", "narrative_frames")
KINDS = ("tfidf", "minilm", "mpnet", "ensemble", "transformer")
DEFAULT_KINDS = ("tfidf", "minilm", "mpnet", "ensemble")
#: The trivial rules are scored on the folds of these seeds, whatever seeds a run names.
BASELINE_SEEDS = (0, 1, 2)
NARRATIVE_FRAMES = ("resolution", "human_interest", "conflict", "moral", "economic")


def load_data(dataset: str):
    """(texts, target) of one dataset: a label array (gvfc) or a 0/1 DataFrame."""
    from framing.datasets import fetch_gvfc, fetch_narrative_frames

    if dataset == "gvfc":
        table = fetch_gvfc()
        table = table[(table["label_relevant"] == 1) & table["label_frame"].notna()]
        return table["title"].reset_index(drop=True), table["label_frame"].to_numpy(object)
    if dataset == "narrative_frames":
        table = fetch_narrative_frames()
        columns = [f"label_frame_{f}" for f in NARRATIVE_FRAMES]
        table = table.dropna(subset=columns)
        target = table[columns].astype(int).reset_index(drop=True)
        target.columns = list(NARRATIVE_FRAMES)
        return table["text"].reset_index(drop=True), target
    raise ValueError(f"dataset must be one of {DATASETS}, got {dataset!r}")


def build(kind: str, multilabel: bool):
    """The classifier a kind names, with the settings this script documents."""
    from framing.models import make_frame_classifier

    if kind in ("minilm", "mpnet"):
        return make_frame_classifier("embeddings", multilabel=multilabel, model=kind)
    return make_frame_classifier(kind, multilabel=multilabel)


def baseline_scores(target, folds) -> list[dict]:
    """The trivial rule's metrics on each test fold (majority class / always present)."""
    from sklearn.metrics import f1_score

    rows = []
    for fold, (train, test) in enumerate(folds):
        if isinstance(target, pd.DataFrame):
            truth = target.to_numpy()[test]
            per_frame = f1_score(truth, np.ones_like(truth), average=None, zero_division=0)
            row = {"fold": fold, "f1_macro": float(per_frame.mean())}
            row.update({f"f1[{f}]": float(v) for f, v in zip(target.columns, per_frame,
                                                             strict=True)})
            row.update({f"prevalence[{f}]": float(truth[:, i].mean())
                        for i, f in enumerate(target.columns)})
        else:
            values, counts = np.unique(target[train], return_counts=True)
            majority = values[counts.argmax()]
            pred = np.full(len(test), majority, dtype=object)
            row = {"fold": fold, "majority": str(majority),
                   "accuracy": float((target[test] == pred).mean()),
                   "f1_macro": float(f1_score(target[test], pred, average="macro",
                                              zero_division=0))}
        rows.append(row)
    return rows


def summary(scores: pd.DataFrame) -> dict:
    """Mean, 95% interval and fold values of every metric (folds x seeds)."""
    from framing.models import summarize_scores

    table = summarize_scores(scores.assign(split="random"))
    out = {}
    for row in table.itertuples():
        values = scores.loc[scores["metric"] == row.metric, "value"].round(4).tolist()
        out[row.metric] = {"mean": round(float(row.mean), 4),
                           "ci_low": round(float(row.ci_low), 4),
                           "ci_high": round(float(row.ci_high), 4),
                           "n": int(row.n), "values": values}
    return out


def run(dataset: str, kind: str, seeds, folds) -> tuple[dict, pd.DataFrame]:
    from framing.models import evaluate

    texts, target = load_data(dataset)
    multilabel = isinstance(target, pd.DataFrame)
    started = time.perf_counter()
    result = evaluate(build(kind, multilabel), texts, target, seeds=seeds, folds=folds,
                      verbose=True)
    record = {"kind": kind, "n_texts": len(texts), "seeds": list(seeds),
              "folds": sorted(folds) if folds else list(range(5)),
              "seconds": round(time.perf_counter() - started, 1),
              "metrics": summary(result.scores[result.scores["metric"] != "fit_seconds"]),
              "mean_fit_seconds": round(float(result.scores.loc[
                  result.scores["metric"] == "fit_seconds", "value"].mean()), 1)}
    return record, result.predictions


def baselines(dataset: str, seeds) -> dict:
    from framing.models import split_indices
    from framing.models._evaluate import multilabel_strata

    _, target = load_data(dataset)
    strata = multilabel_strata(target) if isinstance(target, pd.DataFrame) else target
    rows = []
    for seed in seeds:
        folds, _ = split_indices(strata, split="random", seed=int(seed))
        rows += [dict(r, seed=int(seed)) for r in baseline_scores(target, folds)]
    frame = pd.DataFrame(rows)
    metrics = [c for c in frame.columns if c not in ("fold", "seed", "majority")]
    scores = frame.melt(id_vars=["seed", "fold"], value_vars=metrics, var_name="metric")
    return {"rule": "always present" if isinstance(target, pd.DataFrame) else
            "majority class of the training fold", "metrics": summary(scores)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--kinds", default=",".join(DEFAULT_KINDS))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--folds", default=None)
    args = parser.parse_args(argv)
    use_local_mirror()
    seeds = tuple(int(s) for s in args.seeds.split(","))
    folds = None if args.folds is None else [int(f) for f in args.folds.split(",")]
    path = RESULTS / "frame_classifiers.json"
    kinds = args.kinds.split(",")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown kinds {unknown}; known: {', '.join(KINDS)}")
    for dataset in args.datasets.split(","):
        baseline = baselines(dataset, BASELINE_SEEDS)
        for kind in kinds:
            print(f"== {dataset} / {kind}", flush=True)
            record, predictions = run(dataset, kind, seeds, folds)
            # read just before writing: runs of other kinds may have written meanwhile
            results = json.loads(path.read_text()) if path.exists() else {}
            entry = results.setdefault(dataset, {"kinds": {}})
            entry["baseline"], entry["kinds"][kind] = baseline, record
            predictions.drop(columns=["split"]).to_csv(
                RESULTS / f"frame_classifiers_{dataset}_{kind}.csv.gz", index=False,
                compression={"method": "gzip", "mtime": 0},
                float_format="%.6g")
            line = {m: record["metrics"][m]["mean"] for m in ("f1_macro", "accuracy")}
            print(f"   {line} in {record['seconds']} s", flush=True)
            path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
