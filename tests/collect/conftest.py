"""Fixtures for the collect tests: a threaded local HTTP server and the AllSides subset."""

from __future__ import annotations

import gzip
import json

import pytest


@pytest.fixture(scope="session")
def _threaded_server():
    from pytest_httpserver import HTTPServer

    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    if srv.is_running():
        srv.stop()


@pytest.fixture
def server(_threaded_server, monkeypatch):
    """A threaded pytest-httpserver on 127.0.0.1 (concurrent requests, slow handlers),
    with no handlers and an empty log at the start of each test.

    Fetching from 127.0.0.1 is refused unless asked for: the test opts in with
    ``FRAMING_ALLOW_PRIVATE``, as a user with a server on their own machine would. A path
    without a handler answers 404, as on a real site: with pytest-httpserver's default 500,
    a missing robots.txt would close the whole host (RFC 9309 treats 5xx as disallow-all).
    """
    monkeypatch.setenv("FRAMING_ALLOW_PRIVATE", "1")
    _threaded_server.clear()
    _threaded_server.no_handler_status_code = 404
    yield _threaded_server
    _threaded_server.clear()


@pytest.fixture(scope="session")
def allsides(mirror_dir):
    """The 2,027 AllSides articles, fetched once per session from the local mirror."""
    from framing.datasets import fetch_allsides

    return fetch_allsides(progress=False)


@pytest.fixture(scope="session")
def fixture_pages(shared_data):
    """The 25 annotated news pages: list of (annotation dict, html bytes)."""
    folder = shared_data / "news_html_fixtures"
    pages = []
    with open(folder / "annotations.jsonl", encoding="utf-8") as handle:
        for line in handle:
            annotation = json.loads(line)
            pages.append((annotation, gzip.open(folder / annotation["file"], "rb").read()))
    return pages
