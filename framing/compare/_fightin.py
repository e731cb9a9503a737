"""Fightin' words: log-odds ratios with an informative Dirichlet prior (Monroe et al. 2008)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import ndtr, ndtri

from .._dask import as_dask
from .._progress import progress_bar
from .._warnings import take_renamed, warn_at_caller
from ._common import group_levels, group_rng
from ._distributed import background_counts, levels_of, select_terms, tally
from ._multiple_testing import bh_qvalues
from ._tokens import TOKEN_PATTERN, article_texts, count_terms, group_indicator

__all__ = ["OutletSignatureWarning", "fightin_words", "log_odds_dirichlet",
           "outlet_signature_terms", "top_terms"]

COLUMNS = ["term", "group", "comparison", "delta", "se", "z", "p_value", "q_value",
           "count_group", "count_other", "significant"]
#: Old parameter names of :func:`fightin_words`, accepted for one release.
_RENAMED = {"group_col": "by", "text_col": "text_column", "outlet_col": "outlet_column"}
#: Excluded terms matched against the lexicons at a time (bounds the matcher's memory).
_LEXICON_BATCH = 20_000


class OutletSignatureWarning(UserWarning):
    """Terms were dropped from a comparison as outlet signatures (mastheads, bylines...).

    Filter it once the count is known: ``warnings.simplefilter("ignore",
    OutletSignatureWarning)``.
    """


#: Half a count added to every term of a user-given background, so a term the background
#: never uses still has a positive prior (and a finite log-odds).
_BACKGROUND_PSEUDOCOUNT = 0.5


def _specs(n_levels: int, comparisons: str):
    """(group index, comparison label, index of the other group or None for the rest)."""
    specs = []
    if comparisons in ("all", "vs_rest") and n_levels > 2:
        specs += [(g, "vs_rest", None) for g in range(n_levels)]
    if comparisons in ("all", "pairwise") or n_levels == 2:
        specs += [(g, h) for g in range(n_levels) for h in range(n_levels) if h != g]
    return specs


def _prior(by_group, background, prior_scale):
    """alpha_w for every term and a0, from the background's shares (pooled when None)."""
    pooled = by_group.sum(axis=0) if background is None else background
    a0 = float(prior_scale * by_group.sum())
    return a0 * pooled / pooled.sum(), a0


def _z_scores(by_group, background, prior_scale, specs):
    """Yield (delta, se, z, other counts) per comparison (Monroe, Colaresi & Quinn 2008)."""
    prior, a0 = _prior(by_group, background, prior_scale)
    total = by_group.sum(axis=0)
    n_group = by_group.sum(axis=1)
    for spec in specs:
        g, h = spec[0], spec[-1]
        y_i, n_i = by_group[g], n_group[g]
        y_j = total - y_i if h is None else by_group[h]
        n_j = y_j.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = (np.log((y_i + prior) / (n_i + a0 - y_i - prior))
                     - np.log((y_j + prior) / (n_j + a0 - y_j - prior)))
            se = np.sqrt(1.0 / (y_i + prior) + 1.0 / (y_j + prior))
            z = delta / se
        yield delta, se, z, y_j


def _robustness(counts, doc_groups, clusters, by_group, background, prior_scale, specs,
                bar=None):
    """For each comparison, the z nearest zero over fits that leave one cluster out.

    Returns, per comparison, (worst z signed like the full-data z, index of that cluster)
    and the cluster levels. A cluster's counts leave its group and, for the pooled prior,
    the background: the fit is the one the data would give had the outlet not been seen.
    """
    cluster_codes, cluster_levels = pd.factorize(pd.Series(np.asarray(clusters, dtype=object)),
                                                 sort=True)
    full = [z for _, _, z, _ in _z_scores(by_group, background, prior_scale, specs)]
    worst = [z.copy() for z in full]  # start from the full fit
    which = [np.full(z.shape, -1) for z in full]
    # One refit per (cluster, group) cell: an outlet filed under two groups leaves each.
    pair_codes = cluster_codes.astype(np.int64) * by_group.shape[0] + doc_groups
    for code in np.unique(pair_codes):
        rows = np.flatnonzero(pair_codes == code)
        c, g = divmod(int(code), by_group.shape[0])
        removed = np.asarray(counts[rows].sum(axis=0)).ravel()
        reduced = by_group.copy()
        reduced[g] -= removed
        if bar is not None:
            bar.update()
        if reduced[g].sum() == 0:
            continue  # the group would be empty: no comparison to make
        for k, (_, _, z, _) in enumerate(_z_scores(reduced, background, prior_scale, specs)):
            z = np.nan_to_num(z, nan=0.0)  # a term only this cluster used: no evidence left
            sign = np.sign(full[k])
            closer = sign * z < sign * worst[k]
            worst[k] = np.where(closer, z, worst[k])
            which[k] = np.where(closer, c, which[k])
    return list(zip(worst, which, strict=True)), np.asarray(cluster_levels, dtype=object)


