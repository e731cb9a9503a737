"""Corpus-learned term choice: log-odds with an informative Dirichlet prior.

:func:`_log_odds_dirichlet` is the estimator of Monroe, Colaresi & Quinn (2008, "Fightin'
Words", *Political Analysis* 16(4)), written from its formulas: for a term ``w`` with counts
``y_a``, ``y_b`` in two groups of ``n_a``, ``n_b`` tokens and a prior pseudo-count
``alpha_w`` (total ``alpha_0``),

    delta_w = log((y_a + alpha_w) / (n_a + alpha_0 - y_a - alpha_w))
              - log((y_b + alpha_w) / (n_b + alpha_0 - y_b - alpha_w))
    var_w  ~= 1 / (y_a + alpha_w) + 1 / (y_b + alpha_w)
    z_w     = delta_w / sqrt(var_w)

:func:`learn_terms` tokenises as the lexicon matcher does (normalised text, phrases never
crossing punctuation), counts words and phrases per group and keeps the terms with the
largest z-scores on each side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..lexicons import Lexicon, word_runs

__all__ = ["_log_odds_dirichlet", "learn_terms"]


def _log_odds_dirichlet(counts_a, counts_b, prior) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log-odds ratio of each term between groups a and b, with an informative prior.

    Parameters
    ----------
    counts_a, counts_b : array-like of float, shape (n_terms,)
        Term counts in each group (the whole vocabulary: totals are their sums).
    prior : array-like of float, shape (n_terms,)
        Dirichlet pseudo-counts ``alpha_w`` (> 0); their sum is ``alpha_0``.

    Returns
    -------
    delta : ndarray
        Log-odds ratio, positive where the term is more used in group a.
    variance : ndarray
        Its approximate variance.
    z : ndarray
        ``delta / sqrt(variance)``.

    Examples
    --------
    >>> delta, variance, z = _log_odds_dirichlet([30, 10], [10, 30], [1, 1])
    >>> delta.round(3).tolist(), z.round(3).tolist()  # 2 log(31/11); / sqrt(1/31 + 1/11)
    ([2.072, -2.072], [5.904, -5.904])
    """
    a = np.asarray(counts_a, dtype=np.float64)
    b = np.asarray(counts_b, dtype=np.float64)
    alpha = np.asarray(prior, dtype=np.float64)
    if not (a.shape == b.shape == alpha.shape and a.ndim == 1):
        raise ValueError("counts_a, counts_b and prior must be 1-D arrays of one length")
    if (a < 0).any() or (b < 0).any() or not (alpha > 0).all():
        raise ValueError("counts must be >= 0 and the prior > 0")
    alpha_0 = alpha.sum()
    odds_a = (a + alpha) / (a.sum() + alpha_0 - a - alpha)
    odds_b = (b + alpha) / (b.sum() + alpha_0 - b - alpha)
    delta = np.log(odds_a) - np.log(odds_b)
    variance = 1.0 / (a + alpha) + 1.0 / (b + alpha)
    return delta, variance, delta / np.sqrt(variance)


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


class _Analyzer:
    """Words and phrases of a text as the matcher sees them (a picklable callable)."""

    def __init__(self, ngram_range):
        self.low, self.high = ngram_range
        self.stop = _stop_words()

    def __call__(self, text: str) -> list[str]:
        grams = []
        # Phrases stop where the matcher's do: at punctuation and paragraph breaks.
        for words in word_runs(text):
            for n in range(self.low, self.high + 1):
                for i in range(len(words) - n + 1):
                    gram = words[i:i + n]
                    if gram[0] in self.stop or gram[-1] in self.stop:
                        continue
                    if all(w.isalpha() and w.isascii() for w in gram):
                        grams.append(" ".join(gram))
        return grams


def _clean(name) -> str:
    return "".join(c if c.isalnum() else "_" for c in str(name)).strip("_") or "group"


