"""Comparisons on a dask DataFrame: count on the workers, then reuse the pandas core.

Word counts are the expensive part of :func:`~framing.compare.fightin_words` and
:func:`~framing.compare.leave_out_partisanship`, and they add up: each partition is counted
where it lies, its counts summed per *unit* (an outlet-and-group cell, say), and the
partial sums are merged in a tree. Only the merged table (units x vocabulary) reaches the
client; the estimators then run on it unchanged. The estimators only ever use sums of
integer counts over sets of articles (a group, an outlet, an outlet left out), and sums of
integers are exact in float64 whatever their order, so the results equal the pandas path's
bit for bit.

The vocabulary is built from the merged counts with scikit-learn's own rule (document
frequency at least ``min_df``, a count or a share of the documents, at most ``max_df``;
terms in code-point order), so it is the one :func:`~framing.compare.count_terms` builds on
the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._dask import compute, tree_reduce
from ._common import group_levels
from ._tokens import article_texts, make_vectorizer

__all__ = ["Tally", "background_counts", "count_articles", "levels_of", "tally"]


@dataclass
class Tally:
    """Term counts summed per unit: the mergeable result of counting some articles.

    Attributes
    ----------
    keys : list of tuple
        The unit of each row (the values of the key columns, missing ones as None).
    terms : ndarray of str
        Sorted (Python's code-point order, as scikit-learn sorts a vocabulary).
    counts : scipy.sparse.csr_matrix of int64, shape (n_units, n_terms)
    df : ndarray of int64, shape (n_terms,)
        Documents containing each term.
    n_docs : ndarray of int64, shape (n_units,)
        Documents per unit.
    """

    keys: list
    terms: np.ndarray
    counts: sp.csr_matrix
    df: np.ndarray
    n_docs: np.ndarray

    @property
    def n_documents(self) -> int:
        return int(self.n_docs.sum())


def _key_value(value):
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _empty_tally() -> Tally:
    return Tally([], np.array([], dtype=object), sp.csr_matrix((0, 0), dtype=np.int64),
                 np.zeros(0, np.int64), np.zeros(0, np.int64))


def _tally_partition(part: pd.DataFrame, key_cols, group_col, levels, text_col, title,
                     params) -> Tally:
    keep = part[group_col].astype(object).isin(levels).to_numpy()
    sub = part.iloc[np.flatnonzero(keep)]
    if not len(sub):
        return _empty_tally()
    texts = article_texts(sub, text_col=text_col, title=title)
    vectorizer = make_vectorizer(**params, min_df=1, max_df=1.0)
    try:
        counts = vectorizer.fit_transform(texts)
        terms = np.asarray(vectorizer.get_feature_names_out(), dtype=object)
    except ValueError as err:
        if "empty vocabulary" not in str(err):
            raise
        counts, terms = sp.csr_matrix((len(texts), 0), dtype=np.int64), np.array([], object)
    counts = sp.csr_matrix(counts, dtype=np.int64)
    df = np.bincount(counts.indices, minlength=terms.size).astype(np.int64)
    columns = [sub[c].astype(object).to_numpy() for c in key_cols]
    row_keys = [tuple(_key_value(v) for v in values) for values in zip(*columns, strict=True)]
    index: dict = {}
    codes = np.fromiter((index.setdefault(k, len(index)) for k in row_keys), dtype=np.int64,
                        count=len(row_keys))
    indicator = sp.csr_matrix((np.ones(codes.size, np.int64), (codes, np.arange(codes.size))),
                              shape=(len(index), codes.size))
    return Tally(list(index), terms, sp.csr_matrix(indicator @ counts, dtype=np.int64), df,
                 np.bincount(codes, minlength=len(index)).astype(np.int64))


def _widen(matrix: sp.csr_matrix, columns: np.ndarray, width: int) -> sp.csr_matrix:
    """``matrix`` with its columns moved to positions ``columns`` of a ``width``-wide one."""
    coo = matrix.tocoo()
    return sp.csr_matrix((coo.data, (coo.row, columns[coo.col])),
                         shape=(matrix.shape[0], width), dtype=np.int64)


def _merge(a: Tally, b: Tally) -> Tally:
    if not a.keys:
        return b
    if not b.keys:
        return a
    terms = np.union1d(a.terms, b.terms).astype(object)
    where_a = np.searchsorted(terms, a.terms)
    where_b = np.searchsorted(terms, b.terms)
    index = {k: i for i, k in enumerate(a.keys)}
    rows_b = np.array([index.setdefault(k, len(index)) for k in b.keys], dtype=np.int64)
    n_units = len(index)
    wide_a = _widen(a.counts, where_a, terms.size)
    wide_a.resize((n_units, terms.size))
    wide_b = _widen(b.counts, where_b, terms.size).tocoo()
    moved_b = sp.csr_matrix((wide_b.data, (rows_b[wide_b.row], wide_b.col)),
                            shape=(n_units, terms.size), dtype=np.int64)
    df = np.zeros(terms.size, np.int64)
    np.add.at(df, where_a, a.df)
    np.add.at(df, where_b, b.df)
    n_docs = np.zeros(n_units, np.int64)
    n_docs[: len(a.keys)] += a.n_docs
    np.add.at(n_docs, rows_b, b.n_docs)
    counts = sp.csr_matrix(wide_a + moved_b, dtype=np.int64)
    counts.eliminate_zeros()
    return Tally(list(index), terms, counts, df, n_docs)


def tally(articles, key_cols, group_col, levels, *, text_col="text", title=False,
          ngram_range=(1, 1), stop_words=None, binary=False, token_pattern=None,
          us_spellings=True, lowercase=True, split_every: int = 8) -> Tally:
    """Count the articles of a dask DataFrame whose ``group_col`` is in ``levels``.

    Counts are summed per distinct tuple of ``key_cols`` values, on the workers, and the
    per-partition tallies merged ``split_every`` at a time. The vocabulary is every term
    (no ``min_df`` yet): :func:`select_terms` applies it to the merged document frequencies.
    """
    import dask

    params = {"ngram_range": ngram_range, "stop_words": stop_words, "binary": binary,
              "us_spellings": us_spellings, "lowercase": lowercase}
    if token_pattern is not None:
        params["token_pattern"] = token_pattern
    count = dask.delayed(_tally_partition, pure=True)
    parts = [count(part, list(key_cols), group_col, list(levels), text_col, title, params)
             for part in articles.to_delayed()]
    (merged,) = compute(tree_reduce(parts, _merge, split_every))
    return merged


def select_terms(counted: Tally, min_df=1, max_df=1.0) -> Tally:
    """Keep the terms scikit-learn's ``CountVectorizer`` keeps on the same documents."""
    n_doc = counted.n_documents
    high = max_df if isinstance(max_df, Integral) else max_df * n_doc
    low = min_df if isinstance(min_df, Integral) else min_df * n_doc
    if not counted.terms.size:
        raise ValueError(f"no terms to count in {n_doc} texts (empty texts, or min_df/max_df/"
                         "stop_words removed every term): empty vocabulary; perhaps the "
                         "documents only contain stop words")
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    keep = (counted.df <= high) & (counted.df >= low)
    if not keep.any():
        raise ValueError(f"no terms to count in {n_doc} texts (empty texts, or min_df/max_df/"
                         "stop_words removed every term): After pruning, no terms remain. "
                         "Try a lower min_df or a higher max_df.")
    counts = counted.counts[:, np.flatnonzero(keep)]
    counts.eliminate_zeros()
    return Tally(counted.keys, counted.terms[keep], sp.csr_matrix(counts, dtype=np.int64),
                 counted.df[keep], counted.n_docs)


def aggregate(counted: Tally, positions) -> tuple[sp.csr_matrix, list, np.ndarray]:
    """Sum the units of a tally by some of their key positions, in sorted key order.

    Returns (counts per new unit as int64 CSR, the new keys, documents per new unit). The
    order is ``pandas.factorize(..., sort=True)``'s, the order the pandas path uses.
    """
    columns = [np.array([k[p] for k in counted.keys], dtype=object) for p in positions]
    if len(columns) == 1:
        codes, uniques = pd.factorize(columns[0], sort=True)
        keys = [(u,) for u in uniques]
    else:
        codes, uniques = pd.factorize(pd.MultiIndex.from_arrays(columns), sort=True)
        keys = list(uniques)
    indicator = sp.csr_matrix((np.ones(codes.size, np.int64), (codes, np.arange(codes.size))),
                              shape=(len(keys), codes.size))
    counts = sp.csr_matrix(indicator @ counted.counts, dtype=np.int64)
    return counts, keys, np.bincount(codes, weights=counted.n_docs,
                                     minlength=len(keys)).astype(np.int64)


def _count_fixed(part, terms, group_col, levels, text_col, title, params, columns):
    keep = part[group_col].astype(object).isin(levels).to_numpy()
    sub = part.iloc[np.flatnonzero(keep)]
    texts = article_texts(sub, text_col=text_col, title=title)
    if not texts:
        counts = sp.csr_matrix((0, len(terms)), dtype=np.int64)
    else:
        counts = sp.csr_matrix(make_vectorizer(**params, vocabulary=terms).fit_transform(texts),
                               dtype=np.int64)
    values = {c: sub[c].astype(object).to_numpy() for c in columns}
    return counts, sub.index.to_numpy(dtype=object), values


def count_articles(articles, terms, group_col, levels, columns, *, text_col="text",
                   title=False, ngram_range=(1, 1), stop_words=None, binary=False,
                   token_pattern=None, us_spellings=True, lowercase=True):
    """Per-article counts over a fixed vocabulary, partition by partition, stacked in order.

    For estimators that need each article's own counts (articles as units). Returns
    (int64 CSR, article ids, dict of the ``columns`` values), rows in the table's order.
    """
    import dask

    params = {"ngram_range": ngram_range, "stop_words": stop_words, "binary": binary,
              "us_spellings": us_spellings, "lowercase": lowercase}
    if token_pattern is not None:
        params["token_pattern"] = token_pattern
    vocabulary = dask.delayed(list(terms), pure=True, traverse=False)
    count = dask.delayed(_count_fixed, pure=True)
    parts = compute(*[count(part, vocabulary, group_col, list(levels), text_col, title, params,
                            list(columns)) for part in articles.to_delayed()])
    counts = sp.vstack([p[0] for p in parts], format="csr", dtype=np.int64)
    ids = np.concatenate([p[1] for p in parts]) if parts else np.array([], object)
    values = {c: np.concatenate([p[2][c] for p in parts]) for c in columns}
    return counts, ids, values


def _sum_fixed(part, terms, text_col, title, params):
    texts = article_texts(part, text_col=text_col, title=title)
    if not texts:
        return np.zeros(len(terms), np.int64)
    counts = make_vectorizer(**params, vocabulary=terms).fit_transform(texts)
    return np.asarray(counts.sum(axis=0), dtype=np.int64).ravel()


def background_counts(background, terms, *, text_col="text", title=False, ngram_range=(1, 1),
                      stop_words=None, binary=False, token_pattern=None, us_spellings=True):
    """Total counts of ``terms`` in a dask DataFrame of background articles."""
    import dask

    params = {"ngram_range": ngram_range, "stop_words": stop_words, "binary": binary,
              "us_spellings": us_spellings}
    if token_pattern is not None:
        params["token_pattern"] = token_pattern
    vocabulary = dask.delayed(list(terms), pure=True, traverse=False)
    add = dask.delayed(_sum_fixed, pure=True)
    parts = [add(part, vocabulary, text_col, title, params) for part in background.to_delayed()]
    (total,) = compute(tree_reduce(parts, np.add))
    return total


def levels_of(articles, group_col, groups):
    """The groups a comparison uses, as :func:`~framing.compare._common.group_levels` picks them.

    With ``groups`` given nothing is computed; otherwise the distinct labels are (a small
    result), keeping a categorical column's category order.
    """
    if group_col not in articles.columns:
        raise KeyError(f"no column {group_col!r} in articles")
    if groups is not None:
        return group_levels(pd.Series([], dtype=object), groups)
    column = articles[group_col]
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.cat.as_known()
    (present,) = compute(column.dropna().unique())
    return group_levels(pd.Series(present), None)
