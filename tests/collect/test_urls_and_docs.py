"""URL keys, and the runnable examples in the collect docstrings."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import framing.schema
from framing.collect import canonical_url, outlet_from_url, url_article_id

MODULES = ["_urls", "html", "fetch", "rss", "gdelt", "mediacloud", "dedup", "relevance",
           "recipes", "pipeline"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(f"framing.collect.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


@pytest.mark.parametrize("a, b", [
    ("https://www.example.com/a/b/", "http://example.com/a/b"),
    ("https://example.com/a?utm_source=x&fbclid=1", "https://example.com/a"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://EXAMPLE.com:443/a#comments", "https://example.com/a"),
    ("https://m.example.com/a", "https://example.com/a"),
])
def test_same_article_same_key(a, b):
    assert canonical_url(a) == canonical_url(b)
    assert url_article_id(a) == url_article_id(b)


@pytest.mark.parametrize("a, b", [
    ("https://example.com/a", "https://example.com/b"),
    ("https://example.com/a?id=1", "https://example.com/a?id=2"),
    ("https://example.com:8080/a", "https://example.com/a"),
    ("https://news.example.com/a", "https://example.com/a"),
])
def test_different_articles_different_keys(a, b):
    assert url_article_id(a) != url_article_id(b)


@given(st.from_regex(r"https?://[a-z]{1,10}\.(com|org|co\.uk)(/[a-z0-9]{1,8}){0,3}/?"
                     r"(\?[a-z]{1,4}=[a-z0-9]{0,4})?", fullmatch=True))
def test_canonical_url_is_idempotent_and_ids_are_16_hex(url):
    key = canonical_url(url)
    assert canonical_url("https:" + key) == key
    article_id = url_article_id(url)
    assert len(article_id) == 16 and int(article_id, 16) >= 0


def test_outlet_keys():
    assert outlet_from_url("https://edition.cnn.com/x") == "cnn-com"
    assert outlet_from_url("https://www.bbc.co.uk/news") == "bbc-co-uk"
    assert outlet_from_url("") == ""
    with pytest.raises(ValueError):
        url_article_id("")


def test_outlet_from_url_is_the_schema_one_so_outlet_identity_has_one_home():
    from framing.collect import _urls

    assert outlet_from_url is framing.schema.outlet_from_url
    assert _urls.registrable_domain is framing.schema.registrable_domain
    # the collectors import it from _urls: the same function, with no warning
    assert _urls.outlet_from_url is framing.schema.outlet_from_url
