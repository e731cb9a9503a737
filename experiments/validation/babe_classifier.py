"""Sentence-level bias on BABE SG2: every classifier kind, 5-fold, with training times.

Run from the repository root::

    FRAMING_MIRROR=/work/shared/data/mirror HF_HUB_OFFLINE=1 \\
        python -m experiments.validation.babe_classifier

Options: ``--kinds tfidf,features,embeddings,transformer,ensemble`` (default all),
``--seeds 0,1,2`` (the cheap kinds), ``--transformer-seeds 0`` (fine-tuning is the
expensive part: 43-50 minutes per fold with the default all-mpnet-base-v2 on this
project's idle 2-core CPU, 7 with MiniLM, more under load),
``--transformer-model mpnet`` (the default, fetched on first use; or ``minilm``, or a
local folder), ``--transformer-precision bfloat16`` (mixed precision, about twice as fast
on a CPU with AVX512-BF16), ``--transformer-n-seeds 2`` (average the probabilities of
that many fine-tuning seeds on the same folds: one fit per seed),
``--folds 0,1`` (only those of the 5 folds, the same folds as a full run: for a model
too slow to run them all at once),
``--reuse`` (reuse saved out-of-fold predictions of a kind run with the same settings),
``--save-model NAME`` (then fit the default kind on all of SG2, save the weights in the
data home and write ``models/NAME/MODEL_CARD.md``).

Data: BABE SG2 (``fetch_babe("SG2")``, Spinde et al. 2021): 3,674 sentences with expert
labels; the one "No agreement" sentence is dropped, leaving 3,673 (Biased 1,810,
Non-biased 1,863). Target: the label string (Biased / Non-biased).

Protocol: :func:`framing.models.evaluate` with ``split="random"`` (StratifiedKFold, 5
folds, shuffled with each seed). Every kind is :func:`framing.models.make_bias_classifier`
with its fixed default settings (nothing tuned on test folds; the transformer's early
stopping uses 10% of each training fold). The ``features`` kind leaves out BABE's own
biased-word lexicon and the ``loaded_index`` (both built from BABE's labels). The
``ensemble`` is the mean of the out-of-fold probabilities of transformer, tfidf and
features on the same folds and seed, which is what ``make_bias_classifier("ensemble")``
(a soft-voting VotingClassifier) predicts.

Outputs (``experiments/out/validation/``): ``babe_classifier.csv`` (summary: kind, split,
metric, mean, 95% CI, n, mean fit seconds), ``babe_classifier_scores.csv`` (every fold),
``babe_classifier_predictions_<kind>.csv`` (out-of-fold probabilities),
``babe_classifier_predictions_transformer_histories.csv`` (each fold's fine-tuning epochs:
training loss, validation macro-F1, seconds, and the epoch early stopping kept).

Figure 6 (``python -m experiments run babe_bias``) reuses :func:`load_data` and
:func:`evaluate_kinds` (writing nothing here), so the figure and this script compute the
same numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ._cv import ensemble_predictions, scores_from_predictions, summarise, use_local_mirror

OUT = Path("experiments/out/validation")
ALL_KINDS = ("tfidf", "features", "embeddings", "transformer", "ensemble")
ENSEMBLE_MEMBERS = ("transformer", "tfidf", "features")


def load_data() -> pd.DataFrame:
    from framing.datasets import fetch_babe

    babe = fetch_babe("SG2", progress=False)
    babe = babe[babe["label_bias"].astype(str) != "No agreement"].copy()
    babe["label"] = babe["label_bias"].astype(str)
    return babe


def build_estimator(kind, options):
    """The kind's unfitted classifier (``options`` go to the transformer only)."""
    from framing.models import make_bias_classifier

    if kind == "transformer":
        return make_bias_classifier("transformer", **options)
    return make_bias_classifier(kind)


def run(kinds, seeds, transformer_seeds, transformer_options, n_splits, reuse, folds=None):
    babe = load_data()
    print(f"BABE SG2: {len(babe)} sentences ({babe['label'].value_counts().to_dict()}); "
          f"{n_splits}-fold stratified; seeds {seeds} (transformer {transformer_seeds})"
          + ("" if folds is None else f"; folds {list(folds)} only"), flush=True)
    scores = evaluate_kinds(babe, kinds, seeds=seeds, n_splits=n_splits,
                            transformer_seeds=transformer_seeds,
                            transformer_options=transformer_options, cache=OUT, reuse=reuse,
                            folds=folds)
    return babe, scores


