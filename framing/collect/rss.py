"""Article stubs from RSS and Atom feeds (feedparser), optionally with their full text."""

from __future__ import annotations

import calendar
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ._frame import attach_failures, build_articles, failures_frame
from ._urls import outlet_from_url, url_article_id

__all__ = ["from_rss"]


def _plain(html: str | None) -> str:
    """Text of a feed field that may hold HTML (summaries, some titles)."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    import lxml.html

    try:
        text = lxml.html.fromstring(f"<div>{html}</div>").text_content()
    except Exception:  # lxml rejects some fragments; the raw text is better than nothing
        text = html
    return " ".join(text.split())


def _lang(code: str | None) -> str | None:
    # Feeds give "en-us", "en_GB", "EN": the contract wants ISO 639-1.
    if not code:
        return None
    head = str(code).strip().replace("_", "-").split("-")[0].lower()
    return head if len(head) == 2 and head.isalpha() else None


def _utc(struct) -> pd.Timestamp:
    # feedparser normalises every date it understands to a UTC struct_time.
    if not struct:
        return pd.NaT
    return pd.Timestamp(calendar.timegm(struct), unit="s", tz="UTC")


def _authors(entry) -> str | None:
    names = [a.get("name", "").strip() for a in entry.get("authors", []) if a.get("name")]
    if not names and entry.get("author"):
        names = [entry["author"].strip()]
    return ", ".join(dict.fromkeys(n for n in names if n)) or None


def _read_feeds(feeds: list, fetch_options: dict) -> list[tuple[str, bytes | None, dict]]:
    """Return (label, bytes or None, failure) for each feed, URLs fetched politely."""
    from .fetch import FEED_TYPES, fetch_pages

    out: list = [None] * len(feeds)
    urls = {}
    for i, feed in enumerate(feeds):
        if isinstance(feed, bytes):
            out[i] = (f"<feed {i}>", feed, {})
        elif isinstance(feed, str) and feed.startswith(("http://", "https://")):
            urls[i] = feed
        else:
            path = Path(os.fspath(feed)).expanduser()
            try:
                out[i] = (str(path), path.read_bytes(), {})
            except OSError as err:
                out[i] = (str(path), None, {"url": str(path), "stage": "feed", "attempts": 1,
                                            "reason": f"cannot read feed file: {err}"})
    options = {"accept_types": FEED_TYPES, **fetch_options}
    for i, result in zip(urls, fetch_pages(list(urls.values()), **options), strict=True):
        if result.ok:
            out[i] = (result.url, result.content, {})
        else:
            out[i] = (result.url, None, {"url": result.url, "stage": "feed",
                                         "status": result.status, "reason": result.reason,
                                         "attempts": result.attempts})
    return out


def from_rss(feeds: Iterable[str | os.PathLike | bytes], *, fetch_text: bool = False,
             fetch_options: dict | None = None, extract_options: dict | None = None
             ) -> pd.DataFrame:
    """Read RSS 2.0, RSS 1.0 or Atom feeds into article stubs; optionally fetch their text.

    Parameters
    ----------
    feeds : iterable of str, path or bytes
        Feed URLs (``http(s)://``, downloaded with the polite fetcher of
        :func:`framing.collect.fetch_pages`, so feedparser never goes online itself),
        paths to feed files, or feed documents as bytes.
    fetch_text : bool, default False
        Fetch each entry's page and extract its text (:func:`framing.collect.fetch_text`).
    fetch_options, extract_options : dict, optional
        Options of :func:`framing.collect.fetch_pages` (for feeds and pages) and of
        trafilatura (for pages).

    Returns
    -------
    pandas.DataFrame
        Validated articles, one per feed entry with a link, in feed order; an entry found in
        several feeds appears once (the first). ``article_id`` and ``outlet`` come from the
        entry's link (:func:`framing.collect.url_article_id`,
        :func:`framing.collect.outlet_from_url`); ``date`` is the entry's published date,
        else its updated date, in UTC; ``title`` is plain text; ``text`` is ``""`` for a
        stub (a feed summary is not the article) or the page's main text with
        ``fetch_text=True``; ``authors``; ``lang`` from the feed's language;
        ``meta_summary`` (the entry's summary as plain text), ``meta_feed`` (where it came
        from), ``meta_feed_title``, ``meta_entry_id``, ``meta_source`` (``"rss"``).
        ``attrs["failures"]`` lists feeds that could not be read or parsed, entries without
        a link, and (with ``fetch_text``) pages that could not be fetched.

    Examples
    --------
    >>> feed = b'''<?xml version="1.0"?><rss version="2.0"><channel><title>Metro</title>
    ... <language>en-us</language><item><title>Council keeps sanctuary ordinance</title>
    ... <link>https://news.example.org/2019/05/vote?utm_source=rss</link>
    ... <pubDate>Tue, 07 May 2019 18:30:00 -0400</pubDate>
    ... <description>&lt;p&gt;The vote was 7-2.&lt;/p&gt;</description></item></channel></rss>'''
    >>> stubs = from_rss([feed])
    >>> stubs[["outlet", "date", "lang", "meta_summary"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'outlet': 'example-org', 'date': Timestamp('2019-05-07 22:30:00+0000', tz='UTC'),
      'lang': 'en', 'meta_summary': 'The vote was 7-2.'}]
    """
    import feedparser

    if isinstance(feeds, (str, bytes, os.PathLike)):
        raise TypeError("feeds must be a list of feeds; wrap a single feed in a list")
    feeds = list(feeds)
    records, failures = [], []
    for label, content, failure in _read_feeds(feeds, dict(fetch_options or {})):
        if content is None:
            failures.append(failure)
            continue
        parsed = feedparser.parse(content, response_headers={"content-location": label}
                                  if label.startswith("http") else None)
        entries = parsed.get("entries", [])
        if parsed.get("bozo") and not entries:
            failures.append({"url": label, "stage": "feed", "attempts": 1,
                             "reason": f"not a readable feed: {parsed.get('bozo_exception')}"})
            continue
        info = parsed.get("feed", {})
        for position, entry in enumerate(entries):
            link = (entry.get("link") or "").strip()
            if not link.startswith(("http://", "https://")):
                failures.append({"url": f"{label}#entry{position}", "stage": "feed",
                                 "attempts": 1,
                                 "reason": f"entry has no absolute link ({link!r})"})
                continue
            records.append({
                "article_id": url_article_id(link),
                "outlet": outlet_from_url(link) or "unknown",
                "date": _utc(entry.get("published_parsed") or entry.get("updated_parsed")),
                "title": _plain(entry.get("title")),
                "text": "",
                "url": link,
                "authors": _authors(entry),
                "lang": _lang(info.get("language")),
                "meta_summary": _plain(entry.get("summary")) or None,
                "meta_feed": label,
                "meta_feed_title": _plain(info.get("title")) or None,
                "meta_entry_id": entry.get("id") or None,
                "meta_source": "rss",
            })
    frame, repeated = build_articles(records)
    attach_failures(frame, failures + repeated, what="from_rss")
    if fetch_text and len(frame):
        from .fetch import fetch_text as _fetch_text

        frame = _fetch_text(frame, extract_options=extract_options, **(fetch_options or {}))
    elif "failures" not in frame.attrs:
        frame.attrs["failures"] = failures_frame()
    return frame
