"""search_gdelt against a local server replaying GDELT DOC 2.0 ArtList responses.

The replay follows the real service: gdeltdoc sends ``?query=<terms>&startdatetime=
YYYYMMDDHHMMSS&enddatetime=...&maxrecords=250&mode=artlist&format=json`` and the API answers
``{"articles": [{"url", "url_mobile", "title", "seendate": "20180112T150000Z", "socialimage",
"domain", "language", "sourcecountry"}]}`` (``{}`` when nothing matches), a text/html page
for a query it cannot parse, and HTTP 429 when called too often.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from werkzeug import Response

from framing.collect import search_gdelt, url_article_id
from framing.collect.gdelt import MAX_RECORDS
from framing.schema import validate_articles

FAST = {"min_interval": 0.0, "backoff": 0.01, "max_backoff": 0.05}
QUERY = ["sanctuary city", "ICE detainer"]


def _article(n: int, when: dt.datetime, domain: str = "example-news.com") -> dict:
    return {"url": f"https://www.{domain}/2018/story-{n}", "url_mobile": "",
            "title": f"Story {n} about the sanctuary city fight",
            "seendate": when.strftime("%Y%m%dT%H%M%SZ"),
            "socialimage": f"https://www.{domain}/img/{n}.jpg", "domain": domain,
            "language": "English", "sourcecountry": "United States"}


class Replay:
    """Answers each request from the window it asks for; records what was asked."""

    def __init__(self, per_day: dict, *, cap_everything=False, rate_limit_first=False):
        self.per_day, self.cap_everything = per_day, cap_everything
        self.rate_limit_first = rate_limit_first
        self.requests = []

    def __call__(self, request):
        args = request.args
        self.requests.append(dict(args))
        if self.rate_limit_first and len(self.requests) == 1:
            return Response("Please limit requests to one every 5 seconds", status=429,
                            headers={"Retry-After": "0"}, content_type="text/plain")
        start = dt.datetime.strptime(args["startdatetime"], "%Y%m%d%H%M%S")
        end = dt.datetime.strptime(args["enddatetime"], "%Y%m%d%H%M%S")
        hours = int((end - start).total_seconds() // 3600) + 1
        # the day's matching articles, spread over the hours asked for; at most 250 returned
        count = MAX_RECORDS if self.cap_everything else self.per_day.get(start.date(), 0)
        if hours < 24 and not self.cap_everything:
            count = count * hours // 24 + (1 if count else 0)
        count = min(count, MAX_RECORDS)
        base = int(start.timestamp())
        articles = [_article(base + i, start + dt.timedelta(minutes=i)) for i in range(count)]
        if articles and start.date() == dt.date(2018, 1, 1):
            articles.append(dict(articles[0]))  # GDELT repeats a URL now and then
        body = json.dumps({"articles": articles} if articles else {})
        return Response(body, content_type="application/json; charset=utf-8")


def test_slices_the_range_splits_full_windows_and_merges(server):
    replay = Replay({dt.date(2018, 1, 1): 3, dt.date(2018, 1, 2): 300,
                     dt.date(2018, 1, 3): 0})
    server.expect_request("/api/v2/doc/doc").respond_with_handler(replay)
    stubs = search_gdelt(QUERY, "2018-01-01", "2018-01-03", exclude=["second amendment"],
                         country="US", language="english", window="1D", min_window="6h",
                         base_url=server.url_for("/api/v2/doc/doc"), **FAST)
    validate_articles(stubs)
    windows = stubs.attrs["windows"].to_frame()  # attrs tables keep times as ISO strings
    windows["start"] = pd.to_datetime(windows["start"])
    print("\n" + windows.to_string())
    # the full day was split in two halves, which were not full
    day2 = windows[windows["start"] == dt.datetime(2018, 1, 2)]
    assert day2["capped"].tolist()[0] and day2["split"].tolist()[0]
    assert not windows.loc[~windows["split"], "capped"].any()
    assert len(windows) == 5  # day 1, day 2 (split) + its two halves, day 3
    assert stubs.attrs["n_repeated_urls"] == 1
    assert stubs.index.is_unique
    assert len(stubs) == 3 + sum(w["n_articles"] for _, w in windows.iterrows()
                                 if w["start"].date() == dt.date(2018, 1, 2) and not w["split"])
    first = stubs.iloc[0]
    assert first["outlet"] == "example-news-com"
    assert first["lang"] == "en" and first["meta_sourcecountry"] == "United States"
    assert first["date"].tzname() == "UTC" and first["text"] == ""
    assert stubs.index[0] == url_article_id(first["url"])
    # what the server received is gdeltdoc's query format
    sent = replay.requests[0]
    assert sent["mode"] == "artlist" and sent["format"] == "json"
    assert sent["maxrecords"] == "250"
    assert sent["startdatetime"] == "20180101000000"
    assert sent["enddatetime"] == "20180101235959"
    assert sent["query"].startswith('("sanctuary city" OR "ICE detainer") -"second amendment"')
    assert "sourcecountry:US" in sent["query"] and "sourcelang:english" in sent["query"]


def test_window_still_full_at_min_window_is_reported(server):
    server.expect_request("/doc").respond_with_handler(Replay({}, cap_everything=True))
    with pytest.warns(UserWarning, match="incomplete"):
        stubs = search_gdelt(QUERY, "2018-01-01", "2018-01-01", window="1D", min_window="12h",
                             base_url=server.url_for("/doc"), **FAST)
    windows = stubs.attrs["windows"]
    assert windows["capped"].all()
    assert windows["split"].tolist() == [True, False, False]


def test_429_is_retried(server):
    replay = Replay({dt.date(2018, 1, 1): 2}, rate_limit_first=True)
    server.expect_request("/doc").respond_with_handler(replay)
    stubs = search_gdelt("sanctuary city", "2018-01-01", "2018-01-01",
                         base_url=server.url_for("/doc"), **FAST)
    assert len(stubs) == 2
    assert len(replay.requests) == 2
    assert not stubs.attrs["incomplete"]


def test_persistent_server_errors_are_recorded_not_raised(server):
    server.expect_request("/doc").respond_with_data("down", status=503)
    with pytest.warns(UserWarning, match="failed"):
        stubs = search_gdelt("sanctuary city", "2018-01-01", "2018-01-02", retries=1,
                             base_url=server.url_for("/doc"), **FAST)
    assert len(stubs) == 0
    assert stubs.attrs["incomplete"]
    assert len(stubs.attrs["failures"]) == 2
    assert stubs.attrs["failures"]["stage"].eq("search").all()


def test_invalid_query_raises(server):
    server.expect_request("/doc").respond_with_data(
        "The specified phrase is too short.", content_type="text/html; charset=utf-8")
    with pytest.raises(ValueError, match="rejected the query"):
        search_gdelt("ab", "2018-01-01", "2018-01-01", base_url=server.url_for("/doc"),
                     **FAST)


def test_empty_result_and_bad_range(server):
    server.expect_request("/doc").respond_with_data("{}", content_type="application/json")
    stubs = search_gdelt("sanctuary city", dt.date(2018, 1, 1), dt.date(2018, 1, 1),
                         base_url=server.url_for("/doc"), **FAST)
    assert len(stubs) == 0 and list(stubs.columns)[:4] == ["outlet", "date", "title", "text"]
    with pytest.raises(ValueError, match="empty date range"):
        search_gdelt("x y", "2018-01-02", "2018-01-01T00:00", base_url="http://127.0.0.1:9")
