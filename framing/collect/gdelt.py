"""Article stubs from the GDELT DOC 2.0 API (ArtList mode) with the ``gdeltdoc`` client.

GDELT returns at most 250 articles per query, so :func:`search_gdelt` slices the date range
into windows, queries each, and splits again (in halves, down to ``min_window``) any window
that comes back full; the results are merged and de-duplicated by canonical URL. A window
still full at ``min_window`` is reported (``attrs["windows"]``, a warning): its results are
incomplete.

The query itself is built by ``gdeltdoc.Filters`` (keywords, ``sourcecountry:``,
``sourcelang:``, ``domain:``, ``startdatetime``/``enddatetime``, ``maxrecords``), so what is
sent is the client's own query format. gdeltdoc hard-codes the API address and sets no
timeout, so the request itself goes through a small subclass whose ``_query`` sends the
same URL to an injectable ``base_url`` (a local replay server in tests) with a timeout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

import pandas as pd

from .._config import ensure_online
from .._progress import progress_bar
from .._tables import ReportTable
from .._warnings import warn_at_caller
from ._frame import build_articles, failures_frame
from ._urls import outlet_from_url, url_article_id

__all__ = ["GDELT_DOC_URL", "MAX_RECORDS", "search_gdelt"]

#: Address of the GDELT DOC 2.0 API.
GDELT_DOC_URL = "https://api.gdeltproject.org/api/v2/doc/doc"
#: Most articles GDELT returns for one query.
MAX_RECORDS = 250
_LANGUAGES = {"english": "en", "spanish": "es", "french": "fr", "german": "de",
              "portuguese": "pt", "italian": "it", "chinese": "zh", "arabic": "ar",
              "russian": "ru", "japanese": "ja", "korean": "ko", "dutch": "nl"}


@lru_cache(maxsize=1)
def _client_class():
    import requests
    from gdeltdoc import GdeltDoc
    from gdeltdoc.errors import raise_response_error
    from gdeltdoc.helpers import load_json

    class Client(GdeltDoc):
        """gdeltdoc's client with an injectable address, a timeout and a shared session."""

        def __init__(self, base_url: str, timeout: float, user_agent: str):
            super().__init__()
            self.base_url = base_url
            self.timeout = timeout
            self.session = requests.Session()
            self.session.headers["User-Agent"] = user_agent
            self.last_url: str | None = None

        def _query(self, mode: str, query_string: str):
            # Same request as GdeltDoc._query (URL layout, error mapping, lenient JSON), sent
            # to self.base_url with a timeout.
            if mode != "artlist" and not mode.startswith("timeline"):
                raise ValueError(f"Mode {mode} not in supported API modes")
            self.last_url = f"{self.base_url}?query={query_string}&mode={mode}&format=json"
            response = self.session.get(self.last_url, timeout=self.timeout)
            raise_response_error(response=response)
            if "text/html" in response.headers.get("content-type", ""):
                raise ValueError("The query was not valid. The API error message was: "
                                 f"{response.text.strip()}")
            return load_json(response.content, self.max_depth_json_parsing)

    return Client


def _as_range(start, end) -> tuple[dt.datetime, dt.datetime]:
    """UTC-naive [start, stop): a date-only ``end`` includes that whole day."""
    def parse(value):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return stamp.to_pydatetime()

    date_only = ((isinstance(end, dt.date) and not isinstance(end, dt.datetime))
                 or (isinstance(end, str) and len(end.strip()) <= 10))
    first, last = parse(start), parse(end)
    if date_only:
        last += dt.timedelta(days=1)
    if last <= first:
        raise ValueError(f"empty date range: start={start!r}, end={end!r}")
    return first, last


def _as_delta(value) -> dt.timedelta:
    delta = pd.Timedelta(value).to_pytimedelta()
    if delta <= dt.timedelta(0):
        raise ValueError(f"window must be positive, got {value!r}")
    return delta


def gdelt_filters(query, start: dt.datetime, stop: dt.datetime, *, exclude: Sequence[str] = (),
                  country=None, language=None, domain=None):
    """Build the ``gdeltdoc.Filters`` of one window (``stop`` exclusive).

    ``query`` is a phrase (``str``) or a list of keywords and phrases joined with OR, as
    ``Filters(keyword=...)`` takes them; each ``exclude`` term becomes a GDELT negation
    (``-"second amendment"``), which ``Filters`` has no argument for, so it is added to the
    filter's query terms right after the keywords.

    Examples
    --------
    >>> import datetime as dt
    >>> f = gdelt_filters(["sanctuary city", "ICE detainer"], dt.datetime(2018, 1, 1),
    ...                   dt.datetime(2018, 1, 2), exclude=["second amendment"], country="US")
    >>> f.query_string
    '("sanctuary city" OR "ICE detainer") -"second amendment" sourcecountry:US &startdatetime=20180101000000&enddatetime=20180101235959&maxrecords=250'
    """  # noqa: E501
    from gdeltdoc import Filters

    filters = Filters(start_date=start, end_date=stop - dt.timedelta(seconds=1),
                      num_records=MAX_RECORDS, keyword=query, country=country,
                      language=language, domain=domain)
    negations = "".join(f'-"{term}" ' if " " in term else f"-{term} " for term in exclude)
    if negations:
        filters.query_params.insert(1, negations)
    return filters


