"""Same-event comparison: outlets covering the same story (BASIL's triplets)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .._dask import as_dask
from .._warnings import take_renamed
from ._common import (
    RESULT_COLUMNS,
    align_features,
    group_rng,
    materialize,
    percentile_interval,
)
from ._multiple_testing import bh_qvalues

__all__ = ["same_event"]

#: Old parameter names, accepted for one release with a DeprecationWarning.
_RENAMED = {"event_col": "event_column", "outlet_col": "outlet_column"}

#: Up to this many events the sign-flip test enumerates every sign pattern (2**n).
_EXACT_EVENTS = 12


def _sign_flip_p(diffs, n_perm, rng):
    """Two-sided sign-flip p-values of the mean paired difference, per column.

    Under "no outlet difference", each event's difference is as likely negative as
    positive. Exact for up to ``_EXACT_EVENTS`` events; else Monte Carlo with the usual +1
    correction.
    """
    n_events = diffs.shape[0]
    observed = np.abs(diffs.mean(axis=0))
    if n_events <= _EXACT_EVENTS:
        signs = np.array(list(itertools.product((-1.0, 1.0), repeat=n_events)))
        means = np.abs(signs @ diffs / n_events)
        # A relative tolerance so that the observed pattern counts despite rounding.
        return np.mean(means >= observed * (1 - 1e-12), axis=0), "exact"
    exceed = np.zeros(diffs.shape[1])
    step = max(1, 2_000_000 // n_events)
    for start in range(0, n_perm, step):
        size = min(step, n_perm - start)
        signs = rng.choice((-1.0, 1.0), size=(size, n_events))
        exceed += np.sum(np.abs(signs @ diffs / n_events) >= observed * (1 - 1e-12), axis=0)
    return (1.0 + exceed) / (1.0 + n_perm), "monte carlo"


def same_event(features, articles, *, event_column: str = "meta_triplet_uuid",
               outlet_column: str = "outlet", pairs=None, n_boot: int = 2000,
               n_perm: int = 10000, ci: float = 0.95, random_state: int = 0,
               **renamed) -> pd.DataFrame:
    """How outlets differ when they cover the same event: within-event paired differences.

    For each pair of outlets ``(a, b)`` and each feature, the difference ``x_a - x_b`` is
    taken within every event both outlets covered (an outlet's articles on one event are
    averaged), which removes everything the event itself explains (topic, news value,
    length of the story). Reported: the mean paired difference, a bootstrap interval over
    events, and a two-sided sign-flip permutation p-value (each event's difference is
    equally likely to have either sign when the outlets do not differ), with
    Benjamini-Hochberg q-values across every row of the table.

    Made for BASIL (:func:`framing.datasets.fetch_basil`: 100 events, each told by Fox
    News, The New York Times and HuffPost), it works for any articles with an event column.

    Parameters
    ----------
    features : DataFrame, Series or array-like
        One row per article (aligned on ``articles``' index), numeric columns.
    articles : DataFrame
        With ``event_column`` and ``outlet_column``. Either may also be a dask DataFrame (or a
        parquet path): they are computed together, then compared here.
    event_column : str, default "meta_triplet_uuid"
        The column naming the event each article covers.
    outlet_column : str, default "outlet"
        The column naming each article's outlet. (``event_col=`` and ``outlet_col=``, the
        old names, still work for one release, with a DeprecationWarning.)
    pairs : sequence of (str, str), optional
        Outlet pairs ``(a, b)``, reported as ``"a - b"``. Default: every pair of outlets in
        sorted order (for BASIL: fox-news - huffpost, fox-news - new-york-times,
        huffpost - new-york-times).
    n_boot : int, default 2000
    n_perm : int, default 10000
        Monte Carlo sign flips when there are more than 12 events (else all 2**n).
    ci : float, default 0.95
    random_state : int, default 0

    Returns
    -------
    DataFrame
        Tidy: ``feature, group`` ("a - b"), ``estimate`` (mean paired difference),
        ``ci_low, ci_high, n`` (events with both outlets), ``method``, ``p_value``,
        ``q_value``, ``mean_a, mean_b`` (the outlets' means over those events), ``sd_diff``.

    Examples
    --------
    >>> import pandas as pd
    >>> articles = pd.DataFrame({"outlet": ["fox", "nyt"] * 4,
    ...                          "meta_triplet_uuid": ["e1", "e1", "e2", "e2",
    ...                                                "e3", "e3", "e4", "e4"]})
    >>> features = pd.Series([5.0, 1.0, 9.0, 6.0, 2.0, 0.0, 7.0, 3.0], name="loaded")
    >>> table = same_event(features, articles.set_index(features.index), n_boot=200)
    >>> table[["feature", "group", "estimate", "n", "p_value"]].values.tolist()
    [['loaded', 'fox - nyt', 3.25, 4, 0.125]]
    """
    if renamed:
        named = take_renamed("same_event", renamed, _RENAMED,
                             {"event_column": (event_column, "meta_triplet_uuid"),
                              "outlet_column": (outlet_column, "outlet")})
        event_column, outlet_column = named["event_column"], named["outlet_column"]
    if as_dask(features) is not None or as_dask(articles) is not None:
        features, articles = materialize(features, articles, [event_column, outlet_column])
    frame = align_features(features, articles)
    for column in (event_column, outlet_column):
        if column not in articles:
            raise KeyError(f"same_event: no column {column!r} in articles (it has "
                           f"{list(map(str, articles.columns))}); pass event_column= or "
                           "outlet_column=")
    keys = pd.DataFrame({"event": articles[event_column].astype(object).to_numpy(),
                         "outlet": articles[outlet_column].astype(object).to_numpy()},
                        index=frame.index)
    # One value per event and outlet: an outlet's articles on one event are averaged.
    cells = pd.concat([keys, frame], axis=1).groupby(["event", "outlet"], sort=True).mean()
    outlets = sorted(cells.index.get_level_values("outlet").unique(), key=str)
    if pairs is None:
        pairs = list(itertools.combinations(outlets, 2))
    tail_method = f"within-event paired difference, event bootstrap percentile {ci:.0%}"
    rows = []
    for a, b in pairs:
        if a not in outlets or b not in outlets:
            raise ValueError(f"outlet pair {(a, b)!r}: outlets present are {outlets!r}")
        left = cells.xs(a, level="outlet")
        right = cells.xs(b, level="outlet")
        both = left.index.intersection(right.index)
        diffs_all = left.loc[both].to_numpy() - right.loc[both].to_numpy()
        rng = group_rng(random_state, f"{a}|{b}")
        for j, feature in enumerate(frame.columns):
            d = diffs_all[:, j]
            keep = ~np.isnan(d)
            d = d[keep][:, None]
            n = d.shape[0]
            row = {"feature": feature, "group": f"{a} - {b}", "estimate": np.nan,
                   "ci_low": np.nan, "ci_high": np.nan, "n": n, "method": tail_method,
                   "p_value": np.nan,
                   "mean_a": float(np.nanmean(left.loc[both].to_numpy()[keep, j]))
                   if n else np.nan,
                   "mean_b": float(np.nanmean(right.loc[both].to_numpy()[keep, j]))
                   if n else np.nan,
                   "sd_diff": float(d.std(ddof=1)) if n > 1 else np.nan}
            if n:
                row["estimate"] = float(d.mean())
            if n >= 2:
                weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot) / n
                low, high = percentile_interval(weights @ d, d.mean(axis=0), ci)
                row["ci_low"], row["ci_high"] = float(low[0]), float(high[0])
                p, kind = _sign_flip_p(d, n_perm, rng)
                row["p_value"] = float(p[0])
                row["method"] = f"{tail_method}; sign-flip p ({kind})"
            rows.append(row)
    table = pd.DataFrame(rows, columns=RESULT_COLUMNS + ["p_value", "q_value", "mean_a",
                                                         "mean_b", "sd_diff"])
    table["q_value"] = bh_qvalues(table["p_value"].to_numpy(dtype=np.float64))
    table.attrs.update({"n_boot": int(n_boot), "n_perm": int(n_perm)})
    return table
