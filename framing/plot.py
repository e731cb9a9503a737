"""Figures from framing's result tables: one function per table, each returning a matplotlib Axes.

Every function takes a table exactly as the library returns it, draws on ``ax`` (a new
figure when it is None) and returns the Axes, so figures compose with the rest of
matplotlib::

    from framing.compare import outlet_scores
    from framing.plot import plot_outlet_scores

    table = outlet_scores(features[["loaded__loaded_index"]], articles)
    ax = plot_outlet_scores(table, ratings=articles.groupby("outlet")["label_allsides"].first())

* :func:`plot_outlet_scores`: :func:`framing.compare.outlet_scores`, as a forest plot;
* :func:`plot_fightin_words`: :func:`framing.compare.fightin_words`, z against frequency;
* :func:`plot_frames`: frame shares by group (``outlet_scores`` over the share columns of
  :class:`framing.features.FrameScorer`);
* :func:`plot_term_choice_over_time`: ``outlet_scores`` per period and group;
* :func:`plot_rating_agreement`: :func:`framing.compare.rating_agreement`.

What every figure shares:

* **Intervals are drawn** wherever the table has them; a point without one (a group with a
  single resampling unit) is drawn hollow, so a missing interval never passes for a narrow
  one.
* **Colours** come from :data:`PALETTE` (Okabe & Ito 2008), which stays distinguishable
  under the common colour-vision deficiencies. Political leanings keep one colour each in
  every figure (left blue, right vermillion, center grey, the "lean" ratings lighter).
* **Labels say what was measured**: axis labels name the feature and its unit, tick labels
  carry the number of articles behind each point, and a caption under the axes says what
  the points and bars are and how the interval was computed (``caption=False`` leaves it
  out, for a grid of panels).
* **A table lacking a column the figure needs** raises ``ValueError`` naming the missing
  columns and the ones present.

matplotlib is imported when a function is called, so ``import framing.plot`` stays cheap;
with ``ax=None`` a figure is created through :mod:`matplotlib.pyplot` (so it shows in
Jupyter); pass an Axes from ``matplotlib.figure.Figure`` to draw without pyplot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["PALETTE", "group_colours", "plot_fightin_words", "plot_frames", "plot_outlet_scores",
           "plot_rating_agreement", "plot_term_choice_over_time"]

#: The colours of every framing figure: Okabe & Ito's (2008) colour-blind-safe palette, in
#: the order groups without a fixed colour receive them. Political leanings have fixed
#: colours from it: left ``blue``, lean left ``sky``, center ``grey``, lean right
#: ``orange``, right ``vermillion``.
PALETTE: dict[str, str] = {
    "blue": "#0072B2", "vermillion": "#D55E00", "green": "#009E73", "purple": "#CC79A7",
    "orange": "#E69F00", "sky": "#56B4E9", "black": "#000000", "grey": "#999999",
    "yellow": "#F0E442",
}

# Leaning names as AllSides and MBFC write them, folded to lower case without separators.
_LEANING_COLOURS = {
    "left": "blue", "leanleft": "sky", "leftcenter": "sky", "centerleft": "sky",
    "center": "grey", "centre": "grey", "leastbiased": "grey",
    "leanright": "orange", "rightcenter": "orange", "centerright": "orange",
    "right": "vermillion",
}
# Where each leaning sits from left to right, to order groups that are all leanings.
_LEANING_ORDER = {"left": 0, "leanleft": 1, "leftcenter": 1, "centerleft": 1, "center": 2,
                  "centre": 2, "leastbiased": 2, "leanright": 3, "rightcenter": 3,
                  "centerright": 3, "right": 4}
# Colours for groups that are not leanings, in order; grey and yellow come last (grey
# reads as "center", yellow is faint on white).
_CYCLE = ("blue", "vermillion", "green", "purple", "orange", "sky", "black", "grey", "yellow")
_MUTED = "#bbbbbb"  # terms that are not significant
_TEXT = "#444444"


# -- shared helpers ------------------------------------------------------------------------

def _require(table, columns: Sequence[str], function: str, source: str) -> pd.DataFrame:
    """``table`` as a DataFrame holding ``columns``, else a ValueError naming what lacks."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{function} takes a DataFrame (the output of {source}), "
                        f"got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{function}: the table lacks the column(s) {missing} "
                         f"(it has {list(map(str, table.columns))}); "
                         f"pass the output of {source}")
    if table.empty:
        raise ValueError(f"{function}: the table has no rows")
    return table


