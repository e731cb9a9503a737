"""Polite concurrent fetching of news pages, and articles from a list of URLs.

Politeness and safety, in order of the request's life:

* **No network when** ``FRAMING_OFFLINE`` **is set**: fetching raises
  :class:`framing._config.OfflineError` instead.
* **Only public addresses**: a URL whose host resolves to a private, loopback, link-local or
  otherwise non-global address (``127.0.0.1``, ``10.0.0.0/8``, the cloud metadata service at
  ``169.254.169.254``...) is refused, for the first URL and for every redirect, unless the
  caller opts in with ``allow_private=True`` (or ``FRAMING_ALLOW_PRIVATE=1``). A feed or a
  page from the web can otherwise steer the fetcher into the user's own network.
* **robots.txt** is read once per host and obeyed (``respect_robots=True``), as RFC 9309
  says: a 4xx answer (no robots.txt) allows everything; a 5xx or 429 answer, or a robots.txt
  that cannot be reached at all, disallows everything for the rest of the run (those URLs
  fail at stage ``fetch``, so a collection run retries them later). Only the first
  :data:`ROBOTS_MAX_BYTES` are read, within ``timeout`` and ``total_timeout`` like a page.
* **Redirects are followed one hop at a time** (at most ``max_redirects``): each hop is
  checked against its host's robots.txt and address, and waits for its host's clock.
* **One request at a time per host, spaced by** ``min_interval`` **seconds** (a per-host
  reservation clock shared by all worker threads), while up to ``max_workers`` hosts are
  fetched in parallel. A ``Retry-After`` from a host pushes that host's clock back for every
  thread, not just the one that was told.
* **Timeouts** on connect and on each read (``timeout``) and on the whole download
  (``total_timeout``: all hops and attempts for one URL, not counting the waits that
  politeness imposes), and a size cap (``max_bytes``). The body is read as it arrives and
  the socket's timeout is kept within the time left, so a server that trickles a body one
  byte at a time is cut off at ``total_timeout``.
* **Retries with exponential backoff** (``backoff * 2**attempt`` seconds, capped at
  ``max_backoff``) on timeouts, connection errors, HTTP 429 and 5xx; ``Retry-After``
  (seconds or an HTTP date) is honoured instead when the server sends it. Other 4xx are not
  retried. No jitter: reruns wait the same.
* **A User-Agent naming framing** (:data:`DEFAULT_USER_AGENT`).

Every URL that does not give an article ends up in the failures table with its stage
(``input``, ``robots``, ``fetch``, ``extract``), HTTP status, reason and number of attempts.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import pandas as pd

from .. import __version__
from .._config import allow_private_addresses, ensure_online
from .._progress import progress_bar
from .._warnings import warn_at_caller
from ._frame import attach_failures, build_articles
from ._urls import canonical_url, url_article_id

__all__ = ["DEFAULT_USER_AGENT", "FEED_TYPES", "HTML_TYPES", "MAX_REDIRECTS", "ROBOTS_MAX_BYTES",
           "FetchResult", "fetch_pages", "fetch_text", "from_urls"]

#: User-Agent sent with every request: names the library so site owners know who is calling.
DEFAULT_USER_AGENT = (f"framing/{__version__} (media-bias research library; "
                      "+https://pypi.org/project/framing-analysis/)")
#: HTTP statuses worth retrying: rate limiting and transient server trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Statuses whose ``Location`` is followed (as a GET).
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Most redirects followed from one URL.
MAX_REDIRECTS = 10
#: Redirects followed for a robots.txt (RFC 9309: at least five; after that, unavailable).
ROBOTS_MAX_REDIRECTS = 5
#: Bytes of a robots.txt that are read and parsed; the rest is ignored. RFC 9309 asks
#: crawlers to parse at least 500 KiB; Google reads 500 KiB.
ROBOTS_MAX_BYTES = 512 * 1024
#: Content types accepted as pages (a missing Content-Type is accepted too).
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
#: Content types accepted as feeds.
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/xml", "text/xml", "application/x-rss+xml", "text/plain",
              "text/html")
_CHUNK = 65536


@dataclass
class FetchResult:
    """What happened to one URL: the body on success, the reason otherwise."""

    url: str
    final_url: str | None = None
    status: int | None = None
    content: bytes | None = None
    content_type: str | None = None
    reason: str | None = None
    stage: str = "fetch"
    attempts: int = 0
    elapsed: float = 0.0
    headers: dict = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.content is not None and self.reason is None


class HostClock:
    """Per-host minimum spacing between request starts, shared by threads.

    Each call to :meth:`wait` reserves the next free slot for the host and sleeps until it,
    so concurrent workers on one host queue up ``interval`` seconds apart; :meth:`defer`
    moves a host's next slot (a ``Retry-After``).
    """

    def __init__(self, interval: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = max(0.0, float(interval))
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock, self._sleep = clock, sleep

    def wait(self, host: str) -> float:
        """Sleep until the host's next free slot; return the seconds slept."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self.interval
        if slot > now:
            self._sleep(slot - now)
        return max(0.0, slot - now)

    def defer(self, host: str, seconds: float) -> None:
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), self._clock() + seconds)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), or None.

    Examples
    --------
    >>> parse_retry_after("7")
    7.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    10.0
    >>> parse_retry_after("soon") is None
    True
    """
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def backoff_delay(attempt: int, *, backoff: float, max_backoff: float,
                  retry_after: float | None = None) -> float:
    """Seconds to wait before retry number ``attempt + 1`` (``attempt`` counts from 0).

    Examples
    --------
    >>> [backoff_delay(a, backoff=1.0, max_backoff=5.0) for a in range(4)]
    [1.0, 2.0, 4.0, 5.0]
    >>> backoff_delay(0, backoff=1.0, max_backoff=60.0, retry_after=12.0)
    12.0
    """
    if retry_after is not None:
        return min(float(retry_after), max_backoff)
    return min(backoff * (2 ** attempt), max_backoff)


class _Deadline:
    """The ``total_timeout`` of one URL; time spent waiting out politeness is added back."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self._end = time.monotonic() + seconds if seconds else None

    def extend(self, seconds: float) -> None:
        if self._end is not None:
            self._end += seconds

    def remaining(self) -> float | None:
        return None if self._end is None else self._end - time.monotonic()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def clip(self, timeout):
        """``timeout`` (seconds, ``(connect, read)`` or None) cut to the time left."""
        left = self.remaining()
        if left is None:
            return timeout
        left = max(left, 0.001)
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        return (left if connect is None else min(connect, left),
                left if read is None else min(read, left))

    @property
    def reason(self) -> str:
        return f"timeout: download took longer than total_timeout={self.seconds} s"


