"""Public datasets, fetched from pinned upstream files, verified and cached; and your own corpus.

Every ``fetch_*`` function downloads the exact upstream files it needs (each pinned to a
commit and a sha256 in ``framing/_fetch/registry.csv``), verifies them, caches them under
the data home and returns a validated DataFrame whose docstring is the dataset's card. Set
``FRAMING_MIRROR`` to run the same code from a local mirror. :func:`load_articles` reads your
own corpus into the same contract.

Lexicons moved to :mod:`framing.lexicons` (:func:`framing.lexicons.fetch_lexicon`,
:func:`framing.lexicons.list_lexicons`); ``framing.datasets.fetch_lexicon`` and
``framing.datasets.list_lexicons`` still work, return what they did, and emit a
:class:`DeprecationWarning`.

Names are imported lazily, so ``import framing.datasets`` stays cheap.
"""

from __future__ import annotations

import importlib
import warnings

from .._lazy import lazy_exports

_EXPORTS = {
    "ChecksumError": ".._fetch",
    "DownloadError": ".._fetch",
    "fetch_allsides": "._allsides",
    "fetch_babe": "._babe",
    "fetch_mbic": "._babe",
    "fetch_basil": "._basil",
    "fetch_narrative_frames": "._narrative_frames",
    "fetch_gvfc": "._gvfc",
    "GVFC_TO_POLICY_FRAMES": "._gvfc",
    "fetch_newswcl50": "._newswcl50",
    "fetch_mfc_codebook": "._mfc_codes",
    "fetch_news_html_fixtures": "._news_html",
    "fetch_outlet_ratings": "._outlets",
    "list_datasets": "._catalog",
    "load_articles": "._load",
}
#: Names that moved: old name -> (submodule giving its old result, what to use instead).
_DEPRECATED = {
    "fetch_lexicon": ("._lexicons", "framing.lexicons.fetch_lexicon"),
    "list_lexicons": ("._lexicons", "framing.lexicons.list_lexicons (which also lists the "
                                    "authored lexicons; kind == 'public' selects these)"),
}

__all__ = sorted(_EXPORTS)


_lazy_getattr, __dir__ = lazy_exports(__name__, _EXPORTS)


def __getattr__(name: str):
    if name in _DEPRECATED:
        module, instead = _DEPRECATED[name]
        # not cached in the module, so that every use of the old name is told
        warnings.warn(f"framing.datasets.{name} is deprecated; use {instead}",
                      DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(module, __name__), name)
    return _lazy_getattr(name)
