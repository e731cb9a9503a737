"""Length-preserving text normalisation and the surface forms of lexicon terms.

Words are :mod:`framing.tokenize`'s words, everywhere: the matcher takes a text's word
spans from there, and a lexicon term is cut into words by the same tokenizer, so ``U.S.``
is one word (the term ``u.s.`` matches it, the term ``s`` cannot), ``don't`` is ``do`` +
``n't`` in texts and terms alike, and ``Trump's`` is ``Trump`` + ``'s`` (so it matches
``trump``).

What is hashed is a *normalised* copy of the text (:func:`token_codes`), one code per
character, so a match's offsets are the original text's offsets: letters are case-folded
one character to one character (for case-insensitive matching), the typographic apostrophes
``’`` and ``ʼ`` read as ``'`` and the Unicode hyphens as ``-``; every other character inside
a word (the full stops of ``U.S.``, the hyphen of ``so-called``) stays itself, so ``U.S.``
and ``U S`` are different words.

Inflections are generated, not guessed at match time: a term marked ``inflect`` expands to
every inflected form of its lemma given by LemmInflect (plural, verb forms; comparatives
are left out because they change meaning), so ``sanctuary city`` also matches
``sanctuary cities``.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import numpy as np

from .. import tokenize

__all__ = ["codes_to_text", "pattern_bytes", "surface_forms", "term_words", "to_latin1",
           "token_codes"]

_BMP = 0x10000
_SPACE, _APOSTROPHE = ord(" "), ord("'")
#: Inflection tags kept when expanding a lemma (nouns' plural, every verb form).
_INFLECTION_TAGS = ("NN", "NNS", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "JJ", "RB")
_MAX_VARIANTS = 64
# A hyphen between two letters or digits: "so-called", "open-borders" (not "U.S.-" alone).
_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")
_HYPHENATABLE = re.compile(r"[^\W_]+")
_ABBREVIATED = tokenize.ABBREVIATIONS | tokenize.NUMBER_ABBREVIATIONS


@lru_cache(maxsize=4)
def _token_table(lower: bool, latin1: bool = False) -> np.ndarray:
    """Code point -> the code point words are hashed with, for the BMP plus one.

    Letters are case-folded one character to one (with ``lower``); punctuation inside a
    word keeps its identity. Only the characters of words are ever hashed (word spans come from
    :mod:`framing.tokenize`), so nothing needs blanking: ``.`` stays ``.``, typographic
    apostrophes become ``'`` and the Unicode hyphens ``-``.
    """
    table = np.arange(_BMP + 1, dtype=np.uint32)
    table[_BMP] = _SPACE  # beyond the BMP: never part of an English term
    for code in range(_BMP):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        if lower and char.isalnum():
            folded = char.lower()
            table[code] = ord(folded) if len(folded) == 1 else code
        elif char in "\u2019\u02bc":
            table[code] = _APOSTROPHE
        elif char in "\u2010\u2011":
            table[code] = ord("-")
    return to_latin1(table) if latin1 else table


def token_codes(text: str, *, lower: bool = True, latin1: bool = False) -> np.ndarray:
    """Code points of the copy of ``text`` whose words the matcher hashes.

    Same length as ``text``; see the module for what changes. Returns uint32 code points,
    or with ``latin1`` one uint8 per character (see :func:`to_latin1`).

    Examples
    --------
    >>> codes_to_text(token_codes("U.S. Don’t"))
    "u.s. don't"
    """
    dtype = np.uint8 if latin1 else np.uint32
    if not text:
        return np.zeros(0, dtype=dtype)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return _token_table(lower, latin1)[np.minimum(codes, _BMP)]


def to_latin1(codes: np.ndarray) -> np.ndarray:
    """One byte per character, for byte-level matching with character offsets.

    Code points above 255 (letters of other scripts; punctuation is already a space) become
    ``0xFF``: still a word character, matching no English lexicon term.
    """
    return np.where(codes < 256, codes, 0xFF).astype(np.uint8)


def pattern_bytes(pattern: str) -> bytes:
    """A pattern string encoded as :func:`to_latin1` encodes texts."""
    return bytes(ord(c) if ord(c) < 256 else 0xFF for c in pattern)


def codes_to_text(codes: np.ndarray) -> str:
    """The string of a uint32 code point array."""
    return codes.astype(np.uint32, copy=False).tobytes().decode("utf-32-le")


@lru_cache(maxsize=100_000)
def _lemma(word: str) -> str:
    """The lemma a lexicon word stands for: itself when LemmInflect lists it as one."""
    from lemminflect import getAllLemmas, getAllLemmasOOV

    by_pos = getAllLemmas(word)
    if not by_pos and word.isalpha():
        if word.endswith("s") and len(word) > 3:
            by_pos = getAllLemmasOOV(word, "NOUN")
        elif word.endswith(("ed", "ing")) and len(word) > 4:
            by_pos = getAllLemmasOOV(word, "VERB")
    known = {lemma for lemmas in by_pos.values() for lemma in lemmas}
    return word if not known or word in known else min(known)


@lru_cache(maxsize=100_000)
def _inflections(word: str) -> frozenset[str]:
    """``word`` and the inflected forms of its lemma."""
    from lemminflect import getAllInflections, getAllInflectionsOOV

    if not word.isalpha():
        return frozenset({word})
    lemma = _lemma(word)
    by_tag = getAllInflections(lemma)
    if not by_tag:
        by_tag = getAllInflectionsOOV(lemma, "NOUN")
    forms = {word, lemma}
    for tag, values in by_tag.items():
        if tag in _INFLECTION_TAGS:
            forms.update(values)
    return frozenset(forms)


def term_words(term: str, *, case_sensitive: bool) -> tuple[list[str], list[str]]:
    """A lexicon term cut by :mod:`framing.tokenize`: (its words, normalised; punctuation).

    Examples
    --------
    >>> term_words("U.S. don’t", case_sensitive=False)
    (['u.s.', 'do', "n't"], [])
    >>> term_words("AT&T", case_sensitive=True)
    (['AT', 'T'], ['&'])
    """
    words, punctuation = _term_words(term, bool(case_sensitive))
    return list(words), list(punctuation)


#: A term of letters and single spaces, which the tokenizer cuts at the spaces alone
#: (unless it holds a contraction nltk splits, such as "cannot").
_PLAIN_TERM = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")


@lru_cache(maxsize=1 << 16)
def _term_words(term: str, case_sensitive: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Remembered: several matchers compile the same lexicons, each on every fit. Most terms
    # are plain words, cut without running the tokenizer (the result is the same).
    if _PLAIN_TERM.fullmatch(term) and not tokenize.has_contraction(term):
        pieces, is_word = term.split(" "), [True] * (term.count(" ") + 1)
    else:
        start, end, flags = tokenize.span_arrays(term, cache=False)
        pieces = [term[s:e] for s, e in zip(start.tolist(), end.tolist(), strict=True)]
        is_word = flags.tolist()
    words = tuple(codes_to_text(token_codes(p, lower=not case_sensitive))
                  for p, w in zip(pieces, is_word, strict=True) if w)
    return words, tuple(p for p, w in zip(pieces, is_word, strict=True) if not w)


def surface_forms(term: str, *, case_sensitive: bool, inflect: bool) -> list[str]:
    """Every normalised surface form of a lexicon term (words joined by spaces), sorted.

    The term is cut into words by :mod:`framing.tokenize`, as texts are. The tokenizer
    keeps a hyphenated compound as one word, and writers hyphenate phrases at will
    (``open-borders policy``), so a term matches both ways: its hyphenated words are split
    at the hyphens, and the parts are matched as a phrase and as one hyphenated word
    (``open borders`` and ``open-borders`` both match either). Each part of an ``inflect``
    term expands to the inflected forms of its lemma (at most 64 combinations for long
    phrases).

    Raises
    ------
    ValueError
        If the term has no word in it.

    Examples
    --------
    >>> surface_forms("sanctuary city", case_sensitive=False, inflect=True)[-4:]
    ['sanctuary cities', 'sanctuary city', 'sanctuary-cities', 'sanctuary-city']
    >>> surface_forms("ICE", case_sensitive=True, inflect=False)
    ['ICE']
    >>> surface_forms("don't", case_sensitive=False, inflect=False)
    ["do n't"]
    >>> surface_forms("so-called", case_sensitive=False, inflect=False)
    ['so called', 'so-called']
    >>> surface_forms("Sen", case_sensitive=True, inflect=False)
    ['Sen', 'Sen.']
    """
    words, _ = term_words(term, case_sensitive=case_sensitive)
    if not words:
        raise ValueError(f"lexicon term {term!r} has no word in it")
    parts = [part for word in words
             for part in (_HYPHEN.split(word) if _HYPHEN.search(word) else [word])]
    options = [sorted(_inflections(w)) if inflect and not case_sensitive else [w]
               for w in parts]
    combos = list(itertools.islice(itertools.product(*options), _MAX_VARIANTS))
    # The tokenizer keeps an abbreviation's full stop ("Sen.", "Mr."): a term written
    # without it ("Sen") stands for the abbreviation too.
    options = [[*o, *(f"{w}." for w in o if w.lower() in _ABBREVIATED)] for o in options]
    combos = list(itertools.islice(itertools.product(*options), _MAX_VARIANTS))
    forms = {" ".join(combo) for combo in combos}
    if len(parts) > 1 and all(_HYPHENATABLE.fullmatch(part) for part in parts):
        forms.update("-".join(combo) for combo in combos if "." not in "".join(combo))
    return sorted(forms)
