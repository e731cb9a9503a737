"""Figure 1: loaded language by outlet, with 95% bootstrap CIs, ordered, coloured by rating.

Every AllSides article is scored with :class:`framing.features.LoadedLanguageScorer`; each
outlet's mean ``loaded_index`` gets a 95% CI from resampling its articles
(:func:`framing.compare.outlet_scores`). The table holds every outlet; the figure shows those
with at least ``min_articles`` articles.
"""

from __future__ import annotations

from ._context import Context
from ._data import ALLSIDES_CAPTION, allsides, outlet_names, score_articles
from ._style import caption, figure, style


def run(ctx: Context) -> None:
    from framing.compare import outlet_scores
    from framing.features import LoadedLanguageScorer
    from framing.plot import plot_outlet_scores

    articles = allsides(ctx)
    feature = ctx.config["feature"]
    features = score_articles(ctx, articles, [LoadedLanguageScorer()])[[feature]]
    with ctx.phase("bootstrap"):
        scores = outlet_scores(features, articles, by="outlet", n_boot=ctx.config["n_boot"],
                               random_state=ctx.seed)
    table = scores.join(outlet_names(articles), on="group")
    table["shown"] = table["n_articles"] >= ctx.config["min_articles"]
    table = table.sort_values(["estimate", "group"], ascending=[False, True])
    ctx.table(table, "loaded_by_outlet")

    shown = table[table["shown"]].sort_values(["estimate", "group"]).reset_index(drop=True)
    with ctx.phase("figure"), style():
        fig, ax = figure(7.0, max(3.0, 0.22 * len(shown) + 1.2))
        plot_outlet_scores(shown, feature, ratings="lean",
                           labels=shown.set_index("group")["name"], ax=ax, caption=False)
        ax.set_xlabel("mean loaded_index per article (log-odds that a sentence is biased, "
                      "BABE-fitted; higher = more loaded)")
        ax.set_title("Loaded language by outlet, immigration coverage (95% CI)")
        ax.legend(loc="lower right", title="outlet rating (AllSides)")
        caption(fig, f"{ALLSIDES_CAPTION} Outlets with >= {ctx.config['min_articles']} "
                     "articles; CIs resample each outlet's articles "
                     f"({ctx.config['n_boot']} bootstrap draws).")
        ctx.save_figure(fig, "loaded_by_outlet")
    top, bottom = shown.iloc[-1], shown.iloc[0]
    ctx.report(outlets_shown=int(len(shown)), most_loaded=f"{top['name']} {top['estimate']:.2f}",
               least_loaded=f"{bottom['name']} {bottom['estimate']:.2f}")
