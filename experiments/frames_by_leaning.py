"""Figure 2: policy-frame distribution by outlet leaning, with two-stage cluster-bootstrap CIs.

Every AllSides article is scored with :class:`framing.features.FrameScorer`
(``method="lexicon"``, the 14 Media Frames Corpus policy frames): each frame's share of the
article's seed-word evidence. Articles with no frame evidence at all (``policy_none``) have no
distribution; they are left out of the shares and their proportion is reported as its own
row. Per AllSides leaning, the mean share of each frame gets a 95% CI from
:func:`framing.compare.outlet_scores` with ``by="label_allsides"``: a two-stage bootstrap
that resamples the leaning's outlets, then each drawn outlet's articles, because a leaning
is a handful of outlets, not thousands of independent articles. Done for the whole corpus
and for the sanctuary-related articles (``meta_sanctuary_related``).

Outputs: ``frames_by_leaning.csv`` (subset, frame, leaning, estimate, CI, n, outlets,
overall share and rank) and the figure drawn from it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._context import Context
from ._data import ALLSIDES_CAPTION, allsides, score_articles
from ._style import LEAN_COLOURS, LEAN_ORDER, caption, figure, style

SUBSET_TITLES = {"all": "All immigration articles", "sanctuary": "Sanctuary-related articles"}


#: The zero-shot frame validation this figure's caption reports (frames_zero_shot.py).
VALIDATION = Path(__file__).resolve().parent / "results" / "frames_zero_shot.json"


def validity_note(path: Path = VALIDATION) -> str:
    """How well the figure's measure agrees with coders, from the saved validation."""
    import json

    record = json.loads(path.read_text(encoding="utf-8"))
    gvfc = record["current"]["gvfc"]["lexicon"]
    best = max(("lexicon", "embedding", "both"),
               key=lambda m: record["current"]["gvfc"][m]["macro_f1"])
    return (f"Validity: no coded immigration data exist for these frames; on {gvfc['n']:,} "
            "gun-violence headlines whose coders' primary frames map onto them (GVFC), the "
            f"lexicon's primary frame agrees with the coders for {gvfc['accuracy']:.0%} "
            f"(majority class {gvfc['majority_accuracy']:.0%}; macro-F1 "
            f"{gvfc['macro_f1']:.2f}), the best of the scorer's methods ({best}); read the "
            "shares as a comparison of vocabulary between leanings, not as coded frames.")


def _subset(articles: pd.DataFrame, name: str) -> pd.DataFrame:
    if name == "all":
        return articles
    if name == "sanctuary":
        return articles[articles["meta_sanctuary_related"]]
    raise ValueError(f"unknown subset {name!r}; known: {', '.join(SUBSET_TITLES)}")


def frame_table(features: pd.DataFrame, articles: pd.DataFrame, frames: list[str],
                labels: dict[str, str], *, n_boot: int, seed: int, subset: str) -> pd.DataFrame:
    """Per leaning: mean share of each frame (articles with evidence) and the none-rate."""
    from framing.compare import outlet_scores

    none = features["frames__policy_none"] >= 0.5
    shares = features[[f"frames__policy_{f}" for f in frames]].mask(none)
    shares.columns = frames
    # Each frame's share of all the subset's frame evidence (pooled over articles with any):
    # the order of the figure, and a reference line per frame.
    overall = shares.mean()
    table = outlet_scores(shares, articles, by="label_allsides", n_boot=n_boot,
                          random_state=seed)
    none_rate = outlet_scores(none.astype(np.float64).rename("no_frame_evidence").to_frame(),
                              articles, by="label_allsides", n_boot=n_boot,
                              random_state=seed)
    table = pd.concat([table, none_rate], ignore_index=True)
    table = table.rename(columns={"feature": "frame", "group": "leaning"})
    table["label"] = table["frame"].map(labels).fillna("no frame evidence (share of articles)")
    table["overall"] = table["frame"].map(overall).fillna(float(none.mean()))
    order = {f: i + 1 for i, f in enumerate(overall.sort_values(ascending=False, kind="stable")
                                           .index)}
    table["rank"] = table["frame"].map(order).fillna(len(order) + 1).astype(int)
    table.insert(0, "subset", subset)
    table["leaning"] = pd.Categorical(table["leaning"], categories=list(LEAN_ORDER))
    return table.sort_values(["rank", "leaning"]).reset_index(drop=True)


