"""The immigration term-choice axis: which words a text uses for immigrants and policies.

``TermChoiceScorer`` counts the paired terms of the authored ``immigration_terms`` lexicon
(``illegal alien`` against ``undocumented``, ``amnesty`` against ``path to citizenship``,
``chain migration`` against ``family reunification``, plus one-sided labels and metaphors:
``catch and release``, ``open borders``, invasion and water metaphors) and sums them into
``restrictionist_index``. A corpus-learned extension (:meth:`TermChoiceScorer.learn`: terms
that separate two groups of outlets by log-odds with an informative Dirichlet prior,
Monroe, Colaresi & Quinn 2008) adds its own, separately named features and never changes
the authored ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..lexicons import Lexicon, LexiconMatcher, load_lexicon
from ..lexicons.matcher import BATCH_SIZE
from ._base import BaseScorer
from ._learned import _log_odds_dirichlet  # noqa: F401  (re-exported for framing.compare)
from ._lexicon_scorer import RATE_SCALE
from ._spans import GAP, inside, layout, nearest_anchor, quote_spans, sentence_breaks

__all__ = ["TermChoiceScorer"]

_SIDES = ("restrictionist", "pro_immigrant", "neutral", "shadow", "context")
_SIGN = {"restrictionist": 1.0, "pro_immigrant": -1.0, "neutral": 0.0}
_LEARNED_SIDES = ("positive", "negative")


def _flag(values) -> np.ndarray:
    return pd.Series(values).astype(str).str.strip().str.lower().isin(
        ("true", "1", "yes", "immigration", "quote")).to_numpy()


def _side_of(lexicon: Lexicon, allowed) -> dict[str, str]:
    """Category -> side, checking every category has exactly one allowed side."""
    if "side" not in lexicon.entries.columns:
        raise ValueError(f"lexicon {lexicon.name!r} needs a 'side' column ({allowed})")
    sides = lexicon.entries.groupby("category", sort=False)["side"].unique()
    result = {}
    for category, values in sides.items():
        if len(values) != 1 or values[0] not in allowed:
            raise ValueError(f"lexicon {lexicon.name!r}: category {category!r} has side(s) "
                             f"{list(values)}; expected exactly one of {list(allowed)}")
        result[category] = values[0]
    return result


def _index(positive: np.ndarray, negative: np.ndarray, smoothing: float) -> np.ndarray:
    """(positive - negative) / (positive + negative + smoothing), 0 where nothing counted.

    ``positive`` and ``negative`` are rates per 1,000 words.
    """
    positive = np.asarray(positive, dtype=np.float64)
    negative = np.asarray(negative, dtype=np.float64)
    denominator = positive + negative + smoothing
    return np.divide(positive - negative, denominator, out=np.zeros(len(positive)),
                     where=denominator > 0)


@dataclass
class _Counted:
    """The matches that count in a batch, with what licensed them."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    term: np.ndarray
    category: np.ndarray
    weight: np.ndarray
    in_quote: np.ndarray
    context_start: np.ndarray  # local start of the licensing context word, -1 if none needed
    context_end: np.ndarray
    n_words: np.ndarray


