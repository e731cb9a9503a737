"""Figure 4: immigration term choice over time by outlet leaning, with cluster-bootstrap CIs.

Every dated AllSides article is scored with :class:`framing.features.TermChoiceScorer`. Per
publication year and AllSides leaning, three quantities, each with a 95% CI from a two-stage
cluster bootstrap (:func:`framing.compare.outlet_scores`: the cell's outlets resampled, then
each drawn outlet's articles):

* ``restrictionist_label``: mean rate per 1,000 words of the restrictionist labels of the
  authored ``immigration_terms`` lexicon ("illegal alien(s)", "illegal immigrant(s)",
  "illegals", "criminal alien(s)"...);
* ``pro_immigrant_label``: the same for "undocumented", "unauthorized immigrant(s)",
  "without legal status"...;
* ``share_restrictionist``: among articles that use a label of either side, the mean share
  of their labels that are restrictionist (``r / (r + p)`` per article).

Articles without a date are left out (and counted); cells with fewer than ``min_articles``
articles (``min_label_articles`` label-using articles for the share) are kept in the table
with ``shown = False`` and left out of the figure, which lists them.

Outputs: ``term_choice_over_time.csv`` and the figure drawn from it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._context import Context
from ._data import ALLSIDES_CAPTION, allsides, score_articles
from ._style import LEAN_ORDER, caption, figure, style

PANELS = {
    "restrictionist_label": ("Restrictionist labels", "rate per 1,000 words"),
    "pro_immigrant_label": ("Pro-immigrant labels", "rate per 1,000 words"),
    "share_restrictionist": ("Share restrictionist among label uses",
                             "share of an article's labels"),
}


def label_features(articles: pd.DataFrame, ctx: Context | None = None) -> pd.DataFrame:
    """Per article: the two label rates and the restrictionist share (NaN without labels).

    With ``ctx``, the scores come through the run's feature cache (and are timed).
    """
    from framing.features import TermChoiceScorer, extract_features

    scores = (extract_features(articles, [TermChoiceScorer()]) if ctx is None
              else score_articles(ctx, articles, [TermChoiceScorer()]))
    r = scores["term_choice__restrictionist_label"]
    p = scores["term_choice__pro_immigrant_label"]
    return pd.DataFrame({"restrictionist_label": r, "pro_immigrant_label": p,
                         "share_restrictionist": (r / (r + p)).where(r + p > 0)})


def run(ctx: Context) -> None:
    from framing.compare import outlet_scores

    config = ctx.config
    articles = allsides(ctx)
    dated = articles[articles["date"].notna()]
    features = label_features(dated, ctx)
    year = dated["date"].dt.year.astype(int)
    cell = year.astype(str) + "|" + dated["label_allsides"].astype(str)
    with ctx.phase("bootstrap"):
        table = outlet_scores(features, dated, by=cell, cluster="outlet",
                              n_boot=config["n_boot"], random_state=ctx.seed)
    parts = table["group"].str.split("|", expand=True)
    table.insert(1, "year", parts[0].astype(int))
    table.insert(2, "leaning", parts[1])
    size = cell.value_counts()
    table.insert(3, "n_articles", table["group"].map(size).astype(int))
    needed = np.where(table["feature"] == "share_restrictionist",
                      config["min_label_articles"], config["min_articles"])
    table["shown"] = (table["n_articles"] >= config["min_articles"]) & (table["n"] >= needed)
    table["leaning"] = pd.Categorical(table["leaning"], categories=list(LEAN_ORDER))
    table = (table.drop(columns="group")
             .sort_values(["feature", "year", "leaning"], key=_panel_order)
             .reset_index(drop=True))
    table["leaning"] = table["leaning"].astype(str)
    ctx.table(table, "term_choice_over_time")
    n_undated = int(len(articles) - len(dated))
    with ctx.phase("figure"):
        _draw(ctx, pd.read_csv(ctx.out / "term_choice_over_time.csv"), n_undated,
              len(articles))

    shown = table[table["shown"]]
    share = shown[shown["feature"] == "share_restrictionist"]
    report = {"articles": int(len(articles)), "undated_left_out": n_undated,
              "undated_share": round(n_undated / max(len(articles), 1), 3),
              "cells_hidden": int((~table.drop_duplicates(["year", "leaning"])["shown"]).sum()),
              "years_shown": f"{int(shown['year'].min())}-{int(shown['year'].max())}"
              if len(shown) else ""}
    for lean in ("left", "right"):
        rows = share[share["leaning"] == lean]
        if len(rows):
            first, last = rows.iloc[0], rows.iloc[-1]
            report[f"share_restrictionist_{lean}"] = (
                f"{int(first['year'])} {first['estimate']:.2f} "
                f"[{first['ci_low']:.2f}, {first['ci_high']:.2f}] -> {int(last['year'])} "
                f"{last['estimate']:.2f} [{last['ci_low']:.2f}, {last['ci_high']:.2f}]")
    ctx.report(**report)


def _panel_order(column: pd.Series) -> pd.Series:
    if column.name == "feature":
        return column.map({f: i for i, f in enumerate(PANELS)})
    return column


def _draw(ctx: Context, table: pd.DataFrame, n_undated: int, n_articles: int) -> None:
    from framing.plot import plot_term_choice_over_time

    config = ctx.config
    with style():
        fig, axes = figure(10.5, 3.6, ncols=len(PANELS), sharex=True)
        years = sorted(table.loc[table["shown"], "year"].unique())
        for ax, (feature, (title, unit)) in zip(axes, PANELS.items(), strict=True):
            plot_term_choice_over_time(table, feature, group="leaning", ylabel=unit, ax=ax,
                                       caption=False)
            ax.get_legend().remove()
            ax.set_title(title, fontsize=9)
            ax.set_xlabel("publication year")
            ax.set_xticks(years, [str(y) for y in years], rotation=45)
            ax.set_ylim(bottom=0)
            if feature == "share_restrictionist":
                ax.set_ylim(0, 1)
                ax.yaxis.set_major_formatter("{x:.0%}")
                ax.axhline(0.5, color="#999999", linewidth=0.7, linestyle=":")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, title="outlet's\nAllSides\nrating", loc="outside right upper")
        fig.suptitle("Immigration term choice over time by outlet leaning (95% CI)",
                     fontweight="bold", fontsize=10)
        cells = table.drop_duplicates(["year", "leaning"])
        hidden = cells[cells["n_articles"] < config["min_articles"]]
        hidden_text = "; ".join(f"{r.year} {r.leaning} ({r.n_articles})"
                                for r in hidden.itertuples()) or "none"
        caption(fig, f"{ALLSIDES_CAPTION} {n_articles - n_undated:,} dated articles "
                     f"({n_undated} of {n_articles:,} without a date left out). Labels from "
                     "framing's immigration_terms lexicon (TermChoiceScorer): restrictionist "
                     "= illegal alien(s)/immigrant(s)/migrant(s), illegals, criminal alien(s), "
                     "anchor baby; pro-immigrant = undocumented, unauthorized "
                     "immigrant(s)/migrant(s), without legal status/papers. Share: among "
                     "articles using any label. Points are means per article; CIs: two-stage "
                     f"cluster bootstrap (outlets, then their articles; {config['n_boot']} "
                     f"draws). Cells with < {config['min_articles']} articles hidden: "
                     f"{hidden_text}; share cells also need >= "
                     f"{config['min_label_articles']} label-using articles.")
        ctx.save_figure(fig, "term_choice_over_time")
