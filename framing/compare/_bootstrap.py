"""Per-outlet and per-group means with (cluster-)bootstrap confidence intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._dask import as_dask
from .._progress import progress_bar
from ._common import (
    RESULT_COLUMNS,
    align_features,
    group_rng,
    materialize,
    percentile_interval,
)

__all__ = ["outlet_scores"]

#: Bootstrap weights are drawn this many cells (replicates x items) at a time, so memory
#: stays bounded (about 40 MB of int64) however large a group is.
_CHUNK_CELLS = 5_000_000


def _weighted_means(weights, values, present):
    """Row-wise weighted means of each feature, ignoring missing values."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return (weights @ values) / (weights @ present)


def _chunks(n_boot: int, n_items: int):
    step = max(1, _CHUNK_CELLS // max(n_items, 1))
    return [(start, min(n_boot, start + step)) for start in range(0, n_boot, step)]


def _article_bootstrap(values, present, n_boot, rng, bar):
    """Means over articles resampled with replacement: (n_boot, n_features)."""
    n = values.shape[0]
    out = np.empty((n_boot, values.shape[1]))
    for start, stop in _chunks(n_boot, n):
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=stop - start).astype(np.float64)
        out[start:stop] = _weighted_means(weights, values, present)
        bar.update(stop - start)
    return out


def _article_jackknife(values, present):
    """Means leaving out one article at a time: (n, n_features)."""
    total, count = values.sum(axis=0), present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (total - values) / (count - present)


def _two_stage(values, present, codes, n_clusters, n_boot, rng, weight, bar):
    """Resample clusters, then articles within each drawn cluster: (n_boot, n_features).

    A cluster drawn ``m`` times contributes ``m`` independent article resamples; their
    pooled article weights are one multinomial draw of ``m * n_c`` articles, which is what
    lets each cluster be handled in one vectorised call.
    """
    members = [np.flatnonzero(codes == c) for c in range(n_clusters)]
    n_features = values.shape[1]
    out = np.empty((n_boot, n_features))
    for start, stop in _chunks(n_boot, values.shape[0]):
        size = stop - start
        times = rng.multinomial(n_clusters, np.full(n_clusters, 1.0 / n_clusters), size=size)
        numerator = np.zeros((size, n_features))
        denominator = np.zeros((size, n_features))
        for c, rows in enumerate(members):
            n_c = rows.size
            weights = rng.multinomial(times[:, c] * n_c, np.full(n_c, 1.0 / n_c))
            weights = weights.astype(np.float64)
            sums, counts = weights @ values[rows], weights @ present[rows]
            if weight == "articles":
                numerator += sums
                denominator += counts
            else:  # each drawn copy of an outlet counts once, whatever its size
                with np.errstate(invalid="ignore", divide="ignore"):
                    means = sums / counts
                has = (counts > 0)
                numerator += np.where(has, means * times[:, [c]], 0.0)
                denominator += np.where(has, times[:, [c]], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:stop] = numerator / denominator
        bar.update(size)
    return out


def _cluster_estimate(values, present, codes, n_clusters, weight, drop=None):
    """The group's estimate from its clusters (optionally leaving cluster ``drop`` out)."""
    keep = np.ones(values.shape[0], bool) if drop is None else codes != drop
    if weight == "articles":
        with np.errstate(invalid="ignore", divide="ignore"):
            return values[keep].sum(axis=0) / present[keep].sum(axis=0)
    rows = np.arange(values.shape[0])[keep]
    one_hot = sp.csr_matrix((np.ones(rows.size), (codes[keep], rows)),
                            shape=(n_clusters, values.shape[0]))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (one_hot @ values) / (one_hot @ present)
    if drop is not None:
        means = np.delete(means, drop, axis=0)
    return np.nanmean(means, axis=0) if means.size else np.full(values.shape[1], np.nan)


