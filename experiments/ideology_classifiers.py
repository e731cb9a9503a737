"""Figure 5: ideology classifiers on a random split and on unseen outlets, with 95% CIs.

An AllSides label is the rating of the article's *outlet*, so a classifier can score well
by recognising outlets rather than framing. Baly et al. (2020) showed the gap: a random
split (articles of every outlet on both sides) flatters, a "media split" (whole outlets
held out of training) does not. Each kind of :func:`framing.models.make_ideology_classifier`
is cross-validated on both, on the same folds:

* ``random``: :class:`~sklearn.model_selection.StratifiedKFold`;
* ``outlet``: :class:`~sklearn.model_selection.StratifiedGroupKFold` by outlet
  (``meta_source``): every outlet is in exactly one test fold.

The data (:func:`experiments.validation.ideology_unseen_outlets.load_data`: title + body,
duplicate articles dropped) and the evaluation
(:func:`~experiments.validation.ideology_unseen_outlets.evaluate_kinds`: the outlet
stripper fitted on training folds only, the ensemble as the mean of its members'
out-of-fold probabilities) are the validation script's, so the figure and the script give
the same numbers. A kind listed as ``"<kind>+pooled"`` scores ``<kind>``'s out-of-fold
probabilities averaged over each test fold's articles of one outlet: what
``make_ideology_classifier(kind, pool_outlets=True)`` predicts when told which test
articles share an outlet (never its label), an outlet-level answer drawn beside the
article-level one. Smoke runs use a label-stratified sample of ``n_articles`` articles.

Outputs: ``ideology_classifiers.csv`` (kind, split, metric, mean, sd, ci_low, ci_high, n
for macro-F1, accuracy, balanced accuracy and per-class F1), ``ideology_classifiers_folds.csv``
(every fold's value), and the figure, drawn from the first table after it is written.
``fit_seconds.json`` (mean training seconds per fold, by kind and split) is written but not
recorded in the manifest: timings differ from run to run, recorded outputs must not.

The tables, the dot plot and the helpers around them are shared with Figure 6
(:mod:`experiments._classifier_figures`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._classifier_figures import (
    CI_NOTE,
    SPLITS,
    draw_scores,
    legend_below,
    note_fit_seconds,
    record_encoders,
    report_scores,
    seed_text,
    stratified_sample,
    write_score_tables,
)
from ._context import Context, usable_cores
from ._data import ALLSIDES_CAPTION
from ._style import caption, figure, style

KIND_NAMES = {"tfidf-nostrip": "TF-IDF + LR,\noutlet signatures kept",
              "tfidf": "TF-IDF + LR", "features": "framing features + LR",
              "embeddings": "MiniLM embeddings + LR",
              "ensemble": "ensemble (TF-IDF,\nembeddings, features)",
              "transformer": "fine-tuned MiniLM"}
POOLED = "+pooled"


def kind_name(kind: str) -> str:
    """The figure's label of a kind; ``"<kind>+pooled"`` reads "<kind>, pooled over ..."."""
    if kind.endswith(POOLED):
        return f"{kind.removesuffix(POOLED)}, pooled over\neach outlet's articles"
    return KIND_NAMES.get(kind, kind)


def run(ctx: Context) -> None:
    from ._cache import cached_call, signature_memory
    from .validation.ideology_unseen_outlets import build_estimator, evaluate_kinds, load_data

    config = ctx.config
    # "<kind>+pooled" rows reuse <kind>'s out-of-fold probabilities: nothing more is fitted.
    pooled = [k.removesuffix(POOLED) for k in config["kinds"] if k.endswith(POOLED)]
    kinds = [k for k in config["kinds"] if not k.endswith(POOLED)]
    with ctx.phase("data"):
        corpus = load_data()
    articles = stratified_sample(corpus, config.get("n_articles"), ctx.seed)
    # As experiments._data.allsides records it: rows used, and rows after the filter.
    ctx.use_dataset("allsides", corpus, rows_used=len(articles))
    ctx.datasets[-1].update(rows_in_dataset=len(corpus),
                            filter="duplicates dropped (meta_duplicate_of)")
    with ctx.phase("encoders"):
        record_encoders(ctx, {kind: build_estimator(kind) for kind in kinds})
    # Per-kind progress lines only in full runs: they take many minutes. The kinds share
    # one disk cache of the stripper's fits, kept across runs (each fold's signatures are
    # learned once); a rerun of the same code and data reads the whole result back.
    with ctx.phase("cross-validation"):
        scores = cached_call(evaluate_kinds, articles, kinds, splits=config["splits"],
                             seeds=config["seeds"], n_splits=config["n_splits"],
                             verbose=not ctx.smoke, pooled=pooled, memory=signature_memory(),
                             n_jobs=usable_cores(), ignore=("verbose", "memory", "n_jobs"),
                             notes=ctx.timing.notes)
    note_fit_seconds(ctx, scores)
    table, path = write_score_tables(ctx, scores, "ideology_classifiers")
    with ctx.phase("figure"):
        _draw(ctx, pd.read_csv(path), n_articles=len(articles),
              n_outlets=articles["meta_source"].nunique())
    report_scores(ctx, table)
    ctx.report(articles=len(articles), outlets=int(articles["meta_source"].nunique()))


