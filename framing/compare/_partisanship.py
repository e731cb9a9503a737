"""Leave-out partisanship (Gentzkow, Shapiro & Taddy 2019) with a permutation null."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._dask import as_dask
from .._progress import progress_bar
from .._warnings import take_renamed
from ._common import group_levels, group_rng
from ._distributed import aggregate, count_articles, levels_of, select_terms, tally
from ._fightin import outlet_signature_terms
from ._tokens import TOKEN_PATTERN, article_texts, count_terms

__all__ = ["leave_out_partisanship", "partisanship_from_counts"]

#: Old parameter names of :func:`leave_out_partisanship`, accepted for one release.
_RENAMED = {"group_col": "by", "text_col": "text_column", "outlet_col": "outlet_column"}


class _Units:
    """Per-unit phrase counts laid out for vectorised leave-cluster-out scoring.

    Every stored count ``c_ij`` (unit ``i``, phrase ``j``) is kept beside the count of
    phrase ``j`` in unit ``i``'s whole cluster, so leaving the cluster out is a subtraction.
    """

    def __init__(self, counts, cluster_codes):
        counts = sp.csr_matrix(counts, dtype=np.float64)
        counts.sum_duplicates()
        counts.sort_indices()
        self.counts = counts
        self.n = counts.shape[0]
        self.rows = np.repeat(np.arange(self.n), np.diff(counts.indptr))
        self.cols = counts.indices
        self.data = counts.data
        self.totals = np.asarray(counts.sum(axis=1)).ravel()
        self.codes = np.asarray(cluster_codes, dtype=np.int64)
        n_clusters = int(self.codes.max()) + 1
        indicator = sp.csr_matrix((np.ones(self.n), (self.codes, np.arange(self.n))),
                                  shape=(n_clusters, self.n))
        by_cluster = sp.csr_matrix(indicator @ counts)
        by_cluster.sum_duplicates()
        by_cluster.sort_indices()
        width = counts.shape[1]
        cluster_keys = (np.repeat(np.arange(n_clusters), np.diff(by_cluster.indptr)) * width
                        + by_cluster.indices)
        unit_keys = self.codes[self.rows] * width + self.cols
        self.cluster_data = by_cluster.data[np.searchsorted(cluster_keys, unit_keys)]
        cluster_totals = np.asarray(by_cluster.sum(axis=1)).ravel()
        self.nnz_cluster_totals = cluster_totals[self.codes[self.rows]]

    def scores(self, y, w, leave_out: bool):
        """Each unit's chance that an observer guesses its group from one of its phrases.

        ``y`` is 0/1 per unit (constant within a cluster) and ``w`` the multiplicity of
        each cluster (0 leaves it out; 2 counts it twice and, with ``leave_out``, removes
        both copies from its group's frequencies).
        """
        w_unit = w[self.codes]
        by_group = self.counts.T @ np.column_stack([w_unit * (y == 0), w_unit * (y == 1)])
        group_totals = np.array([np.sum(w_unit * self.totals * (y == g)) for g in (0, 1)])
        # Gather each group's count of every stored phrase once; pick own/other per entry.
        in_b = y.take(self.rows) == 1
        count_a = np.ascontiguousarray(by_group[:, 0]).take(self.cols)
        count_b = np.ascontiguousarray(by_group[:, 1]).take(self.cols)
        own_counts = np.where(in_b, count_b, count_a)
        other_counts = np.where(in_b, count_a, count_b)
        own_total = np.where(in_b, group_totals[1], group_totals[0])
        other_total = np.where(in_b, group_totals[0], group_totals[1])
        if leave_out:
            w_nnz = w_unit.take(self.rows)
            own_counts -= w_nnz * self.cluster_data
            own_total = own_total - w_nnz * self.nnz_cluster_totals
        with np.errstate(invalid="ignore", divide="ignore"):
            own_rate = own_counts / own_total
            denom = own_rate + other_counts / other_total
            # rho: the posterior on the unit's own group after one phrase (neutral prior);
            # a phrase neither group uses (once the unit is left out) says nothing: 1/2.
            rho = np.where(denom > 0, own_rate / denom, 0.5)
            rho[own_total <= 0] = np.nan  # its group had no one else
        # Rows are contiguous and none is empty (empty units are dropped), so a segmented
        # sum over the CSR row pointers gives each unit's total.
        return np.add.reduceat(self.data * rho, self.counts.indptr[:-1]) / self.totals

    def estimate(self, y, w, leave_out: bool):
        s = self.scores(y, w, leave_out)
        w_unit = w[self.codes]
        means = []
        for g in (0, 1):
            mask = (y == g) & (w_unit > 0)
            means.append(np.sum(w_unit[mask] * s[mask]) / np.sum(w_unit[mask]))
        return 0.5 * (means[0] + means[1]), s


def partisanship_from_counts(counts, labels, *, clusters=None, n_perm: int = 1000,
                             n_boot: int = 1000, ci: float = 0.95, random_state: int = 0,
                             progress: bool = False):
    """Leave-out and plug-in partisanship of two groups of units from their phrase counts.

    The engine behind :func:`leave_out_partisanship`; see there for the estimator.

    Parameters
    ----------
    counts : sparse matrix or ndarray, shape (n_units, n_phrases)
        Each unit's phrase counts (units with no phrase are dropped).
    labels : array-like of {0, 1}, shape (n_units,)
    clusters : array-like, shape (n_units,), optional
        Clusters (outlets, when units are articles): a unit's whole cluster is left out of
        its group's frequencies, the permutation shuffles the groups of whole clusters and
        the bootstrap resamples clusters within groups. A cluster with units in both groups
        counts as two. Default: each unit is its own cluster.
    n_perm, n_boot : int
        Permutations for the null, bootstrap replicates for the interval.
    ci : float, default 0.95
    random_state : int, default 0
    progress : bool, default False
        Show a progress bar ticking per permutation and per bootstrap replicate.

    Returns
    -------
    summary : dict
        For ``"leave-out"`` and ``"plug-in"``: estimate, ci_low, ci_high, null_mean,
        null_low, null_high, p_value.
    units : DataFrame
        Per unit: ``score`` (leave-out), ``score_plugin``, ``null_mean, null_low,
        null_high`` (the unit's leave-out score under permuted labels) and ``p_value``
        (share of permutations scoring at least as high, with the usual +1 correction).

    Examples
    --------
    >>> import numpy as np
    >>> counts = np.array([[9, 1, 2], [8, 2, 2], [1, 9, 2], [2, 8, 2]])
    >>> summary, units = partisanship_from_counts(counts, [0, 0, 1, 1], n_perm=20, n_boot=20)
    >>> round(float(summary["leave-out"]["estimate"]), 3)
    0.702
    """
    counts = sp.csr_matrix(counts)
    y = np.asarray(labels).astype(np.int64)
    if counts.shape[0] != y.size:
        raise ValueError(f"{counts.shape[0]} units but {y.size} labels")
    totals = np.asarray(counts.sum(axis=1)).ravel()
    if np.any(totals <= 0):
        kept = np.flatnonzero(totals > 0)
        return _drop_empty(counts, y, clusters, kept, n_perm, n_boot, ci, random_state,
                           progress)
    if set(np.unique(y)) != {0, 1}:
        raise ValueError("labels must contain both groups (0 and 1)")
    # Clusters are (cluster, group) pairs, so a cluster filed under both groups is two and
    # every cluster has one group, which the permutation then shuffles.
    keys = np.arange(y.size) if clusters is None else np.asarray(clusters, dtype=object)
    cluster_codes, uniques = pd.factorize(pd.MultiIndex.from_arrays([keys, y]), sort=True)
    cluster_y = np.asarray(uniques.get_level_values(1), dtype=np.int64)
    n_clusters = cluster_y.size
    if np.bincount(cluster_y, minlength=2).min() < 2:
        raise ValueError("each group needs at least two units (clusters) for a leave-out "
                         "estimate")
    units = _Units(counts, cluster_codes)
    ones = np.ones(n_clusters)
    result = {}
    for name, leave_out in (("leave-out", True), ("plug-in", False)):
        estimate, scores = units.estimate(y, ones, leave_out)
        result[name] = {"estimate": estimate, "scores": scores}

    bar = progress_bar(total=n_perm + n_boot, enabled=progress, desc="partisanship",
                       unit="draw")
    try:
        null, unit_null, boot = _draws(units, y, cluster_y, cluster_codes, n_perm, n_boot,
                                       random_state, bar)
    finally:
        bar.close()

    tail = (1 - ci) / 2

    summary = {}
    for name in ("leave-out", "plug-in"):
        estimate = result[name]["estimate"]
        draws = null[name][~np.isnan(null[name])]
        reps = boot[name][~np.isnan(boot[name])]
        summary[name] = {
            "estimate": estimate,
            "ci_low": np.quantile(reps, tail) if reps.size else np.nan,
            "ci_high": np.quantile(reps, 1 - tail) if reps.size else np.nan,
            "null_mean": draws.mean() if draws.size else np.nan,
            "null_low": np.quantile(draws, tail) if draws.size else np.nan,
            "null_high": np.quantile(draws, 1 - tail) if draws.size else np.nan,
            "p_value": (1 + np.sum(draws >= estimate)) / (1 + draws.size),
            "n_perm": int(draws.size), "n_boot": int(reps.size)}
    observed = result["leave-out"]["scores"]
    valid = ~np.isnan(unit_null)
    with np.errstate(invalid="ignore"):
        table = pd.DataFrame({
            "score": observed, "score_plugin": result["plug-in"]["scores"],
            "null_mean": np.nanmean(unit_null, axis=0),
            "null_low": np.nanquantile(unit_null, tail, axis=0),
            "null_high": np.nanquantile(unit_null, 1 - tail, axis=0),
            "p_value": (1 + np.sum((unit_null >= observed) & valid, axis=0))
            / (1 + valid.sum(axis=0)),
            "n_tokens": units.totals.astype(np.int64)})
    return summary, table


def _draws(units, y, cluster_y, cluster_codes, n_perm, n_boot, random_state, bar):
    """The permutation null (both estimators, and per unit) and the bootstrap replicates."""
    n_clusters = cluster_y.size
    ones = np.ones(n_clusters)
    rng_perm = group_rng(random_state, "permutation")
    null = {"leave-out": np.empty(n_perm), "plug-in": np.empty(n_perm)}
    unit_null = np.empty((n_perm, units.n))
    for b in range(n_perm):
        y_perm = rng_perm.permutation(cluster_y)[cluster_codes]
        null["leave-out"][b], unit_null[b] = units.estimate(y_perm, ones, True)
        null["plug-in"][b] = units.estimate(y_perm, ones, False)[0]
        bar.update()

    # The interval is for the leave-out estimate only: a bootstrap sample repeats units,
    # and the plug-in estimate, which keeps a unit's own counts, reads the copies as
    # agreement (its replicates sit above its estimate).
    rng_boot = group_rng(random_state, "bootstrap")
    boot = {"leave-out": np.empty(n_boot), "plug-in": np.full(n_boot, np.nan)}
    members = [np.flatnonzero(cluster_y == g) for g in (0, 1)]
    for b in range(n_boot):
        times = np.zeros(n_clusters)
        for group in members:  # stratified: each group keeps its number of clusters
            times[group] = rng_boot.multinomial(group.size, np.full(group.size, 1 / group.size))
        boot["leave-out"][b] = units.estimate(y, times, True)[0]
        bar.update()
    return null, unit_null, boot


def _drop_empty(counts, y, clusters, kept, n_perm, n_boot, ci, random_state, progress):
    """Rerun without the units that have no phrase; their rows come back as NaN."""
    clusters = None if clusters is None else np.asarray(clusters, dtype=object)[kept]
    summary, table = partisanship_from_counts(counts[kept], y[kept], clusters=clusters,
                                              n_perm=n_perm, n_boot=n_boot, ci=ci,
                                              random_state=random_state, progress=progress)
    full = pd.DataFrame(np.nan, index=np.arange(y.size), columns=table.columns)
    full.iloc[kept] = table.to_numpy()
    full["n_tokens"] = full["n_tokens"].fillna(0).astype(np.int64)
    return summary, full


def leave_out_partisanship(articles, by: str | None = None, *, groups=None, unit="outlet",
                           cluster="auto", text_column: str = "text", title: bool = False,
                           n_perm: int = 1000, n_boot: int = 1000, ci: float = 0.95,
                           random_state: int = 0, max_outlet_share="auto",
                           outlet_column: str = "outlet", ngram_range=(1, 1), min_df=1,
                           stop_words=None, us_spellings: bool = True,
                           token_pattern: str = TOKEN_PATTERN, return_units: bool = False,
                           progress: bool = False, **renamed):
    """How easily a reader could tell two groups apart from one phrase: GST's leave-out estimator.

    Gentzkow, Shapiro & Taddy (2019, *Econometrica* 87(4), "Measuring Group Differences in
    High-Dimensional Choices") define partisanship as the expected posterior that an
    observer with a neutral prior puts on a speaker's true group after hearing one phrase
    from that speaker. With units ``i`` (outlets, or articles) in groups ``A`` and ``B``,
    ``q_i`` a unit's phrase frequencies (counts over its total) and ``q^G_{-i}`` the pooled
    phrase frequencies of group ``G`` without unit ``i``, this function computes::

        rho_{-i,j} = q^A_{-i,j} / (q^A_{-i,j} + q^B_{-i,j})     (1/2 when both are 0)
        pi = 1/2 * (1/|A|) * sum_{i in A} q_i . rho_{-i}
           + 1/2 * (1/|B|) * sum_{i in B} q_i . (1 - rho_{-i})

    (only the unit's own group changes when it is left out). Leaving the unit out is the
    point: the plug-in estimate (``rho`` from all units, the unit included) is biased up,
    most for small units, whose own rare phrases then look perfectly partisan. ``pi = 1/2``
    means no difference; 1 means every phrase gives the group away. When units are
    articles grouped in clusters (outlets), ``-i`` leaves out the article's whole outlet:
    the group frequencies an article is judged by come from outlets other than its own, so
    an outlet's house style cannot pass for its group's.

    Uncertainty: a permutation null (group labels shuffled across clusters: outlets; the
    estimator's finite-sample level under no difference is close to but not exactly 1/2,
    so read ``excess`` over ``null_mean``) and a bootstrap over clusters, stratified by
    group, for the interval. The plug-in estimate is reported beside it with its own
    permutation null, to show its bias; it gets no interval (bootstrap copies of a unit
    inflate it).

    Parameters
    ----------
    articles : DataFrame, dask DataFrame or path
        A dask DataFrame (or a parquet file or folder) is counted partition by partition on
        the active dask scheduler; the tables equal the pandas ones for the same rows.
    by : str
        The grouping column, e.g. ``"label_allsides"`` (required; formerly ``group_col``,
        still accepted for one release with a DeprecationWarning, as are ``text_col`` and
        ``outlet_col``).
    groups : (str, str), optional
        The two groups ``A, B`` (required when ``by`` has more than two values).
    unit : str or None, default "outlet"
        Units whose articles are pooled (a column name), or None for single articles.
    cluster : str, None or "auto"
        Clusters left out together, permuted together and resampled together.
        ``"auto"``: ``outlet_column`` when units are articles and it exists, else the units
        themselves.
    text_column, title, ngram_range, min_df, stop_words, us_spellings, token_pattern
        What counts as a phrase (see :func:`framing.compare.count_terms`). GST use bigrams
        of stemmed words; the default here is single words.
    n_perm : int, default 1000
    n_boot : int, default 1000
    ci : float, default 0.95
    random_state : int, default 0
    max_outlet_share : float, None or "auto", default "auto"
        Drop outlet-signature phrases first (see :func:`framing.compare.fightin_words`).
        ``"auto"``: 0.5 when ``outlet_column`` exists.
    outlet_column : str, default "outlet"
    return_units : bool, default False
        Also return the per-unit table.
    progress : bool, default False
        Show a progress bar ticking per permutation and per bootstrap replicate (most of
        the time: about half a minute for the AllSides corpus with the defaults).

    Returns
    -------
    table : DataFrame
        Tidy, one row per estimator (``method`` = ``"leave-out"`` or ``"plug-in"``):
        ``feature`` ("partisanship"), ``group`` ("A vs B"), ``estimate, ci_low, ci_high,
        n`` (units), ``method``, ``null_mean, null_low, null_high`` (permutation null),
        ``excess`` (estimate minus null mean), ``p_value`` (one-sided, permutation),
        ``n_perm, n_boot, unit``.
    units : DataFrame
        Only with ``return_units``: per unit ``group, n_articles, n_tokens, score``
        (leave-out), ``score_plugin``, its permutation ``null_mean, null_low, null_high``
        and ``p_value``. A small unit's plug-in score is inflated; its leave-out score
        sits inside its own null band unless it really writes like its group.

    Examples
    --------
    >>> import pandas as pd
    >>> articles = pd.DataFrame({
    ...     "outlet": ["a", "b", "c", "d", "e", "f"],
    ...     "label_allsides": ["left"] * 3 + ["right"] * 3,
    ...     "text": ["undocumented immigrants families"] * 3 + ["illegal aliens crime"] * 3})
    >>> table = leave_out_partisanship(articles, "label_allsides", n_perm=50, n_boot=50,
    ...                                max_outlet_share=None)
    >>> table.loc[table.method == "leave-out", "estimate"].round(2).tolist()
    [1.0]
    """
    if renamed:
        named = take_renamed("leave_out_partisanship", renamed, _RENAMED,
                             {"by": (by, None), "text_column": (text_column, "text"),
                              "outlet_column": (outlet_column, "outlet")})
        by, text_column, outlet_column = (named["by"], named["text_column"],
                                          named["outlet_column"])
    if by is None:
        raise TypeError("leave_out_partisanship() missing the grouping column: pass by=, "
                        "e.g. by=\"label_allsides\"")
    group_col, text_col, outlet_col = by, text_column, outlet_column
    distributed = as_dask(articles)
    if distributed is not None:
        return _leave_out_dask(distributed, group_col, groups=groups, unit=unit,
                               cluster=cluster, text_col=text_col, title=title, n_perm=n_perm,
                               n_boot=n_boot, ci=ci, random_state=random_state,
                               max_outlet_share=max_outlet_share, outlet_col=outlet_col,
                               ngram_range=ngram_range, min_df=min_df, stop_words=stop_words,
                               us_spellings=us_spellings, token_pattern=token_pattern,
                               return_units=return_units, progress=progress)
    _check_columns(articles.columns, group_col=group_col, text_col=text_col, unit=unit,
                   cluster=cluster, outlet_col=outlet_col, max_outlet_share=max_outlet_share)
    levels = _two_levels(articles[group_col], groups)
    subset = articles.loc[articles[group_col].isin(levels).to_numpy()]
    texts = article_texts(subset, text_col=text_col, title=title)
    counts, terms = count_terms(texts, ngram_range=ngram_range, min_df=min_df,
                                stop_words=stop_words, token_pattern=token_pattern,
                                us_spellings=us_spellings)
    if max_outlet_share == "auto":
        max_outlet_share = 0.5 if outlet_col in articles else None
    n_excluded = 0
    if max_outlet_share is not None:
        excluded = outlet_signature_terms(counts, terms, subset[outlet_col].to_numpy(),
                                          max_share=max_outlet_share)
        keep_terms = ~pd.Index(terms).isin(excluded["term"])
        counts, n_excluded = counts[:, keep_terms], len(excluded)
    y_articles = (subset[group_col].astype(object) == levels[1]).to_numpy().astype(np.int64)

    if unit is None:
        unit_counts, unit_y = counts, y_articles
        names = subset.index.to_numpy(dtype=object)
        n_articles = np.ones(len(subset), dtype=np.int64)
        if cluster == "auto":
            cluster = outlet_col if outlet_col in articles else None
        clusters = None if cluster is None else subset[cluster].to_numpy(dtype=object)
    else:
        # A unit is an (outlet, group) pair, so an outlet filed under both groups is two.
        keys = pd.MultiIndex.from_arrays([subset[unit].astype(object).to_numpy(), y_articles])
        codes, uniques = pd.factorize(keys, sort=True)
        indicator = sp.csr_matrix((np.ones(codes.size), (codes, np.arange(codes.size))),
                                  shape=(len(uniques), codes.size))
        unit_counts = indicator @ counts
        names = np.asarray(uniques.get_level_values(0), dtype=object)
        unit_y = np.asarray(uniques.get_level_values(1), dtype=np.int64)
        n_articles = np.bincount(codes, minlength=len(uniques))
        clusters = None
    return _estimate(unit_counts, unit_y, clusters, names, n_articles, levels, unit,
                     n_perm=n_perm, n_boot=n_boot, ci=ci, random_state=random_state,
                     n_excluded=n_excluded, max_outlet_share=max_outlet_share,
                     n_phrases=int(counts.shape[1]), return_units=return_units,
                     progress=progress)


def _check_columns(columns, *, group_col, text_col, unit, cluster, outlet_col,
                   max_outlet_share) -> None:
    """Raise KeyError naming the first column an option needs that ``columns`` lacks.

    The message lists the columns present and says which option asked for the column, so
    that a corpus without an ``outlet`` column is told to pass ``unit=None`` or another
    unit rather than meeting a bare ``KeyError: 'outlet'`` deep inside the counting.
    """
    present = list(columns)
    needed = [(group_col, "by"), (text_col, "text_column")]
    if unit is not None:
        needed.append((unit, "unit (pass unit=None to take single articles as units)"))
    if cluster not in (None, "auto"):
        needed.append((cluster, "cluster"))
    if max_outlet_share not in (None, "auto"):
        needed.append((outlet_col, "max_outlet_share (pass max_outlet_share=None to keep "
                                   "outlet-signature phrases)"))
    for column, option in needed:
        if column not in present:
            raise KeyError(f"no column {column!r} in articles, needed by {option}; the "
                           f"columns are {present!r}")


def _two_levels(labels, groups):
    levels = group_levels(labels, groups)
    if len(levels) != 2:
        raise ValueError(f"partisanship compares two groups; pass groups=(A, B) "
                         f"(found {levels!r})")
    return levels


def _estimate(unit_counts, unit_y, clusters, names, n_articles, levels, unit, *, n_perm,
              n_boot, ci, random_state, n_excluded, max_outlet_share, n_phrases,
              return_units, progress=False):
    """Run the estimator on per-unit counts and lay out the tables (both paths)."""
    summary, units = partisanship_from_counts(unit_counts, unit_y, clusters=clusters,
                                              n_perm=n_perm, n_boot=n_boot, ci=ci,
                                              random_state=random_state, progress=progress)
    rows = []
    for method, values in summary.items():
        rows.append({"feature": "partisanship", "group": f"{levels[0]} vs {levels[1]}",
                     "estimate": values["estimate"], "ci_low": values["ci_low"],
                     "ci_high": values["ci_high"], "n": int(np.sum(units["n_tokens"] > 0)),
                     "method": method, "null_mean": values["null_mean"],
                     "null_low": values["null_low"], "null_high": values["null_high"],
                     "excess": values["estimate"] - values["null_mean"],
                     "p_value": values["p_value"], "n_perm": values["n_perm"],
                     "n_boot": values["n_boot"], "unit": unit or "article"})
    table = pd.DataFrame(rows)
    table.attrs.update({"n_excluded": n_excluded, "max_outlet_share": max_outlet_share,
                        "n_phrases": n_phrases})
    if not return_units:
        return table
    units.insert(0, "unit", names)
    units.insert(1, "group", np.asarray(levels, dtype=object)[unit_y])
    units.insert(2, "n_articles", n_articles)
    return table, units


def _leave_out_dask(articles, group_col, *, groups, unit, cluster, text_col, title, n_perm,
                    n_boot, ci, random_state, max_outlet_share, outlet_col, ngram_range,
                    min_df, stop_words, us_spellings, token_pattern, return_units,
                    progress=False):
    """:func:`leave_out_partisanship` on a dask DataFrame: counts on the workers.

    Units pooling articles (``unit`` a column) need only per-unit sums, tallied on the
    workers. Articles as units need each article's counts: a second pass counts every
    partition over the final vocabulary and the rows are stacked in the table's order.
    """
    tokens = {"ngram_range": ngram_range, "stop_words": stop_words,
              "token_pattern": token_pattern, "us_spellings": us_spellings}
    _check_columns(articles.columns, group_col=group_col, text_col=text_col, unit=unit,
                   cluster=cluster, outlet_col=outlet_col, max_outlet_share=max_outlet_share)
    levels = levels_of(articles, group_col, groups)
    _two_levels(pd.Series(levels, dtype=object), levels)
    has_outlet = outlet_col in articles.columns
    keys = [unit if unit is not None else group_col,
            outlet_col if has_outlet else group_col, group_col]
    counted = select_terms(tally(articles, keys, group_col, levels, text_col=text_col,
                                 title=title, **tokens), min_df=min_df)
    terms = counted.terms
    if max_outlet_share == "auto":
        max_outlet_share = 0.5 if has_outlet else None
    n_excluded = 0
    keep_terms = np.ones(terms.size, dtype=bool)
    if max_outlet_share is not None:
        if not has_outlet:
            raise KeyError(outlet_col)
        by_outlet, outlet_keys, _ = aggregate(counted, [1])
        excluded = outlet_signature_terms(by_outlet, terms, [k[0] for k in outlet_keys],
                                          max_share=max_outlet_share)
        keep_terms = ~pd.Index(terms).isin(excluded["term"])
        n_excluded = len(excluded)
    terms = terms[keep_terms]
    if unit is None:
        if cluster == "auto":
            cluster = outlet_col if has_outlet else None
        columns = [group_col] + ([cluster] if cluster is not None else [])
        counts, ids, values = count_articles(articles, terms, group_col, levels, columns,
                                             text_col=text_col, title=title, **tokens)
        unit_y = (values[group_col] == levels[1]).astype(np.int64)
        clusters = None if cluster is None else values[cluster]
        names, n_articles = ids, np.ones(len(ids), dtype=np.int64)
    else:
        # Units are (unit, group) cells, ordered as the pandas path factorises them.
        y = {levels[0]: 0, levels[1]: 1}
        counted.keys = [(k[0], y[k[2]]) for k in counted.keys]
        counts, unit_keys, n_articles = aggregate(counted, [0, 1])
        counts = sp.csr_matrix(counts[:, np.flatnonzero(keep_terms)], dtype=np.float64)
        names = np.array([k[0] for k in unit_keys], dtype=object)
        unit_y = np.array([k[1] for k in unit_keys], dtype=np.int64)
        clusters = None
    return _estimate(counts, unit_y, clusters, names, n_articles, levels, unit, n_perm=n_perm,
                     n_boot=n_boot, ci=ci, random_state=random_state, n_excluded=n_excluded,
                     max_outlet_share=max_outlet_share, n_phrases=int(terms.size),
                     return_units=return_units, progress=progress)