def _labels(articles, column, name):
    if isinstance(column, pd.Series):
        if not column.index.equals(articles.index):
            column = column.reindex(articles.index)
        return column
    if column not in articles:
        raise KeyError(f"{name}={column!r} is not a column of articles")
    return articles[column]


def outlet_scores(features, articles, by="outlet", *, cluster="outlet", n_boot: int = 2000,
                  ci: float = 0.95, ci_method: str = "percentile", weight: str = "articles",
                  random_state: int = 0, progress: bool = False) -> pd.DataFrame:
    """Mean of each feature per outlet (or per group of outlets) with bootstrap CIs.

    The resampling follows how the data were gathered:

    * ``by`` is the cluster (default, ``by="outlet"``): an outlet's mean over its articles,
      with a CI from resampling that outlet's articles with replacement.
    * ``by`` groups clusters (e.g. ``by="label_allsides"``): a two-stage cluster bootstrap.
      Each replicate draws the group's outlets with replacement, then, within each drawn
      outlet, its articles with replacement, and recomputes the group's mean. The CI then
      reflects that a leaning is represented by a handful of outlets, not by thousands of
      independent articles.
    * ``cluster=None``: articles resampled within each group, as if independent.

    Parameters
    ----------
    features : DataFrame, Series or array-like
        One row per article (a DataFrame is aligned on ``articles``' index), numeric columns
        such as a scorer's output. ``NaN`` values are left out of means.
    articles : DataFrame
        The articles, with the ``by`` and ``cluster`` columns. ``features`` and
        ``articles`` may also be dask DataFrames (or parquet paths), for example the lazy
        output of :func:`framing.features.extract_features`: they are computed together
        (only the ``by`` and ``cluster`` columns of the articles), then resampled here, so
        the table equals the pandas one.
    by : str or Series, default "outlet"
        The grouping.
    cluster : str, Series or None, default "outlet"
        The sampling cluster (see above).
    n_boot : int, default 2000
        Bootstrap replicates.
    ci : float, default 0.95
    ci_method : {"percentile", "bca"}, default "percentile"
        BCa corrects the percentile interval for bias and skew, with the acceleration from a
        jackknife over the resampled units (articles, or outlets in the two-stage case).
    weight : {"articles", "outlets"}, default "articles"
        Two-stage case only: the group's mean pools its articles (big outlets weigh more;
        equals the plain group mean), or averages its outlets' means (each outlet counts
        once).
    random_state : int, default 0
        Seed; each group's draws depend only on the seed and the group's name.
    progress : bool, default False
        Show a progress bar of the bootstrap replicates, ticking per chunk of draws (per
        group at least).

    Returns
    -------
    DataFrame
        Tidy: ``feature, group, estimate, ci_low, ci_high, n`` (articles with a value),
        ``method``, plus ``n_clusters`` (outlets resampled in the two-stage case, else 1)
        and ``se`` (the bootstrap standard deviation). A
        group with fewer than two resampling units (articles, or outlets in the two-stage
        case) has no interval (``NaN``).

    Examples
    --------
    >>> import pandas as pd
    >>> articles = pd.DataFrame({"outlet": ["a", "a", "a", "b", "b", "b"]},
    ...                         index=[f"id{i}" for i in range(6)])
    >>> features = pd.DataFrame({"loaded": [1.0, 2.0, 3.0, 5.0, 5.0, 5.0]},
    ...                         index=articles.index)
    >>> table = outlet_scores(features, articles, n_boot=500)
    >>> table[["group", "estimate", "n"]].values.tolist()
    [['a', 2.0, 3], ['b', 5.0, 3]]
    >>> bool(table.ci_low[0] < 2.0 < table.ci_high[0]), float(table.ci_high[1] - table.ci_low[1])
    (True, 0.0)
    """
    if as_dask(features) is not None or as_dask(articles) is not None:
        features, articles = materialize(features, articles, [by, cluster])
    if weight not in ("articles", "outlets"):
        raise ValueError(f"weight must be 'articles' or 'outlets', got {weight!r}")
    if n_boot < 1:
        raise ValueError(f"n_boot must be positive, got {n_boot!r}")
    if ci_method not in ("percentile", "bca"):
        raise ValueError(f"ci_method must be 'percentile' or 'bca', got {ci_method!r}")
    frame = align_features(features, articles)
    groups = _labels(articles, by, "by")
    clusters = None
    if cluster is not None:
        clusters = _labels(articles, cluster, "cluster")
        same = (isinstance(by, str) and isinstance(cluster, str) and by == cluster) or \
            groups.astype(object).equals(clusters.astype(object))
        if same:
            clusters = None
    values_all = frame.to_numpy()
    rows = []
    group_values = groups.astype(object)
    levels = (list(groups.cat.categories) if isinstance(groups.dtype, pd.CategoricalDtype)
              else sorted(group_values.dropna().unique().tolist(), key=str))
    bar = progress_bar(total=n_boot * len(levels), enabled=progress, desc="outlet scores",
                       unit="draw")
    try:
        for level in levels:
            rows += _group_rows(level, group_values, values_all, frame.columns, clusters,
                                cluster, n_boot, ci, ci_method, weight, random_state, bar)
    finally:
        bar.close()
    table = pd.DataFrame(rows, columns=RESULT_COLUMNS + ["n_clusters", "se"])
    table.attrs.update({"n_boot": int(n_boot), "ci": float(ci), "random_state": random_state})
    return table


