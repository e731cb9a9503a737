"""framing.plot: each figure from the library's own tables, with its points, intervals and errors.

The tables are made by the library's functions on small hand-made corpora, so they have the
shape (columns, attrs, dtypes) users pass; figures are drawn on ``matplotlib.figure.Figure``
axes (no pyplot, no display) except where the ``ax=None`` path itself is tested.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from framing.compare import fightin_words, outlet_scores, rating_agreement
from framing.plot import (
    PALETTE,
    group_colours,
    plot_fightin_words,
    plot_frames,
    plot_outlet_scores,
    plot_rating_agreement,
    plot_term_choice_over_time,
)


def new_axes():
    return Figure(figsize=(6, 4)).subplots()


def point_count(ax) -> int:
    """Points drawn as markers (filled and hollow), one per estimate."""
    return sum(len(line.get_xdata()) for line in ax.get_lines() if line.get_marker() == "o")


def interval_count(ax) -> int:
    """Interval bars drawn by errorbar (one segment per interval)."""
    return sum(len(container.lines[2][0].get_segments()) for container in ax.containers
               if isinstance(container, ErrorbarContainer))


def hollow_count(ax) -> int:
    return sum(len(line.get_xdata()) for line in ax.get_lines()
               if line.get_marker() == "o" and line.get_markerfacecolor() == "white")


def colour_of_points(ax, label: str) -> str:
    (line,) = [line for line in ax.get_lines() if line.get_label() == label]
    return to_hex(line.get_color())


@pytest.fixture(scope="module")
def articles():
    """Five outlets in three leanings; outlet ``solo`` has a single article."""
    outlets = ["a"] * 4 + ["b"] * 4 + ["c"] * 4 + ["d"] * 4 + ["solo"]
    leaning = {"a": "left", "b": "left", "c": "center", "d": "right", "solo": "right"}
    texts = {
        "left": "Undocumented immigrants and families wait for the courts.",
        "center": "The city council and the courts discussed the budget.",
        "right": "Illegal aliens and criminal aliens crossed the border again.",
    }
    rows = []
    for i, outlet in enumerate(outlets):
        rows.append({"outlet": outlet, "label_allsides": leaning[outlet],
                     "text": f"{texts[leaning[outlet]]} Story {i} from {outlet}.",
                     "year": 2017 + i % 3})
    return pd.DataFrame(rows, index=pd.Index([f"id{i}" for i in range(len(rows))],
                                              name="article_id"))


@pytest.fixture(scope="module")
def features(articles):
    rng = np.random.default_rng(0)
    return pd.DataFrame({"loaded__loaded_index": rng.normal(size=len(articles)),
                         "term_choice__restrictionist_index": rng.uniform(-1, 1, len(articles))},
                        index=articles.index)


@pytest.fixture(scope="module")
def outlet_table(features, articles):
    return outlet_scores(features, articles, by="outlet", n_boot=50)


@pytest.fixture(scope="module")
def ratings(articles):
    return articles.groupby("outlet")["label_allsides"].first()


# -- plot_outlet_scores ------------------------------------------------------------------------

def test_outlet_scores_draws_one_point_per_outlet_and_an_interval_where_there_is_one(
        outlet_table, ratings):
    ax = new_axes()
    returned = plot_outlet_scores(outlet_table, "loaded__loaded_index", ratings=ratings, ax=ax)
    assert returned is ax
    assert point_count(ax) == 5
    # "solo" has one article: no interval, drawn hollow rather than as a zero-width interval.
    assert interval_count(ax) == 4
    assert hollow_count(ax) == 1
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(labels) == ["a (n=4)", "b (n=4)", "c (n=4)", "d (n=4)", "solo (n=1)"]
    assert "95% CI" in ax.get_title()


def test_outlet_scores_colours_points_by_rating_and_orders_the_legend_left_to_right(
        outlet_table, ratings):
    ax = plot_outlet_scores(outlet_table, "loaded__loaded_index", ratings=ratings,
                            ax=new_axes())
    assert colour_of_points(ax, "left") == PALETTE["blue"].lower()
    assert colour_of_points(ax, "right") == PALETTE["vermillion"].lower()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["left", "center", "right"]


def test_outlet_scores_sorts_rows_by_estimate(outlet_table):
    ax = plot_outlet_scores(outlet_table, "loaded__loaded_index", ax=new_axes())
    rows = outlet_table[outlet_table["feature"] == "loaded__loaded_index"]
    lowest = rows.sort_values("estimate")["group"].iloc[0]
    assert ax.get_yticklabels()[0].get_text().startswith(f"{lowest} ")


def test_outlet_scores_needs_a_feature_when_the_table_holds_several(outlet_table):
    with pytest.raises(ValueError, match="choose one with feature=.*loaded__loaded_index"):
        plot_outlet_scores(outlet_table, ax=new_axes())
    with pytest.raises(ValueError, match="'nope' is not in the table"):
        plot_outlet_scores(outlet_table, "nope", ax=new_axes())


def test_outlet_scores_refuses_a_table_without_intervals(outlet_table):
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['ci_low', 'ci_high'\]"):
        plot_outlet_scores(outlet_table.drop(columns=["ci_low", "ci_high"]),
                           "loaded__loaded_index", ax=new_axes())


def test_outlet_scores_without_ax_makes_a_pyplot_figure(outlet_table):
    import matplotlib.pyplot as plt

    ax = plot_outlet_scores(outlet_table, "loaded__loaded_index")
    try:
        assert ax.figure in [plt.figure(n) for n in plt.get_fignums()]
        assert point_count(ax) == 5
    finally:
        plt.close(ax.figure)


def test_outlet_scores_names_a_missing_ratings_column(outlet_table):
    with pytest.raises(ValueError, match="ratings='lean' is not a column"):
        plot_outlet_scores(outlet_table, "loaded__loaded_index", ratings="lean", ax=new_axes())


# -- plot_fightin_words ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fightin_table(articles):
    return fightin_words(articles, "label_allsides", groups=["left", "right"],
                         max_outlet_share=None, n_perm=0)


def test_fightin_words_draws_every_term_of_the_comparison_once(fightin_table):
    ax = plot_fightin_words(fightin_table, "left", ax=new_axes())
    n_terms = int((fightin_table["group"] == "left").sum())
    drawn = sum(len(c.get_offsets()) for c in ax.collections)
    assert drawn == n_terms
    assert ax.get_xscale() == "log"
    assert ax.get_ylabel() == "z-score of the log-odds ratio, left vs right"


def test_fightin_words_marks_robust_terms_filled_and_names_the_strongest(fightin_table):
    table = fightin_table.copy()
    # Hand-set flags, so the test does not depend on what a tiny corpus makes significant.
    table["significant"] = False
    table["robust"] = False
    left = table.index[table["group"] == "left"]
    top, second, bottom = left[0], left[1], left[-1]
    table.loc[[top, second, bottom], "significant"] = True
    table.loc[top, "robust"] = True
    ax = plot_fightin_words(table, "left", n_labels=5, ax=new_axes())
    plain, fragile, robust = ax.collections
    assert len(plain.get_offsets()) == len(left) - 3
    assert len(fragile.get_offsets()) == 2
    assert len(robust.get_offsets()) == 1
    assert to_hex(robust.get_facecolor()[0]) == PALETTE["blue"].lower()  # left's colour
    named = {t.get_text() for t in ax.texts}
    assert {table.at[top, "term"], table.at[second, "term"], table.at[bottom, "term"]} <= named
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "significant, not robust" in legend


def test_fightin_words_refuses_an_unknown_group_or_comparison(fightin_table):
    with pytest.raises(ValueError, match=r"group 'middle' is not in the table; it holds "
                                         r"\['left', 'right'\]"):
        plot_fightin_words(fightin_table, "middle", ax=new_axes())
    with pytest.raises(ValueError, match="has no comparison 'vs_rest'"):
        plot_fightin_words(fightin_table, "left", comparison="vs_rest", ax=new_axes())


def test_fightin_words_refuses_a_table_without_counts(fightin_table):
    with pytest.raises(ValueError, match="count_group"):
        plot_fightin_words(fightin_table.drop(columns="count_group"), ax=new_axes())


# -- plot_frames -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def frame_table(articles):
    rng = np.random.default_rng(1)
    shares = pd.DataFrame(rng.dirichlet([1, 1, 1], size=len(articles)),
                          columns=["frames__policy_legality", "frames__policy_economic",
                                   "frames__policy_political"], index=articles.index)
    return outlet_scores(shares, articles, by="label_allsides", n_boot=50)


def test_frames_draws_a_point_per_frame_and_group(frame_table):
    ax = new_axes()
    assert plot_frames(frame_table, ax=ax) is ax
    assert point_count(ax) == 9
    # center is one outlet: no two-stage interval (hollow); left and right have two outlets.
    assert interval_count(ax) == 6
    assert hollow_count(ax) == 3
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(ticks) == ["economic", "legality", "political"]  # shared prefix dropped
    means = frame_table.groupby("feature")["estimate"].mean().sort_values(ascending=False)
    assert ticks[0] == means.index[0].removeprefix("frames__policy_")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == "left (8 articles, 2 outlets)"


def test_frames_uses_labels_and_names_missing_columns(frame_table):
    labels = {"frames__policy_legality": "Legality", "frames__policy_economic": "Economic",
              "frames__policy_political": "Political"}
    ax = plot_frames(frame_table, labels=labels, ax=new_axes())
    assert {t.get_text() for t in ax.get_yticklabels()} == set(labels.values())
    renamed = frame_table.rename(columns={"feature": "frame"})
    assert point_count(plot_frames(renamed, frame="frame", ax=new_axes())) == 9
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['feature'\]"):
        plot_frames(renamed, ax=new_axes())


# -- plot_term_choice_over_time ----------------------------------------------------------------

@pytest.fixture(scope="module")
def time_table(features, articles):
    cell = articles["year"].astype(str) + "|" + articles["label_allsides"]
    table = outlet_scores(features[["term_choice__restrictionist_index"]], articles, by=cell,
                          n_boot=50)
    parts = table["group"].str.split("|", expand=True)
    return table.assign(year=parts[0].astype(int), group=parts[1])


def test_term_choice_over_time_draws_a_point_per_year_and_group(time_table):
    ax = new_axes()
    assert plot_term_choice_over_time(time_table, ax=ax) is ax
    assert point_count(ax) == len(time_table)
    with_interval = int(time_table[["ci_low", "ci_high"]].notna().all(axis=1).sum())
    assert interval_count(ax) == with_interval
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2017", "2018", "2019"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["left", "center", "right"]


def test_term_choice_over_time_leaves_out_hidden_cells_and_says_so(time_table):
    table = time_table.assign(shown=time_table["year"] != 2018)
    ax = plot_term_choice_over_time(table, ax=new_axes())
    assert point_count(ax) == int(table["shown"].sum())
    hidden = int((~table["shown"]).sum())
    assert any(f"{hidden} cells too small" in t.get_text() for t in ax.texts)
    # The line breaks over the missing year instead of bridging 2017 to 2019.
    left_line = next(line for line in ax.get_lines() if line.get_marker() in ("None", "", None)
                     and to_hex(line.get_color()) == PALETTE["blue"].lower())
    assert np.isnan(np.asarray(left_line.get_ydata(), dtype=float)).any()


def test_term_choice_over_time_refuses_a_table_without_periods(time_table):
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['year'\]"):
        plot_term_choice_over_time(time_table.drop(columns="year"), ax=new_axes())


# -- plot_rating_agreement ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def agreement_table():
    outlets = pd.DataFrame({"allsides_2019_num": [-2, -1, 0, 1, 2, 2, -2],
                            "mbfc_bias_num": [-2, -2, 0, 1, 1, 2, -1]},
                           index=list("abcdefg"))
    scores = pd.DataFrame({"restrictionist_index": [-0.5, -0.2, 0.0, 0.3, 0.6, 0.5, -0.4],
                           "loaded_index": [0.1, -0.3, 0.2, 0.0, 0.4, -0.1, 0.3]},
                          index=list("abcdefg"))
    return rating_agreement(scores, outlets, ratings=["allsides_2019_num", "mbfc_bias_num"],
                            n_boot=100)


def test_rating_agreement_draws_one_point_and_interval_per_score_and_rating(agreement_table):
    ax = new_axes()
    assert plot_rating_agreement(agreement_table, ax=ax) is ax
    assert point_count(ax) == 4
    assert interval_count(ax) == 4
    assert tuple(ax.get_xlim()) == (-1.05, 1.05)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["restrictionist_index",
                                                             "loaded_index"]
    assert sum(t.get_text() == "n=7" for t in ax.texts) == 4


def test_rating_agreement_skips_rows_without_rho_and_says_so(agreement_table):
    table = agreement_table.copy()
    table.loc[0, ["estimate", "ci_low", "ci_high"]] = np.nan
    ax = plot_rating_agreement(table, ax=new_axes())
    assert point_count(ax) == 3
    assert any("1 pairs with too few outlets" in t.get_text() for t in ax.texts)


def test_rating_agreement_refuses_a_table_without_estimates(agreement_table):
    with pytest.raises(ValueError, match=r"\['estimate'\].*rating_agreement"):
        plot_rating_agreement(agreement_table.drop(columns="estimate"), ax=new_axes())


# -- shared ------------------------------------------------------------------------------------

def test_group_colours_fix_leanings_and_share_out_the_rest():
    colours = group_colours(["Lean Right", "guardian", "left", "times"])
    assert colours["Lean Right"] == PALETTE["orange"]
    assert colours["left"] == PALETTE["blue"]
    # Non-leaning groups take free colours, never one a leaning in the figure already has.
    assert colours["guardian"] not in (PALETTE["orange"], PALETTE["blue"])
    assert len(set(colours.values())) == 4


def test_every_function_refuses_something_that_is_not_a_table():
    for plot in (plot_outlet_scores, plot_fightin_words, plot_frames,
                 plot_term_choice_over_time, plot_rating_agreement):
        with pytest.raises(TypeError, match="takes a DataFrame"):
            plot([1, 2, 3], ax=new_axes())


def test_importing_framing_does_not_import_matplotlib():
    import subprocess
    import sys

    code = ("import sys, framing, framing.plot, framing.explore, framing.report; "
            "print('matplotlib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
