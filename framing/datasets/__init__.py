"""Public datasets, fetched from pinned upstream files, verified and cached; and your own corpus.

Every ``fetch_*`` function downloads the exact upstream files it needs (each pinned to a
commit and a sha256 in ``registry.csv``), verifies them, caches them under the data home and
returns a validated DataFrame whose docstring is the dataset's card. Set ``FRAMING_MIRROR``
to run the same code from a local mirror. :func:`load_articles` reads your own corpus into
the same contract.

Names are imported lazily, so ``import framing.datasets`` stays cheap.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "ChecksumError": "._download",
    "DownloadError": "._download",
    "fetch_allsides": "._allsides",
    "fetch_babe": "._babe",
    "fetch_mbic": "._babe",
    "fetch_basil": "._basil",
    "fetch_narrative_frames": "._narrative_frames",
    "fetch_gvfc": "._gvfc",
    "fetch_newswcl50": "._newswcl50",
    "fetch_mfc_codebook": "._mfc_codes",
    "fetch_news_html_fixtures": "._news_html",
    "fetch_outlet_ratings": "._outlets",
    "fetch_lexicon": "._lexicons",
    "list_lexicons": "._lexicons",
    "list_datasets": "._catalog",
    "load_articles": "._load",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