def _one_feature(table: pd.DataFrame, feature: str | None, function: str,
                 column: str = "feature") -> tuple[pd.DataFrame, str | None]:
    """The rows of one feature: ``feature``, or the only one the table holds."""
    if column not in table.columns:
        return table, feature
    features = list(dict.fromkeys(table[column].astype(str)))
    if feature is None:
        if len(features) > 1:
            raise ValueError(f"{function}: the table holds {len(features)} features; choose "
                             f"one with feature=..., from {features}")
        feature = features[0]
    elif feature not in features:
        raise ValueError(f"{function}: feature {feature!r} is not in the table; it holds "
                         f"{features}")
    return table[table[column].astype(str) == feature], feature


def _axes(ax, width: float, height: float):
    """``ax``, or the Axes of a new pyplot figure of the given size (inches)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return ax


def _leaning_key(value) -> str:
    """A leaning name folded to lower-case letters (``"Lean Left"`` -> ``"leanleft"``)."""
    return "".join(ch for ch in str(value).lower() if ch.isalpha())


def _levels(values: pd.Series) -> list:
    """The distinct values: in categorical order; leanings from left to right; else in order
    of appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna())
        return [c for c in values.cat.categories if c in present]
    levels = list(dict.fromkeys(values.dropna()))
    if levels and all(_leaning_key(v) in _LEANING_ORDER for v in levels):
        levels.sort(key=lambda v: _LEANING_ORDER[_leaning_key(v)])
    return levels


def group_colours(groups: Sequence) -> dict:
    """A colour from :data:`PALETTE` for each group: leanings fixed, others in turn.

    Parameters
    ----------
    groups : sequence
        Group names, in the order they should take the free colours.

    Returns
    -------
    dict
        Group -> hex colour. Beyond nine non-leaning groups colours repeat.

    Examples
    --------
    >>> group_colours(["right", "Lean Left", "guardian"])
    {'right': '#D55E00', 'Lean Left': '#56B4E9', 'guardian': '#0072B2'}
    """
    colours, taken = {}, set()
    for group in groups:
        key = _leaning_key(group)
        if key in _LEANING_COLOURS:
            colours[group] = PALETTE[_LEANING_COLOURS[key]]
            taken.add(_LEANING_COLOURS[key])
    free = [name for name in _CYCLE if name not in taken] or list(_CYCLE)
    others = [g for g in groups if g not in colours]
    for i, group in enumerate(others):
        colours[group] = PALETTE[free[i % len(free)]]
    return colours


def _interval_label(table: pd.DataFrame) -> str:
    """``"95% CI"`` from the table's ``attrs["ci"]`` (set by outlet_scores), else ``"CI"``."""
    level = table.attrs.get("ci")
    return f"{level:.0%} CI" if isinstance(level, int | float) else "CI"


def _methods(table: pd.DataFrame) -> str:
    if "method" not in table.columns:
        return "method not recorded in the table"
    return "; ".join(str(m) for m in dict.fromkeys(table["method"].dropna()))


