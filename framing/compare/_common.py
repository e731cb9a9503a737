"""What the comparisons share: result columns, seeded draws, intervals, aligned inputs.

It sits below the estimators (``_bootstrap``, ``_fightin``, ``_partisanship``,
``_same_event``, ``_agreement``) and the dask counting of ``_distributed``, and imports none
of them: the estimators share these helpers without importing one another.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from .._dask import as_dask, compute

__all__ = ["RESULT_COLUMNS", "align_features", "group_levels", "group_rng", "materialize",
           "percentile_interval"]

#: Leading columns of every tidy result table.
RESULT_COLUMNS = ["feature", "group", "estimate", "ci_low", "ci_high", "n", "method"]


def group_rng(random_state, key) -> np.random.Generator:
    """A generator seeded by ``random_state`` and a stable hash of ``key``.

    A group's draws then depend only on the seed and the group's name, not on which other
    groups are in the table or in what order they come.

    Examples
    --------
    >>> a = group_rng(0, "fox-news").integers(0, 100, 3)
    >>> b = group_rng(0, "fox-news").integers(0, 100, 3)
    >>> bool((a == b).all())
    True
    """
    if isinstance(random_state, np.random.Generator):
        seed = int(random_state.integers(0, 2**32))
    elif random_state is None:
        raise ValueError("random_state must be an int (or a Generator): results must be "
                         "reproducible")
    else:
        seed = int(random_state)
    return np.random.default_rng([seed, zlib.crc32(str(key).encode("utf-8"))])


def percentile_interval(replicates, estimate, level: float = 0.95, method="percentile",
                        jackknife=None):
    """Bootstrap interval per column: percentile, or BCa (Efron 1987).

    Parameters
    ----------
    replicates : ndarray, shape (n_boot, n_features)
        Bootstrap estimates; ``NaN`` replicates are ignored.
    estimate : ndarray, shape (n_features,)
    level : float, default 0.95
    method : {"percentile", "bca"}
    jackknife : ndarray, shape (n_units, n_features), optional
        Leave-one-unit-out estimates, required for BCa (they give the acceleration).

    Returns
    -------
    low, high : ndarray, shape (n_features,)

    Examples
    --------
    >>> reps = np.arange(1, 1001, dtype=float)[:, None]
    >>> [v.round(3).tolist() for v in percentile_interval(reps, np.array([500.0]))]
    [[25.975], [975.025]]
    """
    replicates = np.asarray(replicates, dtype=np.float64)
    tail = (1.0 - level) / 2.0
    if method == "percentile":
        probs = np.array([tail, 1.0 - tail])[:, None] * np.ones(replicates.shape[1])
    elif method == "bca":
        if jackknife is None:
            raise ValueError("BCa needs the jackknife estimates")
        valid = np.sum(~np.isnan(replicates), axis=0)
        below = np.sum(replicates < estimate, axis=0) + 0.5 * np.sum(replicates == estimate,
                                                                    axis=0)
        z0 = ndtri(np.clip(below / np.maximum(valid, 1), 1e-10, 1 - 1e-10))
        centred = np.nanmean(jackknife, axis=0) - jackknife
        with np.errstate(invalid="ignore", divide="ignore"):
            accel = (np.nansum(centred ** 3, axis=0)
                     / (6.0 * np.nansum(centred ** 2, axis=0) ** 1.5))
        accel = np.nan_to_num(accel)
        z = ndtri(np.array([tail, 1.0 - tail]))[:, None]
        probs = ndtr(z0 + (z0 + z) / (1.0 - accel * (z0 + z)))
    else:
        raise ValueError(f"method must be 'percentile' or 'bca', got {method!r}")
    low, high = np.full(replicates.shape[1], np.nan), np.full(replicates.shape[1], np.nan)
    for j in range(replicates.shape[1]):  # one column at a time: each has its own levels
        column = replicates[:, j]
        column = column[~np.isnan(column)]
        if column.size and np.all(np.isfinite(probs[:, j])):
            low[j], high[j] = np.quantile(column, probs[:, j])
    return low, high


def group_levels(labels, groups):
    """The groups to compare, in order: given, else a categorical's order, else sorted.

    Parameters
    ----------
    labels : array-like
        Each article's group (missing labels are ignored).
    groups : sequence, optional
        The groups to compare, in this order; ``None`` takes those present in ``labels``.

    Returns
    -------
    list
        At least two distinct groups.

    Raises
    ------
    ValueError
        For fewer than two groups, or labels that are equal as strings.

    Examples
    --------
    >>> group_levels(["right", "left", None, "left"], None)
    ['left', 'right']
    """
    if groups is not None:
        levels = list(groups)
    elif isinstance(getattr(labels, "dtype", None), pd.CategoricalDtype):
        present = set(pd.Series(labels).dropna().unique().tolist())
        levels = [c for c in labels.cat.categories if c in present]
    else:
        levels = sorted(pd.Series(np.asarray(labels, dtype=object)).dropna().unique().tolist(),
                        key=str)
    if len(levels) < 2:
        raise ValueError(f"need at least two groups to compare, got {levels!r}")
    if len(set(map(str, levels))) != len(levels):
        raise ValueError(f"group labels must be distinct as strings, got {levels!r}")
    return levels


def align_features(features, articles) -> pd.DataFrame:
    """``features`` as a float64 DataFrame on ``articles``' index, refusing what cannot align.

    Parameters
    ----------
    features : DataFrame, Series or array-like
        One row per article. A DataFrame or Series is aligned on its index; a Series becomes
        one column; an array (rows in ``articles``' order) gets columns ``x0, x1, ...``.
    articles : DataFrame
        The articles the features describe.

    Returns
    -------
    DataFrame
        float64 columns, indexed like ``articles``.

    Raises
    ------
    ValueError
        When an article has no feature row, or an array's row count differs.
    TypeError
        For non-numeric feature columns.
    """
    if isinstance(features, pd.Series):
        features = features.to_frame(features.name if features.name is not None else "value")
    if isinstance(features, pd.DataFrame):
        if not features.index.equals(articles.index):
            missing = articles.index.difference(features.index)
            if len(missing):
                raise ValueError(f"{len(missing)} articles have no feature row, e.g. "
                                 f"{missing[0]!r}")
            features = features.reindex(articles.index)
        numeric = features.select_dtypes(include=["number", "bool"])
        if numeric.shape[1] != features.shape[1]:
            dropped = sorted(set(features.columns) - set(numeric.columns))
            raise TypeError(f"features must be numeric; non-numeric columns: {dropped}")
        numeric = numeric.astype(np.float64)
        numeric.attrs = {}  # dataset reports in attrs would only be deep-copied along
        return numeric
    array = np.asarray(features, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    if array.shape[0] != len(articles):
        raise ValueError(f"{array.shape[0]} feature rows but {len(articles)} articles")
    return pd.DataFrame(array, index=articles.index,
                        columns=[f"x{j}" for j in range(array.shape[1])])


def materialize(features, articles, columns):
    """``features`` and the named ``columns`` of ``articles`` as pandas, computed together.

    For estimators that resample articles (the bootstraps of
    :func:`~framing.compare.outlet_scores` and :func:`~framing.compare.same_event`): they
    need every article's values, which for millions of articles are arrays of floats that
    fit on one machine. Paths are read as parquet; dask objects are computed in one call,
    so features built lazily from the same articles are scored once. Pandas inputs pass
    through unchanged.
    """
    features = as_dask(features) if as_dask(features) is not None else features
    distributed = as_dask(articles)
    if distributed is not None:
        wanted = [c for c in dict.fromkeys(columns) if isinstance(c, str)]
        missing = [c for c in wanted if c not in distributed.columns]
        if missing:
            raise KeyError(f"{missing[0]!r} is not a column of articles")
        articles = distributed[wanted]
    features, articles = compute(features, articles)
    return features, articles
