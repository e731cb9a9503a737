"""Article stubs from RSS and Atom feeds (feedparser), optionally with their full text.

Dates are read by feedparser, except those that name their time zone by an abbreviation
("18:30:00 EST"): feedparser's own table reads some of them in its own way (``AST`` as
Atlantic time) and any it does not know as UTC, so those are read with the fixed table of
:mod:`framing._timezones`, as :func:`framing.datasets.load_articles` reads them. An
ambiguous abbreviation (``IST``, ``AST``) or an unknown one is not guessed: the entry is
kept without that date and the problem is listed in ``attrs["date_problems"]``, as for any
date that cannot be read.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import os
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .._tables import ReportTable
from .._timezones import UnknownTimeZone, dateutil_tzinfos, spell_out_gmt_offsets, zone_offset
from .._warnings import warn_at_caller
from ._frame import attach_failures, build_articles, failures_frame
from ._urls import outlet_from_url, url_article_id

__all__ = ["DATE_PROBLEM_COLUMNS", "from_rss"]

#: Columns of ``attrs["date_problems"]``: the entry's link, its feed, the date field
#: (``published`` or ``updated``), the date as the feed wrote it, and why it was not read.
DATE_PROBLEM_COLUMNS = ("url", "feed", "field", "text", "reason")

# A time followed, maybe after am/pm, by a word of letters: the zone abbreviation of
# "Tue, 07 May 2019 18:30:00 EST", "6:30 p.m. CDT" or "2019-05-07T18:30:00Z". A numeric
# offset ("18:30:00 -0500 (EST)") is not matched: feedparser reads it exactly.
_ZONE_AFTER_TIME = re.compile(
    r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?(?![a-z])\s*)?"
    r"(?![ap]\.?m\.?(?![a-z]))([a-z]{1,5})(?![a-z])", re.IGNORECASE)
# Two defaults that differ in year, month and day: a date that parses to different days
# under them lacks one of those, which dateutil would otherwise fill in from today.
_DEFAULT_A = _dt.datetime(2000, 1, 1)
_DEFAULT_B = _dt.datetime(2001, 2, 2)


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


def _named_zone_date(text: str, zone: re.Match) -> tuple[pd.Timestamp, str | None]:
    """Read a date that names its zone with :mod:`framing._timezones`; (UTC date, problem)."""
    from dateutil import parser as dateutil_parser

    name = zone[1].upper()
    try:
        zone_offset(name)  # refuses an ambiguous or unknown name before anything is parsed
    except UnknownTimeZone as err:
        return pd.NaT, str(err)
    # upper case, so that dateutil takes a lower-case "est" for the zone it is
    spelt = spell_out_gmt_offsets(text[:zone.start(1)] + name + text[zone.end(1):])
    try:
        first = dateutil_parser.parse(spelt, default=_DEFAULT_A, tzinfos=dateutil_tzinfos)
        second = dateutil_parser.parse(spelt, default=_DEFAULT_B, tzinfos=dateutil_tzinfos)
    except UnknownTimeZone as err:
        return pd.NaT, str(err)
    except (ValueError, OverflowError):
        return pd.NaT, "unparseable date"
    if first.date() != second.date():
        return pd.NaT, "incomplete date (needs a year, a month and a day)"
    if first.tzinfo is None:  # the word was not where dateutil reads a zone
        return pd.NaT, f"time zone {name!r} not read"
    try:
        return pd.Timestamp(first).tz_convert("UTC"), None
    except (ValueError, OverflowError):
        return pd.NaT, "date out of range (1677-09-22 to 2262-04-11)"


def _entry_date(entry) -> tuple[pd.Timestamp, list[tuple[str, str, str]]]:
    """The entry's date in UTC, and the (field, text, reason) of each date that was unreadable.

    The published date when it can be read, else the updated date; ``NaT`` when the entry
    has neither, or neither can be read.
    """
    problems = []
    for key in ("published", "updated"):
        # dict.get, not entry.get: feedparser answers a missing "updated" with the published
        # date (a deprecated fallback), which would report one bad date twice
        text = str(dict.get(entry, key) or "").strip()
        if not text:
            continue
        zone = _ZONE_AFTER_TIME.search(text)
        if zone is not None:
            stamp, reason = _named_zone_date(text, zone)
        else:
            stamp = _utc(dict.get(entry, f"{key}_parsed"))
            reason = None if stamp is not pd.NaT else "unparseable date"
        if reason is None:
            return stamp, problems
        problems.append((key, text, reason))
    return pd.NaT, problems


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
        else its updated date, in UTC (a time-zone abbreviation is read with the fixed table
        of :mod:`framing._timezones`; ``NaT`` when neither date can be read);
        ``title`` is plain text; ``text`` is ``""`` for a
        stub (a feed summary is not the article) or the page's main text with
        ``fetch_text=True``; ``authors``; ``lang`` from the feed's language;
        ``meta_summary`` (the entry's summary as plain text), ``meta_feed`` (where it came
        from), ``meta_feed_title``, ``meta_entry_id``, ``meta_source`` (``"rss"``).
        ``attrs["failures"]`` lists feeds that could not be read or parsed, entries without
        a link, and (with ``fetch_text``) pages that could not be fetched.
        ``attrs["date_problems"]`` lists the dates that could not be read
        (:data:`DATE_PROBLEM_COLUMNS`: an ambiguous or unknown time zone, an unparseable or
        incomplete date); their entries are kept, with the updated date when only the
        published one failed, else with ``NaT`` (with ``fetch_text``, the page's date when
        it gives one); a warning says how many.

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
    records, failures, date_problems = [], [], []
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
            date, problems = _entry_date(entry)
            date_problems += [{"url": link, "feed": label, "field": field, "text": text,
                               "reason": reason} for field, text, reason in problems]
            records.append({
                "article_id": url_article_id(link),
                "outlet": outlet_from_url(link) or "unknown",
                "date": date,
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
    frame.attrs["date_problems"] = ReportTable(date_problems, columns=DATE_PROBLEM_COLUMNS)
    if date_problems:
        warn_at_caller(f"from_rss: {len(date_problems)} entry date(s) could not be read "
                       "(ambiguous or unknown time zone, or unparseable); their entries are "
                       "kept, dated by their other date or NaT (see .attrs['date_problems'])")
    if fetch_text and len(frame):
        from .fetch import fetch_text as _fetch_text

        frame = _fetch_text(frame, extract_options=extract_options, **(fetch_options or {}))
    elif "failures" not in frame.attrs:
        frame.attrs["failures"] = failures_frame()
    return frame