def _error_bars(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Estimates, (2, n) error lengths (0 where there is no interval), and which have one."""
    estimate = rows["estimate"].to_numpy(dtype=float)
    low = rows["ci_low"].to_numpy(dtype=float)
    high = rows["ci_high"].to_numpy(dtype=float)
    has = np.isfinite(low) & np.isfinite(high)
    errors = np.vstack([np.where(has, estimate - low, 0.0), np.where(has, high - estimate, 0.0)])
    # A percentile interval may exclude its own estimate (a skewed statistic); matplotlib
    # refuses negative error lengths, so such a side is drawn as reaching the point.
    return estimate, np.clip(errors, 0.0, None), has


def _forest(ax, x, y, errors, has, colour, label, *, horizontal: bool = True, size=4.5):
    """Points with interval bars; points without an interval are hollow."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if has.any():
        bars = errors[:, has]
        kwargs = {"xerr": bars} if horizontal else {"yerr": bars}
        ax.errorbar(x[has], y[has], fmt="none", ecolor=colour, elinewidth=1.2, capsize=2,
                    **kwargs)
        ax.plot(x[has], y[has], "o", color=colour, markersize=size, label=label, zorder=3)
    if (~has).any():
        ax.plot(x[~has], y[~has], "o", markerfacecolor="white", markeredgecolor=colour,
                markersize=size, zorder=3, label=None if has.any() else label)


def _caption(ax, text: str) -> None:
    """Small print under the x-axis label saying what the figure shows."""
    ax.annotate(text, xy=(0.0, 0.0), xycoords=("axes fraction", ax.xaxis.label),
                xytext=(0, -6), textcoords="offset points", ha="left", va="top",
                fontsize=7, color=_TEXT, wrap=True)


def _common_prefix(names: Sequence[str]) -> str:
    """The longest shared prefix ending in ``_`` (``frames__policy_``), or ``""``."""
    if len(names) < 2:
        return ""
    prefix = names[0]
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[:prefix.rfind("_") + 1]


# -- outlet scores -------------------------------------------------------------------------

def plot_outlet_scores(table: pd.DataFrame, feature: str | None = None, *, ratings=None,
                       labels: Mapping | pd.Series | None = None, ax=None,
                       caption: bool = True):
    """Forest plot of per-outlet (or per-group) means with their intervals.

    One row per group, ordered by estimate (largest at the top), each a point with its
    confidence interval, coloured by the outlet's rating when ``ratings`` is given.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`framing.compare.outlet_scores`: columns ``feature, group,
        estimate, ci_low, ci_high, n`` (``method`` is quoted in the caption).
    feature : str, optional
        The feature to draw; required when the table holds several.
    ratings : str, mapping or Series, optional
        The rating of each group (for example each outlet's AllSides rating), to colour the
        points: a column of ``table``, or a mapping / Series from group to rating (such as
        ``articles.groupby("outlet")["label_allsides"].first()``). Groups without a rating
        are drawn black and labelled "no rating".
    labels : mapping or Series, optional
        Display names of the groups (outlet keys to names); the key is shown otherwise.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.
    caption : bool, default True
        Write what the points and bars are under the axes.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        The table lacks a required column, holds several features and ``feature`` is not
        given, or ``ratings`` names a column it does not have.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import pandas as pd
    >>> from framing.compare import outlet_scores
    >>> articles = pd.DataFrame({"outlet": list("aaabbb"), "label": ["left"] * 3 + ["right"] * 3},
    ...                         index=[f"id{i}" for i in range(6)])
    >>> features = pd.DataFrame({"loaded": [1.0, 2, 3, 5, 6, 7]}, index=articles.index)
    >>> table = outlet_scores(features, articles, n_boot=200)
    >>> ax = plot_outlet_scores(table, ratings={"a": "left", "b": "right"},
    ...                         ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a (n=3)', 'b (n=3)']
    """
    function = "plot_outlet_scores"
    table = _require(table, ["feature", "group", "estimate", "ci_low", "ci_high", "n"],
                     function, "framing.compare.outlet_scores")
    rows, feature = _one_feature(table, feature, function)
    rows = rows[np.isfinite(rows["estimate"].to_numpy(dtype=float))]
    n_missing = int(len(table[table["feature"].astype(str) == feature]) - len(rows))
    rows = rows.sort_values(["estimate", "group"], kind="stable").reset_index(drop=True)

    if ratings is None:
        rating = pd.Series(None, index=rows.index, dtype=object)
        title = None
    elif isinstance(ratings, str):
        if ratings not in table.columns:
            raise ValueError(f"{function}: ratings={ratings!r} is not a column of the table "
                             f"(it has {list(map(str, table.columns))})")
        rating, title = rows[ratings].astype(object), ratings
    else:
        mapping = ratings if isinstance(ratings, pd.Series) else pd.Series(dict(ratings))
        rating = rows["group"].map(mapping).astype(object)
        title = mapping.name if isinstance(ratings, pd.Series) and mapping.name else "rating"
    rating = rating.where(rating.notna(), None)

    ax = _axes(ax, 7.0, max(2.5, 0.24 * len(rows) + 1.4))
    names = rows["group"].map(labels) if labels is not None else rows["group"]
    names = names.where(names.notna(), rows["group"]).astype(str)
    y = np.arange(len(rows))
    estimate, errors, has = _error_bars(rows)
    present = _levels(pd.Series([r for r in rating if r is not None], dtype=object))
    colours = group_colours(present)
    for value in [*present, None] if ratings is not None else [None]:
        mask = (rating == value).to_numpy() if value is not None else rating.isna().to_numpy()
        if not mask.any():
            continue
        colour = colours.get(value, PALETTE["black"]) if ratings is not None \
            else PALETTE["blue"]
        label = (str(value) if value is not None else "no rating") if ratings is not None \
            else None
        _forest(ax, estimate[mask], y[mask], errors[:, mask], has[mask], colour, label)
    ax.set_yticks(y, [f"{name} (n={int(n)})" for name, n in zip(names, rows["n"],
                                                                 strict=True)])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="x", alpha=0.3)
    interval = _interval_label(table)
    ax.set_xlabel(f"mean {feature} per article")
    ax.set_title(f"{feature} by group ({interval})", fontsize=10)
    if ratings is not None:
        ax.legend(title=title, loc="lower right", fontsize=7, title_fontsize=7)
    if caption:
        text = (f"Points: each group's mean {feature} over its articles (n = articles with "
                f"a value); bars: {interval} ({_methods(rows)}).")
        if (~has).any():
            text += f" Hollow points: no interval ({int((~has).sum())} groups with fewer " \
                    "than two resampling units)."
        if n_missing:
            text += f" {n_missing} groups without an estimate are not drawn."
        _caption(ax, text)
    return ax


