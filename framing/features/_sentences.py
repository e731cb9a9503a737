"""A fast sentence splitter for news text, with character spans.

Scorers that average over sentences (:class:`~framing.features.SentimentScorer`) split
whole corpora, so the splitter must be fast and need no downloaded model. The rules:

1. **A line break ends a sentence.** Scraped news puts headlines, captions, bylines and
   "Advertisement" lines on their own lines without a final full stop.
2. **Within a line, a sentence ends** after ``.``, ``!``, ``?`` or ``…`` (a run of them,
   then any closing quotes or brackets) followed by white space and a character that is
   not a lower-case letter; so ``“Change the laws!” he wrote.`` stays whole.
3. **Except after an abbreviation** (:data:`ABBREVIATIONS`: titles such as ``Sen.`` and
   ``Gov.``, ``U.S.``, months, AP state abbreviations as in ``D-Calif.``; ``No.`` only
   before a number) **or an initial** (``John F. Kennedy``).

The cost of rule 3: an abbreviation that really ends a sentence (``... in the U.S. The
report``) does not split there; the error merges two sentences and is rare.

Why rules and not a library: on AllSides articles these rules agree with pysbd as often as
NLTK's Punkt does when given the same line rule and abbreviations, far more than untrained
Punkt (which splits after every ``Sen.`` and ``U.S.``), and they run several times faster
than either, with no model to download. The differences from pysbd are mostly pysbd keeping
quoted passages of several sentences whole and splitting at ``D-Calif., went``. The
comparison's numbers are in ``experiments/README.md`` ("Measurements behind the library's
defaults").

Examples
--------
>>> split_sentences("Sen. Warren spoke in the U.S. Capitol on Jan. 5. Critics were not "
...                 "convinced.\\nAdvertisement")  # doctest: +NORMALIZE_WHITESPACE
['Sen. Warren spoke in the U.S. Capitol on Jan. 5.', 'Critics were not convinced.',
 'Advertisement']
>>> sentence_spans("One. Two.")
[(0, 4), (5, 9)]
"""

from __future__ import annotations

import re

__all__ = ["ABBREVIATIONS", "NUMBER_ABBREVIATIONS", "sentence_spans", "split_sentences"]

#: Abbreviations written with a final full stop that do not end a sentence: lower case,
#: without the final stop. Authored for US news: personal and military titles, months,
#: AP-style state abbreviations, places and organisations, company suffixes, and a few
#: Latin and time abbreviations.
ABBREVIATIONS = frozenset({
    # personal, political and military titles
    "mr", "mrs", "ms", "messrs", "dr", "prof", "sen", "sens", "rep", "reps", "gov", "govs",
    "pres", "rev", "hon", "atty", "gen", "lt", "col", "maj", "capt", "sgt", "cpl", "pvt",
    "adm", "cmdr", "cdr", "supt", "det", "insp", "ofc", "amb", "sec", "jr", "sr", "st",
    "fr", "sup",
    # months (May, June and July are written out in AP style)
    "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec",
    # AP state abbreviations
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind",
    "kan", "kans", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb",
    "nev", "okla", "ore", "pa", "tenn", "vt", "va", "wash", "wis", "wyo", "n.h", "n.j",
    "n.m", "n.y", "n.c", "n.d", "s.c", "s.d", "r.i", "w.va",
    # places and organisations
    "u.s", "u.s.a", "u.k", "u.n", "e.u", "d.c", "l.a", "mt", "ft", "ave", "blvd", "rd",
    "dept", "univ", "assn", "inc", "corp", "co", "ltd", "bros",
    # Latin, reference and time abbreviations
    "e.g", "i.e", "etc", "vs", "v", "cf", "al", "approx", "est", "a.m", "p.m",
})
#: Abbreviations that do not end a sentence only when a number follows (``No. 1``), since
#: the word itself often does ("The answer was no.").
NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "vol", "pp", "art"})

_LINE_BREAK = re.compile(r"[^\S\n\r\u2028\u2029]*[\n\r\u2028\u2029]+\s*")
# Sentence-final punctuation, closing quotes and brackets, then white space; the first
# character after the white space is captured to check its case.
_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+(\S))")
_WORD_BEFORE = re.compile(r"\S+$")
_OPENERS = "\"'\u201c\u2018([{"


def _is_abbreviation(text: str, stop: int, following: str) -> bool:
    """Whether the word ending at the full stop ``text[stop]`` is an abbreviation."""
    found = _WORD_BEFORE.search(text, max(0, stop - 40), stop)
    if found is None:
        return False
    word = found.group().lstrip(_OPENERS).lower()
    last = word.rsplit("-", 1)[-1]  # "D-Calif." and "R-Texas."
    if word in ABBREVIATIONS or last in ABBREVIATIONS:
        return True
    if following.isdigit() and (word in NUMBER_ABBREVIATIONS or last in NUMBER_ABBREVIATIONS):
        return True
    return len(word) == 1 and word.isalpha()  # an initial: "John F. Kennedy"


def _line_spans(text: str, offset: int, spans: list) -> None:
    start = 0

    def emit(begin: int, end: int) -> None:
        piece = text[begin:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((offset + begin + lead, offset + begin + lead + len(stripped)))

    for match in _END.finditer(text):
        following = match.group(1)
        if following.islower():
            continue
        stop = match.start()
        if (text[stop] == "." and not text.startswith("..", stop)
                and _is_abbreviation(text, stop, following)):
            continue
        emit(start, match.end())
        start = match.end()
    emit(start, len(text))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``, in order.

    Spans exclude surrounding white space; ``text[start:end]`` is the sentence as written.
    An empty or white-space-only text has no sentences.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of tuple of int

    Examples
    --------
    >>> sentence_spans("Gov. Newsom signed it.  Then what?\\n\\nA headline")
    [(0, 22), (24, 34), (36, 46)]
    """
    if not text or text.isspace():
        return []
    spans: list[tuple[int, int]] = []
    line_start = 0
    for brk in (*_LINE_BREAK.finditer(text), None):
        line_end = brk.start() if brk is not None else len(text)
        if line_end > line_start:
            _line_spans(text[line_start:line_end], line_start, spans)
        if brk is not None:
            line_start = brk.end()
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings (see :func:`sentence_spans`).

    Examples
    --------
    >>> split_sentences("ICE issued 12 detainers. The county declined them all!")
    ['ICE issued 12 detainers.', 'The county declined them all!']
    >>> split_sentences("“Change the laws!” he wrote. Is it No. 1? No. It is not.")
    ['“Change the laws!” he wrote.', 'Is it No. 1?', 'No.', 'It is not.']
    """
    return [text[start:end] for start, end in sentence_spans(text)]
