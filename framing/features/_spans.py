"""Quotations, sentence breaks and proximity between matches, over a batch of texts.

The term-choice and sourcing scorers decide whether a lexicon match counts from what lies
around it: a metaphor counts near an immigration word in the same sentence, an attribution
verb is linked to the speaker's role just before it, a term inside a quotation is the
source's word rather than the outlet's. These helpers answer such questions for a whole
batch at once, in NumPy.

Positions are *global*: the texts of a batch laid end to end, each starting at
``offsets[i]``, with a gap of :data:`GAP` characters between texts. Every window used by the
scorers is shorter than the gap, so nothing is ever "near" something in another text.

Quotations
    :data:`QUOTE_PATTERN` finds double quotations, straight (``"``) or typographic (``“ ”``,
    ``« »``, ``„``), including the newspaper convention for a quotation running over several
    paragraphs: a paragraph left open continues when the next one opens with a quotation mark.
    A quotation mark left unclosed at the end of its paragraph starts nothing (an inch mark,
    a typo). Single quotation marks are nested quotes in US news (and ``’`` is also the
    apostrophe), so they are not quotation boundaries.
Sentence breaks
    :data:`BREAK_PATTERN`: a newline, or ``.``, ``!``, ``?`` or ``;`` followed (after any
    closing quotation marks or brackets) by white space, except after a single letter
    (``U.S.``, initials) or a common abbreviation (``Sen.``, ``Gov.``, ``Calif.``).
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from ..tokenize import ABBREVIATIONS, NUMBER_ABBREVIATIONS

__all__ = ["BREAK_PATTERN", "GAP", "QUOTE_PATTERN", "breaks_between", "inside", "layout",
           "nearest_anchor", "positions", "quote_spans", "sentence_breaks", "shared_batches"]

#: Characters between two texts in global positions; every window must be shorter.
GAP = 4096

_OPEN = "\"\u201c\u00ab\u201e"
_CLOSE = "\"\u201d\u00bb"
_MARKS = "\"\u201c\u201d\u00ab\u00bb\u201e"
#: A double quotation; a paragraph break inside it must be followed by an opening mark.
QUOTE_PATTERN = re.compile(
    f"[{_OPEN}](?:[^{_MARKS}\\n]|\\n\\s*[{_OPEN}])+?[{_CLOSE}]")

# Titles and state abbreviations that end in a full stop without ending a sentence
# ("Sen. Dianne Feinstein, D-Calif., said"): framing.tokenize's list, as written in news
# (capitalised, and lower case for "vs"); letters joined by full stops ("U.S.") and single
# letters are handled apart. "No" is kept whatever follows: a break right after "No." costs
# a proximity link at worst.
_ABBREVIATIONS = tuple(sorted(
    {a.capitalize() for a in ABBREVIATIONS | NUMBER_ABBREVIATIONS if "." not in a}
    | {"vs"}))


def _not_after(abbreviations) -> str:
    """Negative lookbehinds refusing a mark right after any of ``abbreviations``.

    One lookbehind per length (``re`` needs a fixed width behind), each an alternation of
    the abbreviations of that length: the same condition as one lookbehind per
    abbreviation, checked a few times faster.
    """
    by_length: dict[int, list[str]] = {}
    for abbreviation in dict.fromkeys(abbreviations):
        by_length.setdefault(len(abbreviation), []).append(re.escape(abbreviation))
    return "".join(f"(?<!\\b(?:{'|'.join(group)})\\.)"
                   for _, group in sorted(by_length.items()))


# Checked behind the mark, once one is found (not at every character: that is 50x slower).
_NOT_AFTER = _not_after(_ABBREVIATIONS)
#: Where a sentence (or a paragraph) ends: the position of the mark.
BREAK_PATTERN = re.compile(
    f"\\n|[.!?;](?<!\\b[A-Za-z]\\.){_NOT_AFTER}(?=[\"\u201d\u2019')\\]]*\\s)")


def layout(texts: Sequence[str]) -> np.ndarray:
    """Global start position of each text (texts end to end, :data:`GAP` apart)."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    offsets = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + GAP, out=offsets[1:])
    return offsets