def _permutation_p(counts, doc_groups, clusters, n_levels, background, prior_scale, specs,
                   observed, n_perm, random_state, bar=None):
    """Two-sided permutation p-value of every term's z when whole clusters swap groups.

    Units are (cluster, group) pairs; each permutation shuffles their groups (keeping how
    many units each group has) and recomputes every comparison. The pooled prior does not
    change: permuting labels leaves the total counts alone.
    """
    keys = pd.MultiIndex.from_arrays([np.asarray(clusters, dtype=object), doc_groups])
    codes, uniques = pd.factorize(keys, sort=True)
    unit_group = np.asarray(uniques.get_level_values(1), dtype=np.int64)
    members = sp.csr_matrix((np.ones(codes.size), (codes, np.arange(codes.size))),
                            shape=(len(uniques), codes.size))
    unit_counts = sp.csr_matrix(members @ counts, dtype=np.float64)
    rng = group_rng(random_state, "fightin-words-permutation")
    threshold = [np.abs(z) * (1 - 1e-12) for z in observed]  # ties count as extreme
    exceed = np.zeros((len(specs), counts.shape[1]))
    done = 0
    for _ in range(n_perm):
        if bar is not None:
            bar.update()
        shuffled = rng.permutation(unit_group)
        assign = sp.csr_matrix((np.ones(shuffled.size), (shuffled, np.arange(shuffled.size))),
                               shape=(n_levels, shuffled.size))
        by_group = np.asarray((assign @ unit_counts).todense())
        if np.any(by_group.sum(axis=1) == 0):
            continue
        for k, (_, _, z, _) in enumerate(_z_scores(by_group, background, prior_scale, specs)):
            exceed[k] += np.abs(np.nan_to_num(z, nan=0.0)) >= threshold[k]
        done += 1
    return (1.0 + exceed) / (1.0 + done), done