def learn_terms(texts, groups, *, positive="right", negative="left", outlets=None,
                n_terms=100, min_z=1.96, min_count=10, min_outlets=5, max_outlet_share=0.5,
                prior=0.1, ngram_range=(1, 2), weighting="delta") -> Lexicon:
    """See :meth:`framing.features.TermChoiceScorer.learn`."""
    from sklearn.feature_extraction.text import CountVectorizer

    from ._base import as_texts

    texts = as_texts(texts)
    groups = np.asarray(pd.Series(list(groups), dtype=object).astype(str))
    if len(groups) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(groups)} groups")
    if weighting not in ("delta", "uniform"):
        raise ValueError(f"weighting must be 'delta' or 'uniform', got {weighting!r}")
    if not float(prior) > 0:
        raise ValueError(f"prior must be > 0, got {prior!r}")
    positive, negative = str(positive), str(negative)
    used = np.isin(groups, [positive, negative])
    for name in (positive, negative):
        if not (groups == name).any():
            raise ValueError(f"no text of group {name!r}")
    vectorizer = CountVectorizer(analyzer=_Analyzer(tuple(ngram_range)), lowercase=False)
    matrix = vectorizer.fit_transform([t for t, u in zip(texts, used, strict=True) if u])
    vocabulary = vectorizer.get_feature_names_out()
    in_positive = groups[used] == positive
    count_a = np.asarray(matrix[in_positive].sum(axis=0)).ravel().astype(np.float64)
    count_b = np.asarray(matrix[~in_positive].sum(axis=0)).ravel().astype(np.float64)
    pooled = count_a + count_b
    keep = pooled >= min_count
    n_outlets = np.zeros(len(vocabulary), dtype=np.int64)
    if outlets is not None:
        outlet_codes, _ = pd.factorize(pd.Series(list(outlets), dtype=object)[used])
        if len(outlet_codes) != matrix.shape[0]:
            raise ValueError("outlets must have one value per text")
        # outlets x terms presence, then the number of outlets using each term.
        from scipy import sparse

        membership = sparse.csr_matrix(
            (np.ones(len(outlet_codes)), (outlet_codes, np.arange(len(outlet_codes)))))
        n_outlets = np.asarray(((membership @ (matrix > 0)) > 0).sum(axis=0)).ravel()
        # Mastheads, bylines and video captions come mostly from one outlet.
        by_outlet = (membership @ matrix).tocsc()
        top_share = np.asarray(by_outlet.max(axis=0).todense()).ravel() / np.maximum(pooled, 1)
        keep &= (n_outlets >= min_outlets) & (top_share <= max_outlet_share)
    delta, _, z = _log_odds_dirichlet(count_a, count_b, prior * np.maximum(pooled, 1e-9))
    table = pd.DataFrame({"term": vocabulary, "z": z, "delta": delta,
                          "count_positive": count_a, "count_negative": count_b,
                          "n_outlets": n_outlets})[keep]
    # Ties broken by term, so the result never depends on vocabulary order.
    top = table[table["z"] >= min_z].sort_values(["z", "term"], ascending=[False, True])
    bottom = table[table["z"] <= -min_z].sort_values(["z", "term"], ascending=[True, True])
    top = top.head(n_terms).assign(category=_clean(positive), side="positive")
    bottom = bottom.head(n_terms).assign(category=_clean(negative), side="negative")
    for side, chosen in (("positive", top), ("negative", bottom)):
        if chosen.empty:
            raise ValueError(f"no {side}-side term passes min_count, min_outlets and min_z")
    entries = pd.concat([top, bottom], ignore_index=True)
    # A use of a strongly partisan term says more than a use of a mildly partisan one.
    weight = entries["delta"].abs() if weighting == "delta" else 1.0
    entries = entries.assign(weight=weight, inflect=False, case_sensitive=False,
                             wildcard=False)
    return Lexicon(name="learned_term_choice", entries=entries,
                   description=f"terms separating {positive!r} from {negative!r} texts by "
                               f"log-odds with an informative Dirichlet prior",
                   citation="Monroe, B. L., Colaresi, M. P., & Quinn, K. M. (2008). Fightin' "
                            "Words: Lexical Feature Selection and Evaluation for Identifying "
                            "the Content of Political Conflict. Political Analysis, 16(4), "
                            "372-403.")
