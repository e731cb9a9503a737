"""Article ideology (the outlet's AllSides rating) on outlets unseen in training.

Run from the repository root::

    FRAMING_MIRROR=/work/shared/data/mirror HF_HUB_OFFLINE=1 \\
        python -m experiments.validation.ideology_unseen_outlets

Options: ``--kinds tfidf,tfidf-nostrip,features,embeddings,ensemble`` (default: all
five; ``transformer``, the fine-tuned MiniLM, only when named: hours on a 2-core CPU;
``--transformer-max-chunks 1`` keeps one 256-token window per article),
``--splits random,outlet`` (``time`` also available), ``--seeds 0,1,2``, ``--no-pooled``
(leave out the outlet-pooled rows).

Data: the AllSides immigration/sanctuary subset of Baly et al. (2020)
(``fetch_allsides()``, 2,027 articles, 121 outlet names), minus the articles flagged as
duplicates of an earlier one (``meta_duplicate_of``). Text = title + body
(``content_original``, never the upstream masked ``content``). Label = ``label_allsides``
(left / center / right: the outlet's rating). Outlet = ``meta_source`` (AllSides' source
name).

Protocol: :func:`framing.models.evaluate`, 5 folds, seeds 0, 1, 2; split ``random``
(StratifiedKFold) and ``outlet`` (StratifiedGroupKFold by outlet: every outlet in exactly
one test fold). Every kind is :func:`framing.models.make_ideology_classifier` with its
fixed default settings (chosen before seeing the outlet folds; nothing is tuned on test
folds). The outlet-signature stripper is fitted on the training fold's articles and
outlets only. ``tfidf-nostrip`` is ``tfidf`` without the stripper (the effect of
stripping). ``ensemble`` is computed from the out-of-fold probabilities of tfidf,
embeddings and features on the same folds and seeds, averaged with equal weights: exactly
what ``make_ideology_classifier("ensemble")`` (a soft-voting VotingClassifier over the same
three members behind one stripper) predicts, without fitting the members twice.
``<kind>+pooled`` rows score the same out-of-fold probabilities averaged over each test
fold's articles of one outlet: what ``make_ideology_classifier(kind, pool_outlets=True)``
predicts when told the test articles' outlets (never their labels). AllSides labels
outlets, so this answers "which way does this unseen outlet lean, from its articles"; the
plain rows answer it from one article at a time.

Outputs (``experiments/out/validation/``): ``ideology_unseen_outlets.csv`` (summary: kind,
split, metric, mean, 95% CI, n, mean fit seconds), ``ideology_unseen_outlets_scores.csv``
(every fold), ``ideology_strip_report.csv`` (what the stripper removes when fitted on all
articles: pattern, rule, outlet, count; for display only, not used in the evaluation).

Figure 5 (``python -m experiments run ideology_classifiers``) reuses :func:`load_data` and
:func:`evaluate_kinds`, so the figure and this script compute the same numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ._cv import (
    ensemble_predictions,
    pooled_predictions,
    scores_from_predictions,
    summarise,
    use_local_mirror,
)

OUT = Path("experiments/out/validation")
ALL_KINDS = ("tfidf", "tfidf-nostrip", "features", "embeddings", "ensemble")
#: Every kind the script evaluates when asked: the fine-tuned transformer is left out of
#: the default run (``ALL_KINDS``) because it takes hours on a 2-core CPU.
KNOWN_KINDS = ALL_KINDS + ("transformer",)
ENSEMBLE_MEMBERS = ("tfidf", "embeddings", "features")


def load_data() -> pd.DataFrame:
    """The AllSides subset without duplicate articles, with the text to classify."""
    from framing.datasets import fetch_allsides

    articles = fetch_allsides(progress=False)
    articles = articles[articles["meta_duplicate_of"].isna()].copy()
    articles["input"] = articles["title"].fillna("") + "\n\n" + articles["text"].fillna("")
    articles["label"] = articles["label_allsides"].astype(str)
    return articles


def build_estimator(kind: str, transformer_options=None, memory=None):
    """The kind's unfitted classifier; ``"tfidf-nostrip"`` is tfidf without stripping.

    ``transformer_options`` go to ``make_ideology_classifier("transformer", ...)`` only;
    ``memory`` is the stripper's cache of fits (``OutletSignatureStripper(memory=...)``).
    """
    from framing.models import make_ideology_classifier

    if kind == "tfidf-nostrip":
        return make_ideology_classifier("tfidf", strip=False)
    strip = {"memory": memory}
    if kind == "transformer":
        return make_ideology_classifier(kind, strip=strip, **(transformer_options or {}))
    return make_ideology_classifier(kind, strip=strip)


@contextlib.contextmanager
def signature_cache(folder):
    """A joblib cache for the stripper's fits, in a new subfolder of ``folder``.

    Every kind of one run is cross-validated on the same folds, so with this cache each
    fold's outlet signatures are learned once rather than once per kind. The subfolder is
    removed on exit: a later run, perhaps with a changed library, learns them afresh.

    Yields
    ------
    joblib.Memory
    """
    from joblib import Memory

    Path(folder).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="signature-cache-", dir=folder) as location:
        yield Memory(location, verbose=0)


#: Relative cost of a kind's cross-validation, to start the slow ones first in parallel.
_EXPECTED_COST = {"transformer": 100, "tfidf": 3, "embeddings": 3, "features": 2}


def _evaluate_kind(kind, articles, *, splits, seeds, n_splits, transformer_options, memory):
    """One kind's :func:`framing.models.evaluate` result and its seconds (a process's task)."""
    from framing.models import evaluate

    started = time.perf_counter()
    result = evaluate(build_estimator(kind, transformer_options, memory),
                      articles["input"], articles["label"],
                      groups=articles["meta_source"].to_numpy(),
                      dates=articles["date"], split=list(splits), n_splits=n_splits,
                      seeds=tuple(seeds))
    return result, time.perf_counter() - started


def evaluate_kinds(articles: pd.DataFrame, kinds, *, splits=("random", "outlet"),
                   seeds=(0, 1, 2), n_splits: int = 5, verbose: bool = True,
                   pooled=False, transformer_options=None, memory=None,
                   n_jobs: int = 1) -> pd.DataFrame:
    """Cross-validate each kind on the same folds; return every fold's scores.

    Parameters
    ----------
    articles : DataFrame
        As :func:`load_data` returns (columns ``input``, ``label``, ``meta_source``,
        ``date``), or a sample of it.
    kinds : sequence of str
        Of :data:`KNOWN_KINDS`. ``"ensemble"`` averages the out-of-fold probabilities of
        :data:`ENSEMBLE_MEMBERS`, which are evaluated for it whether listed or not (only
        those listed get rows).
    splits : sequence of str, default ("random", "outlet")
    seeds : sequence of int, default (0, 1, 2)
    n_splits : int, default 5
    verbose : bool, default True
        Print one line per kind: its time and the rows no split used.
    pooled : bool or sequence of str, default False
        Also score kinds with their probabilities averaged over each test fold's
        articles of one outlet (kind ``"<kind>+pooled"``: what
        ``make_ideology_classifier(kind, pool_outlets=True)`` predicts given the test
        rows' outlets; an outlet-level answer). ``True`` pools every kind in ``kinds``;
        a sequence pools those kinds only (each must be in ``kinds``).
    transformer_options : dict, optional
        Settings of the ``"transformer"`` kind (for example ``{"max_chunks": 1}``).
    memory : None, str, path or joblib.Memory, optional
        Cache of the outlet-signature stripper's fits, shared by the kinds (see
        :func:`signature_cache`); None learns the signatures again for every kind.
    n_jobs : int, default 1
        Kinds cross-validated at once, each in its own process (the kinds are
        independent; the scores are the same whatever the number).

    Returns
    -------
    DataFrame
        Long: kind, split, seed, fold, metric, value, n_train, n_test, as
        :attr:`framing.models.Evaluation.scores` with a ``kind`` column; the ensemble's
        ``fit_seconds`` is the sum of its members'.
    """

    unknown = set(kinds) - set(KNOWN_KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}; known: {', '.join(KNOWN_KINDS)}")
    pooled = list(kinds) if pooled is True else list(pooled or ())
    if set(pooled) - set(kinds):
        raise ValueError(f"pooled kinds {sorted(set(pooled) - set(kinds))} are not in "
                         f"kinds {list(kinds)}")
    classes = np.unique(articles["label"])
    needed = set(kinds) | (set(ENSEMBLE_MEMBERS) if "ensemble" in kinds else set())
    order = [k for k in KNOWN_KINDS if k in needed and k != "ensemble"]
    predictions, kind_scores = {}, {}
    settings = {"splits": list(splits), "seeds": tuple(seeds), "n_splits": n_splits,
                "transformer_options": transformer_options, "memory": memory}
    if n_jobs > 1 and len(order) > 1:
        from joblib import Parallel, delayed

        # The slowest kinds first, so that the last to finish is a short one.
        slowest_first = sorted(order, key=lambda k: -_EXPECTED_COST.get(k, 1))
        from joblib.externals.loky import get_reusable_executor

        results = Parallel(n_jobs=min(n_jobs, len(order)))(
            delayed(_evaluate_kind)(kind, articles, **settings) for kind in slowest_first)
        done = dict(zip(slowest_first, results, strict=True))
        # Stop the idle workers now: a process that started them waits for them on exit,
        # and joblib keeps them alive for minutes in case more work comes.
        get_reusable_executor().shutdown(wait=True)
    else:
        done = {}
    for kind in order:
        result, seconds = done[kind] if kind in done else _evaluate_kind(kind, articles,
                                                                         **settings)
        if verbose:
            print(f"{kind}: {seconds:.0f}s; excluded {result.excluded}", flush=True)
        predictions[kind] = result.predictions
        kind_scores[kind] = result.scores.assign(kind=kind)
    all_scores = [kind_scores[k] for k in order if k in kinds]
    if "ensemble" in kinds:
        pred = ensemble_predictions(predictions, ENSEMBLE_MEMBERS)
        scores = scores_from_predictions(pred, classes)
        # Members evaluated only for the ensemble count too: it fits all of them.
        fit = pd.concat([kind_scores[k] for k in order if k in ENSEMBLE_MEMBERS])
        fit = fit[fit["metric"] == "fit_seconds"].groupby(["split", "seed", "fold"])["value"]
        fit = fit.sum().reset_index().assign(metric="fit_seconds", n_train=np.nan,
                                             n_test=np.nan)
        all_scores.append(pd.concat([scores, fit], ignore_index=True).assign(kind="ensemble"))
        kind_scores["ensemble"], predictions["ensemble"] = all_scores[-1], pred
    if pooled:
        outlets = articles["meta_source"].to_numpy()
        for kind in [k for k in KNOWN_KINDS if k in pooled]:
            scores = scores_from_predictions(pooled_predictions(predictions[kind], outlets),
                                             classes)
            fit = kind_scores[kind][kind_scores[kind]["metric"] == "fit_seconds"]
            all_scores.append(pd.concat([scores, fit.drop(columns="kind")],
                                        ignore_index=True).assign(kind=f"{kind}+pooled"))
    return pd.concat(all_scores, ignore_index=True)


def strip_report(articles: pd.DataFrame) -> pd.DataFrame:
    from framing.models import OutletSignatureStripper

    stripper = OutletSignatureStripper().fit(articles["input"], groups=articles["meta_source"])
    report = stripper.report(articles["input"], groups=articles["meta_source"])
    total = articles["input"].str.len().sum()
    print(f"\nStripper fitted on all {len(articles)} articles (display only): "
          f"{len(stripper.shingles_)} outlet shingles, "
          f"{sum(len(v) for v in stripper.names_.values())} outlet name variants; "
          f"removes {report['n_chars'].sum():,} of {total:,} characters "
          f"({100 * report['n_chars'].sum() / total:.2f}%).")
    by_rule = report.groupby("rule")[["count", "n_chars"]].sum().sort_values("n_chars",
                                                                              ascending=False)
    print(by_rule.to_string())
    print("\nMost frequent removals:")
    with pd.option_context("display.max_colwidth", 70, "display.width", 160):
        print(report.head(25).to_string())
    return report


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default=",".join(ALL_KINDS))
    parser.add_argument("--splits", default="random,outlet")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--n-splits", type=int, default=5)
    parser.add_argument("--transformer-max-chunks", type=int, default=None,
                        help="windows kept per article by the transformer kind (default 4)")
    parser.add_argument("--no-pooled", action="store_true",
                        help="leave out the outlet-pooled rows (<kind>+pooled)")
    parser.add_argument("--save-model", default=None,
                        help="fit the default kind on all articles, save it (skops) in the "
                             "data home and write models/NAME/MODEL_CARD.md")
    args = parser.parse_args(argv)
    use_local_mirror()

    kinds = [k for k in args.kinds.split(",") if k]
    splits = [s for s in args.splits.split(",") if s]
    seeds = tuple(int(s) for s in args.seeds.split(","))
    articles = load_data()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"AllSides immigration/sanctuary subset: {len(articles)} articles (duplicates "
          f"dropped), {articles['meta_source'].nunique()} outlets; labels "
          f"{articles['label'].value_counts().to_dict()}; splits {splits}, "
          f"{args.n_splits} folds, seeds {seeds}")
    report = strip_report(articles)
    report.to_csv(OUT / "ideology_strip_report.csv", index=False)

    with signature_cache(OUT) as memory:
        scores = evaluate_kinds(articles, kinds, splits=splits, seeds=seeds,
                                n_splits=args.n_splits, pooled=not args.no_pooled,
                                transformer_options=(
                                    {} if args.transformer_max_chunks is None
                                    else {"max_chunks": args.transformer_max_chunks}),
                                memory=memory)
    summary = summarise(scores)
    scores.to_csv(OUT / "ideology_unseen_outlets_scores.csv", index=False)
    summary.to_csv(OUT / "ideology_unseen_outlets.csv", index=False)
    table = summary[summary["metric"] == "f1_macro"][
        ["kind", "split", "mean", "ci_low", "ci_high", "n", "fit_seconds_mean"]]
    print("\nMacro-F1 (mean over folds x seeds, 95% t-interval; folds share data, so the "
          "interval is approximate)")
    print(table.round(3).to_string(index=False))
    if args.save_model:
        save_default(args.save_model, articles, summary,
                     "python -m experiments.validation.ideology_unseen_outlets "
                     + " ".join(sys.argv[1:] if argv is None else argv))
    return summary


def save_default(name, articles, summary, command):
    """Fit the default kind on every article, save it with skops, write its model card."""
    from framing._config import get_data_home
    from framing.models import DEFAULT_IDEOLOGY_KIND, make_ideology_classifier, save_model
    from framing.models._card import data_checksum, write_model_card

    clf = make_ideology_classifier()
    started = time.perf_counter()
    clf.fit(articles["input"], articles["label"], strip__groups=articles["meta_source"])
    seconds = time.perf_counter() - started
    where = save_model(clf, get_data_home() / "models" / name / "model.skops")
    metrics = summary[(summary["kind"] == DEFAULT_IDEOLOGY_KIND)
                      & (summary["metric"] != "fit_seconds")][
        ["split", "metric", "mean", "ci_low", "ci_high", "n"]]
    card = write_model_card(
        Path("models") / name, name=name,
        summary=(f"Article ideology classifier (kind `{DEFAULT_IDEOLOGY_KIND}`, "
                 "`framing.models.make_ideology_classifier()`): left / center / right, "
                 "the AllSides rating of the article's outlet, predicted from the article's "
                 "title and text after outlet signatures are stripped."),
        data=(f"AllSides immigration/sanctuary subset of Baly et al. (2020) "
              f"(`framing.datasets.fetch_allsides()`), {len(articles)} articles after "
              f"dropping duplicates, {articles['meta_source'].nunique()} outlets; labels "
              f"{articles['label'].value_counts().to_dict()}. Input: title + body."),
        checksum=data_checksum(articles["input"], articles["label"]),
        command=command,
        training=(f"Fitted on all articles in {seconds:.0f} s on this machine's CPU "
                  f"({os.cpu_count()} cores); the stripper learned the signatures of all "
                  f"{articles['meta_source'].nunique()} outlets."),
        metrics=metrics,
        weights=f"`{where}` (skops; load with `framing.models.load_model`)",
        intended_use=("Describe the partisan alignment of the *language* of immigration "
                      "coverage, aggregated over many articles (an outlet, a period), with the "
                      "outlet-split uncertainty above; a feature for studying framing, not a "
                      "verdict on one article."),
        limits=("The label is the outlet's rating, not the article's: an article from a "
                "center outlet may be partisan and the model cannot know better than its "
                "labels. Read the outlet split, not the random split: on outlets unseen in "
                "training it is far weaker, and fold-to-fold variation is large because a "
                "few outlets (Washington Times 256 articles) dominate. Trained on 2012-2020 "
                "US immigration coverage in English; other topics and periods are out of "
                "distribution."))
    print(f"saved {where}; card {card}")


if __name__ == "__main__":
    main()
