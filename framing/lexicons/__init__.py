"""Lexicons and a fast, explainable matcher.

:class:`Lexicon` holds terms (words and multiword phrases), categories, weights and a
citation; :class:`LexiconMatcher` finds them in texts with inflections, case rules, negation
scope and a character span for every match; :func:`load_lexicon` returns the public lexicons
(fetched, verified) and the ones this project authors.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "Lexicon": ".lexicon",
    "LexiconMatcher": ".matcher",
    "Matches": ".matcher",
    "NEGATORS": ".matcher",
    "load_lexicon": "._load",
    "list_lexicons": "._load",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