def _non_public_address(host: str) -> str | None:
    """Why ``host`` is not a public address (it resolves to a private one), or None.

    A name that does not resolve gives None: the request then fails and says so.
    """
    import ipaddress
    import socket

    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            return (f"{host} resolves to {address}, a private, loopback, link-local or "
                    "reserved address; pass allow_private=True (or set "
                    "FRAMING_ALLOW_PRIVATE=1) to fetch from your own network")
    return None


def _set_socket_timeout(raw, seconds: float) -> None:
    """Bound the next read on the response's socket (where urllib3 exposes it)."""
    connection = getattr(raw, "connection", None) or getattr(raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.settimeout(max(seconds, 0.001))
        except OSError:  # already closed: the read that follows reports it
            pass


def _read_timeout(timeout) -> float | None:
    return timeout[1] if isinstance(timeout, tuple) else timeout


@dataclass
class _Robots:
    """A host's robots.txt: its rules, or why the whole host is allowed or refused."""

    parser: RobotFileParser | None = None
    refusal: str | None = None


class _Fetcher:
    def __init__(self, *, timeout, total_timeout, retries, backoff, max_backoff, min_interval,
                 user_agent, respect_robots, max_bytes, session_factory, accept_types,
                 allow_private=False, max_redirects=MAX_REDIRECTS):
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        self.clock = HostClock(min_interval)
        self.user_agent = user_agent
        self.respect_robots = respect_robots
        self.max_bytes = int(max_bytes)
        self._session_factory = session_factory
        self.accept_types = tuple(accept_types)
        self.allow_private = bool(allow_private)
        self.max_redirects = int(max_redirects)
        self._local = threading.local()
        self._robots: dict[str, _Robots] = {}
        self._addresses: dict[str, str | None] = {}
        self._robots_lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}

    def session(self):
        # requests.Session is not documented as thread-safe: one per worker thread.
        session = getattr(self._local, "session", None)
        if session is None:
            if self._session_factory is not None:
                session = self._session_factory()
            else:
                import requests

                session = requests.Session()
            session.headers["User-Agent"] = self.user_agent
            self._local.session = session
        return session

    def _host_lock(self, key: str) -> threading.Lock:
        with self._robots_lock:
            return self._host_locks.setdefault(key, threading.Lock())

    # -- what may be fetched ------------------------------------------------------------

    def address_refusal(self, url: str) -> str | None:
        """Why ``url`` may not be requested at all (scheme, non-public address), or None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return f"not an absolute http(s) URL: {url!r}"
        if self.allow_private:
            return None
        host = parts.hostname
        with self._robots_lock:
            known = host in self._addresses
            refusal = self._addresses.get(host)
        if not known:
            refusal = _non_public_address(host)
            with self._robots_lock:
                self._addresses[host] = refusal
        return refusal

    def robots(self, url: str) -> _Robots:
        """The robots.txt rules of ``url``'s host, read once per host."""
        if not self.respect_robots:
            return _Robots()
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        with self._host_lock(key):  # one robots.txt download per host, even with many workers
            if key not in self._robots:
                self._robots[key] = self._read_robots(key)
        return self._robots[key]

    def _read_robots(self, base: str) -> _Robots:
        reply = FetchResult(url=base + "/robots.txt")
        self._follow(reply, _Deadline(self.total_timeout), check_robots=False,
                     max_redirects=ROBOTS_MAX_REDIRECTS, limit=ROBOTS_MAX_BYTES,
                     accept_types=(), truncate=True)
        if reply.reason is None:
            if not 200 <= (reply.status or 0) < 300:
                return _Robots()  # a 3xx without Location: "unavailable", as a 4xx
            text = (reply.content or b"").decode("utf-8", errors="replace")
            if len(reply.content or b"") >= ROBOTS_MAX_BYTES:
                text = text.rsplit("\n", 1)[0]  # the last line may be cut in half: drop it
            parser = RobotFileParser(reply.url)
            parser.parse(text.splitlines())
            return _Robots(parser=parser)
        status = reply.status or 0
        if reply.stage == "redirect" or (400 <= status < 500 and status != 429):
            # "unavailable" (no robots.txt, or a redirect loop): RFC 9309 allows everything
            return _Robots()
        # 5xx, 429 (Google's reading), a network error or timeout: "unreachable"
        return _Robots(refusal=f"robots.txt of {base} unreachable ({reply.reason}); RFC 9309 "
                               "says to assume it disallows everything")

    # -- fetching ---------------------------------------------------------------------------

    def fetch(self, url: str) -> FetchResult:
        result = FetchResult(url=url)
        started = time.monotonic()
        self._follow(result, _Deadline(self.total_timeout), check_robots=True,
                     max_redirects=self.max_redirects, limit=self.max_bytes,
                     accept_types=self.accept_types)
        if result.stage == "redirect":  # a redirect loop is a failed fetch, like a 404
            result.stage = "fetch"
        result.elapsed = time.monotonic() - started
        if result.reason is not None:
            result.content = None
        return result

    def _follow(self, result: FetchResult, deadline: _Deadline, *, check_robots: bool,
                max_redirects: int, limit: int, accept_types: tuple, truncate: bool = False
                ) -> None:
        """Fetch ``result.url``, following redirects hop by hop; fill in ``result``."""
        current = result.url
        for hop in range(max_redirects + 1):
            where = "" if hop == 0 else f"redirected to {current}: "
            result.final_url = current
            refusal = self.address_refusal(current)
            if refusal is not None:
                result.stage, result.reason = "fetch", where + refusal
                return
            if check_robots:
                waiting = time.monotonic()  # robots.txt has its own total_timeout
                rules = self.robots(current)
                deadline.extend(time.monotonic() - waiting)
                if rules.refusal is not None:
                    result.stage, result.reason = "fetch", where + rules.refusal
                    return
                if rules.parser is not None and not rules.parser.can_fetch(self.user_agent,
                                                                           current):
                    result.stage, result.reason = "robots", where + "disallowed by robots.txt"
                    return
            location = self._fetch_one(current, result, deadline, limit=limit,
                                       accept_types=accept_types, truncate=truncate)
            if location is None:
                return
            current = location
        result.stage = "redirect"
        result.reason = f"more than {max_redirects} redirects (last to {current})"

    def _fetch_one(self, url: str, result: FetchResult, deadline: _Deadline, *, limit: int,
                   accept_types: tuple, truncate: bool) -> str | None:
        """Request ``url`` (with retries); return the redirect target, or None when done."""
        import requests

        host = urlsplit(url).hostname or ""
        result.status = result.content = None
        for attempt in range(self.retries + 1):
            result.attempts = attempt + 1
            deadline.extend(self.clock.wait(host))  # politeness does not eat the budget
            if deadline.expired():
                result.reason = deadline.reason
                return None
            retry_after = None
            try:
                session = self.session()
                with session.get(url, timeout=deadline.clip(self.timeout), stream=True,
                                 allow_redirects=False) as response:
                    result.status = response.status_code
                    result.headers = dict(response.headers)
                    result.content_type = response.headers.get("Content-Type", "")
                    target = session.get_redirect_target(response)
                    if response.status_code in REDIRECT_STATUSES and target:
                        result.reason = None
                        return urljoin(url, target)
                    if response.status_code in RETRY_STATUSES:
                        retry_after = parse_retry_after(response.headers.get("Retry-After"))
                        result.reason = f"HTTP {response.status_code} {response.reason}"
                    elif response.status_code >= 400:
                        result.reason = f"HTTP {response.status_code} {response.reason}"
                        return None
                    else:
                        result.reason = self._read_body(response, result, deadline,
                                                        limit=limit, accept_types=accept_types,
                                                        truncate=truncate)
                        return None
            except requests.Timeout as err:
                result.status, result.reason = None, f"timeout: {err}"
            except requests.ConnectionError as err:
                result.status, result.reason = None, f"connection error: {err}"
            except requests.RequestException as err:  # invalid URL, undecodable body...
                result.status, result.reason = None, f"{type(err).__name__}: {err}"
                return None
            if deadline.expired():
                result.reason = deadline.reason
                return None
            if attempt == self.retries:
                return None
            if retry_after is not None and retry_after > self.max_backoff:
                result.reason += (f" (Retry-After {retry_after:.0f} s exceeds max_backoff "
                                  f"{self.max_backoff:.0f} s; not retried)")
                return None
            delay = backoff_delay(attempt, backoff=self.backoff, max_backoff=self.max_backoff,
                                  retry_after=retry_after)
            self.clock.defer(host, delay)  # the whole host waits, not only this thread
        return None

    def _read_body(self, response, result: FetchResult, deadline: _Deadline, *, limit: int,
                   accept_types: tuple, truncate: bool) -> str | None:
        """Read the body into ``result.content``; return why it was refused, or None."""
        import requests
        import urllib3.exceptions

        ctype = (result.content_type or "").split(";")[0].strip().lower()
        if accept_types and ctype and not ctype.startswith(accept_types):
            return f"unexpected Content-Type {ctype} (accepted: {', '.join(accept_types)})"
        declared = str(response.headers.get("Content-Length", "")).strip()
        encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
        if not truncate and not encoded and declared.isdigit() and int(declared) > limit:
            return f"page larger than max_bytes={limit} (Content-Length {declared})"
        raw = response.raw
        # read1 returns what has arrived instead of waiting for a full chunk, so the clock is
        # checked between reads however slowly the body comes (urllib3 >= 2)
        read = getattr(raw, "read1", None) or raw.read
        per_read = _read_timeout(self.timeout)
        chunks, size = [], 0
        while True:
            left = deadline.remaining()
            if left is not None:
                if left <= 0:
                    return deadline.reason
                _set_socket_timeout(raw, left if per_read is None else min(per_read, left))
            try:
                chunk = read(_CHUNK, decode_content=True)
            except urllib3.exceptions.ReadTimeoutError as err:
                if deadline.expired():
                    return deadline.reason
                raise requests.ReadTimeout(err) from err
            except urllib3.exceptions.ProtocolError as err:
                raise requests.ConnectionError(err) from err
            except urllib3.exceptions.DecodeError as err:
                raise requests.exceptions.ContentDecodingError(err) from err
            except urllib3.exceptions.HTTPError as err:  # TLS trouble and the like
                raise requests.ConnectionError(err) from err
            if not chunk:
                break
            if size + len(chunk) > limit:
                if not truncate:
                    return f"page larger than max_bytes={limit}"
                chunks.append(chunk[:limit - size])
                size = limit
                break
            size += len(chunk)
            chunks.append(chunk)
        result.content = b"".join(chunks)
        return None