class TermChoiceScorer(BaseScorer):
    """Immigration term choice: restrictionist against pro-immigrant labels and metaphors.

    Features (all ``term_choice__`` + name):

    ``<category>``
        Rate per 1,000 words of each counted category of the lexicon, in lexicon order:
        ``restrictionist_label`` (illegal alien(s), illegal immigrant(s), illegals, criminal
        alien(s), anchor baby...), ``pro_immigrant_label`` (undocumented, unauthorized
        immigrant(s), without legal status...), ``amnesty``, ``path_to_citizenship``,
        ``chain_migration``, ``family_reunification``, ``catch_and_release``,
        ``open_borders``, ``invasion``, ``water_metaphor`` (flood, wave, surge, influx,
        pour... near an immigration word) and ``illegal_immigration`` (AP-accepted wording
        for the act: reported, not in the index).
    ``restrictionist_per_1k``, ``pro_immigrant_per_1k``
        Summed rates of the restrictionist-side and pro-immigrant-side categories.
    ``restrictionist_index``
        ``(r - p) / (r + p + smoothing)`` with ``r`` and ``p`` the rates per 1,000 words of
        restrictionist-side and pro-immigrant-side terms. In (-1, 1): positive for
        restrictionist term choice, negative for pro-immigrant, 0 when the text has none
        or as many of each. It is the balance of the two sides, shrunk towards 0 where
        term choices are sparse: with ``smoothing=1``, one restrictionist term in a
        1,000-word article gives 0.5, three give 0.75, and one term and nothing else in a
        5,000-word article 0.17. Being built on rates, it does not change when a text is
        repeated, and it never saturates with length.
    ``learned_<group>``, ``learned_<group>``, ``learned_index`` (only with ``learned``)
        The same for a corpus-learned lexicon (see :meth:`learn`): weighted rates per 1,000
        words of its positive-side and negative-side terms, and their index. Reported
        apart; the authored features do not change.

    Rules of counting: metaphor terms (``invasion``, ``water_metaphor``; a lexicon row with
    ``context = immigration``) count only when an immigration word (immigrant, migrant,
    border, asylum, ICE...) lies within ``context_window`` characters in the same sentence;
    a term inside a longer phrase counts once, for the phrase (``illegal immigrants``, not
    also ``illegal``; ``Amnesty International`` hides ``amnesty``); negation changes nothing
    (``not amnesty`` is still the word ``amnesty``).

    Parameters
    ----------
    lexicon : str or Lexicon, default "immigration_terms"
        The authored lexicon, or your own with the same extra columns: ``side`` (one of
        restrictionist, pro_immigrant, neutral, shadow, context per category) and
        ``context`` ("immigration" for terms that need a context word).
    smoothing : float, default 1.0
        The ``smoothing`` of the index, in terms per 1,000 words (>= 0).
    context_window : int, default 50
        Characters between a metaphor term and its immigration word (less than 4,096).
    quotes : {"include", "exclude"}, default "include"
        ``"exclude"`` ignores terms inside quotations, to score the outlet's own voice
        rather than its sources' (see :mod:`framing.features._spans` for what a quotation
        is).
    learned : Lexicon, optional
        A lexicon from :meth:`learn` (categories with ``side`` positive/negative).

    Attributes
    ----------
    matcher_ : LexiconMatcher
    lexicon_ : Lexicon

    Examples
    --------
    >>> scorer = TermChoiceScorer().fit()
    >>> texts = ["Illegal aliens are flooding across the border, demanding amnesty.",
    ...          "Undocumented immigrants want a path to citizenship.",
    ...          "The council met on Tuesday."]
    >>> scores = scorer.set_output(transform="pandas").transform(texts)
    >>> scores["term_choice__restrictionist_index"].round(3).tolist()  # dense: near +-1
    [0.997, -0.997, 0.0]
    >>> spans = scorer.explain(texts[0])
    >>> spans[["text", "category", "context"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Illegal aliens', 'restrictionist_label', ''], ['flooding', 'water_metaphor', 'aliens'],
     ['amnesty', 'amnesty', '']]
    """

    name = "term_choice"

    def __init__(self, lexicon="immigration_terms", *, smoothing: float = 1.0,
                 context_window: int = 50, quotes: str = "include", learned=None):
        self.lexicon = lexicon
        self.smoothing = smoothing
        self.context_window = context_window
        self.quotes = quotes
        self.learned = learned

    # -- fitting ---------------------------------------------------------------------------
    def _fit_resources(self):
        if not float(self.smoothing) >= 0:
            raise ValueError(f"smoothing must be >= 0, got {self.smoothing!r}")
        if not 0 <= int(self.context_window) < GAP:
            raise ValueError(f"context_window must be in [0, {GAP}), got "
                             f"{self.context_window!r}")
        if self.quotes not in ("include", "exclude"):
            raise ValueError(f"quotes must be 'include' or 'exclude', got {self.quotes!r}")
        lexicon = (self.lexicon if isinstance(self.lexicon, Lexicon)
                   else load_lexicon(self.lexicon))
        sides = _side_of(lexicon, _SIDES)
        self.lexicon_ = lexicon
        counted = [c for c in lexicon.categories if sides[c] != "context"]
        context = [c for c in lexicon.categories if sides[c] == "context"]
        lexicons = [lexicon.subset(counted)]
        if context:  # a separate lexicon, so a context word never hides a counted term
            lexicons.append(lexicon.subset(context, name=f"{lexicon.name}__context"))
        roles = [(sides[c], c) for c in counted] + [("context", c) for c in context]
        names = [c for side, c in roles if side in _SIGN]
        if self.learned is not None:
            learned = self.learned
            if not isinstance(learned, Lexicon):
                raise TypeError("learned must be a Lexicon (see TermChoiceScorer.learn)")
            learned_sides = _side_of(learned, _LEARNED_SIDES)
            if sorted(learned_sides.values()) != sorted(_LEARNED_SIDES):
                raise ValueError("learned needs one 'positive' and one 'negative' category")
            by_side = {side: c for c, side in learned_sides.items()}
            lexicons.append(Lexicon(name=f"{lexicon.name}__learned", entries=learned.entries))
            roles += [(f"learned_{learned_sides[c]}", c) for c in learned.categories]
            names += [f"learned_{by_side['positive']}", f"learned_{by_side['negative']}"]
        self.matcher_ = LexiconMatcher(lexicons, negation=False)

        # Per matcher category: its output column (-1: not a feature) and role.
        n_categories = len(self.matcher_.categories_)
        self._column = np.full(n_categories, -1, dtype=np.int64)
        self._sign = np.zeros(n_categories)
        self._anchor = np.zeros(n_categories, dtype=bool)
        self._learned_sign = np.zeros(n_categories)
        self._plain = [c for _, c in roles]
        for index, (role, category) in enumerate(roles):
            if role in _SIGN:
                self._column[index] = names.index(category)
                self._sign[index] = _SIGN[role]
            elif role == "context":
                self._anchor[index] = True
            elif role.startswith("learned_"):
                side = role[len("learned_"):]
                self._column[index] = names.index(f"learned_{category}")
                self._learned_sign[index] = 1.0 if side == "positive" else -1.0
        # Which (term, category) pairs need a context word: per lexicon row, so the same
        # word may need one in one lexicon and not in another.
        needs = np.zeros((len(self.matcher_.terms_), n_categories), dtype=bool)
        entries = lexicon.entries
        if "context" in entries.columns:
            flagged = entries[_flag(entries["context"])]
            term_ids: dict[str, list[int]] = {}
            for index, term in enumerate(self.matcher_.terms_):
                term_ids.setdefault(term, []).append(index)
            for term, category in zip(flagged["term"], flagged["category"], strict=True):
                column = self._plain.index(category)
                for index in term_ids.get(term, []):
                    needs[index, column] = True
        self._needs_context = needs
        self._n_authored = len([n for n in names if not n.startswith("learned_")])
        # Per output column: which side of which index it counts for.
        self._column_sign = np.zeros(len(names))
        self._column_learned_sign = np.zeros(len(names))
        for category in np.flatnonzero(self._column >= 0):
            self._column_sign[self._column[category]] = self._sign[category]
            self._column_learned_sign[self._column[category]] = self._learned_sign[category]
        features = names[:self._n_authored] + ["restrictionist_per_1k", "pro_immigrant_per_1k",
                                               "restrictionist_index"]
        if self.learned is not None:
            features += names[self._n_authored:] + ["learned_index"]
        self._names = names
        return features

    # -- scoring ---------------------------------------------------------------------------
    def _count(self, texts: list[str]) -> _Counted:
        """The counted matches of one batch."""
        found = self.matcher_.find(texts)
        offsets = layout(texts)
        start = offsets[found.doc] + found.start
        end = offsets[found.doc] + found.end
        anchor = self._anchor[found.category]
        keep = self._column[found.category] >= 0
        context_start = np.full(len(start), -1, dtype=np.int64)
        context_end = np.full(len(start), -1, dtype=np.int64)
        needs = keep & self._needs_context[found.term, found.category]
        if needs.any():
            breaks = sentence_breaks(texts, offsets)
            nearest = nearest_anchor(start[needs], end[needs], start[anchor], end[anchor],
                                     int(self.context_window), breaks)
            licensed = nearest >= 0
            rows = np.flatnonzero(needs)
            keep[rows[~licensed]] = False
            local = offsets[found.doc[rows[licensed]]]
            context_start[rows[licensed]] = start[anchor][nearest[licensed]] - local
            context_end[rows[licensed]] = end[anchor][nearest[licensed]] - local
        quote_start, quote_end = quote_spans(texts, offsets)
        in_quote = inside(start, end, quote_start, quote_end)
        if self.quotes == "exclude":
            keep &= ~in_quote
        return _Counted(found.doc[keep], found.start[keep], found.end[keep], found.term[keep],
                        found.category[keep], found.weight[keep], in_quote[keep],
                        context_start[keep], context_end[keep], found.n_words)

    def _transform_batch(self, texts: list[str]) -> np.ndarray:
        counted = self._count(texts)
        n_docs, n_names = len(texts), len(self._names)
        flat = np.bincount(counted.doc * n_names + self._column[counted.category],
                           weights=counted.weight, minlength=n_docs * n_names)
        counts = flat.reshape(n_docs, n_names).astype(np.float64)
        rates = RATE_SCALE * counts / np.maximum(counted.n_words, 1)[:, None]
        sign, learned_sign = self._column_sign, self._column_learned_sign
        smoothing = float(self.smoothing)
        authored = self._n_authored
        columns = [rates[:, :authored],
                   rates[:, sign > 0].sum(axis=1, keepdims=True),
                   rates[:, sign < 0].sum(axis=1, keepdims=True),
                   _index(rates[:, sign > 0].sum(axis=1), rates[:, sign < 0].sum(axis=1),
                          smoothing)[:, None]]
        if self.learned is not None:
            columns += [rates[:, authored:],
                        _index(rates[:, learned_sign > 0].sum(axis=1),
                               rates[:, learned_sign < 0].sum(axis=1), smoothing)[:, None]]
        return np.hstack(columns)

    def _transform_texts(self, texts):
        return self._transform_in_batches(texts, BATCH_SIZE)

    def _explain_text(self, text: str) -> pd.DataFrame:
        counted = self._count([text])
        # A wildcard match already covers its whole word (a framing.tokenize word).
        end = counted.end.tolist()
        columns = self._column[counted.category]
        side = np.where(self._learned_sign[counted.category] != 0,
                        self._learned_sign[counted.category], self._sign[counted.category])
        return pd.DataFrame({
            "start": counted.start,
            "end": np.asarray(end, dtype=np.int64),
            "text": [text[s:e] for s, e in zip(counted.start.tolist(), end, strict=True)],
            "term": [self.matcher_.terms_[t] for t in counted.term],
            "category": [self._plain[c] for c in counted.category],
            "weight": counted.weight,
            "feature": [f"{self.name}__{self._names[c]}" for c in columns],
            "side": side,
            "in_quote": counted.in_quote,
            "context": [text[s:e] if s >= 0 else "" for s, e in
                        zip(counted.context_start.tolist(), counted.context_end.tolist(),
                            strict=True)],
        })

    # -- the corpus-learned extension ------------------------------------------------------
    @staticmethod
    def learn(texts, groups, *, positive: str = "right", negative: str = "left",
              outlets=None, n_terms: int = 100, min_z: float = 1.96, min_count: int = 10,
              min_outlets: int = 5, max_outlet_share: float = 0.5, prior: float = 0.1,
              ngram_range=(1, 2), weighting: str = "delta") -> Lexicon:
        """Learn the words and phrases that separate two groups of texts.

        Terms (words and two-word phrases within a clause, as the matcher sees them) are
        ranked by the z-score of their log-odds ratio between the ``positive`` and
        ``negative`` groups with an informative Dirichlet prior (Monroe, Colaresi & Quinn
        2008): the prior for each term is ``prior`` times its pooled count, so a term's
        evidence grows with how often it is used, not only with how lopsided its use is.
        Stop words alone or at either end of a phrase are left out.

        Learn on training outlets only and score held-out outlets: outlet labels carry
        house style and boilerplate as much as ideology.

        Parameters
        ----------
        texts : sequence of str
        groups : sequence
            Group of each text (for AllSides, ``label_allsides``); texts of other groups
            (``center``) are ignored.
        positive, negative : str
            The two groups compared; ``positive`` gets the positive side of
            ``learned_index`` (for immigration, the restrictionist side).
        outlets : sequence, optional
            Outlet of each text. With it, a term must occur in at least ``min_outlets``
            outlets, and at most ``max_outlet_share`` of its occurrences may come from a
            single outlet: this keeps mastheads, bylines and video captions out (the
            convention of :func:`framing.compare.fightin_words`).
        n_terms : int, default 100
            Most terms kept per side.
        min_z : float, default 1.96
            Smallest absolute z-score kept.
        min_count : int, default 10
            Smallest pooled count of a term in the two groups.
        min_outlets : int, default 5
        max_outlet_share : float, default 0.5
        prior : float, default 0.1
            Prior mass per term as a fraction of its pooled count (> 0).
        ngram_range : (int, int), default (1, 2)
        weighting : {"delta", "uniform"}, default "delta"
            Weight of each term in the learned rates and index: the absolute log-odds
            ratio (a use of ``illegal aliens`` counts more than a use of a frequent, mildly
            one-sided word), or 1.

        Returns
        -------
        Lexicon
            Named ``learned_term_choice``, categories ``positive`` and ``negative`` (the
            group names), column ``side`` (positive/negative) and the evidence of each
            term: ``z``, ``delta`` (log-odds ratio), ``count_positive``,
            ``count_negative``, ``n_outlets``. Pass it as ``TermChoiceScorer(learned=...)``.

        Examples
        --------
        >>> texts = ["illegal aliens again"] * 12 + ["undocumented immigrants again"] * 12
        >>> groups = ["right"] * 12 + ["left"] * 12
        >>> lex = TermChoiceScorer.learn(texts, groups, n_terms=2, min_count=5)
        >>> lex.entries[["term", "category"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
        [['aliens', 'right'], ['illegal', 'right'], ['immigrants', 'left'],
         ['undocumented', 'left']]
        """
        from ._learned import learn_terms

        return learn_terms(texts, groups, positive=positive, negative=negative,
                           outlets=outlets, n_terms=n_terms, min_z=min_z,
                           min_count=min_count, min_outlets=min_outlets,
                           max_outlet_share=max_outlet_share, prior=prior,
                           ngram_range=ngram_range, weighting=weighting)
