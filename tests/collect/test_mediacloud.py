"""search_mediacloud against a local server replaying the Media Cloud search API.

The replay follows what the ``mediacloud`` 5.x client sends and reads: ``GET
search/api-params`` (its rate limit, read once when the client builds its session), then ``GET
search/story-list?q=..&start=YYYY-MM-DD&end=YYYY-MM-DD&platform=onlinenews-mediacloud&cs=..``
with ``Authorization: Token <key>``, answered with ``{"stories": [{"id", "media_name",
"media_url", "title", "publish_date", "url", "language", "indexed_date"}],
"pagination_token": "..." | null}``; an over-eager client gets HTTP 429.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from werkzeug import Response

from framing.collect import search_mediacloud, url_article_id
from framing.schema import validate_articles

KEY = "test-key-0001"


def _quick_api():
    """The real client, minus one wait: after a 429 its LimiterSession blocks until its
    one-minute window resets (requests-ratelimiter fills the bucket). That is right against
    the real service and kept by default; here it would make each 429 cost a minute, so it
    is switched off to test search_mediacloud's own backoff and retry."""
    import mediacloud.api

    class QuickSearchApi(mediacloud.api.SearchApi):
        def _make_session(self):
            super()._make_session()
            self._session.limit_statuses = ()

    return QuickSearchApi(KEY)


@pytest.fixture
def fast():
    return {"backoff": 0.01, "max_backoff": 0.05, "rate_limit_per_minute": 600,
            "api": _quick_api()}


def _story(n: int, *, media="nytimes.com", published="2019-05-0{d}") -> dict:
    return {"id": f"{n:064x}", "media_name": media, "media_url": media,
            "title": f"Story {n}: sanctuary county fight",
            "publish_date": published.format(d=1 + n % 7) if published else None,
            "url": f"https://www.{media}/2019/05/story-{n}.html", "language": "en",
            "indexed_date": f"2019-05-0{1 + n % 7}T14:03:22.716113"}


class Replay:
    def __init__(self, *, rate_limit_page2=True):
        self.requests = []
        self.rate_limit_page2 = rate_limit_page2
        self.limited = False

    def __call__(self, request):
        self.requests.append((request.path, dict(request.args),
                              request.headers.get("Authorization")))
        if request.path.endswith("search/api-params"):
            return Response(json.dumps({"params": {"query-rate": "600/m"}}),
                            content_type="application/json")
        token = request.args.get("pagination_token")
        if token == "page-2" and self.rate_limit_page2 and not self.limited:
            self.limited = True
            return Response("", status=429, headers={"Retry-After": "0"})  # older servers: empty
        if token is None:
            stories, next_token = [_story(n) for n in range(3)], "page-2"
        elif token == "page-2":
            stories = [_story(n) for n in range(3, 6)] + [_story(0)]  # one repeat
            stories[1]["publish_date"] = None
            next_token = "page-3"
        else:
            stories, next_token = [_story(6, media="latimes.com")], None
        body = {"stories": stories, "pagination_token": next_token}
        return Response(json.dumps(body), content_type="application/json")


def test_paginates_honours_429_and_builds_stubs(server, fast):
    replay = Replay()
    server.expect_request("/api/search/api-params").respond_with_handler(replay)
    server.expect_request("/api/search/story-list").respond_with_handler(replay)
    stubs = search_mediacloud('"sanctuary county" AND NOT wildlife', "2019-05-01",
                              "2019-05-07", [34412234, 38379429], KEY,
                              base_url=server.url_for("/api/"), **fast)
    validate_articles(stubs)
    assert len(stubs) == 7  # 3 + 3 new + 1; the repeat on page 2 is merged
    pages = stubs.attrs["pages"]
    assert pages["n_stories"].tolist() == [3, 4, 1]
    assert pages["pagination_token"].fillna("").tolist() == ["", "page-2", "page-3"]
    story_calls = [r for r in replay.requests if r[0].endswith("story-list")]
    assert len(story_calls) == 4  # three pages, one of them twice after the 429
    _, args, auth = story_calls[0]
    assert auth == f"Token {KEY}"
    assert args["q"] == '"sanctuary county" AND NOT wildlife'
    assert (args["start"], args["end"]) == ("2019-05-01", "2019-05-07")
    assert args["cs"] == "34412234,38379429" and args["platform"] == "onlinenews-mediacloud"
    first = stubs.loc[url_article_id("https://www.nytimes.com/2019/05/story-0.html")]
    assert first["outlet"] == "nytimes-com" and first["lang"] == "en"
    assert first["date"] == pd.Timestamp("2019-05-01", tz="UTC")
    assert first["meta_mediacloud_id"] == f"{0:064x}"
    assert first["text"] == ""
    undated = stubs.loc[url_article_id("https://www.nytimes.com/2019/05/story-4.html")]
    assert pd.isna(undated["date"])
    assert stubs["outlet"].iloc[-1] == "latimes-com"


def test_max_stories_stops_paging_with_the_default_client(server):
    replay = Replay(rate_limit_page2=False)
    server.expect_request("/api/search/api-params").respond_with_handler(replay)
    server.expect_request("/api/search/story-list").respond_with_handler(replay)
    stubs = search_mediacloud("sanctuary", "2019-05-01", "2019-05-07", [34412234], KEY,
                              base_url=server.url_for("/api"), max_stories=2)
    assert len(stubs) == 2
    assert len([r for r in replay.requests if r[0].endswith("story-list")]) == 1


def test_repeated_429_gives_up_and_other_errors_raise(server, fast):
    import mediacloud.error

    server.expect_request("/api/search/api-params").respond_with_json(
        {"params": {"query-rate": "600/m"}})
    server.expect_request("/api/search/story-list").respond_with_data(
        "", status=429, headers={"Retry-After": "0"})
    with pytest.raises(mediacloud.error.APIResponseError):
        search_mediacloud("sanctuary", "2019-05-01", "2019-05-07", [1], KEY, retries=2,
                          base_url=server.url_for("/api/"), **fast)
    assert len([r for r, _ in server.log if r.path.endswith("story-list")]) == 3
    server.clear()
    fast["api"] = _quick_api()
    server.expect_request("/api/search/api-params").respond_with_json({"params": {}})
    server.expect_request("/api/search/story-list").respond_with_json(
        {"status": "error", "note": "Invalid token."}, status=403)
    with pytest.raises(mediacloud.error.APIResponseError, match="403"):
        search_mediacloud("sanctuary", "2019-05-01", "2019-05-07", [1], KEY,
                          base_url=server.url_for("/api/"), **fast)
    assert len([r for r, _ in server.log if r.path.endswith("story-list")]) == 1


def test_needs_an_api_key(monkeypatch):
    for name in ("MEDIACLOUD_API_KEY", "MC_API_KEY", "MC_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="API key"):
        search_mediacloud("sanctuary", "2019-05-01", "2019-05-07", [1])