def run(ctx: Context) -> None:
    from framing.features import FrameScorer, frame_definitions

    articles = allsides(ctx)
    definitions = frame_definitions("policy")
    frames = definitions["frame"].tolist()
    labels = dict(zip(definitions["frame"], definitions["label"], strict=True))
    features = score_articles(ctx, articles, [FrameScorer(typologies="policy", method="lexicon")])
    tables = []
    for name in ctx.config["subsets"]:
        part = _subset(articles, name)
        with ctx.phase("bootstrap"):
            tables.append(frame_table(features.loc[part.index], part, frames, labels,
                                      n_boot=ctx.config["n_boot"], seed=ctx.seed,
                                      subset=name))
    table = pd.concat(tables, ignore_index=True)
    table["leaning"] = table["leaning"].astype(str)
    ctx.table(table, "frames_by_leaning")
    with ctx.phase("figure"):
        _draw(ctx, pd.read_csv(ctx.out / "frames_by_leaning.csv"))

    first = table[(table["subset"] == ctx.config["subsets"][0]) & (table["rank"] <= 3)]
    top = first.drop_duplicates("frame")["label"].tolist()
    report = {"top_frames_" + ctx.config["subsets"][0]: ", ".join(top)}
    for name in ctx.config["subsets"]:
        part = table[(table["subset"] == name) & (table["frame"] != "no_frame_evidence")]
        # The frame whose left-right gap is largest (in points of share), with both CIs.
        wide = part.pivot(index="frame", columns="leaning", values="estimate")
        if {"left", "right"} <= set(wide.columns):
            gap = (wide["right"] - wide["left"]).dropna()
            if len(gap):
                frame = gap.abs().idxmax()
                cell = part.set_index(["frame", "leaning"])
                left, right = cell.loc[(frame, "left")], cell.loc[(frame, "right")]
                report[f"largest_gap_{name}"] = (
                    f"{labels[frame]}: left {left['estimate']:.3f} "
                    f"[{left['ci_low']:.3f}, {left['ci_high']:.3f}], right "
                    f"{right['estimate']:.3f} [{right['ci_low']:.3f}, {right['ci_high']:.3f}]")
        report[f"articles_{name}"] = int(
            table.loc[(table["subset"] == name) & (table["frame"] == "no_frame_evidence"),
                      "n"].sum())
    ctx.report(**report)


def _draw(ctx: Context, table: pd.DataFrame) -> None:
    subsets = list(dict.fromkeys(table["subset"]))
    frames = table[table["frame"] != "no_frame_evidence"]
    with style():
        n_frames = frames["frame"].nunique()
        fig, axes = figure(3.6 * len(subsets) + 1.6, 0.36 * n_frames + 1.6,
                           ncols=len(subsets), sharex=True, sharey=True, squeeze=False)
        # Frames in the first subset's order (largest overall share at the top).
        order = (frames[frames["subset"] == subsets[0]].drop_duplicates("frame")
                 .sort_values("rank")[["frame", "label"]])
        position = {f: i for i, f in enumerate(order["frame"])}
        offsets = dict(zip(LEAN_ORDER, (-0.22, 0.0, 0.22), strict=True))
        for ax, name in zip(axes[0], subsets, strict=True):
            part = frames[frames["subset"] == name]
            for lean in LEAN_ORDER:
                rows = part[part["leaning"] == lean]
                if rows.empty:
                    continue
                y = rows["frame"].map(position).to_numpy() + offsets[lean]
                est = rows["estimate"].to_numpy()
                err = np.vstack([est - rows["ci_low"].to_numpy(),
                                 rows["ci_high"].to_numpy() - est])
                n_articles = int(part.loc[part["leaning"] == lean, "n"].max())
                n_outlets = int(rows["n_clusters"].max())
                ax.errorbar(est, y, xerr=np.nan_to_num(err), fmt="o", markersize=3.5,
                            color=LEAN_COLOURS[lean], elinewidth=1.1, capsize=1.5,
                            label=f"{lean} ({n_articles} articles, {n_outlets} outlets)")
            none = table[(table["subset"] == name) & (table["frame"] == "no_frame_evidence")]
            title = f"{SUBSET_TITLES.get(name, name)} ({int(none['n'].sum()):,} articles)"
            if (none["estimate"] > 0).any():  # say how many had no frame word at all
                title += "\nno frame evidence: " + ", ".join(
                    f"{r.leaning} {r.estimate:.0%}" for r in none.itertuples())
            ax.set_title(title, fontsize=9)
            ax.set_xlabel("mean share of the article's frame evidence")
            ax.xaxis.set_major_formatter("{x:.0%}")
            ax.set_xlim(left=0)
            ax.legend(loc="lower right", title="outlet's AllSides rating",
                      title_fontsize=7, fontsize=7)
            ax.grid(axis="y", visible=False)
            for y in range(1, n_frames):
                ax.axhline(y - 0.5, color="#dddddd", linewidth=0.6, zorder=0)
        axes[0][0].set_yticks(range(n_frames), order["label"])
        axes[0][0].set_ylim(n_frames - 0.5, -0.5)
        none = table[(table["frame"] == "no_frame_evidence")
                     & (table["subset"] == subsets[0])]
        n_none, n_all = int(round((none["estimate"] * none["n"]).sum())), int(none["n"].sum())
        fig.suptitle("Policy frames of immigration coverage by outlet leaning (95% CI)",
                     fontweight="bold", fontsize=10)
        caption(fig, f"{ALLSIDES_CAPTION} Frames: Media Frames Corpus policy frames "
                     "(Boydstun et al. 2014), measured by framing's keyword lexicon "
                     "(FrameScorer, method='lexicon'): a frame's share counts seed-word "
                     "matches, so it measures vocabulary, not a coder's judgement. "
                     f"{validity_note()} Frames "
                     "ordered by overall share in the left panel; articles without any frame "
                     f"word ({n_none} of {n_all:,}) are left out of the shares. CIs: two-stage "
                     "cluster bootstrap "
                     f"(outlets, then their articles; {ctx.config['n_boot']} draws).")
        ctx.save_figure(fig, "frames_by_leaning")
