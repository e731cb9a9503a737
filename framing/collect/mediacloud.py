"""Article stubs from the Media Cloud online-news search, with the ``mediacloud`` client.

:func:`search_mediacloud` calls ``mediacloud.api.SearchApi.story_list`` page after page,
passing back the ``pagination_token`` each page returns until there is none. The client
spaces its own requests (a requests-ratelimiter ``LimiterSession`` at the rate the server
advertises in ``search/api-params``, at most ``RATE_LIMIT_PER_MINUTE``), and after an HTTP
429 that session holds further requests until its one-minute window resets. On top of that,
the 429'd page is retried with exponential backoff, honouring ``Retry-After``, a bounded
number of times. The API address is the client's ``BASE_API_URL``, set per
instance before the first call (the client documents this), so a mirror or a replay server
can stand in for ``https://search.mediacloud.org/api/``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Sequence

import pandas as pd

from .._config import ensure_online
from .._progress import progress_bar
from .._tables import ReportTable
from ._frame import build_articles, failures_frame
from ._urls import outlet_from_url, url_article_id

__all__ = ["MEDIACLOUD_API_URL", "search_mediacloud"]

#: Default address of the Media Cloud API (the client's ``BaseApi.BASE_API_URL``).
MEDIACLOUD_API_URL = "https://search.mediacloud.org/api/"
_KEY_VARIABLES = ("MEDIACLOUD_API_KEY", "MC_API_KEY", "MC_API_TOKEN")


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def _record(story: dict) -> dict | None:
    url = str(story.get("url") or "").strip()
    if not url.startswith(("http://", "https://")):
        return None
    media = story.get("media_name") or story.get("media_url") or url
    published = story.get("publish_date")
    language = str(story.get("language") or "").strip().lower()
    return {
        "article_id": url_article_id(url),
        "outlet": outlet_from_url(media) or outlet_from_url(url) or "unknown",
        "date": pd.Timestamp(published) if published else pd.NaT,
        "title": str(story.get("title") or "").strip(),
        "text": story.get("text") or "",
        "url": url,
        "lang": language if len(language) == 2 else None,
        "meta_source": "mediacloud",
        "meta_mediacloud_id": str(story.get("id")) if story.get("id") is not None else None,
        "meta_media_name": story.get("media_name") or None,
        "meta_indexed_date": (pd.Timestamp(story["indexed_date"]).isoformat()
                              if story.get("indexed_date") else None),
    }


def search_mediacloud(query: str, start, end, collections: Sequence[int] = (),
                      api_key: str | None = None, *, sources: Sequence[int] = (),
                      base_url: str | None = None, page_size: int | None = None,
                      max_stories: int | None = None, retries: int = 5, backoff: float = 10.0,
                      max_backoff: float = 300.0, rate_limit_per_minute: int | None = None,
                      timeout: float | None = None, api=None, progress: bool = False
                      ) -> pd.DataFrame:
    """Search Media Cloud's online-news archive; return all matching stories as stubs.

    Parameters
    ----------
    query : str
        A Media Cloud query (Lucene syntax: ``"sanctuary city" AND NOT wildlife``).
    start, end : str or date
        Publication dates, both included (the API takes days, not times).
    collections : list of int
        Collection IDs to search, for example 34412234 (United States - National) and
        38379429 (United States - State & Local). The API warns when neither collections
        nor sources are given.
    api_key : str, optional
        Your Media Cloud API key; default from ``MEDIACLOUD_API_KEY`` (or ``MC_API_KEY``).
    sources : list of int
        Source IDs to search besides the collections.
    base_url : str, optional
        API address (default :data:`MEDIACLOUD_API_URL`, or ``MC_API_BASE_URL`` when set,
        as the client's own tests do).
    page_size : int, optional
        Stories per page (the server's default, 1000, when not given).
    max_stories : int, optional
        Stop after this many stories (the last page is cut).
    retries, backoff, max_backoff : int, float, float
        HTTP 429 is retried ``retries`` times per page, waiting ``backoff * 2**attempt``
        seconds or ``Retry-After``, at most ``max_backoff``; other errors raise.
    rate_limit_per_minute : int, optional
        Upper bound on the client's request rate (its ``RATE_LIMIT_PER_MINUTE``, 10 by
        default); the server's advertised rate applies when lower.
    timeout : float, optional
        Seconds per request (the client's ``TIMEOUT_SECS``, 60, when not given).
    api : mediacloud.api.SearchApi, optional
        A client you configured yourself (its own session, proxies...); ``api_key`` is then
        not needed, and ``base_url``, ``rate_limit_per_minute`` and ``timeout`` are applied
        to it only when given.
    progress : bool, default False
        Show a progress bar over pages.

    Returns
    -------
    pandas.DataFrame
        Validated article stubs, one per canonical URL, in the API's order: ``date`` is the
        publication day (00:00 UTC), ``outlet`` from ``media_name`` (Media Cloud's canonical
        domain), ``title``, ``text`` (``""`` unless the API gave it: only staff keys get
        ``expanded`` text), ``lang``, ``meta_source`` (``"mediacloud"``),
        ``meta_mediacloud_id``, ``meta_media_name``, ``meta_indexed_date``.
        ``attrs["pages"]``: one row per page (``page``, ``n_stories``, the
        ``pagination_token`` sent for it); ``attrs["failures"]``: stories without a URL.

    Raises
    ------
    ValueError
        No API key, or an empty date range.
    framing._config.OfflineError
        ``FRAMING_OFFLINE`` is set: no request is sent.
    mediacloud.error.APIResponseError
        The API refused the request (bad query, bad key, quota) or kept answering 429.

    Examples
    --------
    >>> stubs = search_mediacloud('"sanctuary city"', "2019-05-01", "2019-05-07",
    ...                           collections=[34412234])  # doctest: +SKIP
    """
    import mediacloud.api
    import mediacloud.error

    from .fetch import backoff_delay, parse_retry_after

    if api is None:
        api_key = api_key or next((os.environ[v] for v in _KEY_VARIABLES if os.environ.get(v)),
                                  None)
        if not api_key:
            raise ValueError("search_mediacloud needs an API key: pass api_key= or set "
                             "MEDIACLOUD_API_KEY (get one at https://search.mediacloud.org)")
        api = mediacloud.api.SearchApi(api_key)
        base_url = base_url or os.environ.get("MC_API_BASE_URL") or MEDIACLOUD_API_URL
    # Instance attributes, set before the first call: the client builds its session lazily
    # from them (see BaseApi._make_session).
    if base_url:
        api.BASE_API_URL = base_url if base_url.endswith("/") else base_url + "/"
    if rate_limit_per_minute is not None:
        api.RATE_LIMIT_PER_MINUTE = int(rate_limit_per_minute)
    if timeout is not None:
        api.TIMEOUT_SECS = timeout
    first, last = _as_date(start), _as_date(end)
    if last < first:
        raise ValueError(f"empty date range: start={start!r}, end={end!r}")
    ensure_online(f"searching Media Cloud ({getattr(api, 'BASE_API_URL', MEDIACLOUD_API_URL)})")

    records: dict[str, dict] = {}
    failures, pages = [], []
    token = None
    bar = progress_bar(desc="Media Cloud pages", unit="page", enabled=progress)
    while True:
        for attempt in range(retries + 1):
            try:
                stories, next_token = api.story_list(
                    query, first, last, collection_ids=list(collections),
                    source_ids=list(sources), pagination_token=token, page_size=page_size)
                break
            except mediacloud.error.APIResponseError as err:
                status = getattr(err.response, "status_code", None)
                if status != 429 or attempt == retries:
                    raise
                retry_after = parse_retry_after(err.response.headers.get("Retry-After"))
                time.sleep(backoff_delay(attempt, backoff=backoff, max_backoff=max_backoff,
                                         retry_after=retry_after))
        pages.append({"page": len(pages), "n_stories": len(stories),
                      "pagination_token": token})
        for story in stories:
            record = _record(story)
            if record is None:
                failures.append({"url": str(story.get("url")), "stage": "search",
                                 "reason": f"story {story.get('id')!r} has no http(s) URL",
                                 "attempts": 1})
            elif record["article_id"] not in records:
                records[record["article_id"]] = record
        bar.update(1)
        bar.set_postfix(stories=len(records))
        if max_stories is not None and len(records) >= max_stories:
            break
        if not next_token or not stories:
            break
        token = next_token
    bar.close()
    kept = list(records.values())[: max_stories if max_stories is not None else None]
    frame, _ = build_articles(kept)
    frame.attrs["pages"] = ReportTable(pages, columns=["page", "n_stories", "pagination_token"])
    frame.attrs["failures"] = failures_frame(failures)
    frame.attrs["query"] = query
    return frame
