"""Lexicons and a fast, explainable matcher.

:class:`Lexicon` holds terms (words and multiword phrases), categories, weights and a
citation; :class:`LexiconMatcher` finds them in texts with inflections, case rules, negation
scope and a character span for every match; :func:`load_lexicon` returns the public lexicons
(fetched, verified) and the ones this project authors.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Lexicon": ".lexicon",
    "LexiconMatcher": ".matcher",
    "Matches": ".matcher",
    "NEGATORS": ".matcher",
    "load_lexicon": "._load",
    "list_lexicons": "._load",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