def _draw(ctx: Context, table: pd.DataFrame, *, n_articles: int, n_outlets: int) -> None:
    from matplotlib.lines import Line2D

    config = ctx.config
    f1 = table[table["metric"] == "f1_macro"]
    kinds = [k for k in config["kinds"] if k in set(f1["kind"])]
    splits = [s for s in SPLITS if s in set(f1["split"])]
    offsets = np.linspace(-0.17, 0.17, len(splits)) if len(splits) > 1 else [0.0]
    with style():
        fig, ax = figure(7.2, 0.6 * len(kinds) + 2.4)
        handles = []
        for split, offset in zip(splits, offsets, strict=True):
            name, colour, marker = SPLITS[split]
            rows = f1[f1["split"] == split].set_index("kind").loc[
                [k for k in kinds if k in set(f1.loc[f1["split"] == split, "kind"])]]
            y = np.array([kinds.index(k) for k in rows.index]) + offset
            handles.append(draw_scores(ax, y, rows, colour=colour, marker=marker,
                                       label=f"ours: {name}"))
        # Reference values: each anchor in its split's colour (dashed, then dotted...).
        styles = iter(["--", ":", (0, (5, 1, 1, 1))])
        for anchor in config["anchors"]:
            colour = SPLITS[anchor["split"]][1] if anchor.get("split") in SPLITS else "#555555"
            linestyle = next(styles)
            ax.axvline(anchor["value"], color=colour, linestyle=linestyle, linewidth=1.1,
                       zorder=1)
            handles.append(Line2D([], [], color=colour, linestyle=linestyle,
                                  label=f"{anchor['label']}: {anchor['value']:g}"))
        ax.axvline(config["target"], color="#000000", linestyle="-", linewidth=1.0,
                   alpha=0.8, zorder=1)
        handles.append(Line2D([], [], color="#000000", linewidth=1.0,
                              label=f"{config['target_label']}: {config['target']:g}"))
        ax.set_yticks(range(len(kinds)), [kind_name(k) for k in kinds])
        ax.set_ylim(len(kinds) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        ax.set_xlim(0.0, 1.0)
        ax.set_xlabel("macro-F1 over left / center / right (0-1; chance is about 0.33)")
        ax.set_title("Ideology classifiers: random split vs unseen outlets "
                     "(macro-F1, 95% CI)")
        legend_below(ax, handles)
        caption(fig, f"{ALLSIDES_CAPTION} Title + body, duplicates dropped: "
                     f"{n_articles:,} articles from {n_outlets} outlets. "
                     f"{config['n_splits']}-fold cross-validation ({seed_text(config['seeds'])}): "
                     "StratifiedKFold vs StratifiedGroupKFold by outlet; outlet signatures "
                     "(names, bylines, boilerplate) stripped as learned on training folds "
                     "only. \"Pooled over each outlet's articles\": the probabilities "
                     "averaged over a test fold's articles of one outlet (which articles share "
                     f"an outlet is known, its rating is not). {CI_NOTE} The fine-tuned "
                     "transformer kind is left out: far too slow on a CPU for a run of every "
                     "figure. Anchors: "
                     f"{config['anchor_sources']}")
        ctx.save_figure(fig, "ideology_classifiers")