def log_odds_dirichlet(counts, labels, terms, *, groups=None, background=None,
                       prior_scale: float = 1.0, comparisons: str = "all",
                       alpha: float = 0.05, clusters=None, leave_one_out: bool = True,
                       n_perm: int = 0, random_state: int = 0, progress: bool = False
                       ) -> pd.DataFrame:
    """Fightin' words from a document-term count matrix and one group label per document.

    The engine behind :func:`fightin_words`, for counts made any way (for example on a
    cluster). For group ``i`` against ``j`` (another group or all the others pooled) and
    term ``w``, with ``y`` the term's counts, ``n`` the groups' token totals, ``alpha_w`` the
    prior pseudo-count and ``a0 = sum_w alpha_w`` (Monroe, Colaresi & Quinn 2008)::

        delta_w = log((y_iw + alpha_w) / (n_i + a0 - y_iw - alpha_w))
                - log((y_jw + alpha_w) / (n_j + a0 - y_jw - alpha_w))
        se_w    = sqrt(1 / (y_iw + alpha_w) + 1 / (y_jw + alpha_w))
        z_w     = delta_w / se_w

    The prior is informative: ``alpha_w = a0 * pi_w`` with ``pi_w`` the term's share of a
    background corpus (by default the pooled counts of the compared groups) and
    ``a0 = prior_scale * N``, ``N`` the number of tokens in the compared groups.

    Parameters
    ----------
    counts : sparse matrix or ndarray, shape (n_documents, n_terms)
    labels : array-like, shape (n_documents,)
        Group of each document; documents whose label is missing or not in ``groups`` are
        left out.
    terms : sequence of str, shape (n_terms,)
    groups : sequence, optional
        The groups to compare (default: every label present, in categorical or sorted order).
    background : array-like of shape (n_terms,), optional
        Background counts per term for the prior's mean (for example a larger corpus counted
        over ``terms``); half a count is added to each term so none has a zero prior.
        Default: the compared groups' pooled counts.
    prior_scale : float, default 1.0
        ``a0`` as a multiple of the compared tokens ``N``: 1.0 lets the prior weigh as much as
        the data, the common practice of using a background corpus's counts as pseudo-counts
        (Monroe et al. fit the prior's mean to a background and leave its weight to the
        analyst). Larger values shrink more; see the validation script for the sensitivity.
    comparisons : {"all", "vs_rest", "pairwise"}, default "all"
        Each group against the others pooled (``"vs_rest"``), against each other group
        (``"pairwise"``, rows labelled ``"vs_<other>"``), or both. With two groups the rest is
        the other group, so only the ``"vs_<other>"`` rows are returned.
    alpha : float, default 0.05
        FDR level for the ``significant`` column.
    clusters : array-like, shape (n_documents,), optional
        The outlet of each document. When given, every comparison is refitted leaving out
        one outlet at a time (its counts leave its group and the pooled prior) and three
        columns are added: ``z_loo`` (of those fits, the z nearest zero, or past it, on
        the full z's side), ``loo_outlet`` (the outlet whose removal gives it) and
        ``robust`` (significant, and ``z_loo`` still past the Benjamini-Hochberg
        threshold of that comparison, ``|z| >= Phi^-1(1 - alpha k / 2m)`` with ``k`` of
        ``m`` terms significant, on the same side: no single outlet carries the term).
    leave_one_out : bool, default True
        With ``clusters``, add the leave-one-outlet-out columns above.
    n_perm : int, default 0
        With ``clusters``: add ``p_perm``, the share of ``n_perm`` permutations in which
        whole outlets swap groups (each group keeps its number of outlets) that give the
        term a ``|z|`` at least as large (with the usual +1 correction): whether the term
        separates the groups better than a random split of the same outlets would. With
        few outlets its smallest value is ``1 / (n_perm + 1)``; it is not multiplicity
        corrected.
    random_state : int, default 0
        Seed of the permutations.
    progress : bool, default False
        Show a progress bar ticking per leave-one-outlet-out refit and per permutation
        (the slow parts).

    Returns
    -------
    DataFrame
        One row per term, group and comparison: ``term, group, comparison, delta`` (log-odds
        ratio, positive when the group uses the term more), ``se, z, p_value`` (two-sided,
        normal), ``q_value`` (Benjamini-Hochberg across the terms of one group's comparison),
        ``count_group, count_other`` (raw counts), ``significant`` (``q_value <= alpha``),
        then the columns ``clusters`` and ``n_perm`` add. Sorted by group (in ``groups``
        order), comparison (``vs_rest`` first, then the other groups in order), descending
        z, then term. ``attrs`` holds ``a0``, ``prior_scale``, ``alpha``, ``n_tokens``
        (tokens per group) and ``n_perm`` (permutations used). Terms with no count in the
        compared groups are dropped.

    Examples
    --------
    >>> import numpy as np
    >>> counts = np.array([[5, 1, 4], [1, 5, 4]])
    >>> table = log_odds_dirichlet(counts, ["L", "R"], ["open", "illegal", "the"])
    >>> cols = ["term", "group", "comparison", "delta", "z"]
    >>> print(table[cols].round(3).to_string(index=False))
       term group comparison  delta     z
       open     L       vs_R  0.643  1.33
        the     L       vs_R  0.000  0.00
    illegal     L       vs_R -0.643 -1.33
    illegal     R       vs_L  0.643  1.33
        the     R       vs_L  0.000  0.00
       open     R       vs_L -0.643 -1.33
    """
    if comparisons not in ("all", "vs_rest", "pairwise"):
        raise ValueError(f"comparisons must be 'all', 'vs_rest' or 'pairwise', "
                         f"got {comparisons!r}")
    if not prior_scale > 0:
        raise ValueError(f"prior_scale must be positive, got {prior_scale!r}")
    counts = sp.csr_matrix(counts)
    terms = np.asarray(terms, dtype=object)
    if counts.shape[1] != terms.size:
        raise ValueError(f"{counts.shape[1]} count columns but {terms.size} terms")
    if len(labels) != counts.shape[0]:
        raise ValueError(f"{counts.shape[0]} documents but {len(labels)} labels")
    levels = group_levels(labels, groups)
    indicator, levels = group_indicator(labels, levels)
    in_groups = np.flatnonzero(np.asarray(indicator.sum(axis=0)).ravel() > 0)
    used = np.asarray(counts[in_groups].sum(axis=0)).ravel() > 0
    counts, terms = counts[in_groups][:, used], terms[used]
    doc_groups = np.asarray(indicator[:, in_groups].argmax(axis=0)).ravel()
    by_group = np.asarray((indicator[:, in_groups] @ counts).todense(), dtype=np.float64)
    if background is not None:
        background = np.asarray(background, dtype=np.float64).ravel()
        if background.size != used.size:
            raise ValueError(f"background has {background.size} terms, counts have "
                             f"{used.size}")
        if np.any(background < 0) or not np.all(np.isfinite(background)):
            raise ValueError("background counts must be finite and non-negative")
        background = background[used] + _BACKGROUND_PSEUDOCOUNT
    n_group = by_group.sum(axis=1)
    if np.any(n_group == 0):
        empty = [str(g) for g, n in zip(levels, n_group, strict=True) if n == 0]
        raise ValueError(f"groups with no tokens: {empty}")
    specs = _specs(len(levels), comparisons)
    robust = None
    if clusters is not None:
        clusters = np.asarray(clusters, dtype=object)
        if clusters.size != len(labels):
            raise ValueError(f"{len(labels)} documents but {clusters.size} clusters")
    if n_perm and clusters is None:
        raise ValueError("n_perm needs clusters (the outlet of each document)")
    n_refits = 0
    if clusters is not None and leave_one_out:
        n_refits = len(pd.MultiIndex.from_arrays([clusters[in_groups], doc_groups]).unique())
    bar = progress_bar(total=n_refits + int(n_perm), enabled=progress,
                       desc="fightin' words", unit="fit")
    try:
        if n_refits:
            robust, cluster_levels = _robustness(counts, doc_groups, clusters[in_groups],
                                                 by_group, background, prior_scale, specs,
                                                 bar)
        observed = [z for _, _, z, _ in _z_scores(by_group, background, prior_scale, specs)]
        null = None
        if n_perm:
            null = _permutation_p(counts, doc_groups, clusters[in_groups], len(levels),
                                  background, prior_scale, specs, observed, n_perm,
                                  random_state, bar)
    finally:
        bar.close()

    frames = []
    for k, (spec, (delta, se, z, other)) in enumerate(
            zip(specs, _z_scores(by_group, background, prior_scale, specs), strict=True)):
        g, label = spec[0], ("vs_rest" if spec[-1] is None else f"vs_{levels[spec[-1]]}")
        p = 2.0 * ndtr(-np.abs(z))
        q = bh_qvalues(p)
        frame = pd.DataFrame({
            "term": terms, "group": str(levels[g]), "comparison": label, "delta": delta,
            "se": se, "z": z, "p_value": p, "q_value": q,
            "count_group": by_group[g].astype(np.int64), "count_other": other.astype(np.int64),
            "significant": q <= alpha})
        if robust is not None:
            z_loo, which = robust[k]
            # The |z| the Benjamini-Hochberg step-up rule required in this comparison:
            # with k of m terms rejected, p <= alpha * k / m.
            n_sig, m = int(frame["significant"].sum()), int(np.sum(~np.isnan(p)))
            cutoff = -ndtri(alpha * n_sig / m / 2.0) if n_sig else np.inf
            frame["z_loo"] = z_loo
            frame["loo_outlet"] = np.where(which >= 0, cluster_levels[np.maximum(which, 0)],
                                           None)
            frame["robust"] = frame["significant"] & (np.sign(z) * z_loo >= cutoff)
        if null is not None:
            frame["p_perm"] = null[0][k]
        # Rows by group (in ``levels`` order), comparison (vs_rest, then the other groups in
        # order), descending z, term: the same table on every run and platform.
        order = np.lexsort((terms.astype(str), -z))
        frames.append(frame.iloc[order])
    columns = (COLUMNS + (["z_loo", "loo_outlet", "robust"] if robust is not None else [])
               + (["p_perm"] if null is not None else []))
    frames = [frames[k] for k in sorted(range(len(specs)), key=lambda k: specs[k][0])]
    table = pd.concat(frames, ignore_index=True)[columns]
    table.attrs.update({"a0": float(prior_scale * n_group.sum()),
                        "prior_scale": float(prior_scale), "alpha": float(alpha),
                        "n_tokens": {str(g): int(n) for g, n in zip(levels, n_group,
                                                                     strict=True)},
                        "n_perm": 0 if null is None else int(null[1])})
    return table