# -- fightin' words ------------------------------------------------------------------------

def plot_fightin_words(table: pd.DataFrame, group=None, *, comparison: str | None = None,
                       n_labels: int = 10, ax=None, caption: bool = True):
    """Fightin' words: each term's z-score against its frequency, significant terms marked.

    The figure of Monroe, Colaresi & Quinn (2008): every term of one comparison is a point
    at its total count (log scale) and its z-score. Significant terms (Benjamini-Hochberg)
    are coloured by the side that uses them more; those that stay significant whichever
    single outlet is left out (``robust``) are filled, the others hollow; the rest are
    small grey dots. The ``n_labels`` strongest significant terms of each side are named.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`framing.compare.fightin_words` (or
        :func:`~framing.compare.log_odds_dirichlet`): columns ``term, group, comparison, z,
        count_group, count_other, significant``; ``robust`` when present.
    group : optional
        The group whose comparison is drawn (positive z: the group uses the term more);
        the table's first group by default.
    comparison : str, optional
        ``"vs_rest"`` or ``"vs_<other group>"``; the group's first comparison by default.
    n_labels : int, default 10
        Terms named on each side.
    ax : matplotlib Axes, optional
    caption : bool, default True

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        A required column is missing, or ``group`` / ``comparison`` is not in the table.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import numpy as np
    >>> from framing.compare import log_odds_dirichlet
    >>> table = log_odds_dirichlet(np.array([[50, 1, 40], [1, 50, 40]]), ["L", "R"],
    ...                            ["open", "illegal", "the"])
    >>> ax = plot_fightin_words(table, "L", ax=Figure().subplots())
    >>> ax.get_ylabel()
    'z-score of the log-odds ratio, L vs R'
    """
    function = "plot_fightin_words"
    table = _require(table, ["term", "group", "comparison", "z", "count_group", "count_other",
                             "significant"], function, "framing.compare.fightin_words")
    groups = _levels(table["group"].astype(str))
    group = groups[0] if group is None else str(group)
    if group not in groups:
        raise ValueError(f"{function}: group {group!r} is not in the table; it holds {groups}")
    own = table[table["group"].astype(str) == group]
    comparisons = list(dict.fromkeys(own["comparison"].astype(str)))
    comparison = comparisons[0] if comparison is None else comparison
    if comparison not in comparisons:
        raise ValueError(f"{function}: group {group!r} has no comparison {comparison!r}; it "
                         f"has {comparisons}")
    rows = own[own["comparison"].astype(str) == comparison].reset_index(drop=True)
    other = comparison[3:] if comparison.startswith("vs_") else comparison
    other = "the rest" if other == "rest" else other

    ax = _axes(ax, 7.0, 5.0)
    frequency = (rows["count_group"] + rows["count_other"]).to_numpy(dtype=float)
    z = rows["z"].to_numpy(dtype=float)
    significant = rows["significant"].to_numpy(dtype=bool)
    has_robust = "robust" in rows.columns
    robust = rows["robust"].to_numpy(dtype=bool) if has_robust else np.zeros(len(rows), bool)
    colours = group_colours([group, other])
    if comparison == "vs_rest":  # the pooled other groups: no group's colour
        colours[other] = PALETTE["black"]
    side = np.where(z > 0, colours[group], colours[other])
    plain = ~significant
    ax.scatter(frequency[plain], z[plain], s=6, color=_MUTED, linewidths=0, zorder=1)
    fragile = significant & ~robust
    ax.scatter(frequency[fragile], z[fragile], s=22, facecolors="white",
               edgecolors=side[fragile], linewidths=1.0, zorder=2)
    if has_robust:
        ax.scatter(frequency[robust], z[robust], s=22, color=side[robust], zorder=3)
    if significant.any():
        # Two-sided tests: the smallest |z| the Benjamini-Hochberg rule passed.
        threshold = float(np.abs(z[significant]).min())
        for level in (threshold, -threshold):
            ax.axhline(level, color=_TEXT, linestyle="--", linewidth=0.7, zorder=0)
    for sign in (1, -1):
        chosen = np.flatnonzero(significant & (np.sign(z) == sign))
        chosen = chosen[np.argsort(-np.abs(z[chosen]), kind="stable")][:n_labels]
        for i in chosen:
            ax.annotate(str(rows.at[i, "term"]), (frequency[i], z[i]), xytext=(3, 0),
                        textcoords="offset points", fontsize=7, va="center",
                        color=colours[group] if sign > 0 else colours[other])
    ax.set_xscale("log")
    ax.axhline(0, color=_TEXT, linewidth=0.5, zorder=0)
    ax.set_xlabel(f"term frequency (count in {group} and {other}, log scale)")
    ax.set_ylabel(f"z-score of the log-odds ratio, {group} vs {other}")
    ax.set_title(f"Fightin' words: {group} vs {other} (above 0: used more by {group})",
                 fontsize=10)
    # Legend entries drawn apart from the data, so they show even when a kind is absent.
    from matplotlib.lines import Line2D

    marker = {"linestyle": "none", "marker": "o"}
    handles = [Line2D([], [], color=_MUTED, markersize=3, label="not significant", **marker),
               Line2D([], [], markerfacecolor="white", markeredgecolor=_TEXT, markersize=5,
                      label="significant, not robust" if has_robust else "significant",
                      **marker)]
    if has_robust:
        handles.append(Line2D([], [], color=_TEXT, markersize=5,
                              label="significant and robust\n(any one outlet left out)",
                              **marker))
    handles += [Line2D([], [], color=colours[group], markersize=5,
                       label=f"used more by {group}", **marker),
                Line2D([], [], color=colours[other], markersize=5,
                       label=f"used more by {other}", **marker)]
    ax.legend(handles=handles, loc="lower right", fontsize=7)
    ax.grid(alpha=0.3)
    if caption:
        alpha = table.attrs.get("alpha")
        fdr = f"FDR {alpha:g}" if isinstance(alpha, int | float) else "FDR"
        text = (f"{len(rows):,} terms. Log-odds ratios with an informative Dirichlet prior "
                f"(Monroe et al. 2008); significant: Benjamini-Hochberg {fdr} (dashed: the |z| "
                "it needed). z treats tokens as independent, but words cluster in articles "
                "and outlets: ")
        text += ("only filled points survive leaving out any one outlet." if has_robust
                 else "this table has no outlet robustness check.")
        excluded = table.attrs.get("n_excluded")
        if excluded:
            text += f" {excluded:,} outlet-signature terms were removed before scoring."
        _caption(ax, text)
    return ax


