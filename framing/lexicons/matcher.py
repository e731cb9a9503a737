"""Compiled lexicon matching: one Aho-Corasick scan per batch of texts for every term.

How it works, and why it is fast
--------------------------------
1. At construction, every term of every lexicon is expanded to its surface forms
   (inflections, see :mod:`framing.lexicons._normalize`) and compiled into an
   Aho-Corasick automaton (``ahocorasick_rs``, compiled Rust) of byte patterns
   ``" form "``. Case-sensitive terms (``ICE``) go to a second automaton run on the
   un-folded text; wildcard terms (``abus*``) are patterns open on the right; negators
   (``not``, ``never``, words ending in ``n't``) are patterns too. Each pattern points to
   its *postings*: the (term, category, weight) it counts for, one per category.
2. A batch of texts is joined into one string (texts separated by three spaces),
   normalised in NumPy without changing its length (punctuation and whitespace become
   spaces, letters are case-folded), and scanned once. The spaces around each pattern
   make every match a whole-word match, and a phrase never matches across punctuation,
   which normalises to a second space.
3. Everything after the scan is NumPy over all hits of the batch: word boundaries and word
   counts from the normalised code points, the containment of a short match in a longer
   one of the same lexicon (``aliens`` inside ``illegal aliens``) from a coverage count
   over word positions, negation scope from the nearest preceding negator and the nearest
   clause break, and per-text, per-category sums from one :func:`numpy.bincount`.

There is no Python loop over terms, tokens or matches at match time.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._normalize import normalize_codes, pattern_bytes, surface_forms
from .lexicon import Lexicon

__all__ = ["BATCH_SIZE", "LexiconMatcher", "Matches", "NEGATORS"]

#: Words that open a negation scope (plus any word ending in ``n't``).
NEGATORS = ("not", "no", "never", "nor", "neither", "without", "cannot", "hardly", "barely",
            "scarcely", "nobody", "nothing", "none", "nowhere", "lack", "lacks", "lacking")
#: Texts per automaton scan in :meth:`LexiconMatcher.count`: bounds memory.
BATCH_SIZE = 256
_SPACE = ord(" ")
_SEPARATOR = "   "
#: Punctuation a term may contain and still be matched faithfully (it becomes a space).
_TERM_PUNCTUATION = set(" -'’./&\u2010\u2011\u2013")


def _csr(lists: Sequence[Sequence[int]], dtype=np.int64) -> tuple[np.ndarray, np.ndarray]:
    """Pack a list of lists as (pointer, flat) arrays."""
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    pointer = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(lengths, out=pointer[1:])
    flat = np.fromiter((v for x in lists for v in x), dtype=dtype, count=int(pointer[-1]))
    return pointer, flat


def _csr_take(pointer: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expand CSR ``rows``: returns (index into ``rows``, index into the flat array)."""
    lengths = pointer[rows + 1] - pointer[rows]
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    total = int(lengths.sum())
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return owner, np.repeat(pointer[rows], lengths) + within


def _as_text(value) -> str:
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _matchable(term: str) -> bool:
    """Whether a term survives normalisation unchanged in meaning (``a+`` does not)."""
    return all(ch.isalnum() or ch in _TERM_PUNCTUATION
               or unicodedata.category(ch) in ("Mn", "Mc") for ch in term)


