"""Real news article pages with gold extraction snippets, from trafilatura's evaluation set."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

import pandas as pd

from .._fetch import cached_dataset, select
from ._parsing import Report, blank, check_table, parse_utc_day

__all__ = ["fetch_news_html_fixtures"]

_VERSION = "news-html-1"
_EVALDATA = "tests/evaldata.json"
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_TEXT_FIELDS = ("title", "author", "sitename", "description", "license", "region")
_LIST_FIELDS = ("categories", "tags", "comments")


def decode_html(raw: bytes) -> tuple[str | None, str | None, str | None]:
    """Decode a page: byte-order mark, else the ``<meta charset>`` it declares, else UTF-8.

    Returns ``(text, encoding, reason)``; ``text`` is ``None`` (and ``reason`` says why)
    when the bytes do not decode strictly in that encoding.

    Examples
    --------
    >>> decode_html(b'<meta charset="iso-8859-1"><p>caf\\xe9')[:2]
    ('<meta charset="iso-8859-1"><p>café', 'iso8859-1')
    >>> decode_html(b'<p>caf\\xe9')[2]
    'undecodable as utf-8: byte 0xe9 at position 6'
    """
    if raw.startswith(codecs.BOM_UTF8):
        encoding, raw = "utf-8", raw[len(codecs.BOM_UTF8):]
    else:
        match = _CHARSET.search(raw[:8192])
        encoding = match.group(1).decode("ascii").lower() if match else "utf-8"
    try:
        encoding = codecs.lookup(encoding).name
    except LookupError:
        return None, encoding, f"unknown declared charset {encoding!r}"
    try:
        return raw.decode(encoding), encoding, None
    except UnicodeDecodeError as err:
        return None, encoding, (f"undecodable as {encoding}: byte 0x{raw[err.start]:02x} at "
                                f"position {err.start}")


def _text(value) -> str | None:
    if isinstance(value, list):  # a few evaldata authors are lists of names
        value = ", ".join(str(v) for v in value if not blank(v))
    return None if value is None else str(value)


def _str_list(value) -> list[str] | None:
    return None if value is None else [str(v) for v in value]


def _parse(paths: list[Path]) -> pd.DataFrame:
    evaldata_path = next(p for p in paths if p.name == Path(_EVALDATA).name)
    evaldata = json.loads(evaldata_path.read_bytes())
    by_file: dict[str, list[str]] = {}
    for url, entry in evaldata.items():
        if isinstance(entry, dict) and isinstance(entry.get("file"), str):
            by_file.setdefault(entry["file"], []).append(url)
    report, rows = Report(), []
    pages = [p for p in paths if p is not evaldata_path]
    for path in pages:
        source = f"tests/{path.parent.name}/{path.name}"
        page_id = path.name.removesuffix(".html")
        urls = by_file.get(path.name, [])
        if len(urls) != 1:
            report.reject(source, None, page_id,
                          f"{len(urls)} entries of {_EVALDATA} name this file (need one)")
            continue
        url, entry = urls[0], evaldata[urls[0]]
        raw = path.read_bytes()
        html, encoding, why = decode_html(raw)
        if why:
            report.coerce(source, None, page_id, "html", None, why)
        date, why = parse_utc_day(entry.get("date"))
        if why:
            report.coerce(_EVALDATA, None, page_id, "date", entry.get("date"), why)
        rows.append({
            "page_id": page_id, "url": url, "source_path": source, "html": html,
            "html_bytes": raw, "encoding": encoding, "date": date,
            **{f: _text(entry.get(f)) for f in _TEXT_FIELDS},
            **{f: _str_list(entry.get(f)) for f in _LIST_FIELDS},
            "with_snippets": [str(v) for v in entry.get("with") or []],
            "without_snippets": [str(v) for v in entry.get("without") or []],
        })
    frame = pd.DataFrame.from_records(rows).set_index("page_id").sort_index()
    frame["date"] = pd.to_datetime(frame["date"], utc=True)
    report.attach(frame, len(pages))
    return check_table(frame, index="page_id", non_empty=("url", "source_path"),
                       strings=("html", *_TEXT_FIELDS), what="news HTML fixtures")


def fetch_news_html_fixtures(*, data_home=None, refresh: bool = False, progress: bool = True
                             ) -> pd.DataFrame:
    """Fetch 25 real news pages with gold main-text snippets, for testing HTML extraction.

    **Dataset card**

    Source
        ``adbar/trafilatura`` at commit ``e90b0ef5``: 25 archived English-language
        news and opinion pages (22 under ``tests/eval/``, 3 under ``tests/cache/``) and
        ``tests/evaldata.json``, whose entries are keyed by page URL and name their page
        file, pinned by sha256. The pages were hand-picked from the ~990 evaluation
        entries (US politics and policy preferred); none is about immigration.
    Licence
        trafilatura is Apache-2.0. The pages are copies of third-party pages, copyright of
        their publishers: use them as test fixtures only. Annotations: the BBAW collection
        (Adrien Barbaresi, Lukas Kozmus, Lena Klink and others), see trafilatura's
        ``tests/README.rst``.
    Citation
        Adrien Barbaresi. 2021. *Trafilatura: A Web Scraping Library and Command-Line Tool
        for Text Discovery and Extraction.* ACL-IJCNLP 2021 System Demonstrations.
    Fields
        25 rows, **not** an articles table. Index ``page_id`` (the page file name without
        ``.html``, e.g. ``nytimes.com.blackouts``); ``url`` (the evaldata key);
        ``source_path`` (path in the repository); ``html_bytes`` (the page exactly as
        stored); ``html`` (decoded with its byte-order mark, else its declared
        ``<meta charset>``, else UTF-8; missing, and listed in ``attrs["coerced"]``, if it
        does not decode strictly: all 25 pinned pages are UTF-8); ``encoding``; ``date``
        (annotated publication day, 00:00 UTC); ``title``, ``author``, ``sitename``,
        ``description``, ``license``, ``region`` (annotated metadata, missing where not
        annotated; an empty string means annotated as none); ``categories``, ``tags``,
        ``comments`` (lists; missing where not annotated); ``with_snippets`` (strings that
        must appear in the extracted main text) and ``without_snippets`` (strings of the
        page that must not).
    Known biases
        Few pages, chosen for variety of layout, not as a sample of news; gold snippets
        check a handful of places per page, not the whole extraction.

    Parameters
    ----------
    data_home : path-like, optional
        Cache folder; see :func:`framing._config.get_data_home`.
    refresh : bool, default False
        Parse the cached raw files again instead of using the parsed cache.
    progress : bool, default True
        Show a progress bar while downloading.

    Returns
    -------
    pandas.DataFrame
        One row per page, sorted by ``page_id``, with ``attrs["rejected"]`` (pages no
        evaldata entry names), ``attrs["coerced"]`` and ``attrs["n_source_rows"]``.

    Examples
    --------
    >>> from framing.datasets import fetch_news_html_fixtures
    >>> pages = fetch_news_html_fixtures(progress=False)  # doctest: +SKIP
    >>> page = pages.loc["bbc.com.52241221"]  # doctest: +SKIP
    >>> page["with_snippets"][:1], page["date"]  # doctest: +SKIP
    """
    files = select("news_html_fixtures", "tests/*.html") + select("news_html_fixtures",
                                                                    _EVALDATA)
    return cached_dataset("news-html-fixtures", files, _parse, version=_VERSION,
                          data_home=data_home, refresh=refresh, progress=progress)