def evaluate_kinds(babe, kinds, *, seeds=(0, 1, 2), n_splits=5, transformer_seeds=(0,),
                   transformer_options=None, cache=None, reuse=False, verbose=True,
                   folds=None):
    """Cross-validate each kind on the same random folds; return every fold's scores.

    Parameters
    ----------
    babe : DataFrame
        As :func:`load_data` returns (columns ``text``, ``label``), or a sample of it.
    kinds : sequence of str
        Of :data:`ALL_KINDS`. ``"ensemble"`` averages the out-of-fold probabilities of
        :data:`ENSEMBLE_MEMBERS` on the seeds they share; they are evaluated for it
        whether listed or not (only those listed get rows).
    seeds : sequence of int, default (0, 1, 2)
    n_splits : int, default 5
    transformer_seeds : sequence of int, default (0,)
        The transformer's seeds (fine-tuning is the expensive part).
    transformer_options : dict, optional
        Passed to ``make_bias_classifier("transformer", ...)``.
    cache : pathlib.Path, optional
        Folder for each kind's out-of-fold predictions, scores and settings
        (``babe_classifier_predictions_<kind>.*``; for the transformer also
        ``..._histories.csv``, each fold's epochs); None writes nothing.
    reuse : bool, default False
        Read a kind's saved predictions from ``cache`` instead of refitting it when they
        were made with the same settings.
    verbose : bool, default True
        Print one line per kind (its time) and per transformer fold.
    folds : sequence of int, optional
        Only these fold numbers (see :func:`framing.models.evaluate`).

    Returns
    -------
    DataFrame
        Long: split, seed, fold, metric, value, n_train, n_test, kind, as
        :attr:`framing.models.Evaluation.scores` with a ``kind`` column; the ensemble's
        ``fit_seconds`` is the sum of its members'.
    """
    from framing.models import evaluate

    unknown = set(kinds) - set(ALL_KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}; known: {', '.join(ALL_KINDS)}")
    transformer_options = {} if transformer_options is None else transformer_options
    classes = np.unique(babe["label"])
    needed = set(kinds) | (set(ENSEMBLE_MEMBERS) if "ensemble" in kinds else set())
    predictions, kind_scores = {}, {}
    for kind in [k for k in ALL_KINDS if k in needed and k != "ensemble"]:
        kind_seeds = transformer_seeds if kind == "transformer" else seeds
        settings = {"kind": kind, "seeds": list(kind_seeds), "n_splits": n_splits,
                    "options": transformer_options if kind == "transformer" else {}}
        if folds is not None:
            settings["folds"] = sorted(int(k) for k in folds)
        stem = None if cache is None else Path(cache) / f"babe_classifier_predictions_{kind}"
        if reuse and stem is not None and stem.with_suffix(".json").is_file() and json.loads(
                stem.with_suffix(".json").read_text()) == settings:
            predictions[kind] = pd.read_csv(stem.with_suffix(".csv"))
            scores = pd.read_csv(stem.with_name(stem.name + "_scores.csv"))
            if verbose:
                print(f"{kind}: reused saved out-of-fold predictions", flush=True)
        else:
            started = time.perf_counter()
            result = evaluate(build_estimator(kind, transformer_options), babe["text"],
                              babe["label"], split="random", n_splits=n_splits,
                              seeds=kind_seeds, folds=folds,
                              verbose=verbose and kind == "transformer")
            if verbose:
                print(f"{kind}: {time.perf_counter() - started:.0f}s", flush=True)
            predictions[kind], scores = result.predictions, result.scores
            if stem is not None:
                predictions[kind].to_csv(stem.with_suffix(".csv"), index=False)
                scores.to_csv(stem.with_name(stem.name + "_scores.csv"), index=False)
                if len(result.histories):  # fine-tuned kinds: every fold's epochs
                    result.histories.to_csv(stem.with_name(stem.name + "_histories.csv"),
                                            index=False)
                stem.with_suffix(".json").write_text(json.dumps(settings))
        kind_scores[kind] = scores.assign(kind=kind)
    all_scores = [s for k, s in kind_scores.items() if k in kinds]
    if "ensemble" in kinds:
        common = sorted(set.intersection(*(set(predictions[m]["seed"])
                                           for m in ENSEMBLE_MEMBERS)))
        pred = ensemble_predictions(predictions, ENSEMBLE_MEMBERS, common)
        scores = scores_from_predictions(pred, classes)
        # Members evaluated only for the ensemble count too: it fits all of them.
        member_scores = pd.concat([s for k, s in kind_scores.items() if k in ENSEMBLE_MEMBERS])
        fit = member_scores[(member_scores["metric"] == "fit_seconds")
                            & member_scores["seed"].isin(common)]
        fit = fit.groupby(["split", "seed", "fold"])["value"].sum().reset_index()
        fit = fit.assign(metric="fit_seconds", n_train=np.nan, n_test=np.nan)
        all_scores.append(pd.concat([scores, fit], ignore_index=True).assign(kind="ensemble"))
    return pd.concat(all_scores, ignore_index=True)


