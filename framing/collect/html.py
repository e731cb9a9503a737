"""Articles from HTML pages: main text, title, date and author with trafilatura.

Extraction settings (chosen on the 25 annotated news pages of
``shared/data/news_html_fixtures``, see ``tests/collect/test_html.py``): trafilatura's
balanced mode (neither ``favor_precision`` nor ``favor_recall``), comments dropped
(``include_comments=False``: reader comments are not the article), tables kept (data tables
are part of many news stories). On those pages this keeps 97% of the annotated main-text
snippets and drops 96% of the boilerplate snippets; ``favor_precision`` drops one more
boilerplate snippet but loses a main-text one ("Additional reporting by ..."), and
``favor_recall`` changes nothing there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pandas as pd

from ._frame import attach_failures, build_articles
from ._urls import outlet_from_url, url_article_id

__all__ = ["EXTRACTION_OPTIONS", "from_html"]

#: Keyword arguments given to :func:`trafilatura.bare_extraction` (see the module docstring).
EXTRACTION_OPTIONS = {
    "favor_precision": False,
    "favor_recall": False,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "with_metadata": True,
}


def _extract(html, url, options):
    import trafilatura

    return trafilatura.bare_extraction(html, url=url, **options)


def _authors(value: str | None) -> str | None:
    # trafilatura joins several authors with "; "; the articles contract says comma-separated.
    if not value:
        return None
    return ", ".join(part.strip() for part in value.split(";") if part.strip()) or None


def _outlet(url: str | None, doc) -> str:
    for candidate in (url, getattr(doc, "url", None), getattr(doc, "hostname", None)):
        if candidate:
            outlet = outlet_from_url(candidate)
            if outlet:
                return outlet
    from ..schema import normalize_outlet

    return normalize_outlet(getattr(doc, "sitename", None) or "") or "unknown"


def extract_record(html: str | bytes, url: str | None = None, **options) -> tuple[dict | None, str]:
    """Extract one page; return (article record or None, reason when None).

    The record has the articles columns plus ``article_id`` and ``meta_*`` fields; it is
    what :func:`from_html` and :func:`framing.collect.from_urls` build their frames from.
    """
    opts = {**EXTRACTION_OPTIONS, **options}
    try:
        doc = _extract(html, url, opts)
    except Exception as err:  # trafilatura raises assorted lxml/parser errors on bad input
        return None, f"extraction error: {type(err).__name__}: {err}"
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        return None, "no main text found in the page"
    page_url = url or getattr(doc, "url", None) or None
    if page_url:
        article_id = url_article_id(page_url)
    else:
        # No address to key on: key on the extracted content, so the same page given twice
        # is recognised as one article.
        digest = hashlib.sha1((doc.title or "").encode() + b"\n" + text.encode())
        article_id = digest.hexdigest()[:16]
    return {
        "article_id": article_id,
        "outlet": _outlet(url, doc),
        "date": doc.date,
        "title": doc.title or "",
        "text": text,
        "url": page_url,
        "authors": _authors(doc.author),
        "lang": (doc.language or None),
        "meta_sitename": doc.sitename or None,
        "meta_description": doc.description or None,
        "meta_source": "html",
    }, ""


def from_html(htmls: Sequence[str | bytes], urls: Sequence[str | None] | None = None, **options
              ) -> pd.DataFrame:
    """Build articles from HTML pages with trafilatura (main text, title, date, author).

    Parameters
    ----------
    htmls : sequence of str or bytes
        Page sources, as downloaded (bytes are decoded by trafilatura from the page's own
        charset declaration).
    urls : sequence of str or None, optional
        The address of each page, same length as ``htmls``. It gives the ``article_id``
        (:func:`framing.collect.url_article_id`), the ``outlet`` and helps trafilatura
        resolve metadata. Without it the ID is a hash of the extracted title and text and the
        outlet comes from the page's canonical link or, failing that, its site name.
    **options
        Passed to :func:`trafilatura.bare_extraction`, overriding
        :data:`EXTRACTION_OPTIONS` (for example ``favor_precision=True``).

    Returns
    -------
    pandas.DataFrame
        Validated articles (:func:`framing.schema.validate_articles`), in input order:
        ``outlet`` is :func:`framing.collect.outlet_from_url` of the page's registrable
        domain (``latimes-com``); ``date`` is the publication day trafilatura finds, at
        00:00 UTC (pages rarely give a reliable time), ``NaT`` when none; ``authors``
        comma-separated; ``meta_sitename`` (the site's display name), ``meta_description``,
        ``meta_source`` (``"html"``). ``attrs["failures"]`` lists the pages that gave no
        article (no main text, extraction error, same page twice) with the reason;
        ``attrs["extractor"]`` records the trafilatura version and options.

    Examples
    --------
    >>> page = ('<html><head><title>Council votes on sanctuary ordinance</title></head><body>'
    ...         '<nav>Home | Politics | Sports</nav><article><h1>Council votes on sanctuary '
    ...         'ordinance</h1><p>' + 'The city council voted on Tuesday to keep the policy. '
    ...         * 8 + '</p></article><footer>Copyright 2019</footer></body></html>')
    >>> articles = from_html([page], urls=["https://www.example-news.com/2019/05/vote"])
    >>> articles[["outlet", "title"]].to_dict("records")
    [{'outlet': 'example-news-com', 'title': 'Council votes on sanctuary ordinance'}]
    >>> "Home | Politics" in articles["text"].iloc[0]
    False
    """
    if isinstance(htmls, (str, bytes)):
        raise TypeError("htmls must be a sequence of pages; wrap a single page in a list")
    htmls = list(htmls)
    urls = [None] * len(htmls) if urls is None else list(urls)
    if len(urls) != len(htmls):
        raise ValueError(f"got {len(htmls)} pages but {len(urls)} URLs")
    records, failures = [], []
    for position, (html, url) in enumerate(zip(htmls, urls, strict=True)):
        record, reason = extract_record(html, url, **options)
        if record is None:
            failures.append({"url": url or f"<page {position}>", "stage": "extract",
                             "reason": reason, "attempts": 1})
        else:
            records.append(record)
    frame, repeated = build_articles(records)
    frame.attrs["extractor"] = _extractor_info(options)
    return attach_failures(frame, failures + repeated, what="from_html")


def _extractor_info(options: dict) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    try:
        trafilatura_version = version("trafilatura")
    except PackageNotFoundError:  # pragma: no cover
        trafilatura_version = None
    return {"name": "trafilatura", "version": trafilatura_version,
            "options": {**EXTRACTION_OPTIONS, **options}}
