"""Word counts for comparisons: framing's one tokenisation, counted sparse and C-backed.

Texts are cut into words by :mod:`framing.tokenize` (as the lexicon matcher and ``explain``
cut them), then the words to count are kept by :data:`TOKEN_PATTERN`; scikit-learn's
``CountVectorizer`` forms n-grams and counts in sparse matrices.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from .. import tokenize

__all__ = ["TOKEN_PATTERN", "WordTokenizer", "article_texts", "count_terms", "group_indicator",
           "make_vectorizer", "normalize_us"]

#: Which of :mod:`framing.tokenize`'s words are counted: a run of letters (any script),
#: optionally joined by hyphens ("so-called", "anti-immigrant"), of at least two letters in
#: its first part. The tokenizer splits "Trump's" into "Trump" + "'s" and "don't" into "do"
#: + "n't"; the pieces that are not letters ("'s", "n't"), one-letter words ("a", "I") and
#: numbers ("287(g)", "2017") are not terms. A different pattern passed as
#: ``token_pattern`` tokenises by regular expression instead, as scikit-learn does.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}(?:-[^\W\d_]+)*\b"

# Outlets spell the country "U.S." (AP style: Reuters, Washington Times), "US" (Vox, The
# Guardian, BBC) or "United States". Lower-cased, "US" would count as the pronoun "us" and
# "U.S." would vanish (one-letter pieces), making a style sheet look like a framing choice:
# in the AllSides immigration corpus "US" is 1,427 times left-leaning and 74 times right.
_US = re.compile(r"\bU\.S\.(?:A\.)?(?!\w)|\bU\.S\.A\b|\bUSA?\b")


class WordTokenizer:
    """The ``tokenizer`` of :func:`make_vectorizer`: framing.tokenize's words, filtered.

    Parameters
    ----------
    lowercase : bool, default True
    us_spellings : bool, default True
        Count the words "U.S.", "US", "U.S.A." and "USA" (and "U.S." opening a compound,
        "U.S.-Mexico") as "united states" (:func:`normalize_us`).
    pattern : str, default :data:`TOKEN_PATTERN`
        A word is counted when it matches the whole pattern.

    Examples
    --------
    >>> WordTokenizer()("The U.S. won't fund Trump's so-called wall in 2017.")
    ['the', 'united', 'states', 'wo', 'fund', 'trump', 'so-called', 'wall', 'in']
    """

    def __init__(self, lowercase: bool = True, us_spellings: bool = True,
                 pattern: str = TOKEN_PATTERN):
        self.lowercase = lowercase
        self.us_spellings = us_spellings
        self.pattern = pattern
        self._keep = re.compile(pattern).fullmatch

    def __getstate__(self):  # a compiled pattern's method does not pickle
        return {"lowercase": self.lowercase, "us_spellings": self.us_spellings,
                "pattern": self.pattern}

    def __setstate__(self, state):
        self.__init__(**state)

    def __call__(self, text: str) -> list[str]:
        keep, out = self._keep, []
        for word in tokenize.words(text):
            if self.us_spellings and ("U.S" in word or word in ("US", "USA")):
                pieces = normalize_us(word, lowercase=self.lowercase).split()
            else:
                pieces = [word.lower() if self.lowercase else word]
            out.extend(piece for piece in pieces if keep(piece))
        return out


def normalize_us(text: str, lowercase: bool = True) -> str:
    """Rewrite "U.S.", "US", "U.S.A." and "USA" as "United States", then lower-case.

    "US" and "USA" are matched in capitals only, so the pronoun "us" is kept.

    Examples
    --------
    >>> normalize_us("The U.S. and the US told us: USA!")
    'the united states and the united states told us: united states!'
    """
    text = _US.sub("United States", text)
    return text.lower() if lowercase else text


def article_texts(articles, text_col: str = "text", title: bool = False) -> list[str]:
    """The texts to count: ``text_col`` of each article, headline first when ``title``.

    Parameters
    ----------
    articles : DataFrame or sequence of str
        An articles DataFrame (:mod:`framing.schema`) or the texts themselves.
    text_col : str, default "text"
        The column holding the body.
    title : bool, default False
        Prepend the ``title`` column (joined by a blank line).

    Returns
    -------
    list of str
        Missing values become ``""``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"title": ["Hed"], "text": ["Body."]})
    >>> article_texts(df, title=True)
    ['Hed\\n\\nBody.']
    """
    if isinstance(articles, pd.DataFrame):
        body = articles[text_col].fillna("").astype(str)
        if title:
            body = articles["title"].fillna("").astype(str) + "\n\n" + body
        return body.tolist()
    if isinstance(articles, str):
        raise TypeError("expected a sequence of texts, got one string")
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t)
            for t in articles]


def count_terms(texts, *, ngram_range=(1, 1), min_df=1, max_df=1.0, stop_words=None,
                lowercase=True, binary=False, token_pattern=TOKEN_PATTERN, vocabulary=None,
                us_spellings=True):
    """Count terms per document (scikit-learn's C-backed ``CountVectorizer``, sparse output).

    Parameters
    ----------
    texts : sequence of str
    ngram_range : (int, int), default (1, 1)
        Smallest and largest n-gram, formed from the kept tokens (a dropped number joins its
        neighbours: "the 287(g) program" gives the bigram "the program").
    min_df, max_df : int or float
        Keep terms in at least ``min_df`` and at most ``max_df`` documents (counts or
        proportions, as in scikit-learn).
    stop_words : None or "english" or list, default None
        None keeps every word: Monroe et al. (2008) keep function words and let the prior
        shrink them. ``"english"`` removes scikit-learn's English stop-word list.
    lowercase : bool, default True
    binary : bool, default False
        Count each term at most once per document (document frequencies), which blunts
        one article repeating a word many times.
    token_pattern : str, default :data:`TOKEN_PATTERN`
    vocabulary : sequence of str, optional
        Count exactly these terms (for example to count a background corpus over the
        vocabulary of the corpus under study).
    us_spellings : bool, default True
        Count "U.S.", "US", "U.S.A." and "USA" as "united states" (:func:`normalize_us`), so
        a house style is not mistaken for word choice.

    Returns
    -------
    counts : scipy.sparse.csr_matrix of int64, shape (n_texts, n_terms)
    terms : ndarray of str, shape (n_terms,)
        Sorted alphabetically (scikit-learn's order), so the result is deterministic.

    Examples
    --------
    >>> counts, terms = count_terms(["Sanctuary cities, sanctuary states.", "ICE detainers"])
    >>> terms.tolist()
    ['cities', 'detainers', 'ice', 'sanctuary', 'states']
    >>> counts.toarray().tolist()
    [[1, 0, 0, 2, 1], [0, 1, 1, 0, 0]]
    """
    vectorizer = make_vectorizer(ngram_range=ngram_range, min_df=min_df, max_df=max_df,
                                 stop_words=stop_words, lowercase=lowercase, binary=binary,
                                 token_pattern=token_pattern, vocabulary=vocabulary,
                                 us_spellings=us_spellings)
    texts = list(texts)
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError as err:
        if "empty vocabulary" in str(err) or "no terms remain" in str(err):
            raise ValueError(
                f"no terms to count in {len(texts)} texts (empty texts, or min_df/max_df/"
                f"stop_words removed every term): {err}") from err
        raise
    terms = np.asarray(vectorizer.get_feature_names_out(), dtype=object)
    return sp.csr_matrix(counts, dtype=np.int64), terms


def make_vectorizer(*, ngram_range=(1, 1), min_df=1, max_df=1.0, stop_words=None,
                    lowercase=True, binary=False, token_pattern=TOKEN_PATTERN, vocabulary=None,
                    us_spellings=True) -> CountVectorizer:
    """The ``CountVectorizer`` behind :func:`count_terms` (arguments as there).

    One definition, so that counting on a cluster, partition by partition, tokenises
    exactly as the pandas path does. With the default ``token_pattern`` the words are
    :class:`WordTokenizer`'s (framing.tokenize's); another pattern tokenises by regular
    expression, as scikit-learn does.
    """
    common = dict(ngram_range=tuple(ngram_range), min_df=min_df, max_df=max_df,
                  stop_words=stop_words, binary=binary, dtype=np.int64,
                  vocabulary=None if vocabulary is None else list(vocabulary))
    if token_pattern == TOKEN_PATTERN:
        # The tokenizer lower-cases (after spotting "US" in capitals), so scikit-learn's
        # preprocessing is off: the text reaches framing.tokenize as written (and cached).
        return CountVectorizer(tokenizer=WordTokenizer(lowercase, us_spellings, token_pattern),
                               token_pattern=None, lowercase=False, **common)
    preprocessor = functools.partial(normalize_us, lowercase=lowercase) if us_spellings else None
    return CountVectorizer(lowercase=lowercase, preprocessor=preprocessor,
                           token_pattern=token_pattern, **common)


def group_indicator(labels, levels=None):
    """A sparse (n_groups, n_items) 0/1 matrix mapping items to their group.

    Parameters
    ----------
    labels : array-like
        One group label per item; missing labels belong to no group.
    levels : sequence, optional
        The groups, in order (default: the sorted distinct labels).

    Returns
    -------
    indicator : scipy.sparse.csr_matrix of float64
    levels : list

    Examples
    --------
    >>> m, levels = group_indicator(["b", "a", "b"])
    >>> levels, m.toarray().tolist()
    (['a', 'b'], [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    """
    values = pd.Series(np.asarray(labels, dtype=object))
    if levels is None:
        levels = sorted(values.dropna().unique().tolist(), key=str)
    levels = list(levels)
    codes = pd.Index(levels, dtype=object).get_indexer(values.astype(object))
    keep = np.flatnonzero(codes >= 0)
    indicator = sp.csr_matrix(
        (np.ones(keep.size), (codes[keep], keep)), shape=(len(levels), len(values)))
    return indicator, levels
