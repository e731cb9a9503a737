"""Loaded language: rates of bias, subjectivity, epistemic, sentiment and moral lexicons.

One :class:`~framing.lexicons.LexiconMatcher` is built over every lexicon, so one
pass over each batch of texts serves all categories. Each feature is a rate per 1,000
words, so scores do not grow with length and never saturate; ``loaded_index`` combines the
rates with weights fitted once on BABE and frozen here (see :data:`INDEX_WEIGHTS`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..lexicons import LexiconMatcher, load_lexicon
from ._lexicon_scorer import RATE_SCALE, LexiconScorer

__all__ = ["CATEGORY_SOURCES", "DEFAULT_EXCLUDE", "INDEX_INTERCEPT", "INDEX_WEIGHTS",
           "LoadedLanguageScorer"]

_FOUNDATIONS = ("care", "fairness", "loyalty", "authority", "sanctity")

#: Where each feature comes from: (lexicon name for :func:`~framing.lexicons.load_lexicon`,
#: category in that lexicon, feature name). The order is the order of the features.
CATEGORY_SOURCES = (
    ("recasens_bias", "bias", "bias_lexicon"),
    ("mpqa", "strongsubj", "strong_subjective"),
    ("mpqa", "weaksubj", "weak_subjective"),
    ("hedges", "hedge", "hedge"),
    ("boosters", "booster", "booster"),
    ("intensifiers", "intensifier", "intensifier"),
    ("factives", "factive", "factive"),
    ("assertives", "assertive", "assertive"),
    ("implicatives", "implicative", "implicative"),
    ("report_verbs", "report_verb", "report_verb"),
    ("hu_liu", "positive", "positive"),
    ("hu_liu", "negative", "negative"),
    ("babe", "biased", "babe_biased"),
    *(("mfd2", f"{foundation}.{pole}", f"mfd_{foundation}_{pole}")
      for foundation in _FOUNDATIONS for pole in ("virtue", "vice")),
)

#: Lexicon entries left out by default, because in US political news their usual sense is a
#: name, a topic word or a homograph, not loaded language. Each is dropped from every
#: lexicon that lists it, and reported in ``excluded_terms_``:
#:
#: * ``trump``: the president's name; Hu & Liu list it as positive, MPQA as strongly
#:   subjective (the verb "to trump").
#: * ``undocumented``: the term choice of immigrant-rights coverage ("undocumented
#:   immigrants"); Hu & Liu list it as negative (from product reviews: "undocumented
#:   feature"), which would score the pro-immigrant label as negative sentiment.
#: * ``reform``: "immigration reform" is the name of a policy debate; Hu & Liu list it as
#:   positive.
#: * ``united``: "United States", "United Nations"; MFD 2.0 lists it as loyalty virtue.
#:
#: ``illegal`` is kept on purpose: "illegal immigrant/alien" is the loaded term choice that
#: style guides retired, and its negative, authority-vice reading is the one readers get.
#: On BABE SG2 (``python -m experiments.validation.babe_sentence``) these exclusions lower
#: the rates' cross-validated scores a little, nearly all of it through ``trump``: BABE's
#: biased sentences mention Trump more often, which is the topic, not the wording (numbers
#: in experiments/README.md, "Measurements behind the library's defaults").
DEFAULT_EXCLUDE = ("trump", "undocumented", "reform", "united")

#: Weights of ``loaded_index`` per feature (per 1,000 words), and its intercept.
#:
#: ``loaded_index = INDEX_INTERCEPT + sum(INDEX_WEIGHTS[f] * rate_f)``: the log-odds that
#: BABE's experts would label a sentence with these rates "Biased". Fitted once and frozen:
#: a logistic regression (standardised rates, L2, C=1) of BABE SG2's label (3,673
#: sentences, Biased vs Non-biased) on the 22 rates other than ``babe_biased`` (left out:
#: that lexicon was built from BABE's own data), with ``DEFAULT_EXCLUDE``, converted back
#: to raw rates. Refit and print with
#: ``python -m experiments.validation.babe_sentence``, which also cross-validates it (the
#: index refitted in each training fold, folds grouped by topic, and fitted without BABE's
#: immigration sentences and scored on them; the scores are in experiments/README.md).
#: Being linear in rates, the index does not depend on length and never saturates; on
#: articles it reads as the log-odds of an average sentence, so compare articles by rank
#: or difference, not against 0.
INDEX_WEIGHTS: dict[str, float] = {
    "bias_lexicon": 0.000126475,
    "strong_subjective": 0.00894926,
    "weak_subjective": 0.000351712,
    "hedge": 0.00208484,
    "booster": 0.0494766,
    "intensifier": 0.0154095,
    "factive": 0.00981951,
    "assertive": 0.0014962,
    "implicative": 0.00567232,
    "report_verb": -0.00772778,
    "positive": 0.00150475,
    "negative": 0.00381924,
    "mfd_care_virtue": -0.00693767,
    "mfd_care_vice": -0.000255763,
    "mfd_fairness_virtue": -0.00992885,
    "mfd_fairness_vice": -0.00146193,
    "mfd_loyalty_virtue": -0.00570609,
    "mfd_loyalty_vice": 0.0299187,
    "mfd_authority_virtue": -0.006257,
    "mfd_authority_vice": 0.0195326,
    "mfd_sanctity_virtue": 0.000813914,
    "mfd_sanctity_vice": 0.000810321,
}
INDEX_INTERCEPT = -0.596882


class LoadedLanguageScorer(LexiconScorer):
    """Loaded-language rates per 1,000 words, and an aggregate ``loaded_index``.

    Features (prefix ``loaded__``), each a rate per 1,000 words:

    ==========================  =========================================================
    ``bias_lexicon``            Recasens et al. 2013 bias lexicon (words removed in
                                Wikipedia neutral-point-of-view edits)
    ``strong_subjective``       MPQA subjectivity clues, strong (Wilson et al. 2005)
    ``weak_subjective``         MPQA subjectivity clues, weak
    ``hedge``                   hedges (Hyland 2005, as used by Recasens et al.)
    ``booster``                 boosters: certainty markers (authored, after Hyland 2005)
    ``intensifier``             amplifiers (authored, after Quirk et al. 1985)
    ``factive``                 factive verbs (Hooper 1975)
    ``assertive``               assertive verbs (Hooper 1975)
    ``implicative``             implicative verbs (Karttunen 1971)
    ``report_verb``             report verbs (Recasens et al. 2013)
    ``positive``, ``negative``  Hu & Liu 2004 opinion words; negated words count for the
                                opposite polarity (``not good`` is negative)
    ``babe_biased``             BABE's biased-word lexicon (Spinde et al. 2021); only with
                                ``babe=True``
    ``mfd_<f>_virtue``,         Moral Foundations Dictionary 2.0 (Frimer et al. 2019), for
    ``mfd_<f>_vice``            ``f`` in care, fairness, loyalty, authority, sanctity
    ``loaded_index``            ``INDEX_INTERCEPT + sum(INDEX_WEIGHTS[f] * rate_f)``
    ==========================  =========================================================

    Parameters
    ----------
    exclude : sequence of str, default ``DEFAULT_EXCLUDE``
        Lexicon entries (case-insensitive) to leave out of every lexicon: names and topic
        words that lexicons list but that are not loaded language in political news. What
        was dropped is listed in ``excluded_terms_``. Pass ``()`` to keep every entry.
    babe : bool, default True
        Include BABE's biased-word lexicon (feature ``babe_biased``). It was built from
        BABE's own annotations, so set ``babe=False`` when evaluating on BABE.
    negation : bool, default True
        Flip Hu & Liu polarity under negation (see :class:`~framing.lexicons.LexiconMatcher`).
    data_home : path-like, optional
        Where public lexicons are cached (see :func:`framing.lexicons.fetch_lexicon`).

    Attributes
    ----------
    matcher_ : LexiconMatcher
        One matcher over every lexicon.
    lexicons_ : list of Lexicon
        The lexicons as matched (after exclusions).
    excluded_terms_ : pandas.DataFrame
        Entries left out by ``exclude``: lexicon, term, category.

    Notes
    -----
    Subjectivity comes from the MPQA clues (``mpqa``) rather than the Riloff & Wiebe word
    lists (``strong_subjectives``, ``weak_subjectives``): the same clues, but MPQA says per
    clue whether inflected forms count (``stemmed``), so ``abandon`` also matches
    ``abandoned`` where the clue allows it. A word that MPQA lists as both strong and weak
    (for different parts of speech, 52 words such as ``just``) counts in both.
    Lexicons match case-insensitively, as whole words and phrases; a word may feed several
    features (``disastrous`` is strongly subjective and negative).

    :meth:`explain` gives one row per matched span and feature: ``category`` is the
    feature's short name, ``feature`` its full name, plus ``lexicon`` (where the entry
    comes from), ``negated`` (inside a negation scope) and ``index_weight`` (the feature's
    weight in ``loaded_index``, per 1,000 words).

    Examples
    --------
    >>> scorer = LoadedLanguageScorer().fit()  # doctest: +SKIP
    >>> text = "Critics slammed the utterly disastrous policy."
    >>> scorer.set_output(transform="pandas").transform([text])[  # doctest: +SKIP
    ...     ["loaded__intensifier", "loaded__negative", "loaded__loaded_index"]].round(2)
       loaded__intensifier  loaded__negative  loaded__loaded_index
    0               166.67             500.0                  7.09
    >>> scorer.explain(text)[["text", "category", "lexicon"]].head(4)  # doctest: +SKIP
          text           category        lexicon
    0  Critics       bias_lexicon  recasens_bias
    1  Critics  strong_subjective           mpqa
    2  Critics           negative         hu_liu
    3  slammed        report_verb   report_verbs
    """

    name = "loaded"

    def __init__(self, *, exclude=DEFAULT_EXCLUDE, babe: bool = True, negation: bool = True,
                 data_home=None):
        self.exclude = exclude
        self.babe = babe
        self.negation = negation
        self.data_home = data_home

    # -- resources -------------------------------------------------------------------------
    def _sources(self):
        return [s for s in CATEGORY_SOURCES if self.babe or s[0] != "babe"]

    def _fit_resources(self):
        if isinstance(self.exclude, str):
            raise TypeError("exclude must be a sequence of terms, not one string")
        sources = self._sources()
        wanted: dict[str, list[str]] = {}
        for lexicon, category, _ in sources:
            wanted.setdefault(lexicon, []).append(category)
        lexicons, dropped = [], []
        for lexicon_name, categories in wanted.items():
            lexicon = load_lexicon(lexicon_name, data_home=self.data_home).subset(categories)
            lexicon, gone = lexicon.without(self.exclude)
            lexicons.append(lexicon)
            dropped.append(gone)
        self.lexicons_ = lexicons
        self.excluded_terms_ = pd.concat(dropped, ignore_index=True)
        self.matcher_ = LexiconMatcher(lexicons, negation=self.negation)
        # Matcher categories are "<lexicon>.<category>": map each to its feature column.
        position = {f"{lexicon}.{category}": i
                    for i, (lexicon, category, _) in enumerate(sources)}
        self._column = np.asarray([position[c] for c in self.matcher_.categories_],
                                  dtype=np.int64)
        self._category_feature = {c: sources[position[c]][2]
                                  for c in self.matcher_.categories_}
        names = [feature for _, _, feature in sources]
        self._index_weights = np.asarray([INDEX_WEIGHTS.get(n, 0.0) for n in names])
        return [*names, "loaded_index"]

    # -- scoring ---------------------------------------------------------------------------
    def _transform_texts(self, texts):
        counts, n_words = self.matcher_.count(texts)
        rates = np.zeros((len(texts), len(self._column)))
        # Several matcher categories never share a column, so a plain assignment is enough.
        rates[:, self._column] = RATE_SCALE * counts / np.maximum(n_words, 1)[:, None]
        # A row-wise sum, not ``rates @ weights``: BLAS's matrix-vector product adds a row's
        # terms in an order that depends on how many rows are in the batch, so an article's
        # index would change in its last bit with the batch (or dask partition) around it.
        index = INDEX_INTERCEPT + (rates * self._index_weights).sum(axis=1)
        return np.column_stack([rates, index])

    def _span_categories(self):
        return list(dict.fromkeys(self._category_feature.values()))

    def _explain_text(self, text):
        spans = self.matcher_.spans(text)
        # Matcher categories read "<lexicon>.<category>"; show the feature name instead.
        matched = spans["category"].tolist()
        features = [self._category_feature[c] for c in matched]
        spans["lexicon"] = [c.split(".", 1)[0] for c in matched]
        spans["category"] = features
        spans["feature"] = [f"{self.name}__{f}" for f in features]
        spans["index_weight"] = [INDEX_WEIGHTS.get(f, 0.0) for f in features]
        return spans
