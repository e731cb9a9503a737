"""from_urls and fetch_pages against a local server: retries, failures, timeouts, rate limits."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from werkzeug import Response

from framing.collect import fetch_pages, from_urls, url_article_id
from framing.collect.fetch import HostClock, backoff_delay, parse_retry_after

FAST = {"backoff": 0.05, "max_backoff": 1.0, "min_interval": 0.0, "timeout": (2.0, 2.0)}


@pytest.fixture(scope="module")
def page(fixture_pages) -> bytes:
    """A real news page (LA Times) to serve."""
    return fixture_pages[0][1]


def test_500_then_200_is_retried_and_succeeds(server, page):
    server.expect_oneshot_request("/flaky").respond_with_data("busy", status=500)
    server.expect_request("/flaky").respond_with_data(page, content_type="text/html")
    url = server.url_for("/flaky")
    articles = from_urls([url], **FAST)
    assert list(articles.index) == [url_article_id(url)]
    assert "His opponents don’t lack for material to use." in articles["text"].iloc[0]
    assert articles["meta_http_status"].iloc[0] == 200
    assert len(articles.attrs["failures"]) == 0
    assert len([r for r, _ in server.log if r.path == "/flaky"]) == 2


def test_404_goes_to_the_failures_table(server, page):
    server.expect_request("/ok").respond_with_data(page, content_type="text/html")
    server.expect_request("/missing").respond_with_data("no", status=404)
    urls = [server.url_for("/ok"), server.url_for("/missing"), "not a url",
            server.url_for("/ok") + "?utm_source=newsletter"]
    with pytest.warns(UserWarning, match="did not become articles") as caught:
        articles = from_urls(urls, **FAST)
    assert caught[0].filename == __file__
    failures = articles.attrs["failures"].set_index("url")
    assert len(articles) == 1
    assert list(articles.attrs["failures"].columns) == ["url", "stage", "status", "reason",
                                                        "attempts"]
    missing = failures.loc[server.url_for("/missing")]
    assert (missing["stage"], missing["status"], missing["attempts"]) == ("fetch", 404, 1)
    assert "404" in missing["reason"]
    assert failures.loc["not a url", "stage"] == "input"
    assert "same canonical URL" in failures.loc[urls[3], "reason"]
    # every input is accounted for
    assert len(articles) + len(failures) == len(urls)


def test_slow_response_hits_the_timeout(server):
    def slow(request):
        time.sleep(1.5)
        return Response("<html><body><p>late</p></body></html>", content_type="text/html")

    server.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    (result,) = fetch_pages([server.url_for("/slow")], timeout=(1.0, 0.3), retries=1,
                            backoff=0.05, min_interval=0.0)
    assert not result.ok
    assert result.reason.startswith("timeout")
    assert result.attempts == 2
    assert result.status is None
    assert time.monotonic() - started < 1.5  # gave up, did not wait for the page


def test_per_host_rate_limit_spaces_requests(server):
    import requests

    sent, lock = [], threading.Lock()

    class RecordingSession(requests.Session):
        # when each request leaves the client: what the rate limit controls
        def send(self, request, **kwargs):
            with lock:
                sent.append(time.monotonic())
            return super().send(request, **kwargs)

    server.expect_request("/r").respond_with_data("<html><body><p>ok</p></body></html>",
                                                  content_type="text/html")
    urls = [server.url_for(f"/r?n={i}") for i in range(4)]
    started = time.monotonic()
    results = fetch_pages(urls, max_workers=4, min_interval=0.3, respect_robots=False,
                          session_factory=RecordingSession)
    elapsed = time.monotonic() - started
    assert all(r.ok for r in results)
    gaps = [b - a for a, b in itertools.pairwise(sorted(sent))]
    print(f"\n4 requests to one host, min_interval 0.3 s: {elapsed:.2f} s, gaps "
          f"{[round(g, 3) for g in gaps]}")
    assert elapsed >= 0.85  # three gaps of 0.3 s, loosely
    assert min(gaps) >= 0.27


def test_429_retry_after_is_honoured(server):
    server.expect_oneshot_request("/limited").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"})
    server.expect_request("/limited").respond_with_data("<html><body><p>x</p></body></html>",
                                                        content_type="text/html")
    started = time.monotonic()
    (result,) = fetch_pages([server.url_for("/limited")], backoff=0.01, min_interval=0.0)
    assert result.ok and result.attempts == 2
    assert time.monotonic() - started >= 0.95


def test_retry_after_beyond_max_backoff_is_not_waited_for(server):
    server.expect_request("/later").respond_with_data("", status=503,
                                                      headers={"Retry-After": "3600"})
    (result,) = fetch_pages([server.url_for("/later")], max_backoff=5, min_interval=0.0)
    assert not result.ok and result.status == 503 and result.attempts == 1
    assert "exceeds max_backoff" in result.reason


def test_robots_txt_user_agent_and_content_type(server):
    seen_agents = []

    def page_handler(request):
        seen_agents.append(request.headers.get("User-Agent"))
        return Response("<html><body><p>ok</p></body></html>", content_type="text/html")

    server.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.expect_request("/public").respond_with_handler(page_handler)
    server.expect_request("/report.pdf").respond_with_data(b"%PDF-1.4",
                                                           content_type="application/pdf")
    results = fetch_pages([server.url_for("/public"), server.url_for("/private/x"),
                           server.url_for("/report.pdf")], min_interval=0.0)
    assert results[0].ok
    assert (results[1].stage, results[1].reason) == ("robots", "disallowed by robots.txt")
    assert results[2].reason.startswith("unexpected Content-Type application/pdf")
    assert seen_agents[0].startswith("framing/")
    assert len([r for r, _ in server.log if r.path == "/robots.txt"]) == 1  # read once


def test_connection_refused_is_a_failure_not_an_exception():
    (result,) = fetch_pages(["http://127.0.0.1:9/nothing"], retries=1, backoff=0.01,
                            min_interval=0.0, timeout=(0.5, 0.5), respect_robots=False,
                            allow_private=True)
    assert not result.ok and result.reason.startswith("connection error")


def test_helpers():
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(None) is None
    assert [backoff_delay(a, backoff=0.5, max_backoff=3) for a in range(4)] == [0.5, 1, 2, 3]
    ticks = []
    clock = HostClock(2.0, clock=lambda: 10.0, sleep=ticks.append)
    clock.wait("a")
    clock.wait("a")
    clock.wait("b")
    assert ticks == [2.0]  # the second request to "a" waits, "b" does not
