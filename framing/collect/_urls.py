"""URL keys: the canonical form of an article URL and the article ID made from it.

Collected articles are keyed by their URL, not by where they were found, so that the same
story returned by GDELT, Media Cloud and an RSS feed gets one ``article_id`` and merges, and a
rerun with other sources keeps every ID it made before. An article's outlet comes from
:func:`framing.schema.outlet_from_url` (outlet identity lives in :mod:`framing.schema`); it
and :func:`~framing.schema.registrable_domain` are importable from here too, as the
collectors and :mod:`framing.collect` use them.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..schema import normalize_domain, outlet_from_url, registrable_domain

__all__ = ["canonical_url", "outlet_from_url", "registrable_domain", "url_article_id"]

# Query parameters that track the reader, not the page. Removing them makes the same article
# shared from a newsletter and from a feed one key.
_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|cmpid|ocid|smid|smtyp|"
    r"taid|soc_src|soc_trk|ref|ref_src|referrer|source|src|share|sh|cid|icid|ncid|__twitter_impression)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def canonical_url(url: str) -> str:
    """Return the key under which an article URL is recognised again.

    Scheme, a ``www.``/``m.``/``amp.`` prefix, a default port, the fragment, tracking query
    parameters (``utm_*``, ``fbclid``...) and a trailing slash are dropped; the host is
    lower-cased and the remaining query parameters are sorted. The result is a key, not a URL
    to fetch: the ``url`` column keeps the address as found.

    Parameters
    ----------
    url : str
        An absolute ``http(s)`` URL.

    Returns
    -------
    str
        ``//host/path?query``; ``""`` when ``url`` is empty.

    Examples
    --------
    >>> canonical_url("https://www.Example.com/news/story/?utm_source=x&b=2&a=1#top")
    '//example.com/news/story?a=1&b=2'
    >>> canonical_url("http://example.com:80/news/story") == canonical_url(
    ...     "https://m.example.com/news/story/")
    True
    """
    text = str(url or "").strip()
    if not text:
        return ""
    parts = urlsplit(text if "://" in text else "//" + text)
    host = normalize_domain(parts.netloc)
    port = re.search(r":(\d+)$", parts.netloc.rsplit("@", 1)[-1])
    if port and port.group(1) != _DEFAULT_PORTS.get(parts.scheme.lower(), ""):
        host = f"{host}:{port.group(1)}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _TRACKING.match(k))
    return urlunsplit(("", host, path if path != "/" else "", urlencode(query), ""))


def url_article_id(url: str) -> str:
    """Return the ``article_id`` of a collected article: 16 hex digits of sha1(canonical URL).

    The same digits for the same story wherever it was found (GDELT, Media Cloud, a feed or
    a list of URLs), and the same digits on every run.

    Examples
    --------
    >>> url_article_id("https://www.example.com/a?utm_medium=email")
    'c13387a3f3ab2063'
    >>> url_article_id("https://example.com/a") == url_article_id("http://m.example.com/a/")
    True
    """
    key = canonical_url(url)
    if not key:
        raise ValueError("cannot make an article_id from an empty URL")
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