def _group_rows(level, group_values, values_all, columns, clusters, cluster, n_boot, ci,
                ci_method, weight, random_state, bar) -> list[dict]:
    """The rows of one group of :func:`outlet_scores` (one per feature)."""
    index = np.flatnonzero((group_values == level).to_numpy())
    if index.size == 0:
        bar.update(n_boot)
        return []
    values = values_all[index]
    present = (~np.isnan(values)).astype(np.float64)
    filled = np.nan_to_num(values, nan=0.0)
    rng = group_rng(random_state, level)
    if clusters is None:
        with np.errstate(invalid="ignore", divide="ignore"):
            estimate = filled.sum(axis=0) / present.sum(axis=0)
        units = index.size
        replicates = (_article_bootstrap(filled, present, n_boot, rng, bar) if units >= 2
                      else None)
        jackknife = _article_jackknife(filled, present) if ci_method == "bca" else None
        n_clusters = 1
        method = "article bootstrap"
    else:
        codes, names = pd.factorize(clusters.iloc[index].astype(object), sort=True)
        if np.any(codes < 0):
            raise ValueError(f"group {level!r} has articles with no {cluster!r}")
        n_clusters = units = len(names)
        estimate = _cluster_estimate(filled, present, codes, n_clusters, weight)
        replicates = (_two_stage(filled, present, codes, n_clusters, n_boot, rng, weight, bar)
                      if units >= 2 else None)
        jackknife = (np.array([_cluster_estimate(filled, present, codes, n_clusters,
                                                 weight, drop=c)
                               for c in range(n_clusters)])
                     if ci_method == "bca" and units >= 2 else None)
        method = f"two-stage cluster bootstrap ({weight}-weighted)"
    if replicates is None:
        bar.update(n_boot)  # no interval to draw: the group's share of the bar is done
        low = high = se = np.full(values.shape[1], np.nan)
    else:
        low, high = percentile_interval(replicates, estimate, ci, ci_method, jackknife)
        se = np.nanstd(replicates, axis=0, ddof=1)
    return [{"feature": name, "group": level, "estimate": estimate[j],
             "ci_low": low[j], "ci_high": high[j],
             "n": int(present[:, j].sum()), "method": f"{method}, {ci_method}",
             "n_clusters": n_clusters, "se": se[j]}
            for j, name in enumerate(columns)]
