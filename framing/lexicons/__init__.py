"""Lexicons, their file formats, and a fast, explainable matcher.

:class:`Lexicon` holds terms (words and multiword phrases), categories, weights and a
citation, and reads the usual lexicon files (:meth:`Lexicon.from_liwc` for LIWC ``.dic``
dictionaries, :meth:`Lexicon.from_tff` for MPQA ``.tff`` clues,
:meth:`Lexicon.from_word_list` for one entry per line); :class:`LexiconMatcher` finds them in
texts with inflections, case rules, negation scope and a character span for every match;
:func:`load_lexicon` returns the public lexicons (fetched, verified) and the ones this project
authors, :func:`list_lexicons` lists them all, and :func:`fetch_lexicon` returns a public
one as a tidy table with a report of every entry it left out or changed;
:func:`lexicon_metadata` returns the record describing a lexicon (a frame typology's
definitions and thresholds included) and :func:`word_runs` the words of a text as terms are
matched against them, for code that must see words as the matcher does.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "Lexicon": ".lexicon",
    "LexiconFormatError": "._formats",
    "LexiconMatcher": ".matcher",
    "Matches": ".matcher",
    "NEGATORS": ".matcher",
    "fetch_lexicon": "._public",
    "lexicon_metadata": "._load",
    "load_lexicon": "._load",
    "list_lexicons": "._load",
    "word_runs": "._text",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
