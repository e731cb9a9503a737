"""One tokenizer and one sentence splitter for every module of framing.

The lexicon matcher (and so every scorer's ``explain``), fightin' words, topic relevance,
near-duplicate detection and the sentence features all cut text here, so a word is the same
word everywhere: ``U.S.`` is one word (a lexicon term ``s`` never matches inside it),
``Sen.`` keeps its full stop, and ``don't`` is ``do`` + ``n't`` wherever it is counted.

Words
    :func:`token_spans` runs nltk's Treebank-style :class:`nltk.tokenize.NLTKWordTokenizer`
    (regular expressions only: no nltk data to download) on a copy of the text in which the
    typographic apostrophes ``’`` and ``ʼ`` read as ``'``, so ``don’t`` splits like
    ``don't`` and ``Trump’s`` like ``Trump's``. The copy has the text's length, so every span
    points into the text as written, quotation marks included (the Treebank tokenizer
    itself rewrites ``"`` as ``\\`\\``` and ``''``).

    The Treebank tokenizer expects one sentence at a time and splits only the last full stop
    of its input; it is run on whole texts instead (several times faster), and full stops
    are then settled by one rule for every position: a word's final full stop is split off
    unless the word is an abbreviation (:func:`is_abbreviation`: ``Sen.``, ``U.S.``,
    ``p.m.``, an initial such as ``F.``, ``No.`` before a number). So ``U.S.`` at the end of
    a sentence is still the word ``U.S.``: its full stop is read as the abbreviation's.

    A *word* is a token holding a letter or a digit (``U.S.``, ``n't``, ``'s``, ``287``);
    the others (``,``, ``"``, ``--``) are punctuation.
Sentences
    :func:`sentence_spans` is a rule-based splitter (see its documentation): a line break
    ends a sentence; ``.``, ``!``, ``?`` or ``…`` ends one before white space and a
    character that is not lower case, except after an abbreviation. ``U.S.`` (and the other
    abbreviations of places, organisations and times, which can end a sentence) ends a
    sentence only when the next word is a capitalised function word that cannot continue a
    name (``The``, ``But``, ``He``...): ``in the U.S. The report`` splits, ``U.S. Border
    Patrol`` and ``Sen. Warren`` do not.

Results are cached per text (the most recent few thousand texts), because the matcher of
every lexicon scorer and the sentence scorers tokenise the same articles one after another.

Examples
--------
>>> words("The U.S. border isn't open, Sen. Smith said.")
['The', 'U.S.', 'border', 'is', "n't", 'open', 'Sen.', 'Smith', 'said']
>>> split_sentences("Sen. Warren spoke in the U.S. The vote is on Jan. 5.")
['Sen. Warren spoke in the U.S.', 'The vote is on Jan. 5.']
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

__all__ = ["ABBREVIATIONS", "NUMBER_ABBREVIATIONS", "SENTENCE_FINAL_ABBREVIATIONS",
           "clear_cache", "has_contraction", "is_abbreviation", "sentence_spans", "span_arrays",
           "split_sentences", "token_spans", "tokens", "word_spans", "words"]

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
    # AP state abbreviations (and "Tex." as writers still use it)
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind",
    "kan", "kans", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb",
    "nev", "okla", "ore", "pa", "tenn", "tex", "vt", "va", "wash", "wis", "wyo", "n.h",
    "n.j", "n.m", "n.y", "n.c", "n.d", "s.c", "s.d", "r.i", "w.va",
    # places and organisations
    "u.s", "u.s.a", "u.k", "u.n", "e.u", "d.c", "l.a", "mt", "ft", "ave", "blvd", "rd",
    "dept", "univ", "assn", "inc", "corp", "co", "ltd", "bros",
    # Latin, reference and time abbreviations
    "e.g", "i.e", "etc", "vs", "v", "cf", "al", "approx", "est", "a.m", "p.m",
})
#: Abbreviations that do not end a sentence only when a number follows (``No. 1``), since
#: the word itself often does ("The answer was no.").
NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "vol", "pp", "art"})
#: Abbreviations that often end a sentence too (places, organisations, times, "etc."):
#: after them a sentence ends when the next word is one of :data:`_SENTENCE_OPENERS`.
#: Titles, months and initials are always followed by what they abbreviate for.
SENTENCE_FINAL_ABBREVIATIONS = frozenset({
    "u.s", "u.s.a", "u.k", "u.n", "e.u", "d.c", "l.a", "inc", "corp", "co", "ltd", "bros",
    "etc", "a.m", "p.m", "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga",
    "ill", "ind", "kan", "kans", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo",
    "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "vt", "va", "wash", "wis",
    "wyo", "n.h", "n.j", "n.m", "n.y", "n.c", "n.d", "s.c", "s.d", "r.i", "w.va",
})
# Capitalised function words that open a sentence and never continue a name, so "U.S. The"
# is a sentence break where "U.S. Border Patrol" is not.
_SENTENCE_OPENERS = frozenset({
    "The", "A", "An", "But", "And", "Or", "So", "Yet", "He", "She", "It", "They", "We", "I",
    "You", "His", "Her", "Its", "Their", "Our", "This", "That", "These", "Those", "There",
    "In", "On", "At", "For", "If", "When", "While", "As", "After", "Before", "Since",
    "However", "Meanwhile", "Still", "Some", "Many", "Most", "What", "Why", "How", "Who",
})
# Letters joined by full stops: "u.s", "p.m", "j" (an initial), "a.k.a".
_DOTTED = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
_FULL_STOP = ord(".")
_BMP = 0x10000
_OPENERS = "\"'\u201c\u2018([{"
#: Texts whose tokens are kept (the matchers of several scorers tokenise the same batch).
_CACHE_SIZE = 4096


def _check(text) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return text


def is_abbreviation(word: str, following: str = "") -> bool:
    """Whether ``word`` followed by a full stop is an abbreviation, not a sentence's end.

    Parameters
    ----------
    word : str
        The word before the full stop, without it (``"Sen"``, ``"U.S"``, ``"D-Calif"``);
        leading quotation marks and brackets are ignored, case too.
    following : str, default ""
        The next character after the white space, if any: ``No.`` is an abbreviation only
        before a digit.

    Examples
    --------
    >>> is_abbreviation("Sen"), is_abbreviation("U.S"), is_abbreviation("F")
    (True, True, True)
    >>> is_abbreviation("No", "1"), is_abbreviation("no", "T"), is_abbreviation("deal")
    (True, False, False)
    """
    word = word.lstrip(_OPENERS).lower()
    last = word.rsplit("-", 1)[-1]  # "D-Calif." and "R-Texas."
    if word in ABBREVIATIONS or last in ABBREVIATIONS:
        return True
    if following[:1].isdigit() and (word in NUMBER_ABBREVIATIONS
                                    or last in NUMBER_ABBREVIATIONS):
        return True
    return _DOTTED.fullmatch(word) is not None  # "U.S", "p.m", an initial: "John F. Kennedy"


# -- words -----------------------------------------------------------------------------------
# Literals without which nltk's contraction rules ("cannot", "gonna", "'tis") cannot match.
_CONTRACTION_LITERALS = ("cannot", "d'ye", "gimme", "gonna", "gotta", "lemme", "more'n",
                         "wanna", " 't")


@lru_cache(maxsize=2)
def _treebank(contractions: bool):
    """nltk's tokenizer; without its contraction rules when the text holds none of them.

    Those ten rules scan the whole text case-insensitively and are a third of the cost;
    skipping them where their literals are absent changes no token.
    """
    from nltk.tokenize import NLTKWordTokenizer

    tokenizer = NLTKWordTokenizer()
    if not contractions:
        tokenizer.CONTRACTIONS2 = tokenizer.CONTRACTIONS3 = []
    return tokenizer


def _settle_full_stops(text: str, start: np.ndarray, end: np.ndarray, codes: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Split a word's final full stop unless the word is an abbreviation (see the module).

    Only tokens ending in a full stop are looked at in Python: a few per sentence.
    """
    n = len(start)
    dot = codes[end - 1] == _FULL_STOP
    long = end - start > 1
    dot_before = np.zeros(n, dtype=bool)
    dot_before[long] = codes[end[long] - 2] == _FULL_STOP
    following = [text[s] for s in start.tolist()] + [""]
    drop = np.zeros(n, dtype=bool)
    new_end = end.copy()
    # The Treebank rules split the text's last full stop, an abbreviation's too: rejoin.
    for i in np.flatnonzero(dot[1:] & ~long[1:] & (start[1:] == end[:-1]) & ~dot[:-1]
                            ).tolist():
        if is_abbreviation(text[start[i]:end[i]], following[i + 2]):
            new_end[i] = end[i + 1]
            drop[i + 1] = True
    added_start, added_end = [], []
    for i in np.flatnonzero(dot & long & ~dot_before).tolist():
        if not is_abbreviation(text[start[i]:end[i] - 1], following[i + 1]):
            new_end[i] -= 1
            added_start.append(end[i] - 1)
            added_end.append(end[i])
    keep = ~drop
    start = np.concatenate([start[keep], np.asarray(added_start, dtype=np.int64)])
    end = np.concatenate([new_end[keep], np.asarray(added_end, dtype=np.int64)])
    order = np.argsort(start, kind="stable")
    return start[order], end[order]