# -- frames --------------------------------------------------------------------------------

def plot_frames(table: pd.DataFrame, *, frame: str = "feature", group: str = "group",
                labels: Mapping | None = None, xlabel: str = "mean share of the article's "
                "frame evidence", ax=None, caption: bool = True):
    """Frame shares by group: one row per frame, one dodged point per group, with intervals.

    Parameters
    ----------
    table : DataFrame
        Frame shares by group with intervals, such as :func:`framing.compare.outlet_scores`
        over :class:`framing.features.FrameScorer`'s share columns with ``by=`` a grouping
        column: columns ``estimate, ci_low, ci_high, n`` and the ``frame`` and ``group``
        columns. A ``label`` column names the frames; a ``rank`` column orders them (else
        the mean estimate over groups does, largest at the top); ``n_clusters`` (outlets)
        goes into the legend.
    frame, group : str, default "feature", "group"
        The columns holding the frame and the group.
    labels : mapping, optional
        Display names of the frames. Default: the ``label`` column, else the frame keys
        without their shared prefix (``frames__policy_``).
    xlabel : str, default "mean share of the article's frame evidence"
        What the estimates are.
    ax : matplotlib Axes, optional
    caption : bool, default True

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        A required column is missing.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "feature": ["legality", "legality", "economic", "economic"],
    ...     "group": ["left", "right"] * 2, "estimate": [0.2, 0.3, 0.1, 0.1],
    ...     "ci_low": [0.1, 0.2, 0.05, 0.05], "ci_high": [0.3, 0.4, 0.2, 0.2],
    ...     "n": [10, 12, 10, 12]})
    >>> ax = plot_frames(table, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['legality', 'economic']
    """
    function = "plot_frames"
    table = _require(table, [frame, group, "estimate", "ci_low", "ci_high", "n"], function,
                     "framing.compare.outlet_scores over FrameScorer shares (by a group)")
    rows = table.reset_index(drop=True)
    keys = [str(k) for k in dict.fromkeys(rows[frame])]
    if "rank" in rows.columns:
        order = rows.groupby(rows[frame].astype(str))["rank"].min().sort_values(kind="stable")
        keys = order.index.tolist()
    else:
        means = rows.groupby(rows[frame].astype(str), sort=False)["estimate"].mean()
        keys = means.reindex(keys).sort_values(ascending=False, kind="stable").index.tolist()
    if labels is None and "label" in rows.columns:
        labels = dict(zip(rows[frame].astype(str), rows["label"].astype(str), strict=True))
    if labels is None:
        prefix = _common_prefix(keys)
        labels = {k: k[len(prefix):] or k for k in keys}
    position = {k: i for i, k in enumerate(keys)}
    groups = _levels(rows[group])
    colours = group_colours(groups)
    width = 0.6
    offsets = (np.linspace(-width / 2, width / 2, len(groups)) if len(groups) > 1
               else np.zeros(1))

    ax = _axes(ax, 7.0, 0.38 * len(keys) + 1.8)
    for offset, level in zip(offsets, groups, strict=True):
        part = rows[rows[group] == level]
        y = part[frame].astype(str).map(position).to_numpy(dtype=float) + offset
        estimate, errors, has = _error_bars(part)
        label = f"{level} ({int(part['n'].max()):,} articles"
        if "n_clusters" in part.columns and part["n_clusters"].max() > 1:
            label += f", {int(part['n_clusters'].max())} outlets"
        _forest(ax, estimate, y, errors, has, colours[level], label + ")", size=4)
    ax.set_yticks(range(len(keys)), [str(labels.get(k, k)) for k in keys])
    ax.set_ylim(len(keys) - 0.5, -0.5)  # the first frame at the top
    for y in range(1, len(keys)):
        ax.axhline(y - 0.5, color="#dddddd", linewidth=0.6, zorder=0)
    values = rows[["estimate", "ci_low", "ci_high"]].to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() >= 0 and finite.max() <= 1:
        ax.xaxis.set_major_formatter("{x:.0%}")
        ax.set_xlim(left=0)
    interval = _interval_label(table)
    ax.set_xlabel(xlabel)
    ax.set_title(f"Frames by {group} ({interval})", fontsize=10)
    ax.legend(title=group, loc="lower right", fontsize=7, title_fontsize=7)
    ax.grid(axis="x", alpha=0.3)
    if caption:
        _caption(ax, f"Points: mean per article within each {group}; bars: {interval} "
                     f"({_methods(rows)}). Frames ordered by their share over all groups. "
                     "Legend: articles (and outlets) behind each group.")
    return ax