def _find_all(pattern: re.Pattern, texts: Sequence[str], offsets: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    # One compiled pattern, run once per text (a loop over texts, never over terms).
    starts, ends = [], []
    for text, offset in zip(texts, offsets.tolist(), strict=True):
        for match in pattern.finditer(text):
            starts.append(offset + match.start())
            ends.append(offset + match.end())
    return np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


#: Quotations and breaks already found in the active :func:`shared_batches` block.
_SHARED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("framing_shared_spans",
                                                                     default=None)


@contextlib.contextmanager
def shared_batches() -> Iterator[None]:
    """Within the block, each batch's quotations and sentence breaks are found once.

    :func:`framing.features.extract_features` runs several scorers over the same batches,
    and the term-choice and sourcing scorers both need the quotations and breaks of each.
    Results are keyed by the texts themselves and their offsets, not by the objects'
    identity (a pandas string column hands out new ``str`` objects at every conversion,
    and an identity can be reused once its object is freed); they are returned read-only
    and forgotten when the block ends.
    """
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _shared(kind: str, texts: Sequence[str], offsets: np.ndarray,
            compute: Callable[[], tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    memo = _SHARED.get()
    if memo is None:
        return compute()
    key = (kind, tuple(texts), offsets.tobytes())
    if key not in memo:
        arrays = compute()
        for array in arrays:
            array.flags.writeable = False
        memo[key] = arrays
    return memo[key]


def positions(pattern: re.Pattern, texts: Sequence[str], offsets: np.ndarray) -> np.ndarray:
    """Global start positions of every match of a compiled ``pattern``, in order."""
    return _find_all(pattern, texts, offsets)[0]


def quote_spans(texts: Sequence[str], offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Global (start, end) of every quotation, marks included, in order.

    Examples
    --------
    >>> texts = ['He said "we will comply." Then: "No.\\n\\n"Never."']
    >>> start, end = quote_spans(texts, layout(texts))
    >>> [texts[0][s:e] for s, e in zip(start, end)]
    ['"we will comply."', '"No.\\n\\n"Never."']
    """
    return _shared("quotes", texts, offsets, lambda: _find_all(QUOTE_PATTERN, texts, offsets))


def sentence_breaks(texts: Sequence[str], offsets: np.ndarray) -> np.ndarray:
    """Global positions of sentence and paragraph breaks, in order.

    Examples
    --------
    >>> texts = ["Sen. Ted Cruz, R-Tex., said it. The U.S. agreed.\\nYes"]
    >>> [texts[0][p] for p in sentence_breaks(texts, layout(texts))]
    ['.', '.', '\\n']
    """
    return _shared("breaks", texts, offsets,
                   lambda: _find_all(BREAK_PATTERN, texts, offsets)[:1])[0]


def breaks_between(breaks: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Number of breaks at positions in ``[lo, hi)`` (0 where ``hi <= lo``)."""
    count = np.searchsorted(breaks, hi, side="left") - np.searchsorted(breaks, lo, side="left")
    return np.where(hi > lo, count, 0)


def inside(start: np.ndarray, end: np.ndarray, span_start: np.ndarray, span_end: np.ndarray
           ) -> np.ndarray:
    """Whether each ``[start, end)`` lies inside one of the sorted, disjoint spans."""
    if not len(span_start):
        return np.zeros(len(start), dtype=bool)
    index = np.searchsorted(span_start, start, side="right") - 1
    safe = np.maximum(index, 0)
    return (index >= 0) & (end <= span_end[safe])


def nearest_anchor(start: np.ndarray, end: np.ndarray, anchor_start: np.ndarray,
                   anchor_end: np.ndarray, window: int, breaks: np.ndarray) -> np.ndarray:
    """Index of an anchor within ``window`` characters of each query in the same sentence.

    The gap between a query ``[start, end)`` and an anchor is the number of characters
    between them (0 when they touch or overlap). The nearest anchor on each side is
    considered; it qualifies when its gap is at most ``window`` and no sentence break lies
    in between. Returns the index of the qualifying anchor with the smaller gap (the left
    one on ties), -1 where there is none.

    Parameters
    ----------
    start, end : ndarray of int64
        Queries, global positions.
    anchor_start, anchor_end : ndarray of int64
        Anchors, sorted by start.
    window : int
    breaks : ndarray of int64
        Sorted break positions (see :func:`sentence_breaks`).
    """
    result = np.full(len(start), -1, dtype=np.int64)
    if not len(anchor_start) or not len(start):
        return result
    # Left: of the anchors starting before the query, the one reaching furthest right.
    running_end = np.maximum.accumulate(anchor_end)
    reach = np.maximum.accumulate(np.where(anchor_end == running_end,
                                           np.arange(len(anchor_end)), 0))
    left = np.searchsorted(anchor_start, start, side="left") - 1
    has_left = left >= 0
    left_index = reach[np.maximum(left, 0)]
    left_gap = np.maximum(start - anchor_end[left_index], 0)
    ok_left = (has_left & (left_gap <= window)
               & (breaks_between(breaks, anchor_end[left_index], start) == 0))
    # Right: the first anchor starting at or after the query's start.
    right = np.searchsorted(anchor_start, start, side="left")
    has_right = right < len(anchor_start)
    right_index = np.minimum(right, len(anchor_start) - 1)
    right_gap = np.maximum(anchor_start[right_index] - end, 0)
    ok_right = (has_right & (right_gap <= window)
                & (breaks_between(breaks, end, anchor_start[right_index]) == 0))
    use_right = ok_right & (~ok_left | (right_gap < left_gap))
    result[ok_left] = left_index[ok_left]
    result[use_right] = right_index[use_right]
    return result