@dataclass
class Matches:
    """Every lexicon match in a batch of texts, one row per (match, category).

    Attributes
    ----------
    doc : ndarray of int64
        Position of the text in the batch.
    start, end : ndarray of int64
        Character span of the match in its text (for a wildcard term, the prefix).
    term : ndarray of int64
        Index into the matcher's ``terms_``.
    category : ndarray of int64
        Index into the matcher's ``categories_``, after any negation flip.
    weight : ndarray of float64
        The entry's weight.
    negated : ndarray of bool
        The match lies in a negation scope.
    n_words : ndarray of int64
        Words per text (runs of word characters), one per text.
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    term: np.ndarray
    category: np.ndarray
    weight: np.ndarray
    negated: np.ndarray
    n_words: np.ndarray


@dataclass
class _Batch:
    """A batch laid out as one normalised string, with its word boundaries."""

    joined: str
    codes: np.ndarray  # case-folded, normalised ``joined``, one uint8 per character
    doc_start: np.ndarray  # position of each text in ``joined``
    word_start: np.ndarray
    word_end: np.ndarray
    word_doc: np.ndarray
    n_words: np.ndarray


class LexiconMatcher:
    """Find the terms of one or more lexicons in texts, with character spans.

    Parameters
    ----------
    lexicons : Lexicon or sequence of Lexicon
        What to match. With several lexicons, categories are named
        ``"<lexicon>.<category>"``; one automaton serves them all.
    negation : bool, default True
        Detect negation scope: up to ``negation_window`` words after a negator (``not``,
        ``never``, ``no``, words ending in ``n't``...), stopping at punctuation. Matches in
        scope are marked ``negated``, and a lexicon's ``negation_flips`` categories are
        counted as their flipped category (``not good`` counts as negative).
    negation_window : int, default 3
    overlap : {"longest", "all"}, default "longest"
        ``"longest"`` drops a match lying inside a longer match of the same lexicon
        (``illegal aliens`` counts once, not also as ``aliens``); ``"all"`` keeps every
        match.

    Attributes
    ----------
    terms_ : list of str
        The lexicon entry behind each term index.
    categories_ : list of str
        Category names, in order of the count columns.
    n_patterns_ : int
        Surface forms compiled.
    skipped_terms_ : pandas.DataFrame
        Entries that cannot be matched faithfully (symbols such as ``a+``), with the
        lexicon and the reason; they are left out, never silently.

    Examples
    --------
    >>> from framing.lexicons import Lexicon
    >>> lex = Lexicon.from_dict({"restrictionist": ["illegal alien"], "pro": ["undocumented"],
    ...                          "agency": ["ICE"]}, name="demo")
    >>> matcher = LexiconMatcher(lex)
    >>> counts, n_words = matcher.count(["ICE detained two illegal aliens.", "ice cream"])
    >>> counts.tolist(), n_words.tolist()
    ([[1.0, 0.0, 1.0], [0.0, 0.0, 0.0]], [5, 2])
    >>> matcher.spans("Not undocumented, but illegal aliens.")[
    ...     ["start", "end", "text", "category", "negated"]]
       start  end            text        category  negated
    0      4   16    undocumented             pro     True
    1     22   36  illegal aliens  restrictionist    False
    """

    def __init__(self, lexicons: Lexicon | Sequence[Lexicon], *, negation: bool = True,
                 negation_window: int = 3, overlap: str = "longest"):
        if overlap not in ("longest", "all"):
            raise ValueError(f"overlap must be 'longest' or 'all', got {overlap!r}")
        if int(negation_window) < 1:
            raise ValueError("negation_window must be at least 1")
        self.lexicons = [lexicons] if isinstance(lexicons, Lexicon) else list(lexicons)
        if not self.lexicons:
            raise ValueError("no lexicon to match")
        names = [lex.name for lex in self.lexicons]
        if len(set(names)) != len(names):
            raise ValueError(f"lexicon names must be unique, got {names}")
        self.negation = negation
        self.negation_window = int(negation_window)
        self.overlap = overlap
        self._compile()

    # -- compilation -----------------------------------------------------------------------
    def _compile(self) -> None:
        prefix = len(self.lexicons) > 1
        self.categories_ = [f"{lex.name}.{c}" if prefix else c
                            for lex in self.lexicons for c in lex.categories]
        category_index: dict[tuple[int, str], int] = {}
        flips = np.arange(len(self.categories_), dtype=np.int64)
        term_index: dict[tuple, int] = {}
        self.terms_: list[str] = []
        term_group: list[int] = []
        skipped = []
        # pattern -> {category: (term, weight)}: the first entry reaching a category through
        # a pattern counts, so overlapping inflections of one list never double count.
        postings: dict[tuple[bool, str], dict[int, tuple[int, float]]] = {}
        for group, lex in enumerate(self.lexicons):
            for category in lex.categories:
                category_index[(group, category)] = len(category_index)
            for source, target in lex.negation_flips.items():
                flips[category_index[(group, source)]] = category_index[(group, target)]
            for row in lex.entries.itertuples(index=False):
                if not _matchable(row.term):
                    skipped.append({"lexicon": lex.name, "term": row.term,
                                    "category": row.category,
                                    "reason": "contains symbols that normalise to spaces"})
                    continue
                key = (group, row.term, row.case_sensitive, row.inflect, row.wildcard)
                if key not in term_index:
                    term_index[key] = len(self.terms_)
                    self.terms_.append(row.term)
                    term_group.append(group)
                term = term_index[key]
                category = category_index[(group, row.category)]
                for form in surface_forms(row.term, case_sensitive=row.case_sensitive,
                                          inflect=row.inflect and not row.wildcard):
                    pattern = f" {form}" if row.wildcard else f" {form} "
                    postings.setdefault((row.case_sensitive, pattern), {}).setdefault(
                        category, (term, float(row.weight)))
        self.skipped_terms_ = pd.DataFrame(skipped,
                                           columns=["lexicon", "term", "category", "reason"])
        self._term_group = np.asarray(term_group, dtype=np.int64)
        self._flip = flips
        self._has_flips = bool((flips != np.arange(len(flips))).any())
        self._tables = {}
        for cased in (False, True):
            patterns = sorted(p for c, p in postings if c == cased)
            rows = [sorted(postings[(cased, p)].items()) for p in patterns]
            pointer, category = _csr([[c for c, _ in r] for r in rows])
            _, term = _csr([[t for _, (t, _) in r] for r in rows])
            _, weight = _csr([[w for _, (_, w) in r] for r in rows], dtype=np.float64)
            # Words in each pattern; and how much of a padded hit is padding at its end.
            n_words = np.asarray([len(p.split()) for p in patterns], dtype=np.int64)
            trim = np.asarray([2 if p.endswith(" ") else 1 for p in patterns], dtype=np.int64)
            self._tables[cased] = (patterns, pointer, category, term, weight, n_words, trim)
        self.n_patterns_ = sum(len(t[0]) for t in self._tables.values())
        # Negators come from the same scan: whole words, and words ending in "n't".
        self._negators = [f" {word} " for word in NEGATORS] + ["n't "]
        self._automata = None

    def _automaton(self, cased: bool):
        """The automaton for case-folded (False) or case-sensitive (True) patterns."""
        if self._automata is None:
            import ahocorasick_rs

            def build(patterns):
                if not patterns:
                    return None
                # Bytes in (one byte per character), so offsets need no conversion.
                return ahocorasick_rs.BytesAhoCorasick(
                    [pattern_bytes(p) for p in patterns],
                    matchkind=ahocorasick_rs.MATCHKIND_STANDARD,
                    implementation=ahocorasick_rs.Implementation.DFA)

            self._automata = {False: build(self._tables[False][0] + self._negators),
                              True: build(self._tables[True][0])}
        return self._automata[cased]

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_automata"] = None  # compiled code objects are rebuilt on demand
        return state

    # -- matching --------------------------------------------------------------------------
    @staticmethod
    def _layout(texts: Iterable) -> _Batch:
        texts = [_as_text(t) for t in texts]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        doc_start = 1 + np.concatenate([[0], np.cumsum(lengths + len(_SEPARATOR))[:-1]])
        joined = " " + _SEPARATOR.join(texts) + " "
        codes = normalize_codes(joined, latin1=True)
        is_char = codes != _SPACE
        word_start = np.flatnonzero(is_char & ~np.concatenate([[False], is_char[:-1]]))
        word_end = np.flatnonzero(is_char & ~np.concatenate([is_char[1:], [False]])) + 1
        word_doc = np.searchsorted(doc_start, word_start, side="right") - 1
        n_words = np.bincount(word_doc, minlength=len(texts)).astype(np.int64)
        return _Batch(joined, codes, doc_start.astype(np.int64), word_start, word_end,
                      word_doc, n_words)

    def _scan(self, batch: _Batch, cased: bool) -> np.ndarray:
        """Automaton hits as rows (pattern, start, end) in padded-pattern coordinates."""
        automaton = self._automaton(cased)
        if automaton is None:
            return np.zeros((0, 3), dtype=np.int64)
        codes = (batch.codes if not cased
                 else normalize_codes(batch.joined, lower=False, latin1=True))
        found = automaton.find_matches_as_indexes(codes, overlapping=True)
        return np.asarray(found, dtype=np.int64).reshape(-1, 3)

    def find(self, texts: Iterable[str], *, negation_for: str = "all") -> Matches:
        """Find every match in one batch of texts (see :meth:`count` for large corpora).

        Parameters
        ----------
        texts : iterable of str
            Missing values (``None``, NaN) count as empty texts.
        negation_for : {"all", "flips"}, default "all"
            Compute ``negated`` for every match, or only where it changes a count
            (categories with a negation flip); the others are then reported False.

        Returns
        -------
        Matches
            Ordered by text, then position, then category.
        """
        batch = self._layout(texts)
        parts = []
        negators = np.zeros(0, dtype=np.int64)
        for cased in (False, True):
            hits = self._scan(batch, cased)
            patterns, pointer, category, term, weight, n_words, trim = self._tables[cased]
            if not cased:
                is_negator = hits[:, 0] >= len(patterns)
                # A negator hit ends one past its word: that is the word to find.
                negators = np.searchsorted(batch.word_end, hits[is_negator, 2] - 1)
                hits = hits[~is_negator]
            owner, flat = _csr_take(pointer, hits[:, 0])
            pattern = hits[owner, 0]
            first_word = np.searchsorted(batch.word_start, hits[owner, 1] + 1)
            parts.append((hits[owner, 1] + 1, hits[owner, 2] + 1 - trim[pattern], first_word,
                          first_word + n_words[pattern] - 1, term[flat], category[flat],
                          weight[flat]))
        start, end, first_word, last_word, term, category, weight = (
            np.concatenate(column) for column in zip(*parts, strict=True))
        if self.overlap == "longest" and len(term):
            keep = _outermost(self._term_group[term], first_word, last_word,
                              len(batch.word_start), len(self.lexicons))
            start, end, first_word, term, category, weight = (
                a[keep] for a in (start, end, first_word, term, category, weight))
        negated = np.zeros(len(term), dtype=bool)
        if self.negation and len(term):
            wanted = (np.ones(len(term), dtype=bool) if negation_for == "all"
                      else self._flip[category] != category)
            negated[wanted] = _negated(first_word[wanted], np.unique(negators), batch,
                                       self.negation_window)
            category = np.where(negated, self._flip[category], category)
        doc = batch.word_doc[first_word] if len(term) else np.zeros(0, dtype=np.int64)
        order = np.lexsort((category, term, start))
        offset = batch.doc_start[doc]
        return Matches(doc=doc[order], start=(start - offset)[order], end=(end - offset)[order],
                       term=term[order], category=category[order], weight=weight[order],
                       negated=negated[order], n_words=batch.n_words)

    def count(self, texts: Iterable[str], *, batch_size: int = BATCH_SIZE
              ) -> tuple[np.ndarray, np.ndarray]:
        """Weighted match counts per text and category, and words per text.

        Texts are processed ``batch_size`` at a time, so memory stays bounded whatever the
        number of texts.

        Returns
        -------
        counts : ndarray of float64, shape (n_texts, n_categories)
        n_words : ndarray of int64, shape (n_texts,)
        """
        n_categories = len(self.categories_)
        counts, words = [np.zeros((0, n_categories))], [np.zeros(0, dtype=np.int64)]
        batch: list = []
        for text in texts:
            batch.append(text)
            if len(batch) == batch_size:
                counts.append(self._count_batch(batch, words))
                batch = []
        if batch:
            counts.append(self._count_batch(batch, words))
        return np.concatenate(counts), np.concatenate(words)

    def _count_batch(self, batch: list, words: list) -> np.ndarray:
        found = self.find(batch, negation_for="flips")
        n_docs, n_categories = len(batch), len(self.categories_)
        flat = np.bincount(found.doc * n_categories + found.category, weights=found.weight,
                           minlength=n_docs * n_categories)
        words.append(found.n_words)
        return flat.reshape(n_docs, n_categories).astype(np.float64)

    def spans(self, text: str) -> pd.DataFrame:
        """The matches in one text as a table, ordered by position.

        Returns
        -------
        pandas.DataFrame
            Columns ``start``, ``end`` (character offsets; a wildcard match extends to the
            end of its word), ``text`` (the words as written), ``term`` (the lexicon
            entry), ``category``, ``weight``, ``negated``; one row per (match, category).
        """
        text = _as_text(text)
        found = self.find([text])
        codes = normalize_codes(text, latin1=True)
        word_end = np.flatnonzero((codes != _SPACE)
                                  & ~np.concatenate([codes[1:] != _SPACE, [False]])) + 1
        end = word_end[np.searchsorted(word_end, found.end)] if len(found.end) else found.end
        return pd.DataFrame({
            "start": found.start,
            "end": end,
            "text": [text[s:e] for s, e in zip(found.start.tolist(), end.tolist(), strict=True)],
            "term": [self.terms_[t] for t in found.term],
            "category": [self.categories_[c] for c in found.category],
            "weight": found.weight,
            "negated": found.negated,
        })


def _outermost(group: np.ndarray, first: np.ndarray, last: np.ndarray, n_words: int,
               n_groups: int) -> np.ndarray:
    """Mask of matches not inside a longer match of the same group (lexicon).

    Word ranges ``[first, last]`` locate matches. Single words (the bulk) are dropped when
    a multiword match of their group covers their word, found with a coverage count built
    from difference arrays; multiword matches (few) are compared among themselves. Equal
    ranges are all kept.
    """
    multi = np.flatnonzero(last > first)
    keep = np.ones(len(first), dtype=bool)
    if not len(multi):
        return keep
    stride = n_words + 1
    delta = np.zeros(n_groups * stride + 1, dtype=np.int64)
    np.add.at(delta, group[multi] * stride + first[multi], 1)
    np.add.at(delta, group[multi] * stride + last[multi] + 1, -1)
    covered = np.cumsum(delta)[:-1] > 0
    single = np.flatnonzero(last == first)
    keep[single] = ~covered[group[single] * stride + first[single]]
    # Multiword inside a longer multiword of the same group: sort by (group, first,
    # longest first); inside exactly when an earlier range's running end reaches its end.
    order = np.lexsort((first[multi] - last[multi], first[multi], group[multi]))
    ranked = multi[order]
    shifted_last = group[ranked] * stride + last[ranked]
    shifted_first = group[ranked] * stride + first[ranked]
    running = np.maximum.accumulate(shifted_last)
    previous = np.concatenate([[-1], running[:-1]])
    # Equal ranges form runs; each member is judged by what came before its run.
    new_run = np.concatenate([[True], (shifted_first[1:] != shifted_first[:-1])
                              | (shifted_last[1:] != shifted_last[:-1])])
    run_head = np.flatnonzero(new_run)[np.cumsum(new_run) - 1]
    keep[ranked] = previous[run_head] < shifted_last
    return keep


def _negated(match_word: np.ndarray, negator_word: np.ndarray, batch: _Batch, window: int
             ) -> np.ndarray:
    """Whether each match (by its first word) lies in a negation scope.

    A negator's scope is the next ``window`` words of its text, up to the first clause
    break (anything but one space between two words: punctuation normalises to spaces).
    """
    if not len(negator_word) or not len(match_word):
        return np.zeros(len(match_word), dtype=bool)
    index = np.searchsorted(negator_word, match_word, side="left") - 1
    nearest = np.where(index >= 0, negator_word[np.maximum(index, 0)], -1)
    gap = (batch.word_start[1:] - batch.word_end[:-1]) > 1  # break after word i
    last_break = np.maximum.accumulate(np.where(gap, np.arange(len(gap)), -1))
    before = np.where(match_word > 0, last_break[np.maximum(match_word - 1, 0)], -1)
    return (nearest >= 0) & (match_word - nearest <= window) & (before < nearest)
