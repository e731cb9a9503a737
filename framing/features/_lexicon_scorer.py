"""A scorer for any lexicons: rates per 1,000 words of each category, with explanations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..lexicons import Lexicon, LexiconMatcher
from ._base import BaseScorer

__all__ = ["LexiconScorer", "RATE_SCALE"]

#: Lexicon counts are reported per this many words, so scores do not grow with length.
RATE_SCALE = 1000.0


class LexiconScorer(BaseScorer):
    """Rates per 1,000 words of each category of one or more lexicons.

    The building block of framing's lexicon scorers, and a way to score with your own
    lexicon. A text with no words scores 0 everywhere.

    Parameters
    ----------
    lexicons : Lexicon or list of Lexicon
        What to count. With several lexicons, features are ``<lexicon>.<category>``.
    negation : bool, default True
        See :class:`framing.lexicons.LexiconMatcher`.
    overlap : {"longest", "all"}, default "longest"
        See :class:`framing.lexicons.LexiconMatcher`.
    name : str, default "lexicon"
        Feature-name prefix.

    Attributes
    ----------
    matcher_ : LexiconMatcher

    Examples
    --------
    >>> from framing.lexicons import Lexicon
    >>> lex = Lexicon.from_dict({"water": ["flood", "wave", "surge"]}, name="metaphor")
    >>> scorer = LexiconScorer(lex).fit()
    >>> scorer.transform(["A flood of migrants, a wave of arrivals."]).round(1).tolist()
    [[250.0]]
    >>> list(scorer.get_feature_names_out())
    ['lexicon__water']
    """

    def __init__(self, lexicons=None, *, negation: bool = True, overlap: str = "longest",
                 name: str = "lexicon"):
        self.lexicons = lexicons
        self.negation = negation
        self.overlap = overlap
        self.name = name

    def _lexicons(self) -> list[Lexicon]:
        if self.lexicons is None:
            raise ValueError(f"{type(self).__name__} needs lexicons")
        return [self.lexicons] if isinstance(self.lexicons, Lexicon) else list(self.lexicons)

    def _fit_resources(self):
        self.matcher_ = LexiconMatcher(self._lexicons(), negation=self.negation,
                                       overlap=self.overlap)
        return list(self.matcher_.categories_)

    def _rates(self, texts) -> tuple[np.ndarray, np.ndarray]:
        counts, n_words = self.matcher_.count(texts)
        return RATE_SCALE * counts / np.maximum(n_words, 1)[:, None], n_words

    def _transform_texts(self, texts):
        return self._rates(texts)[0]

    def _explain_text(self, text: str) -> pd.DataFrame:
        spans = self.matcher_.spans(text)
        spans["feature"] = [f"{self.name}__{c}" for c in spans["category"]]
        return spans
