"""Vectorised lexicon matching: every term of every lexicon, a whole batch of texts at once.

How it works, and why it is fast
--------------------------------
1. At construction, every term of every lexicon is expanded to its surface forms
   (inflections, see :mod:`framing.lexicons._normalize`), and each form gets a 64-bit key:
   a polynomial hash of its words folded together (:mod:`framing.lexicons._hashing`).
   Keys are sorted into one lookup table per phrase length (and per wildcard prefix
   length, for LIWC-style ``abus*`` terms); case-sensitive terms (``ICE``) get their own
   tables, matched against the un-folded text. Each form points to its *postings*: the
   (term, category, weight) it counts for, one per category.
2. A batch of texts is joined into one string (texts separated by three spaces) and
   normalised in NumPy without changing its length (letters case-folded, typographic
   apostrophes as ``'``). Word boundaries are :mod:`framing.tokenize`'s words (cached per
   text, so the scorers of one batch tokenise each article once): ``U.S.`` is one word,
   ``don't`` is ``do`` + ``n't``, as everywhere else in framing. Every word's key comes from
   prefix sums over the batch. Two words are *adjacent* when no punctuation token and at
   most one white-space character separate them, so a phrase never matches across
   punctuation or a paragraph break.
3. Single words are looked up with one :func:`numpy.searchsorted`; phrases of length
   ``k`` fold ``k`` adjacent word keys and are looked up the same way. Containment of a
   short match in a longer one of the same lexicon (``aliens`` inside ``illegal aliens``),
   negation scope (the nearest preceding negator and the nearest clause break) and the
   per-text, per-category sums (one :func:`numpy.bincount`) are NumPy too.

There is no Python loop over terms, words or matches at match time: the cost is a fixed
number of array passes per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import tokenize
from . import _hashing
from ._normalize import pattern_bytes, surface_forms, term_words, token_codes
from .lexicon import Lexicon

__all__ = ["BATCH_SIZE", "LexiconMatcher", "Matches", "NEGATORS"]

#: Words that open a negation scope (plus any word ending in ``n't``).
NEGATORS = ("not", "no", "never", "nor", "neither", "without", "cannot", "hardly", "barely",
            "scarcely", "nobody", "nothing", "none", "nowhere", "lack", "lacks", "lacking")
#: Texts matched together in :meth:`LexiconMatcher.count`: bounds memory.
BATCH_SIZE = 256
_SPACE = ord(" ")
_SEPARATOR = "   "


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


def _unmatchable(term: str) -> str | None:
    """Why a term cannot be matched faithfully, or None.

    Matching runs over words, so punctuation the tokenizer cuts off a term (``a+``, the
    ``&`` of ``AT&T``) would be silently ignored: such terms are left out instead.
    """
    words, punctuation = term_words(term, case_sensitive=True)
    if not words:
        return "has no word in it"
    if punctuation:
        return f"holds punctuation the tokenizer splits off: {' '.join(punctuation)}"
    return None


@dataclass
class Matches:
    """Every lexicon match in a batch of texts, one row per (match, category).

    Attributes
    ----------
    doc : ndarray of int64
        Position of the text in the batch.
    start, end : ndarray of int64
        Character span of the match in its text (a wildcard term's whole word).
    term : ndarray of int64
        Index into the matcher's ``terms_``.
    category : ndarray of int64
        Index into the matcher's ``categories_``, after any negation flip.
    weight : ndarray of float64
        The entry's weight.
    negated : ndarray of bool
        The match lies in a negation scope.
    n_words : ndarray of int64
        Words per text (:func:`framing.tokenize.word_spans`), one per text.
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
    """A batch laid out as one normalised string, with its words."""

    joined: str
    codes: np.ndarray  # case-folded, normalised ``joined``, one uint8 per character
    doc_start: np.ndarray  # position of each text in ``joined``
    word_start: np.ndarray
    word_end: np.ndarray
    word_doc: np.ndarray
    n_words: np.ndarray
    adjacent: np.ndarray  # word i and word i + 1 are adjacent (see the module), n_words - 1
    _prefix: np.ndarray | None = None
    _keys: np.ndarray | None = None

    def prefix_sums(self) -> np.ndarray:
        if self._prefix is None:
            self._prefix = _hashing.prefix_sums(self.codes)
        return self._prefix

    def word_keys(self) -> np.ndarray:
        """Keys of every (case-folded) word, computed once per batch."""
        if self._keys is None:
            self._keys = _hashing.word_keys(self.codes, self.word_start, self.word_end,
                                            self.prefix_sums())
        return self._keys


@dataclass
class _Table:
    """Compiled patterns of one case mode: lookup tables and postings."""

    #: (n_words, wildcard prefix length or 0) -> key -> pattern id
    groups: dict[tuple[int, int], _hashing.KeyTable]
    pointer: np.ndarray  # CSR pointer from pattern to postings
    term: np.ndarray
    category: np.ndarray
    weight: np.ndarray

    def lookup(self, codes: np.ndarray, batch: _Batch) -> tuple[np.ndarray, ...]:
        """(pattern, first word, last word) of every match in ``codes``."""
        start, end = batch.word_start, batch.word_end
        if codes is batch.codes:
            prefix, keys = batch.prefix_sums(), batch.word_keys()
        else:
            prefix = _hashing.prefix_sums(codes)
            keys = _hashing.word_keys(codes, start, end, prefix)
        n = len(start)
        adjacent = batch.adjacent
        lengths = end - start
        found_pattern, found_first, found_last = [], [], []
        for (k, wildcard), table in sorted(self.groups.items()):
            if k > n:
                continue
            if wildcard:
                # Keys of the first `wildcard` bytes of each word long enough to have them.
                long_enough = lengths >= wildcard
                last = np.zeros(n, dtype=np.uint64)
                last[long_enough] = _hashing.prefix_keys(codes, start[long_enough], wildcard,
                                                         prefix)
                valid = long_enough[k - 1:].copy()
            else:
                last = keys
                valid = np.ones(n - k + 1, dtype=bool)
            # Fold the k words starting at each position i (those that are adjacent).
            folded = keys[: n - k + 1] if k > 1 else last[: n]
            for offset in range(1, k):
                next_keys = last if offset == k - 1 else keys
                folded = _hashing.fold_array(folded, next_keys[offset: offset + n - k + 1])
                valid = valid & adjacent[offset - 1: offset - 1 + n - k + 1]
            candidates = np.flatnonzero(valid)
            pattern = table.get(folded[candidates])
            hit = pattern >= 0
            found_pattern.append(pattern[hit])
            found_first.append(candidates[hit])
            found_last.append(candidates[hit] + k - 1)
        if not found_pattern:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return (np.concatenate(found_pattern), np.concatenate(found_first),
                np.concatenate(found_last))


def _compile_tables(patterns: list[tuple[tuple[str, ...], bool, dict]]) -> _Table:
    """Lookup tables for patterns given as (words, wildcard, {category: (term, weight)})."""
    grouped: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for index, (words, wildcard, _) in enumerate(patterns):
        key = 0
        for position, word in enumerate(words):
            word_key = _hashing.word_key(pattern_bytes(word))
            key = word_key if position == 0 else _hashing.fold(key, word_key)
        prefix_length = len(pattern_bytes(words[-1])) if wildcard else 0
        grouped.setdefault((len(words), prefix_length), []).append((key, index))
    groups = {group: _hashing.KeyTable(np.asarray([k for k, _ in entries], dtype=np.uint64),
                                       np.asarray([i for _, i in entries], dtype=np.int64))
              for group, entries in grouped.items()}
    rows = [sorted(postings.items()) for _, _, postings in patterns]
    pointer, category = _csr([[c for c, _ in r] for r in rows])
    _, term = _csr([[t for _, (t, _) in r] for r in rows])
    _, weight = _csr([[w for _, (_, w) in r] for r in rows], dtype=np.float64)
    return _Table(groups, pointer, term, category, weight)


class LexiconMatcher:
    """Find the terms of one or more lexicons in texts, with character spans.

    Parameters
    ----------
    lexicons : Lexicon or sequence of Lexicon
        What to match. With several lexicons, categories are named
        ``"<lexicon>.<category>"``; one pass over the texts serves them all.
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
        Entries that cannot be matched faithfully (symbols such as ``a+``, which the
        tokenizer cuts off the word), with the lexicon and the reason; they are left out,
        never silently.

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
        postings: dict[tuple[bool, tuple, bool], dict[int, tuple[int, float]]] = {}
        for group, lex in enumerate(self.lexicons):
            for category in lex.categories:
                category_index[(group, category)] = len(category_index)
            for source, target in lex.negation_flips.items():
                flips[category_index[(group, source)]] = category_index[(group, target)]
            for row in lex.entries.itertuples(index=False):
                reason = _unmatchable(row.term)
                if reason is not None:
                    skipped.append({"lexicon": lex.name, "term": row.term,
                                    "category": row.category, "reason": reason})
                    continue
                # "anti-" is a prefix: the tokenizer keeps "anti-immigrant" as one word.
                wildcard = bool(row.wildcard) or (row.term.endswith("-")
                                                  and len(row.term.strip("-")) > 0)
                key = (group, row.term, row.case_sensitive, row.inflect, row.wildcard)
                if key not in term_index:
                    term_index[key] = len(self.terms_)
                    self.terms_.append(row.term)
                    term_group.append(group)
                term = term_index[key]
                category = category_index[(group, row.category)]
                for form in surface_forms(row.term, case_sensitive=row.case_sensitive,
                                          inflect=row.inflect and not wildcard):
                    pattern = (row.case_sensitive, tuple(form.split()), wildcard)
                    postings.setdefault(pattern, {}).setdefault(
                        category, (term, float(row.weight)))
        self.skipped_terms_ = pd.DataFrame(skipped,
                                           columns=["lexicon", "term", "category", "reason"])
        self._term_group = np.asarray(term_group, dtype=np.int64)
        self._flip = flips
        self._has_flips = bool((flips != np.arange(len(flips))).any())
        self._tables = {cased: _compile_tables([(p[1], p[2], postings[p]) for p in
                                                sorted(postings) if p[0] == cased])
                        for cased in (False, True)}
        self.n_patterns_ = len(postings)
        negator_keys = [_hashing.word_key(pattern_bytes(word)) for word in NEGATORS]
        self._negator_table = _hashing.KeyTable(np.asarray(negator_keys, dtype=np.uint64),
                                                np.arange(len(NEGATORS)))

    # -- matching --------------------------------------------------------------------------
    @staticmethod
    def _layout(texts: Iterable) -> _Batch:
        texts = [_as_text(t) for t in texts]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        doc_start = 1 + np.concatenate([[0], np.cumsum(lengths + len(_SEPARATOR))[:-1]])
        joined = " " + _SEPARATOR.join(texts) + " "
        codes = token_codes(joined, latin1=True)
        starts, ends, follows = [], [], []
        for text, offset in zip(texts, doc_start.tolist(), strict=True):
            start, end, is_word = tokenize.span_arrays(text)
            index = np.flatnonzero(is_word)
            start, end = start[index], end[index]
            # Adjacent: the next token is the next word, at most one white space away.
            follows.append(np.concatenate([(index[1:] == index[:-1] + 1)
                                           & (start[1:] - end[:-1] <= 1), [False]])
                           if len(index) else np.zeros(0, dtype=bool))
            starts.append(start + offset)
            ends.append(end + offset)
        empty = np.zeros(0, dtype=np.int64)
        word_start = np.concatenate([empty, *starts])
        word_end = np.concatenate([empty, *ends])
        adjacent = np.concatenate([np.zeros(0, dtype=bool), *follows])[:-1]
        n_words = np.fromiter(map(len, starts), dtype=np.int64, count=len(texts))
        word_doc = np.repeat(np.arange(len(texts), dtype=np.int64), n_words)
        return _Batch(joined, codes, doc_start.astype(np.int64), word_start, word_end,
                      word_doc, n_words, adjacent)

    def _lookup(self, batch: _Batch, cased: bool) -> tuple[np.ndarray, ...]:
        """Matched patterns of a batch: (pattern, first word, last word) arrays."""
        table = self._tables[cased]
        empty = np.zeros(0, dtype=np.int64)
        if not table.groups or not len(batch.word_start):
            return empty, empty, empty
        codes = (batch.codes if not cased
                 else token_codes(batch.joined, lower=False, latin1=True))
        return table.lookup(codes, batch)

    def find(self, texts: Iterable[str]) -> Matches:
        """Find every match in one batch of texts (see :meth:`count` for large corpora).

        Parameters
        ----------
        texts : iterable of str
            Missing values (``None``, NaN) count as empty texts.

        Returns
        -------
        Matches
            Ordered by text, then position, then category.
        """
        batch = self._layout(texts)
        start, end, first_word, term, category, weight, negated = self._match(batch, "all")
        doc = batch.word_doc[first_word] if len(term) else np.zeros(0, dtype=np.int64)
        order = np.lexsort((category, term, start))
        offset = batch.doc_start[doc]
        return Matches(doc=doc[order], start=(start - offset)[order], end=(end - offset)[order],
                       term=term[order], category=category[order], weight=weight[order],
                       negated=negated[order], n_words=batch.n_words)

    def _match(self, batch: _Batch, negation_for: str) -> tuple[np.ndarray, ...]:
        """Unordered matches of a batch, one row per (match, category), in batch positions.

        ``negation_for="flips"`` computes negation only where it changes a count
        (categories with a negation flip), as counting needs.
        """
        parts = []
        for cased in (False, True):
            pattern, first_word, last_word = self._lookup(batch, cased)
            table = self._tables[cased]
            owner, flat = _csr_take(table.pointer, pattern)
            first_word, last_word = first_word[owner], last_word[owner]
            parts.append((batch.word_start[first_word], batch.word_end[last_word], first_word,
                          last_word, table.term[flat], table.category[flat],
                          table.weight[flat]))
        start, end, first_word, last_word, term, category, weight = (
            np.concatenate(column) for column in zip(*parts, strict=True))
        if self.overlap == "longest" and len(term):
            keep = _outermost(self._term_group[term], first_word, last_word,
                              len(batch.word_start))
            start, end, first_word, term, category, weight = (
                a[keep] for a in (start, end, first_word, term, category, weight))
        negated = np.zeros(len(term), dtype=bool)
        if self.negation and len(term):
            wanted = (np.ones(len(term), dtype=bool) if negation_for == "all"
                      else self._flip[category] != category)
            negated[wanted] = _negated(first_word[wanted], self._negator_words(batch), batch,
                                       self.negation_window)
            category = np.where(negated, self._flip[category], category)
        return start, end, first_word, term, category, weight, negated

    def _negator_words(self, batch: _Batch) -> np.ndarray:
        """Indices of the words that open a negation scope (sorted)."""
        is_negator = self._negator_table.get(batch.word_keys()) >= 0
        # ... and any word ending in "n't" (don't, isn't, wouldn't).
        start, end, codes = batch.word_start, batch.word_end, batch.codes
        long = end - start >= 3
        tail = end[long]
        is_negator[long] |= ((codes[tail - 3] == ord("n")) & (codes[tail - 2] == ord("'"))
                             & (codes[tail - 1] == ord("t")))
        return np.flatnonzero(is_negator)

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

    def _count_batch(self, texts: list, words: list) -> np.ndarray:
        batch = self._layout(texts)
        _, _, first_word, _, category, weight, _ = self._match(batch, "flips")
        n_docs, n_categories = len(texts), len(self.categories_)
        doc = batch.word_doc[first_word] if len(category) else first_word
        flat = np.bincount(doc * n_categories + category, weights=weight,
                           minlength=n_docs * n_categories)
        words.append(batch.n_words)
        return flat.reshape(n_docs, n_categories).astype(np.float64)

    def spans(self, text: str) -> pd.DataFrame:
        """The matches in one text as a table, ordered by position.

        Returns
        -------
        pandas.DataFrame
            Columns ``start``, ``end`` (character offsets; a wildcard match covers its
            whole word), ``text`` (the words as written), ``term`` (the lexicon
            entry), ``category``, ``weight``, ``negated``; one row per (match, category).
        """
        text = _as_text(text)
        found = self.find([text])
        end = found.end
        return pd.DataFrame({
            "start": found.start,
            "end": end,
            "text": [text[s:e] for s, e in zip(found.start.tolist(), end.tolist(), strict=True)],
            "term": [self.terms_[t] for t in found.term],
            "category": [self.categories_[c] for c in found.category],
            "weight": found.weight,
            "negated": found.negated,
        })


def _outermost(group: np.ndarray, first: np.ndarray, last: np.ndarray, n_words: int
               ) -> np.ndarray:
    """Mask of matches not inside a longer match of the same group (lexicon).

    Word ranges ``[first, last]`` locate matches. Single words (the bulk) are dropped when
    a multiword match of their group covers their word: the (group, word) pairs the few
    multiword matches cover are listed once, sorted, and looked up. Multiword matches are
    compared among themselves. Equal ranges are all kept.
    """
    keep = np.ones(len(first), dtype=bool)
    multi = np.flatnonzero(last > first)
    if not len(multi):
        return keep
    lengths = last[multi] - first[multi] + 1
    owner = np.repeat(np.arange(len(multi), dtype=np.int64), lengths)
    within = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(lengths) - lengths, lengths)
    covered = np.unique(group[multi][owner] * n_words + first[multi][owner] + within)
    single = np.flatnonzero(last == first)
    key = group[single] * n_words + first[single]
    found = np.minimum(np.searchsorted(covered, key), len(covered) - 1)
    keep[single] = covered[found] != key
    # Multiword inside a longer multiword of the same group: sort by (group, first,
    # longest first); inside exactly when an earlier range's running end reaches its end.
    stride = n_words + 1
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
    break (two words that are not adjacent: punctuation, or a paragraph break, between).
    """
    if not len(negator_word) or not len(match_word):
        return np.zeros(len(match_word), dtype=bool)
    index = np.searchsorted(negator_word, match_word, side="left") - 1
    nearest = np.where(index >= 0, negator_word[np.maximum(index, 0)], -1)
    gap = ~batch.adjacent  # break after word i
    last_break = np.maximum.accumulate(np.where(gap, np.arange(len(gap)), -1))
    before = np.where(match_word > 0, last_break[np.maximum(match_word - 1, 0)], -1)
    return (nearest >= 0) & (match_word - nearest <= window) & (before < nearest)
