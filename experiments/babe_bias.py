"""Figure 6: sentence-level bias on BABE, our classifiers against published results.

BABE SG2 (Spinde et al. 2021: news sentences labelled Biased / Non-biased by expert
annotators) with the cheap kinds of :func:`framing.models.make_bias_classifier`,
cross-validated on stratified random folds (macro-F1 with 95% CIs), beside the macro-F1
that published models report on the same data, drawn as reference markers without CIs
(their own splits, not our folds) and the project's target as a line.

The data (:func:`experiments.validation.babe_classifier.load_data`: "No agreement"
dropped) and the evaluation
(:func:`~experiments.validation.babe_classifier.evaluate_kinds`, here with no prediction
cache, so the run writes only into its own folder) are the validation script's, so the two
give the same numbers. Smoke runs use a label-stratified sample of ``n_sentences``.

The fine-tuned transformer (the default kind) is not in the config: it takes 43-50
minutes per fold on an idle 2-core CPU (all-mpnet-base-v2; 7 with MiniLM).
``python -m experiments.validation.babe_classifier`` evaluates it.

Outputs: ``babe_bias.csv`` (kind, split, metric, mean, sd, ci_low, ci_high, n),
``babe_bias_folds.csv`` (every fold's value) and the figure, drawn from the first table
after it is written; ``fit_seconds.json`` is written but not recorded (timings vary).
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
from ._context import Context
from ._style import OKABE_ITO, caption, figure, style

KIND_NAMES = {"tfidf": "TF-IDF + LR", "features": "framing features + LR",
              "embeddings": "MiniLM embeddings + LR", "transformer": "fine-tuned MPNet",
              "ensemble": "ensemble (transformer,\nTF-IDF, features)"}


def run(ctx: Context) -> None:
    from ._cache import cached_call
    from .validation.babe_classifier import build_estimator, evaluate_kinds, load_data

    config = ctx.config
    kinds = list(config["kinds"])
    with ctx.phase("data"):
        sg2 = load_data()
    babe = stratified_sample(sg2, config.get("n_sentences"), ctx.seed)
    ctx.use_dataset("babe_sg2", sg2, rows_used=len(babe))
    ctx.datasets[-1].update(rows_in_dataset=len(sg2),
                            filter="'No agreement' sentences dropped")
    with ctx.phase("encoders"):
        record_encoders(ctx, {kind: build_estimator(kind, {}) for kind in kinds})
    # A rerun of the same code and data reads the whole result back.
    with ctx.phase("cross-validation"):
        scores = cached_call(evaluate_kinds, babe, kinds, seeds=config["seeds"],
                             n_splits=config["n_splits"], verbose=not ctx.smoke,
                             ignore=("verbose",), notes=ctx.timing.notes,
                             on_miss=lambda: _encode(ctx, babe["text"], kinds))
    note_fit_seconds(ctx, scores)
    table, path = write_score_tables(ctx, scores, "babe_bias")
    with ctx.phase("figure"):
        _draw(ctx, pd.read_csv(path), babe["label"].value_counts().sort_index())
    report_scores(ctx, table)
    ctx.report(sentences=len(babe))


def _encode(ctx: Context, texts: pd.Series, kinds) -> None:
    """Encode every sentence once, up front, for the kinds that embed (phase "encoding").

    The embeddings kind's folds then find each sentence in the encoder's caches (in this
    process, and on disk for later runs), so the phase shows what encoding costs.
    """
    from framing.models import TextEmbedder

    if "embeddings" in kinds:
        with ctx.phase("encoding"):
            TextEmbedder().fit_transform(texts)


def _draw(ctx: Context, table: pd.DataFrame, labels: pd.Series) -> None:
    from matplotlib.lines import Line2D

    config = ctx.config
    f1 = table[table["metric"] == "f1_macro"].set_index("kind")
    kinds = [k for k in config["kinds"] if k in f1.index]
    anchors = list(config["anchors"])
    _, colour, marker = SPLITS["random"]
    # Ours on top, a gap, then the published values.
    y_ours = np.arange(len(kinds), dtype=float)
    y_anchors = len(kinds) + 0.6 + np.arange(len(anchors))
    anchor_values = np.array([a["value"] for a in anchors], dtype=float)
    with style():
        fig, ax = figure(7.0, 0.42 * (len(kinds) + len(anchors)) + 2.3)
        handles = [draw_scores(ax, y_ours, f1.loc[kinds], colour=colour, marker=marker,
                               label="ours: 5-fold random split, mean and 95% CI"
                               if config["n_splits"] == 5 else
                               f"ours: {config['n_splits']}-fold random split, mean and "
                               "95% CI")]
        handles.append(ax.scatter(anchor_values, y_anchors, marker="D", s=36,
                                  facecolor="white", edgecolor="#000000", linewidth=1.2,
                                  zorder=3, label="published / reference (as reported; no CI)"))
        for value, height in zip(anchor_values, y_anchors, strict=True):
            # Written to the left: the target line runs just right of the top anchors.
            ax.annotate(f"{value:.3g}", (value, height), xytext=(-7, 0),
                        textcoords="offset points", ha="right", va="center", fontsize=7,
                        color="#333333")
        ax.axhline(len(kinds) - 0.2, color="#999999", linewidth=0.6)
        ax.axvline(config["target"], color="#000000", linewidth=1.0, alpha=0.8, zorder=1)
        handles.append(Line2D([], [], color="#000000", linewidth=1.0,
                              label=f"{config['target_label']}: {config['target']:g}"))
        ax.axvline(0.5, color=OKABE_ITO["grey"], linestyle=":", linewidth=1.0, zorder=1)
        handles.append(Line2D([], [], color=OKABE_ITO["grey"], linestyle=":", linewidth=1.0,
                              label="chance (random guessing): 0.5"))
        ax.set_yticks(np.concatenate([y_ours, y_anchors]),
                      [KIND_NAMES.get(k, k) for k in kinds] + [a["label"] for a in anchors])
        ax.set_ylim(y_anchors[-1] + 0.6 if len(anchors) else len(kinds) - 0.4, -0.6)
        ax.grid(axis="y", visible=False)
        low = np.nanmin(np.concatenate([f1.loc[kinds, "ci_low"], f1.loc[kinds, "mean"],
                                        anchor_values]))
        high = np.nanmax(np.concatenate([f1.loc[kinds, "ci_high"], anchor_values,
                                         [config["target"]]]))
        # At least 0.45-0.9, widened in steps of 0.05 when a value or a CI falls outside.
        ax.set_xlim(min(0.45, np.floor((low - 0.02) * 20) / 20),
                    max(0.9, np.ceil((high + 0.04) * 20) / 20))
        ax.set_xlabel("macro-F1 over Biased / Non-biased (0-1)")
        ax.set_title("Sentence bias on BABE: our classifiers vs published results "
                     "(macro-F1)")
        legend_below(ax, handles)
        counts = ", ".join(f"{label} {n:,}" for label, n in labels.items())
        caption(fig, "Data: BABE SG2 (Spinde et al. 2021), news sentences labelled by expert "
                     f"annotators, 'No agreement' dropped: {labels.sum():,} sentences "
                     f"({counts}). Ours: make_bias_classifier kinds with fixed defaults, "
                     f"{config['n_splits']}-fold StratifiedKFold "
                     f"({seed_text(config['seeds'])}); the features kind leaves out BABE's "
                     "own lexicon and loaded_index (fitted on BABE's labels). "
                     f"{CI_NOTE} Published values are as reported, on "
                     "their authors' splits, not our folds. The fine-tuned transformer "
                     "(framing's default kind) is left out: 43-50 minutes per fold on "
                     "a 2-core CPU, too slow for a run of every figure "
                     "(python -m experiments.validation.babe_classifier evaluates it). "
                     f"Sources: {config['anchor_sources']}")
        ctx.save_figure(fig, "babe_bias")
