"""Figure 3: fightin' words, left- against right-leaning outlets, on sanctuary-policy articles.

The sanctuary-related AllSides articles (``meta_sanctuary_related``) of left- and
right-rated outlets are compared with :func:`framing.compare.fightin_words`: log-odds ratios
under an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), z-scores and
Benjamini-Hochberg q-values. Terms more than ``max_outlet_share`` of whose uses come from one
outlet (mastheads, bylines, boilerplate) are excluded first, and every term is refitted
leaving out one outlet at a time (``robust``: still past the FDR threshold whichever outlet
is left out) and checked against whole-outlet permutations (``p_perm``).

Outputs: ``fightin_words.csv`` (every term, both sides), ``fightin_words_excluded.csv``
(the outlet-signature terms removed), and the figure of the top terms per side drawn from
the first table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._context import Context
from ._data import ALLSIDES_CAPTION, allsides
from ._style import LEAN_COLOURS, caption, figure, style


def run(ctx: Context) -> None:
    from framing.compare import fightin_words

    config = ctx.config
    articles = allsides(ctx)
    groups = list(config["groups"])
    share = config["max_outlet_share"]
    with ctx.phase("fightin words and permutations"):
        table, excluded = fightin_words(
            articles, "label_allsides", groups=groups, prior_scale=config["prior_scale"],
            alpha=config["alpha"], max_outlet_share=None if share == "none" else share,
            n_perm=config["n_perm"], random_state=ctx.seed, return_excluded=True)
    attrs = table.attrs
    ctx.table(table, "fightin_words")
    ctx.table(excluded, "fightin_words_excluded")
    with ctx.phase("figure"):
        _draw(ctx, pd.read_csv(ctx.out / "fightin_words.csv", keep_default_na=False,
                               na_values=[""]), attrs, groups)

    report = {"documents": int(attrs["n_documents"]),
              "tokens": ", ".join(f"{g} {n:,}" for g, n in attrs["n_tokens"].items()),
              "terms_scored": int(table["term"].nunique()),
              "outlet_signature_terms_excluded": int(attrs["n_excluded"])}
    for group in groups:
        # Tests are two-sided: count the terms on this group's side (z > 0).
        part = table[(table["group"] == group) & (table["z"] > 0)]
        report[f"{group}_significant"] = int(part["significant"].sum())
        report[f"{group}_robust"] = int(part["robust"].sum())
        report[f"{group}_p_perm_below_0.05"] = int((part["p_perm"] < 0.05).sum())
        report[f"{group}_top5"] = ", ".join(f"{r.term} ({r.z:.1f})"
                                            for r in part.head(5).itertuples())
    ctx.report(**report)


def _draw(ctx: Context, table: pd.DataFrame, attrs: dict, groups: list[str]) -> None:
    n_top = ctx.config["n_top"]
    alpha = ctx.config["alpha"]
    with style():
        fig, axes = figure(7.6, 0.2 * n_top + 1.9, ncols=len(groups), sharex=True)
        for ax, group in zip(np.atleast_1d(axes), groups, strict=True):
            other = [g for g in groups if g != group][0]
            part = table[table["group"] == group]
            top = part.head(n_top).reset_index(drop=True)
            colour = LEAN_COLOURS.get(group, "#000000")
            y = np.arange(len(top))
            kinds = np.where(top["robust"], "robust",
                             np.where(top["significant"], "significant", "not"))
            for kind, fill, hatch in (("robust", colour, None),
                                      ("significant", "white", "/////"),
                                      ("not", "white", None)):
                rows = kinds == kind
                ax.barh(y[rows], top.loc[rows, "z"], color=fill, edgecolor=colour,
                        hatch=hatch, linewidth=0.9, height=0.72)
            for row in top.itertuples():
                ax.text(row.z + 0.15, row.Index, f"{row.count_group} vs {row.count_other}",
                        va="center", fontsize=6.5, color="#444444", zorder=3,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3})
            ax.set_yticks(y, top["term"])
            ax.set_ylim(len(top) - 0.5, -0.7)
            ax.grid(axis="y", visible=False)
            # Significance is two-sided: the smallest |z| the Benjamini-Hochberg rule passed.
            significant = part.loc[part["significant"], "z"].abs()
            if len(significant):
                threshold = float(significant.min())
                ax.axvline(threshold, color="#333333", linestyle="--", linewidth=0.8, zorder=1)
            ax.set_xlabel(f"z-score of the log-odds ratio, {group} vs {other}")
            ax.set_title(f"Used more by {group}-rated outlets\n"
                         f"({attrs['n_tokens'][group]:,} tokens)", fontsize=9)
        axes = np.atleast_1d(axes)
        axes[0].set_xlim(0, max(float(table.groupby("group")["z"].max().max()) * 1.25, 4))
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        handles = [Patch(facecolor="#777777", edgecolor="#777777",
                         label="significant, and robust to\nleaving out any one outlet"),
                   Patch(facecolor="white", edgecolor="#777777", hatch="/////",
                         label="significant, not robust"),
                   Patch(facecolor="white", edgecolor="#777777", label="not significant"),
                   Line2D([], [], color="#333333", linestyle="--", linewidth=0.8,
                          label=f"|z| needed for FDR {alpha:g}")]
        # Bars shorten down the panels: the lower right of a panel is free.
        axes[0].legend(handles=handles, loc="lower right", fontsize=7, frameon=True,
                        framealpha=0.95, edgecolor="none")
        fig.suptitle("Fightin' words on sanctuary-policy coverage: left- vs right-rated outlets",
                     fontweight="bold", fontsize=10)
        caption(fig, f"{ALLSIDES_CAPTION} {attrs['n_documents']} sanctuary-related articles "
                     f"of {' and '.join(groups)}-rated outlets. Log-odds ratios with an "
                     "informative Dirichlet prior (Monroe et al. 2008; prior_scale="
                     f"{attrs['prior_scale']:g}), Benjamini-Hochberg FDR {alpha:g}; numbers "
                     "beside bars: the term's count in this group vs the other. Terms over "
                     f"{attrs['max_outlet_share']:.0%} of whose uses come from one outlet "
                     f"were removed first ({attrs['n_excluded']:,} terms). Caveat: z treats "
                     "tokens as independent, but words cluster in outlets; only 'robust' "
                     "terms survive leaving out any single outlet.")
        ctx.save_figure(fig, "fightin_words")
