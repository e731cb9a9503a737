"""Figure 7: do per-outlet scores agree with AllSides and MBFC bias ratings?

Every AllSides article is scored with :class:`framing.features.TermChoiceScorer` and
:class:`framing.features.LoadedLanguageScorer`. Each outlet with at least ``min_articles``
articles gets its mean ``restrictionist_index`` and ``loaded_index`` (95% CIs from resampling
its articles, :func:`framing.compare.outlet_scores`), and
:func:`framing.compare.rating_agreement` ranks them against three outlet-level ratings on
the -2 (left) .. +2 (right) scale of :func:`framing.datasets.fetch_outlet_ratings`: AllSides
2019, AllSides 2022 and Media Bias/Fact Check. Spearman's rho gets a 95% CI from resampling
outlets.

Outputs: ``outlet_agreement.csv`` (rho, CI, p-value, n per score and rating),
``outlet_agreement_outlets.csv`` (per outlet: name, lean, articles, the two means with CIs,
the three ratings) and the figure drawn from both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._context import Context
from ._data import ALLSIDES_CAPTION, allsides, outlet_names, score_articles
from ._style import LEAN_COLOURS, LEAN_ORDER, caption, figure, style

RATING_TITLES = {"allsides_2019_num": "AllSides rating (2019)",
                 "allsides_2022_num": "AllSides rating (2022)",
                 "mbfc_bias_num": "MBFC bias rating"}
SCALE = {-2: "left", -1: "lean\nleft", 0: "center", 1: "lean\nright", 2: "right"}
FEATURE_TITLES = {
    "term_choice__restrictionist_index": "restrictionist_index\n(mean per article; "
                                         "+ = restrictionist labels)",
    "loaded__loaded_index": "loaded_index\n(mean per article; log-odds)",
}


def run(ctx: Context) -> None:
    from framing.compare import outlet_scores, rating_agreement
    from framing.datasets import fetch_outlet_ratings
    from framing.features import LoadedLanguageScorer, TermChoiceScorer

    config = ctx.config
    features = list(config["features"])
    ratings = list(config["ratings"])
    articles = allsides(ctx)
    with ctx.phase("data"):
        outlets = fetch_outlet_ratings()
    ctx.use_dataset("outlet_ratings", outlets)
    scores = score_articles(ctx, articles, [TermChoiceScorer(), LoadedLanguageScorer()])[features]
    names = outlet_names(articles)
    kept = names.index[names["n_articles"] >= config["min_articles"]]
    with ctx.phase("bootstrap"):
        per_outlet = outlet_scores(scores.loc[articles["outlet"].isin(kept)],
                                   articles[articles["outlet"].isin(kept)], by="outlet",
                                   n_boot=config["n_boot"], random_state=ctx.seed)
    wide = per_outlet.pivot(index="group", columns="feature",
                            values=["estimate", "ci_low", "ci_high"])
    wide.columns = [f"{feature}_{stat}" if stat != "estimate" else feature
                    for stat, feature in wide.columns]
    outlet_table = names.loc[kept].join(wide).join(outlets[ratings])
    outlet_table.index.name = "outlet"
    outlet_table = outlet_table.sort_index()

    # loaded_index measures how loaded, not which side: against |rating| (distance from
    # center) it could agree where the signed rating cannot. Those rows are table-only.
    extremity = {f"{r}_abs": outlets[r].abs() for r in ratings}
    with ctx.phase("bootstrap"):
        agreement = rating_agreement(outlet_table[features], outlets.assign(**extremity),
                                     ratings=ratings + list(extremity),
                                     n_boot=config["n_boot"], random_state=ctx.seed)
    ctx.table(agreement, "outlet_agreement")
    ctx.table(outlet_table, "outlet_agreement_outlets", index=True)
    with ctx.phase("figure"):
        _draw(ctx, pd.read_csv(ctx.out / "outlet_agreement.csv"),
              pd.read_csv(ctx.out / "outlet_agreement_outlets.csv", index_col="outlet"),
              features, ratings)

    report = {"outlets": int(len(kept)), "min_articles": int(config["min_articles"])}
    for row in agreement.itertuples():
        short = row.feature.split("__")[-1]
        report[f"rho_{short}_{row.group}"] = (
            f"{row.estimate:.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}] (n={row.n})")
    ctx.report(**report)


def _jitter(index: pd.Index, seed: int) -> pd.Series:
    """A fixed horizontal offset per outlet, so tied ratings do not hide each other."""
    rng = np.random.default_rng(seed)
    return pd.Series(rng.uniform(-0.18, 0.18, size=len(index)), index=index)


def _draw(ctx: Context, agreement: pd.DataFrame, outlet_table: pd.DataFrame,
          features: list[str], ratings: list[str]) -> None:
    jitter = _jitter(outlet_table.index, ctx.seed)
    with style():
        fig, axes = figure(3.1 * len(ratings) + 0.8, 2.9 * len(features) + 0.9,
                           nrows=len(features), ncols=len(ratings), sharex=True,
                           sharey="row", squeeze=False)
        for i, feature in enumerate(features):
            for j, rating in enumerate(ratings):
                ax = axes[i][j]
                rho = agreement[(agreement["feature"] == feature)
                                & (agreement["group"] == rating)].iloc[0]
                rows = outlet_table[outlet_table[rating].notna()
                                    & outlet_table[feature].notna()]
                for lean in [*LEAN_ORDER, "other"]:
                    mask = (rows["lean"] == lean) if lean != "other" else \
                        ~rows["lean"].isin(LEAN_ORDER)
                    part = rows[mask]
                    if part.empty:
                        continue
                    x = part[rating] + jitter.loc[part.index]
                    y = part[feature]
                    colour = LEAN_COLOURS.get(lean, "#000000")
                    ax.errorbar(x, y, yerr=[y - part[f"{feature}_ci_low"],
                                            part[f"{feature}_ci_high"] - y],
                                fmt="o", markersize=4, color=colour, ecolor=colour,
                                elinewidth=0.7, alpha=0.85, capsize=0,
                                label=lean if lean != "other" else "no AllSides lean")
                ax.set_title(f"Spearman rho = {rho['estimate']:.2f} "
                             f"[{rho['ci_low']:.2f}, {rho['ci_high']:.2f}], n = {rho['n']}",
                             fontsize=8, fontweight="normal")
                if i == len(features) - 1:
                    ax.set_xlabel(f"{RATING_TITLES.get(rating, rating)}\n(-2 left .. +2 right)")
                    ax.set_xticks(list(SCALE), list(SCALE.values()), fontsize=7)
                if j == 0:
                    ax.set_ylabel(FEATURE_TITLES.get(feature, feature))
                ax.grid(axis="x", visible=False)
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, title="outlet's AllSides\nrating in the corpus",
                   loc="outside right upper")
        fig.suptitle("Per-outlet scores against outlet bias ratings (95% CIs)",
                     fontweight="bold", fontsize=10)
        caption(fig, f"{ALLSIDES_CAPTION} Outlets with >= {ctx.config['min_articles']} "
                     "articles; points are outlet means (bars: 95% CI from resampling the "
                     "outlet's articles), spread sideways so tied ratings stay visible. "
                     "Ratings: AllSides 2019 and 2022, Media Bias/Fact Check, on -2..+2 "
                     "(framing.datasets.fetch_outlet_ratings). rho: Spearman with average "
                     "ranks for ties; CI from resampling outlets "
                     f"({ctx.config['n_boot']} draws). Ratings judge outlets, not these "
                     "articles. loaded_index measures how loaded, not which side; its rho "
                     "with the distance from center (|rating|) is in the table.")
        ctx.save_figure(fig, "outlet_agreement")