def outlet_signature_terms(counts, terms, outlets, max_share: float = 0.5) -> pd.DataFrame:
    """Terms more than ``max_share`` of whose occurrences come from one outlet.

    Mastheads, bylines and boilerplate ("Breitbart", "Townhall", "(AP)") separate outlets
    perfectly, so between outlet-labelled groups they top any list of distinctive words. A
    researcher after framing words drops them first.

    Parameters
    ----------
    counts : sparse matrix or ndarray, shape (n_documents, n_terms)
    terms : sequence of str
    outlets : array-like, shape (n_documents,)
    max_share : float, default 0.5
        Terms whose single largest outlet holds strictly more than this share of their
        occurrences are returned. A term used once is always returned.

    Returns
    -------
    DataFrame
        ``term, count, n_outlets, top_outlet, top_share`` for the terms over the threshold,
        by descending count then term.

    Examples
    --------
    >>> import numpy as np
    >>> counts = np.array([[3, 1], [0, 1], [1, 1]])
    >>> outlet_signature_terms(counts, ["breitbart", "border"], ["bb", "cnn", "fox"])
    ... # doctest: +NORMALIZE_WHITESPACE
            term  count  n_outlets top_outlet  top_share
    0  breitbart      4          2         bb       0.75
    """
    if not 0 < max_share <= 1:
        raise ValueError(f"max_share must be in (0, 1], got {max_share!r}")
    counts = sp.csr_matrix(counts)
    terms = np.asarray(terms, dtype=object)
    indicator, levels = group_indicator(np.asarray(outlets, dtype=object))
    by_outlet = sp.csc_matrix(indicator @ counts)  # (n_outlets, V), sparse
    total = np.asarray(by_outlet.sum(axis=0)).ravel()
    top = np.asarray(by_outlet.max(axis=0).todense()).ravel()
    top_index = np.asarray(by_outlet.argmax(axis=0)).ravel()
    n_outlets = np.diff(by_outlet.indptr)
    share = np.divide(top, total, out=np.zeros_like(total), where=total > 0)
    hit = (total > 0) & (share > max_share)
    table = pd.DataFrame({
        "term": terms[hit], "count": total[hit].astype(np.int64),
        "n_outlets": n_outlets[hit].astype(np.int64),
        "top_outlet": np.asarray(levels, dtype=object)[top_index[hit]],
        "top_share": share[hit]})
    order = np.lexsort((table["term"].to_numpy(dtype=str), -table["count"].to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def fightin_words(articles, by: str | None = None, *, groups=None, comparisons: str = "all",
                  text_column: str = "text", title: bool = False, background=None,
                  prior_scale: float = 1.0, alpha: float = 0.05, max_outlet_share="auto",
                  outlet_column: str = "outlet", keep_lexicon_terms=True,
                  ngram_range=(1, 1), min_df=1, stop_words=None, binary: bool = False,
                  token_pattern: str = TOKEN_PATTERN, us_spellings: bool = True,
                  outlet_robustness: bool = True, n_perm: int = 200, random_state: int = 0,
                  return_excluded: bool = False, progress: bool = False, **renamed):
    """Which words distinguish groups of articles: Monroe et al.'s (2008) fightin' words.

    Counts words with :func:`count_terms`, drops outlet-signature terms (see
    ``max_outlet_share``; never the terms of framing's own lexicons, and a warning says how
    many were dropped), then scores every term for every group against the rest and
    against each other group with :func:`log_odds_dirichlet`: log-odds ratios under an
    informative Dirichlet prior, z-scores, two-sided p-values and Benjamini-Hochberg
    q-values; with an outlet column, a leave-one-outlet-out refit (``robust``) and an
    outlet-level permutation p-value (``p_perm``). Deterministic: the only random step,
    the permutations, is seeded by ``random_state``; the same call gives the same table.

    Parameters
    ----------
    articles : DataFrame, dask DataFrame or path
        Articles (:mod:`framing.schema`) with ``text_column`` and ``by``. A dask
        DataFrame (or a parquet file or folder) is counted partition by partition on the
        active dask scheduler; the table equals the pandas one for the same rows.
    by : str
        The grouping column, e.g. ``"label_allsides"`` (left/center/right) or ``"outlet"``
        (required; formerly ``group_col``, still accepted for one release with a
        DeprecationWarning, as are ``text_col`` and ``outlet_col``).
    groups : sequence, optional
        Compare only these groups, in this order (e.g. ``["left", "right"]``); articles in
        other groups are dropped before counting. A group no article has raises
        ValueError, naming the groups present.
    comparisons : {"all", "vs_rest", "pairwise"}, default "all"
        See :func:`log_odds_dirichlet`.
    text_column : str, default "text"
    title : bool, default False
        Count the headline too.
    background : DataFrame, dask DataFrame or sequence of str, optional
        Articles or texts for the prior's mean, counted over the studied vocabulary (e.g. the
        AllSides control sample of other topics). Default: the compared articles pooled.
    prior_scale : float, default 1.0
        See :func:`log_odds_dirichlet`.
    alpha : float, default 0.05
        FDR level for ``significant``.
    max_outlet_share : float, None or "auto", default "auto"
        Drop terms more than this share of whose occurrences come from one outlet
        (:func:`outlet_signature_terms`) before scoring. ``"auto"`` means 0.5 when
        ``outlet_column`` exists and is not ``by`` (comparing outlets with each other
        keeps every term), else no exclusion. None keeps every term. When terms are
        dropped, an :class:`OutletSignatureWarning` says how many.
    outlet_column : str, default "outlet"
    keep_lexicon_terms : bool or sequence of str or Lexicon, default True
        Never drop these lexicons' terms as outlet signatures: True means the lexicons
        framing authors (``framing.lexicons.list_lexicons()`` of kind ``"authored"``), whose
        terms its scorers count (``amnesty``, ``illegals``, ``undocumented``...), so a
        word a scorer measures stays comparable here. A term is kept when the whole term
        (inflections included, case ignored) is a lexicon entry. False drops every
        signature.
    ngram_range, min_df, stop_words, binary, token_pattern, us_spellings
        Tokenisation, see :func:`count_terms`. Defaults: lower-cased single words, every
        word kept (stop words too: the prior shrinks them), token counts, "U.S."/"US" read
        as "united states".
    outlet_robustness : bool, default True
        When ``outlet_column`` exists and is not ``by``, refit leaving out one outlet
        at a time and add ``z_loo``, ``loo_outlet`` and ``robust`` (see
        :func:`log_odds_dirichlet`'s ``clusters``): whether a term still separates the
        groups when any single outlet is unseen.
    n_perm : int, default 200
        When ``outlet_column`` exists and is not ``by``: outlet-level permutations for
        the ``p_perm`` column (see :func:`log_odds_dirichlet`). 0 turns it off.
    random_state : int, default 0
        Seed of the permutations.
    return_excluded : bool, default False
        Also return the excluded outlet-signature terms.
    progress : bool, default False
        Show a progress bar ticking per leave-one-outlet-out refit and per permutation.

    Returns
    -------
    table : DataFrame
        See :func:`log_odds_dirichlet`; ``attrs`` also holds ``n_documents``,
        ``max_outlet_share``, ``n_excluded`` and ``lexicon_terms_kept`` (the signature
        terms kept because a lexicon of ``keep_lexicon_terms`` has them).
    excluded : DataFrame
        Only with ``return_excluded``: :func:`outlet_signature_terms`' table.

    Notes
    -----
    The model treats tokens as independent draws, so its z-scores and q-values ignore that
    words cluster in articles and articles in outlets: a term a few outlets repeat can look
    significant. On the AllSides corpus, giving outlets random leanings still yields dozens
    of "significant" terms (see ``experiments/validation/fightin_words_sanctuary.py``).
    Read ``significant`` with the outlet-level checks beside it: ``robust`` (no single
    outlet carries the term) and ``p_perm`` (a random split of the same outlets rarely
    does as well); ``max_outlet_share`` removes mastheads and boilerplate first, and
    ``binary=True`` counts a term once per article.

    Examples
    --------
    >>> import pandas as pd
    >>> articles = pd.DataFrame({
    ...     "text": ["Illegal aliens crossed.", "Illegal aliens again.",
    ...              "Undocumented immigrants fear raids.", "Undocumented families."],
    ...     "label_allsides": ["right", "right", "left", "left"],
    ...     "outlet": ["a", "b", "c", "d"]})
    >>> table = fightin_words(articles, "label_allsides", max_outlet_share=None)
    >>> table.loc[table.group == "left", "term"].head(2).tolist()
    ['undocumented', 'families']
    """
    if renamed:
        named = take_renamed("fightin_words", renamed, _RENAMED,
                             {"by": (by, None), "text_column": (text_column, "text"),
                              "outlet_column": (outlet_column, "outlet")})
        by, text_column, outlet_column = (named["by"], named["text_column"],
                                          named["outlet_column"])
    if by is None:
        raise TypeError("fightin_words() missing the grouping column: pass by=, e.g. "
                        "by=\"label_allsides\"")
    group_col, text_col, outlet_col = by, text_column, outlet_column
    tokens = {"ngram_range": ngram_range, "stop_words": stop_words, "binary": binary,
              "token_pattern": token_pattern, "us_spellings": us_spellings}
    distributed = as_dask(articles)
    if distributed is not None:
        # On a cluster: counts summed per (outlet, group) unit on the workers. The model
        # only uses sums over groups and outlets, so units give what articles give.
        has_outlet = outlet_col in distributed.columns
        levels = levels_of(distributed, group_col, groups)
        counted = select_terms(tally(distributed, [outlet_col if has_outlet else group_col,
                                                   group_col], group_col, levels,
                                     text_col=text_col, title=title, **tokens), min_df=min_df)
        counts, terms, n_documents = counted.counts, counted.terms, counted.n_documents
        labels = np.array([k[1] for k in counted.keys], dtype=object)
        outlets = np.array([k[0] for k in counted.keys], dtype=object) if has_outlet else None
    else:
        if group_col not in articles:
            raise KeyError(f"no column {group_col!r} in articles")
        has_outlet = outlet_col in articles
        levels = group_levels(articles[group_col], groups)
        if groups is not None:
            _check_groups_present(articles[group_col], levels, group_col)
        keep = articles[group_col].isin(levels).to_numpy()
        subset = articles.loc[keep]
        counts, terms = count_terms(article_texts(subset, text_col=text_col, title=title),
                                    min_df=min_df, **tokens)
        n_documents = int(keep.sum())
        labels = subset[group_col].to_numpy(dtype=object)
        outlets = subset[outlet_col].to_numpy() if has_outlet else None
    if max_outlet_share == "auto":
        max_outlet_share = 0.5 if (has_outlet and outlet_col != group_col) else None
    excluded = pd.DataFrame(columns=["term", "count", "n_outlets", "top_outlet", "top_share"])
    if max_outlet_share is not None:
        if not has_outlet:
            raise KeyError(f"max_outlet_share needs an {outlet_col!r} column")
        excluded = outlet_signature_terms(counts, terms, outlets, max_share=max_outlet_share)
    kept_lexicon_terms: list[str] = []
    if len(excluded) and keep_lexicon_terms is not False:
        own = _lexicon_term_mask(excluded["term"].to_numpy(dtype=object), keep_lexicon_terms)
        kept_lexicon_terms = excluded.loc[own, "term"].tolist()
        excluded = excluded.loc[~own].reset_index(drop=True)
    if len(excluded) or kept_lexicon_terms:
        _warn_excluded(len(excluded), kept_lexicon_terms, max_outlet_share, n_terms=len(terms))
    keep_terms = ~pd.Index(terms).isin(excluded["term"])
    counts, terms = counts[:, keep_terms], terms[keep_terms]

    if background is not None:
        # Counted over the studied vocabulary: the background sets the prior's mean only.
        background_dask = as_dask(background)
        if background_dask is not None:
            background = background_counts(background_dask, terms, text_col=text_col,
                                           title=title, **tokens)
        else:
            bg_counts, _ = count_terms(article_texts(background, text_col=text_col,
                                                     title=title), vocabulary=terms, **tokens)
            background = np.asarray(bg_counts.sum(axis=0)).ravel()
    by_outlet = has_outlet and outlet_col != group_col
    table = log_odds_dirichlet(counts, labels, terms,
                               groups=levels, background=background,
                               prior_scale=prior_scale, comparisons=comparisons, alpha=alpha,
                               clusters=outlets if by_outlet else None,
                               leave_one_out=outlet_robustness,
                               n_perm=n_perm if by_outlet else 0, random_state=random_state,
                               progress=progress)
    table.attrs.update({"n_documents": n_documents, "max_outlet_share": max_outlet_share,
                        "n_excluded": len(excluded),
                        "lexicon_terms_kept": kept_lexicon_terms})
    return (table, excluded) if return_excluded else table


def _lexicon_term_mask(terms: np.ndarray, lexicons) -> np.ndarray:
    """Which of ``terms`` are, as a whole, an entry of ``lexicons`` (see fightin_words).

    The terms are matched as texts by :class:`framing.lexicons.LexiconMatcher`, so an
    inflected form (``aliens`` for ``alien``) or a wildcard entry counts; case is ignored,
    as the counted terms are lower-cased (``ice`` stands for ``ICE`` too).
    """
    from ..lexicons import Lexicon, LexiconMatcher, list_lexicons, load_lexicon

    if lexicons is True:
        listed = list_lexicons()
        lexicons = listed.loc[listed["kind"] == "authored", "name"].tolist()
    elif isinstance(lexicons, str | Lexicon):
        lexicons = [lexicons]
    loaded = [lex if isinstance(lex, Lexicon) else load_lexicon(lex) for lex in lexicons]
    if not loaded or not len(terms):
        return np.zeros(len(terms), dtype=bool)
    # Case-insensitive copies: a lexicon's case rule is about texts, not lower-cased counts.
    caseless = [Lexicon(name=lex.name, entries=lex.entries.assign(case_sensitive=False))
                for lex in loaded]
    matcher = LexiconMatcher(caseless, negation=False, overlap="all")
    lengths = np.fromiter((len(t) for t in terms), dtype=np.int64, count=len(terms))
    mask = np.zeros(len(terms), dtype=bool)
    for first in range(0, len(terms), _LEXICON_BATCH):
        batch = [str(t) for t in terms[first:first + _LEXICON_BATCH]]
        found = matcher.find(batch)
        whole = (found.start == 0) & (found.end == lengths[first + found.doc])
        mask[first + found.doc[whole]] = True
    return mask


def _warn_excluded(n_excluded: int, kept: list[str], max_share: float, n_terms: int) -> None:
    """Say how many outlet-signature terms left the comparison, and how to see them."""
    shown = ", ".join(kept[:5]) + (", ..." if len(kept) > 5 else "")
    kept_note = (f"; {len(kept):,} signature term(s) of framing's lexicons kept ({shown})"
                 if kept else "")
    warn_at_caller(
        f"fightin_words excluded {n_excluded:,} of {n_terms:,} terms as outlet signatures "
        f"(more than {max_share:g} of their uses in one outlet){kept_note}; see them with "
        "return_excluded=True, keep every term with max_outlet_share=None",
        OutletSignatureWarning)


def _check_groups_present(labels: pd.Series, levels: list, group_col: str) -> None:
    """Raise when a group asked for labels no article, naming it and the groups present.

    Without this a misspelt or wrongly cased group (``"Left"`` for ``"left"``) leaves
    nothing to count, and the error would speak of terms instead of the group.
    """
    present = pd.Series(labels.to_numpy(dtype=object)).dropna().unique().tolist()
    unknown = [g for g in levels if g not in set(present)]
    if unknown:
        raise ValueError(f"groups {unknown!r} not found in column {group_col!r}; the groups "
                         f"present are {sorted(present, key=str)!r}")


def top_terms(table: pd.DataFrame, n: int = 25, *, significant_only: bool = False
              ) -> pd.DataFrame:
    """The ``n`` highest-z terms of each group and comparison of a fightin' words table.

    Parameters
    ----------
    table : DataFrame
        From :func:`fightin_words` or :func:`log_odds_dirichlet` (already sorted by z).
    n : int, default 25
    significant_only : bool, default False
        Keep only terms with ``significant`` true.

    Returns
    -------
    DataFrame
        The same columns, at most ``n`` rows per (comparison, group), with ``rank`` (1 =
        highest z) added.

    Examples
    --------
    >>> import numpy as np
    >>> t = log_odds_dirichlet(np.array([[5, 1, 4], [1, 5, 4]]), ["L", "R"], ["a", "b", "c"])
    >>> top_terms(t, n=1)[["group", "term", "rank"]].values.tolist()
    [['L', 'a', 1], ['R', 'b', 1]]
    """
    rows = table[table["significant"]] if significant_only else table
    ranked = rows.assign(rank=rows.groupby(["comparison", "group"], sort=False).cumcount() + 1)
    return ranked[ranked["rank"] <= n].reset_index(drop=True)