def save_default(name, babe, summary, command):
    """Fit the default kind on all of SG2, save it, and write its model card."""
    from framing._config import get_data_home
    from framing.models import DEFAULT_BIAS_KIND, make_bias_classifier, save_model
    from framing.models._card import data_checksum, write_model_card

    clf = make_bias_classifier()
    started = time.perf_counter()
    clf.fit(babe["text"], babe["label"])
    seconds = time.perf_counter() - started
    if DEFAULT_BIAS_KIND == "transformer":
        where = clf.save(name)
        weights = f"`{where}` (safetensors weights, tokenizer, framing_classifier.json)"
    else:
        where = save_model(clf, get_data_home() / "models" / name / "model.skops")
        weights = f"`{where}` (skops; load with framing.models.load_model)"
    metrics = summary[summary["kind"] == DEFAULT_BIAS_KIND][
        ["split", "metric", "mean", "ci_low", "ci_high", "n"]]
    metrics = metrics[~metrics["metric"].isin(["fit_seconds"])]
    card = write_model_card(
        Path("models") / name, name=name,
        summary=(f"Sentence-level media bias classifier (kind `{DEFAULT_BIAS_KIND}`, "
                 "`framing.models.make_bias_classifier()`): Biased / Non-biased, as BABE's "
                 "expert annotators judged news sentences."),
        data=(f"BABE SG2 (`framing.datasets.fetch_babe('SG2')`, Spinde et al. 2021), "
              f"{len(babe)} sentences after dropping 'No agreement': "
              f"{babe['label'].value_counts().to_dict()}."),
        checksum=data_checksum(babe["text"], babe["label"]),
        command=command,
        training=(f"Fitted on all {len(babe)} sentences in {seconds:.0f} s on this machine's "
                  f"CPU ({os.cpu_count()} cores). Settings: `{clf!r}`."),
        metrics=metrics, weights=weights,
        intended_use=("Flag sentences with loaded or one-sided wording in English news for a "
                      "researcher to read; compare rates of flagged sentences between "
                      "outlets or periods with the uncertainty of the cross-validated "
                      "scores above."),
        limits=("Trained on 3,673 sentences from 2017-2020 US news on 14 topics, mostly from "
                "a handful of outlets (Breitbart, Alternet, Reuters, Federalist, MSNBC, Fox "
                "News...); the metrics are from random 5-fold splits of the same data, so "
                "new topics, periods and outlets will score lower. The label is a judgement "
                "of wording, not of factual accuracy or of an outlet's ideology. Not for "
                "moderating or ranking individual authors."))
    print(f"saved {where}; card {card}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default=",".join(ALL_KINDS))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--transformer-seeds", default="0")
    parser.add_argument("--transformer-model", default="mpnet")
    parser.add_argument("--transformer-precision", default=None,
                        choices=("float32", "bfloat16", "auto"))
    parser.add_argument("--transformer-n-seeds", type=int, default=None)
    parser.add_argument("--n-splits", type=int, default=5)
    parser.add_argument("--folds", default=None)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--save-model", default=None)
    args = parser.parse_args(argv)
    use_local_mirror()
    OUT.mkdir(parents=True, exist_ok=True)
    kinds = [k for k in args.kinds.split(",") if k]
    seeds = tuple(int(s) for s in args.seeds.split(","))
    transformer_seeds = tuple(int(s) for s in args.transformer_seeds.split(","))
    options = {"model": args.transformer_model}
    if args.transformer_precision is not None:
        options["precision"] = args.transformer_precision
    if args.transformer_n_seeds is not None:
        options["n_seeds"] = args.transformer_n_seeds
    folds = None if args.folds is None else tuple(int(k) for k in args.folds.split(","))
    babe, scores = run(kinds, seeds, transformer_seeds, options, args.n_splits, args.reuse,
                       folds)
    summary = summarise(scores)
    scores.to_csv(OUT / "babe_classifier_scores.csv", index=False)
    summary.to_csv(OUT / "babe_classifier.csv", index=False)
    table = summary[summary["metric"] == "f1_macro"][
        ["kind", "split", "mean", "ci_low", "ci_high", "n", "fit_seconds_mean"]]
    print("\nMacro-F1 (mean over folds x seeds, 95% t-interval; approximate: folds share "
          "data). fit_seconds_mean: training time per fold on this machine's CPU.")
    print(table.round(3).to_string(index=False))
    if args.save_model:
        save_default(args.save_model, babe, summary,
                     "python -m experiments.validation.babe_classifier " + " ".join(
                         sys.argv[1:] if argv is None else argv))
    return summary


if __name__ == "__main__":
    main()