def _record(row: dict) -> dict | None:
    url = str(row.get("url") or "").strip()
    if not url.startswith(("http://", "https://")):
        return None
    language = str(row.get("language") or "").strip()
    seen = pd.to_datetime(row.get("seendate"), format="%Y%m%dT%H%M%SZ", utc=True,
                          errors="coerce")
    return {
        "article_id": url_article_id(url),
        "outlet": outlet_from_url(row.get("domain") or url) or "unknown",
        "date": seen,
        "title": str(row.get("title") or "").strip(),
        "text": "",
        "url": url,
        "lang": _LANGUAGES.get(language.lower()),
        "meta_source": "gdelt",
        "meta_domain": row.get("domain") or None,
        "meta_sourcecountry": row.get("sourcecountry") or None,
        "meta_gdelt_language": language or None,
        "meta_socialimage": row.get("socialimage") or None,
    }


def search_gdelt(query: str | Sequence[str], start, end, *, exclude: Sequence[str] = (),
                 country: str | None = None, language: str | None = None,
                 domain: str | Sequence[str] | None = None, window="1D",
                 split_capped: bool = True, min_window="1h", base_url: str | None = None,
                 min_interval: float = 5.0, retries: int = 4, backoff: float = 5.0,
                 max_backoff: float = 120.0, timeout: float = 60.0,
                 progress: bool = False) -> pd.DataFrame:
    """Search GDELT's article list over a date range, past its 250-article cap.

    Parameters
    ----------
    query : str or list of str
        A phrase, or keywords and phrases joined with OR (``gdeltdoc.Filters(keyword=)``).
        GDELT's rules apply: phrases are quoted for you, very short or very common words are
        rejected by the API.
    start, end : str, date or datetime
        The range, in UTC. A date-only ``end`` includes that day. GDELT documents only the
        last three months as searchable; older ranges may return less.
    exclude : list of str
        Terms and phrases the articles must not contain (GDELT ``-`` negation).
    country, language, domain : str or list, optional
        ``sourcecountry:`` (FIPS code, ``"US"``), ``sourcelang:`` (``"english"``),
        ``domain:`` filters, as ``gdeltdoc.Filters`` takes them.
    window : str or timedelta, default "1D"
        Length of the slices the range is cut into (``pandas.Timedelta`` strings).
    split_capped : bool, default True
        Split a slice that returns :data:`MAX_RECORDS` articles in two and query both,
        recursively, down to ``min_window`` (default one hour).
    base_url : str, optional
        API address (default :data:`GDELT_DOC_URL`); for a mirror or a replay server.
    min_interval : float, default 5
        Seconds between requests: GDELT asks clients for at most one every five seconds.
    retries, backoff, max_backoff : int, float, float
        On HTTP 429, 5xx, timeouts and connection errors a window is retried ``retries``
        times, waiting ``backoff * 2**attempt`` seconds (or ``Retry-After``), at most
        ``max_backoff``; then it is recorded as failed and the search goes on. A rejected
        query (HTTP 400, GDELT's "query was not valid" page) raises at once.
    timeout : float, default 60
        Seconds per request.
    progress : bool, default False
        Show a progress bar over windows.

    Returns
    -------
    pandas.DataFrame
        Validated article stubs (``text`` is ``""``; see
        :func:`framing.collect.fetch_text`), one per canonical URL, in window order:
        ``date`` is GDELT's ``seendate`` (when GDELT first saw the article, UTC, usually
        within hours of publication), ``outlet`` from GDELT's ``domain``, ``lang`` (ISO
        639-1 from GDELT's language name), ``meta_source`` (``"gdelt"``), ``meta_domain``,
        ``meta_sourcecountry``, ``meta_gdelt_language``, ``meta_socialimage``.
        ``attrs["windows"]``: every window queried (``start``, ``end``, ``n_articles``,
        ``capped``, ``split``, ``error``); ``attrs["failures"]``: windows that failed after
        retries (``attrs["incomplete"]`` is then True); ``attrs["query"]``: the query
        terms sent.

    Raises
    ------
    ValueError
        An empty date range or window, or a query GDELT rejects.
    framing._config.OfflineError
        ``FRAMING_OFFLINE`` is set: no request is sent.

    Examples
    --------
    >>> stubs = search_gdelt(["sanctuary city", "sanctuary cities"], "2019-05-01",
    ...                      "2019-05-07", country="US", language="english")  # doctest: +SKIP
    >>> stubs.attrs["windows"]["capped"].any()  # doctest: +SKIP
    False
    """
    import requests
    from gdeltdoc.errors import BadRequestError, ClientRequestError, NotFoundError

    from .fetch import DEFAULT_USER_AGENT, HostClock, backoff_delay, parse_retry_after

    first, stop = _as_range(start, end)
    step, smallest = _as_delta(window), _as_delta(min_window)
    ensure_online(f"searching GDELT ({base_url or GDELT_DOC_URL})")
    client = _client_class()(base_url or GDELT_DOC_URL, timeout, DEFAULT_USER_AGENT)
    clock = HostClock(min_interval)
    windows, failures, records = [], [], {}
    n_repeats = 0

    def query_window(a: dt.datetime, b: dt.datetime) -> pd.DataFrame | None:
        filters = gdelt_filters(query, a, b, exclude=exclude, country=country,
                                language=language, domain=domain)
        error = None
        for attempt in range(retries + 1):
            clock.wait("gdelt")
            retry_after = None
            try:
                return client.article_search(filters)
            except (BadRequestError, NotFoundError, ClientRequestError) as err:
                raise ValueError(f"GDELT rejected the query ({err.response.status_code}): "
                                 f"{client.last_url}") from err
            except ValueError as err:
                if "not valid" in str(err):
                    raise ValueError(f"GDELT rejected the query: {err} ({client.last_url})"
                                     ) from err
                error = f"unreadable response: {err}"
            except requests.HTTPError as err:  # gdeltdoc's RateLimitError and ServerError
                response = err.response
                error = f"HTTP {response.status_code}"
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            except (requests.Timeout, requests.ConnectionError) as err:
                error = f"{type(err).__name__}: {err}"
            if attempt < retries:
                delay = backoff_delay(attempt, backoff=backoff, max_backoff=max_backoff,
                                      retry_after=retry_after)
                clock.defer("gdelt", delay)
        failures.append({"url": client.last_url, "stage": "search", "status": None,
                         "reason": f"GDELT window {a:%Y-%m-%d %H:%M}..{b:%Y-%m-%d %H:%M} "
                                   f"failed: {error}", "attempts": retries + 1})
        windows.append({"start": a, "end": b, "n_articles": 0, "capped": False,
                        "split": False, "error": error})
        return None

    def run(a: dt.datetime, b: dt.datetime) -> None:
        nonlocal n_repeats
        found = query_window(a, b)
        if found is None:
            return
        capped = len(found) >= MAX_RECORDS
        half = (b - a) / 2
        split = capped and split_capped and half >= smallest
        windows.append({"start": a, "end": b, "n_articles": len(found), "capped": capped,
                        "split": split, "error": None})
        if split:
            middle = a + dt.timedelta(seconds=round(half.total_seconds()))
            run(a, middle)
            run(middle, b)
            return
        for row in found.to_dict("records"):
            record = _record(row)
            if record is None:
                failures.append({"url": str(row.get("url")), "stage": "search",
                                 "reason": "GDELT row without an http(s) URL", "attempts": 1})
            elif record["article_id"] in records:
                n_repeats += 1
            else:
                records[record["article_id"]] = record

    starts = []
    cursor = first
    while cursor < stop:
        starts.append((cursor, min(cursor + step, stop)))
        cursor += step
    with progress_bar(total=len(starts), desc="GDELT windows", unit="window",
                      enabled=progress) as bar:
        for a, b in starts:
            run(a, b)
            bar.update(1)
            bar.set_postfix(articles=len(records))

    frame, _ = build_articles(list(records.values()))
    table = pd.DataFrame(windows, columns=["start", "end", "n_articles", "capped", "split",
                                           "error"])
    incomplete = table[table["capped"] & ~table["split"]]
    if len(incomplete):
        warn_at_caller(f"search_gdelt: {len(incomplete)} window(s) returned the "
                       f"{MAX_RECORDS}-article maximum and could not be split further "
                       f"(min_window={min_window!r}); results there are incomplete: use a "
                       "narrower query or a smaller min_window (see .attrs['windows'])")
    if failures:
        warn_at_caller(f"search_gdelt: {len(failures)} window(s) or row(s) failed; see "
                       ".attrs['failures']")
    frame.attrs["windows"] = ReportTable.from_frame(table)
    frame.attrs["failures"] = failures_frame(failures)
    frame.attrs["n_repeated_urls"] = n_repeats
    frame.attrs["incomplete"] = bool(table["error"].notna().any())
    frame.attrs["query"] = gdelt_filters(query, first, stop, exclude=exclude, country=country,
                                         language=language, domain=domain).query_string
    return frame