# -- term choice over time -----------------------------------------------------------------

def plot_term_choice_over_time(table: pd.DataFrame, feature: str | None = None, *,
                               time: str = "year", group: str = "group",
                               ylabel: str | None = None, ax=None, caption: bool = True):
    """A feature's mean per period and group, as lines with intervals.

    Parameters
    ----------
    table : DataFrame
        One row per period and group (and feature): ``estimate, ci_low, ci_high`` and the
        ``time`` and ``group`` columns, for example :func:`framing.compare.outlet_scores`
        with ``by=`` a "year|leaning" Series, its group split into ``year`` and
        ``group``. A ``feature`` column with several features needs ``feature=``. Rows
        with ``shown`` false (cells too small to read) are left out, and counted in the
        caption.
    feature : str, optional
        The feature to draw (e.g. ``"term_choice__restrictionist_label"``).
    time, group : str, default "year", "group"
        The period and group columns. Numeric periods (years) are placed on a number
        line, so a missing year leaves a gap; other periods are placed in sorted order.
    ylabel : str, optional
        What the estimates are; default ``"mean per article"`` (the title names the
        feature).
    ax : matplotlib Axes, optional
    caption : bool, default True

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        A required column is missing, or several features and no ``feature``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import pandas as pd
    >>> table = pd.DataFrame({"year": [2017, 2018, 2017, 2018],
    ...                       "group": ["left", "left", "right", "right"],
    ...                       "estimate": [0.1, 0.2, 0.5, 0.4], "ci_low": [0.0, 0.1, 0.3, 0.3],
    ...                       "ci_high": [0.2, 0.3, 0.7, 0.5]})
    >>> ax = plot_term_choice_over_time(table, ax=Figure().subplots())
    >>> ax.get_xlabel()
    'year'
    """
    function = "plot_term_choice_over_time"
    table = _require(table, [time, group, "estimate", "ci_low", "ci_high"], function,
                     "framing.compare.outlet_scores per period and group (see the docstring)")
    rows, feature = _one_feature(table, feature, function)
    # The spacing of periods is read before hiding cells: a hidden cell leaves a gap.
    every_period = np.sort(pd.unique(rows[time].dropna()))
    n_hidden = 0
    if "shown" in rows.columns:
        shown = rows["shown"].fillna(False).astype(bool)
        n_hidden = int((~shown).sum())
        rows = rows[shown]
    rows = rows.sort_values(time, kind="stable")
    numeric = pd.api.types.is_numeric_dtype(rows[time])
    periods = sorted(rows[time].dropna().unique())
    if numeric:
        place = {p: float(p) for p in periods}
        step = (float(np.min(np.diff(every_period.astype(float)))) if len(every_period) > 1
                else 1.0)
    else:
        place = {p: float(i) for i, p in enumerate(periods)}
        step = 1.0
    groups = _levels(rows[group])
    colours = group_colours(groups)
    spread = 0.3 * step
    offsets = (np.linspace(-spread / 2, spread / 2, len(groups)) if len(groups) > 1
               else np.zeros(1))

    ax = _axes(ax, 7.0, 4.0)
    for offset, level in zip(offsets, groups, strict=True):
        part = rows[rows[group] == level]
        x = part[time].map(place).to_numpy(dtype=float) + offset
        estimate, errors, has = _error_bars(part)
        # The line breaks across a missing period rather than bridging it.
        gaps = np.flatnonzero(np.diff(x) > 1.5 * step) + 1
        ax.plot(np.insert(x, gaps, np.nan), np.insert(estimate, gaps, np.nan),
                color=colours[level], linewidth=1.0, alpha=0.7)
        _forest(ax, x, estimate, errors, has, colours[level], str(level), horizontal=False,
                size=4)
    ax.set_xticks([place[p] for p in periods], [str(p) for p in periods],
                  rotation=45 if len(periods) > 6 else 0)
    interval = _interval_label(table)
    what = feature or "the feature"
    ax.set_xlabel(time)
    ax.set_ylabel(ylabel or "mean per article")
    ax.set_title(f"{what} by {time} and {group} ({interval})", fontsize=10)
    ax.legend(title=group, fontsize=7, title_fontsize=7)
    ax.grid(alpha=0.3)
    if caption:
        text = (f"Points: mean per article in each {time} and {group}; bars: {interval} "
                f"({_methods(rows)}).")
        if n_hidden:
            text += f" {n_hidden} cells too small to read (shown = False) are left out."
        _caption(ax, text)
    return ax