def fetch_pages(urls: Iterable[str], *, max_workers: int = 8,
                timeout: float | tuple[float, float] = (5.0, 30.0),
                total_timeout: float | None = 120.0, retries: int = 3, backoff: float = 1.0,
                max_backoff: float = 60.0, min_interval: float = 1.0,
                user_agent: str = DEFAULT_USER_AGENT, respect_robots: bool = True,
                max_bytes: int = 10_000_000, session_factory: Callable | None = None,
                accept_types: Sequence[str] = HTML_TYPES, progress: bool = False,
                allow_private: bool | None = None, max_redirects: int = MAX_REDIRECTS
                ) -> list[FetchResult]:
    """Download pages politely and concurrently; one :class:`FetchResult` per URL, in order.

    See the module docstring for what "politely" means; the parameters tune it.
    ``session_factory`` makes the ``requests.Session`` of each worker thread (to add
    adapters, proxies or authentication); ``accept_types`` lists the Content-Type prefixes
    accepted (:data:`HTML_TYPES`; :data:`FEED_TYPES` for feeds). ``allow_private=True``
    lets URLs and redirects reach private, loopback and link-local addresses (a server on
    your own machine or network); the default, None, reads ``FRAMING_ALLOW_PRIVATE``.
    ``max_redirects`` caps the redirects followed from one URL.

    Raises
    ------
    framing._config.OfflineError
        When ``FRAMING_OFFLINE`` is set and there is anything to fetch.

    Examples
    --------
    >>> results = fetch_pages([])
    >>> results
    []
    """
    urls = list(urls)
    if not urls:
        return []
    ensure_online(f"fetching {len(urls)} URL(s) (first {urls[0]!r})")
    if allow_private is None:
        allow_private = allow_private_addresses()
    fetcher = _Fetcher(timeout=timeout, total_timeout=total_timeout, retries=retries,
                       backoff=backoff, max_backoff=max_backoff, min_interval=min_interval,
                       user_agent=user_agent, respect_robots=respect_robots,
                       max_bytes=max_bytes, session_factory=session_factory,
                       accept_types=accept_types, allow_private=allow_private,
                       max_redirects=max_redirects)
    results: list[FetchResult | None] = [None] * len(urls)
    with (progress_bar(total=len(urls), desc="fetching", unit="page", enabled=progress) as bar,
          ThreadPoolExecutor(max_workers=max(1, int(max_workers))) as pool):
        futures = {pool.submit(fetcher.fetch, url): i for i, url in enumerate(urls)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            bar.update(1)
    return results  # type: ignore[return-value]


def _check_urls(urls: Sequence[str]) -> tuple[list[str], list[dict]]:
    unique, failures, seen = [], [], {}
    for url in urls:
        text = str(url or "").strip()
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            failures.append({"url": text, "stage": "input", "attempts": 0,
                             "reason": "not an absolute http(s) URL"})
            continue
        key = canonical_url(text)
        if key in seen:
            failures.append({"url": text, "stage": "input", "attempts": 0,
                             "reason": f"same canonical URL as {seen[key]!r}"})
            continue
        seen[key] = text
        unique.append(text)
    return unique, failures


def from_urls(urls: Iterable[str], *, extract_options: dict | None = None, **fetch_options
              ) -> pd.DataFrame:
    """Fetch pages politely and build articles from them with trafilatura.

    Parameters
    ----------
    urls : iterable of str
        Absolute ``http(s)`` URLs. Repeats of one canonical URL are fetched once.
    extract_options : dict, optional
        Passed to :func:`framing.collect.from_html` (trafilatura options).
    **fetch_options
        Passed to :func:`fetch_pages`: ``max_workers`` (8), ``timeout`` ((5, 30) s:
        connect, read), ``total_timeout`` (120 s), ``retries`` (3), ``backoff`` (1 s),
        ``max_backoff`` (60 s), ``min_interval`` (1 s between requests to one host),
        ``user_agent``, ``respect_robots`` (True), ``max_bytes``, ``max_redirects`` (10),
        ``allow_private`` (refuse private and loopback addresses unless True or
        ``FRAMING_ALLOW_PRIVATE=1``), ``progress``.

    Returns
    -------
    pandas.DataFrame
        Validated articles in input order, keyed by :func:`framing.collect.url_article_id`
        of the URL as given (so an ID does not depend on redirects); ``meta_final_url`` is
        the address after redirects, ``meta_http_status`` the final status.
        ``attrs["failures"]``: one row per URL that gave no article, with ``url``,
        ``stage`` (``input``, ``robots``, ``fetch``, ``extract``), ``status`` (HTTP status or
        missing), ``reason`` and ``attempts``. Failures are returned, never raised, so one
        bad URL does not lose the others; a warning says how many failed.

    Raises
    ------
    framing._config.OfflineError
        When ``FRAMING_OFFLINE`` is set and there is a URL to fetch.

    Examples
    --------
    >>> articles = from_urls(["not a url"])  # doctest: +SKIP
    >>> articles.attrs["failures"][["stage", "reason"]].values.tolist()  # doctest: +SKIP
    [['input', 'not an absolute http(s) URL']]
    """
    from .html import extract_record

    unique, failures = _check_urls(list(urls))
    records = []
    for result in fetch_pages(unique, **fetch_options):
        if not result.ok:
            failures.append({"url": result.url, "stage": result.stage, "status": result.status,
                             "reason": result.reason, "attempts": result.attempts})
            continue
        record, reason = extract_record(result.content, result.final_url or result.url,
                                        **(extract_options or {}))
        if record is None:
            failures.append({"url": result.url, "stage": "extract", "status": result.status,
                             "reason": reason, "attempts": result.attempts})
            continue
        record.update({"article_id": url_article_id(result.url), "url": result.url,
                       "meta_final_url": result.final_url, "meta_http_status": result.status,
                       "meta_source": "web"})
        records.append(record)
    frame, repeated = build_articles(records)
    if "meta_http_status" in frame:
        frame["meta_http_status"] = frame["meta_http_status"].astype("Int64")
    return attach_failures(frame, failures + repeated, what="from_urls")


def fetch_text(stubs: pd.DataFrame, *, extract_options: dict | None = None, **fetch_options
               ) -> pd.DataFrame:
    """Fill in the body text of article stubs (from a feed or a search API) from their pages.

    Rows that already have text are left alone; the others are fetched with
    :func:`from_urls` (``fetch_options`` are its options). A fetched row keeps the stub's
    ``title`` and ``date`` (the feed's or the API's, which are explicit) and takes the
    page's where the stub has none; ``text`` comes from the page, and ``authors`` too when
    the stub has none. ``meta_sitename``, ``meta_final_url`` and ``meta_http_status`` are
    added.

    Returns
    -------
    pandas.DataFrame
        A copy of ``stubs``, same index and rows. ``attrs["failures"]`` is the stubs' own
        failures followed by the pages that could not be fetched or extracted (those rows
        keep an empty ``text``).
    """
    import warnings

    from ._frame import failures_frame

    out = stubs.copy()
    todo = out.index[(out["text"].fillna("").str.strip() == "") & out["url"].notna()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # reported below, once
        pages = from_urls(out.loc[todo, "url"].tolist(), extract_options=extract_options,
                          **fetch_options)
    row_of = {url_article_id(url): row
              for row, url in zip(todo, out.loc[todo, "url"], strict=True)}
    added = {"meta_sitename": {}, "meta_final_url": {}, "meta_http_status": {}}
    for page_id, page in pages.iterrows():
        row = row_of.get(page_id)
        if row is None:
            continue
        out.at[row, "text"] = page["text"]
        if not str(out.at[row, "title"] or "").strip():
            out.at[row, "title"] = page["title"]
        if pd.isna(out.at[row, "date"]) and pd.notna(page["date"]):
            out.at[row, "date"] = page["date"]
        if "authors" in out and pd.isna(out.at[row, "authors"]) and pd.notna(page["authors"]):
            out.at[row, "authors"] = page["authors"]
        for column, values in added.items():
            values[row] = page.get(column)
    for column, values in added.items():
        series = pd.Series(values, dtype=object).reindex(out.index)
        if column == "meta_http_status":
            series = series.astype("Int64")
        if column not in out:
            out[column] = series
        else:
            out[column] = out[column].where(series.isna(), series)
    failures = pages.attrs.get("failures", failures_frame())
    parts = [f for f in (stubs.attrs.get("failures"), failures) if f is not None and len(f)]
    out.attrs = dict(stubs.attrs)
    out.attrs["failures"] = failures_frame(row for part in parts for row in part)
    if len(failures):
        warn_at_caller(f"fetch_text: {len(failures)} page(s) could not be fetched or extracted; "
                       "their rows keep an empty text (see .attrs['failures'])")
    return out
