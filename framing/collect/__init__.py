"""Gathering new articles: HTML to text, RSS, GDELT and Media Cloud, near-duplicates, relevance.

A researcher builds a corpus in four steps, each a plain function over the articles
DataFrame of :mod:`framing.schema`:

1. **Find** article stubs: :func:`search_gdelt` (GDELT DOC API, past its 250-article cap),
   :func:`search_mediacloud` (Media Cloud, paginated, rate-limit aware), :func:`from_rss`.
2. **Fetch** full text: :func:`from_urls` (polite concurrent downloads, then trafilatura),
   :func:`fetch_text` for stubs, :func:`from_html` for pages you already have.
3. **Judge** relevance to a topic recipe (``corpora/<name>/recipe.toml``):
   :func:`is_relevant`, with :func:`relevance_report` and :func:`explain_relevance`
   saying why.
4. **Flag** near-duplicates (wire copies): :func:`find_duplicates` (never deletes).

:func:`collect_corpus` (the ``framing collect`` command) chains them, resumably. Every
collector attaches ``attrs["failures"]``: what did not become an article, and why.

Article IDs of collected articles are :func:`url_article_id` of the URL (16 hex digits of
sha1 of :func:`canonical_url`), whatever the source; ``outlet`` is :func:`outlet_from_url`
(``normalize_outlet`` of the registrable domain, e.g. ``latimes-com``).

Requires the ``collect`` extra (``pip install framing-analysis[collect]``). Names are
imported lazily: ``import framing.collect`` does not import trafilatura, feedparser,
gdeltdoc, mediacloud or datasketch.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "from_html": ".html",
    "EXTRACTION_OPTIONS": ".html",
    "from_urls": ".fetch",
    "fetch_pages": ".fetch",
    "fetch_text": ".fetch",
    "DEFAULT_USER_AGENT": ".fetch",
    "from_rss": ".rss",
    "search_gdelt": ".gdelt",
    "search_mediacloud": ".mediacloud",
    "find_duplicates": ".dedup",
    "duplicate_pairs": ".dedup",
    "is_relevant": ".relevance",
    "relevance_report": ".relevance",
    "explain_relevance": ".relevance",
    "Recipe": ".recipes",
    "RecipeError": ".recipes",
    "load_recipe": ".recipes",
    "list_recipes": ".recipes",
    "collect_corpus": ".pipeline",
    "canonical_url": "._urls",
    "url_article_id": "._urls",
    "outlet_from_url": "._urls",
    "FAILURE_COLUMNS": "._frame",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