# -- rating agreement ----------------------------------------------------------------------

def plot_rating_agreement(table: pd.DataFrame, *, ax=None, caption: bool = True):
    """Spearman agreement of per-outlet scores with outlet ratings, with intervals.

    One row per score, one dodged point per rating, on the -1..1 scale of Spearman's rho,
    with the number of outlets matched beside each point.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`framing.compare.rating_agreement`: columns ``feature, group``
        (the rating), ``estimate`` (rho), ``ci_low, ci_high, n`` (outlets).
    ax : matplotlib Axes, optional
    caption : bool, default True

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        A required column is missing.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import pandas as pd
    >>> table = pd.DataFrame({"feature": ["restrictionist_index"] * 2,
    ...                       "group": ["allsides_2019_num", "mbfc_bias_num"],
    ...                       "estimate": [0.5, 0.4], "ci_low": [0.2, 0.1],
    ...                       "ci_high": [0.7, 0.6], "n": [30, 28]})
    >>> ax = plot_rating_agreement(table, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['restrictionist_index']
    """
    function = "plot_rating_agreement"
    table = _require(table, ["feature", "group", "estimate", "ci_low", "ci_high", "n"],
                     function, "framing.compare.rating_agreement")
    rows = table.reset_index(drop=True)
    features = list(dict.fromkeys(rows["feature"].astype(str)))
    ratings = _levels(rows["group"].astype(str))
    # Ratings are not leanings: take colours in turn, skipping grey (read as "center").
    colours = {r: PALETTE[[c for c in _CYCLE if c != "grey"][i % 8]]
               for i, r in enumerate(ratings)}
    width = 0.5
    offsets = (np.linspace(-width / 2, width / 2, len(ratings)) if len(ratings) > 1
               else np.zeros(1))

    ax = _axes(ax, 7.0, 0.7 * len(features) * max(1, len(ratings) / 2) + 1.6)
    for offset, rating in zip(offsets, ratings, strict=True):
        part = rows[rows["group"].astype(str) == rating]
        y = part["feature"].astype(str).map({f: i for i, f in enumerate(features)})
        y = y.to_numpy(dtype=float) + offset
        estimate, errors, has = _error_bars(part)
        finite = np.isfinite(estimate)
        _forest(ax, estimate[finite], y[finite], errors[:, finite], has[finite],
                colours[rating], rating)
        for x, yy, n in zip(estimate[finite], y[finite], part["n"].to_numpy()[finite],
                            strict=True):
            ax.annotate(f"n={int(n)}", (x, yy), xytext=(0, 5), textcoords="offset points",
                        fontsize=6.5, ha="center", color=_TEXT)
    ax.axvline(0, color=_TEXT, linewidth=0.7, zorder=0)
    ax.set_xlim(-1.05, 1.05)
    ax.set_yticks(range(len(features)), features)
    ax.set_ylim(len(features) - 0.5, -0.5)
    ax.set_xlabel("Spearman's rho with the rating (-1 .. +1)")
    ax.set_title("Per-outlet scores against outlet ratings", fontsize=10)
    ax.legend(title="rating", fontsize=7, title_fontsize=7, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    if caption:
        text = (f"Points: Spearman's rho between outlets' mean scores and their ratings "
                f"(n = outlets matched); bars: {_methods(rows)}. Ratings judge outlets, "
                "not these articles.")
        missing = int((~np.isfinite(rows["estimate"].to_numpy(dtype=float))).sum())
        if missing:
            text += f" {missing} pairs with too few outlets have no rho and are not drawn."
        _caption(ax, text)
    return ax