@lru_cache(maxsize=1)
def _alphanumeric() -> np.ndarray:
    """Code point -> is a letter or a digit (``[^\\W_]``), for the BMP plus one (beyond)."""
    table = np.zeros(_BMP + 1, dtype=np.int64)
    for code in range(_BMP):
        if not 0xD800 <= code < 0xE000 and chr(code).isalnum():
            table[code] = 1
    return table


@lru_cache(maxsize=_CACHE_SIZE)
def _cached_arrays(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    spans = []
    if text and not text.isspace():
        prepared = text.replace("\u2019", "'").replace("\u02bc", "'")  # same length
        tokenizer = _treebank(has_contraction(prepared))
        spans = list(tokenizer.span_tokenize(prepared))
    if not spans:
        empty = np.zeros(0, dtype=np.int64)
        arrays = (empty, empty.copy(), np.zeros(0, dtype=bool))
    else:
        bounds = np.asarray(spans, dtype=np.int64)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        start, end = _settle_full_stops(text, bounds[:, 0].copy(), bounds[:, 1].copy(), codes)
        # A word holds a letter or a digit: counted from prefix sums, not token by token.
        letters = np.concatenate([[0], np.cumsum(_alphanumeric()[np.minimum(codes, _BMP)])])
        arrays = (start, end, letters[end] - letters[start] > 0)
    for array in arrays:
        array.flags.writeable = False  # shared by every caller through the cache
    return arrays


def span_arrays(text: str, *, cache: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every token of ``text`` as arrays: (start, end, is_word), read-only.

    The form vectorised code wants (the lexicon matcher); cached per text. Pass
    ``cache=False`` for many short strings seen once (a lexicon's terms), so they do not
    push the articles being scored out of the cache.

    Examples
    --------
    >>> start, end, is_word = span_arrays("Don't.")
    >>> start.tolist(), end.tolist(), is_word.tolist()
    ([0, 2, 5], [2, 5, 6], [True, True, False])
    """
    text = _check(text)
    return _cached_arrays(text) if cache else _cached_arrays.__wrapped__(text)


def clear_cache() -> None:
    """Forget the tokens remembered per text (to time tokenising, or to free the memory).

    Examples
    --------
    >>> _ = words("Tokens are remembered.")
    >>> clear_cache()
    """
    _cached_arrays.cache_clear()


def has_contraction(text: str) -> bool:
    """Whether ``text`` holds a word nltk's contraction rules split (``cannot``, ``gonna``...).

    Text without one is cut into words at white space and punctuation alone, so a string of
    letters and single spaces is its own words (a shortcut :mod:`framing.lexicons` takes
    for plain terms).

    Examples
    --------
    >>> has_contraction("We cannot wait"), has_contraction("illegal aliens")
    (True, False)
    """
    lowered = _check(text).lower()
    return any(literal in lowered for literal in _CONTRACTION_LITERALS)


def token_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of every token, punctuation included, in order.

    ``text[start:end]`` is the token as written (quotation marks too: nltk's Treebank
    tokenizer would rewrite ``"`` as ``\\`\\``` or ``''``).

    Parameters
    ----------
    text : str

    Returns
    -------
    list of tuple of int

    Raises
    ------
    TypeError
        If ``text`` is not a string (``None``, NaN): say what a missing text should be.

    Examples
    --------
    >>> text = 'He said "don’t".'
    >>> [text[s:e] for s, e in token_spans(text)]
    ['He', 'said', '"', 'do', 'n’t', '"', '.']
    """
    start, end, _ = span_arrays(text)
    return list(zip(start.tolist(), end.tolist(), strict=True))


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the words (tokens with a letter or a digit).

    Examples
    --------
    >>> text = "The U.S. border is open."
    >>> [text[s:e] for s, e in word_spans(text)]
    ['The', 'U.S.', 'border', 'is', 'open']
    """
    start, end, is_word = span_arrays(text)
    return list(zip(start[is_word].tolist(), end[is_word].tolist(), strict=True))


def tokens(text: str) -> list[str]:
    """Every token of ``text`` as written, punctuation included.

    Examples
    --------
    >>> tokens("Sen. Smith (D-Calif.) didn't.")
    ['Sen.', 'Smith', '(', 'D-Calif.', ')', 'did', "n't", '.']
    """
    return [text[s:e] for s, e in token_spans(text)]


def words(text: str, *, lower: bool = False) -> list[str]:
    """The words of ``text`` as written (or lower-cased), punctuation left out.

    Parameters
    ----------
    text : str
    lower : bool, default False

    Examples
    --------
    >>> words("Trump’s so-called plan: the U.S. won't pay.", lower=True)
    ['trump', '’s', 'so-called', 'plan', 'the', 'u.s.', 'wo', "n't", 'pay']
    """
    found = [text[s:e] for s, e in word_spans(text)]
    return [w.lower() for w in found] if lower else found


# -- sentences -------------------------------------------------------------------------------
_LINE_BREAK = re.compile(r"[^\S\n\r\u2028\u2029]*[\n\r\u2028\u2029]+\s*")
# Sentence-final punctuation, closing quotes and brackets, then white space; the first
# character after the white space is captured to check its case.
_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+(\S))")
_WORD_BEFORE = re.compile(r"\S+$")
_WORD_AFTER = re.compile(r"\s+([^\W\d_]+)")


def _continues(text: str, stop: int, following: str) -> bool:
    """Whether the full stop ``text[stop]`` belongs to an abbreviation inside a sentence."""
    found = _WORD_BEFORE.search(text, max(0, stop - 40), stop)
    if found is None or not is_abbreviation(found.group(), following):
        return False
    word = found.group().lstrip(_OPENERS).lower()
    if word in SENTENCE_FINAL_ABBREVIATIONS or word.rsplit("-", 1)[-1] in \
            SENTENCE_FINAL_ABBREVIATIONS:
        after = _WORD_AFTER.match(text, stop + 1)
        return after is None or after.group(1) not in _SENTENCE_OPENERS
    return True


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
                and _continues(text, stop, following)):
            continue
        emit(start, match.end())
        start = match.end()
    emit(start, len(text))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``, in order.

    The rules, fast and needing no downloaded model:

    1. **A line break ends a sentence.** Scraped news puts headlines, captions, bylines and
       "Advertisement" lines on their own lines without a final full stop.
    2. **Within a line, a sentence ends** after ``.``, ``!``, ``?`` or ``…`` (a run of them,
       then any closing quotes or brackets) followed by white space and a character that is
       not a lower-case letter; so ``“Change the laws!” he wrote.`` stays whole.
    3. **Except after an abbreviation** (:func:`is_abbreviation`: titles such as ``Sen.``
       and ``Gov.``, ``U.S.``, months, AP state abbreviations as in ``D-Calif.``; ``No.``
       only before a number; an initial as in ``John F. Kennedy``).
    4. **An abbreviation that can end a sentence** (:data:`SENTENCE_FINAL_ABBREVIATIONS`:
       ``U.S.``, ``D.C.``, ``Calif.``, ``Inc.``, ``p.m.``, ``etc.``) ends one when the next
       word is a capitalised function word (``The``, ``But``, ``He``, ``In``...), which
       cannot continue a name: ``in the U.S. The report`` splits, ``the U.S. Capitol``
       does not. After any other capitalised word the sentence goes on, so ``... in the
       U.S. Officials said`` stays one sentence: that error merges two sentences and is the
       rarer one in news, where ``U.S.`` mostly opens a name.

    Spans exclude surrounding white space; ``text[start:end]`` is the sentence as written.
    An empty or white-space-only text has no sentences.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of tuple of int

    Raises
    ------
    TypeError
        If ``text`` is not a string.

    Examples
    --------
    >>> sentence_spans("Gov. Newsom signed it.  Then what?\\n\\nA headline")
    [(0, 22), (24, 34), (36, 46)]
    """
    if not _check(text) or text.isspace():
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
    >>> split_sentences("Sen. Warren spoke in the U.S. Capitol. Critics don't agree.")
    ['Sen. Warren spoke in the U.S. Capitol.', "Critics don't agree."]
    """
    return [text[start:end] for start, end in sentence_spans(text)]
