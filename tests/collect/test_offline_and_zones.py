"""Feed dates read with the fixed time-zone table, and FRAMING_OFFLINE across framing.collect:
the GDELT and Media Cloud searches send nothing, and ``framing collect`` stops with one line."""

from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from framing._config import OfflineError
from framing.cli.collect import main
from framing.collect import from_rss, search_gdelt, search_mediacloud, url_article_id
from framing.collect.pipeline import output_paths

PACKAGED = Path(__file__).parents[2] / "framing" / "collect" / "_recipes" / "sanctuary"
LINK = "https://news.example.org/2019/05/07/council-vote"


def one_item_feed(date_elements: str, link: str = LINK,
                  title: str = "Council keeps sanctuary ordinance") -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Metro</title>'
            f"<item><title>{title}</title><link>{link}</link>"
            f"{date_elements}</item></channel></rss>").encode()


def read_quietly(feeds, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return from_rss(feeds, **options)


# -- feed dates and the time-zone table -----------------------------------------------------


def test_rss_ambiguous_zone_is_not_read_as_atlantic_time():
    feed = one_item_feed("<pubDate>Tue, 07 May 2019 18:30:00 AST</pubDate>")
    with pytest.warns(UserWarning, match=r"from_rss: 1 entry date\(s\) could not be read"):
        stubs = from_rss([feed])
    # kept, as an entry with an unreadable date always was, but not dated 22:30 UTC
    assert len(stubs) == 1
    assert pd.isna(stubs.loc[url_article_id(LINK), "date"])
    (problem,) = stubs.attrs["date_problems"]
    assert problem == {"url": LINK, "feed": "<feed 0>", "field": "published",
                       "text": "Tue, 07 May 2019 18:30:00 AST",
                       "reason": "ambiguous time zone 'AST' (Atlantic -04:00 or Arabia +03:00; "
                                 "give the date with a UTC offset such as -05:00 instead)"}
    assert len(stubs.attrs["failures"]) == 0  # kept: not a failure


@pytest.mark.parametrize("text", [
    "Tue, 07 May 2019 18:30:00 CEST",       # feedparser: unknown, read as UTC
    "Tue, 07 May 2019 18:30:00 BST",        # feedparser: unknown, read as UTC
    "Tue, 07 May 2019 18:30:00 EST",
    "Tue, 07 May 2019 18:30:00 GMT+3",      # feedparser: unparseable
    "2019-05-07 18:30 PDT",                 # feedparser: midnight, the time lost
    "May 7, 2019 6:30 p.m. CDT",
    "Tue, 07 May 2019 18:30:00 -0500 (EST)",
    "2019-05-07T18:30:00Z",
])
def test_rss_zone_abbreviations_read_as_load_articles_reads_them(tmp_path, text):
    from framing.datasets import load_articles

    csv = tmp_path / "mine.csv"
    pd.DataFrame({"article_id": ["a"], "outlet": ["metro"], "date": [text],
                  "title": ["t"], "text": ["x"]}).to_csv(csv, index=False)
    expected = load_articles(csv).loc["a", "date"]
    assert pd.notna(expected)
    stubs = read_quietly([one_item_feed(f"<pubDate>{text}</pubDate>")])
    assert stubs.loc[url_article_id(LINK), "date"] == expected
    assert len(stubs.attrs["date_problems"]) == 0


@pytest.mark.parametrize(("text", "reason"), [
    ("Tue, 07 May 2019 18:30:00 IST", "ambiguous time zone 'IST'"),
    ("Tue, 07 May 2019 18:30:00 ast", "ambiguous time zone 'AST'"),  # any case
    ("Tue, 07 May 2019 18:30:00 XYZ", "unknown time zone 'XYZ'"),    # feedparser: UTC
    ("Tue, 07 May 2019 18:30:00 ET", "unknown time zone 'ET'"),      # EST or EDT?
    ("07 May 18:30 EST", "incomplete date"),                        # no year: not this year
    ("yesterday", "unparseable date"),
])
def test_rss_unreadable_dates_are_kept_undated_and_reported(text, reason):
    stubs = read_quietly([one_item_feed(f"<pubDate>{text}</pubDate>")])
    assert pd.isna(stubs.loc[url_article_id(LINK), "date"])
    problems = stubs.attrs["date_problems"]
    assert problems["text"].tolist() == [text]  # once, though feedparser maps updated to it
    assert problems["reason"].iloc[0].startswith(reason)


def test_rss_updated_date_stands_in_for_an_unreadable_published_date():
    feed = one_item_feed("<pubDate>Tue, 07 May 2019 18:30:00 IST</pubDate>"
                         "<dc:date>2019-05-07T13:00:00Z</dc:date>")
    stubs = read_quietly([feed])
    assert stubs.loc[url_article_id(LINK), "date"] == pd.Timestamp("2019-05-07 13:00", tz="UTC")
    assert stubs.attrs["date_problems"]["field"].tolist() == ["published"]


# -- FRAMING_OFFLINE: the search APIs send nothing ------------------------------------------


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("FRAMING_OFFLINE", "1")


def test_gdelt_search_is_refused_offline(server, offline):
    server.expect_request("/api/v2/doc/doc").respond_with_data(
        json.dumps({"articles": []}), content_type="application/json")
    url = server.url_for("/api/v2/doc/doc")
    with pytest.raises(OfflineError, match=re.escape(f"searching GDELT ({url}) needs the "
                                                     "network, but FRAMING_OFFLINE is set")):
        search_gdelt("sanctuary city", "2019-05-01", "2019-05-01", base_url=url,
                     min_interval=0, retries=0)
    assert list(server.log) == []


def test_mediacloud_search_is_refused_offline(server, offline):
    server.expect_request("/api/search/api-params").respond_with_data(
        json.dumps({"rate_limit_per_minute": 600}), content_type="application/json")
    server.expect_request("/api/search/story-list").respond_with_data(
        json.dumps({"stories": [], "pagination_token": None}), content_type="application/json")
    with pytest.raises(OfflineError, match=r"searching Media Cloud \(http://127\.0\.0\.1:\d+"
                                           r"/api/\) needs the network"):
        search_mediacloud('"sanctuary city"', "2019-05-01", "2019-05-01", [34412234],
                          api_key="test-key", base_url=server.url_for("/api/"))
    assert list(server.log) == []


def test_local_feed_files_still_read_offline(offline):
    stubs = read_quietly([one_item_feed("<pubDate>Tue, 07 May 2019 18:30:00 EST</pubDate>")])
    assert stubs.loc[url_article_id(LINK), "date"] == pd.Timestamp("2019-05-07 23:30", tz="UTC")
    with pytest.raises(OfflineError, match="FRAMING_OFFLINE is set"):
        read_quietly([one_item_feed("")], fetch_text=True)  # the page needs the network


# -- FRAMING_OFFLINE: framing collect -------------------------------------------------------


@pytest.fixture
def recipe_with_a_feed(tmp_path):
    recipe_dir = tmp_path / "recipe"
    shutil.copytree(PACKAGED, recipe_dir)
    toml = (recipe_dir / "recipe.toml").read_text()
    toml, replaced = re.subn(r"(?m)^feeds = \[\]", 'feeds = ["feed.xml"]', toml)
    assert replaced == 1
    (recipe_dir / "recipe.toml").write_text(toml)
    (recipe_dir / "feed.xml").write_bytes(one_item_feed(
        "<pubDate>Tue, 07 May 2019 18:30:00 IST</pubDate>",
        link="https://news.example.org/2019/05/07/sanctuary-city-vote",
        title="Council keeps sanctuary city policy limiting ICE immigration detainers"))
    return recipe_dir / "recipe.toml"


def collect_argv(recipe, out, *extra):
    return [str(recipe), "--out", str(out), "--start", "2019-05-01", "--end", "2019-05-01",
            "--no-progress", *extra]


@pytest.mark.parametrize(("extra", "needs"), [
    (["--sources", "rss", "--fetch-text"], "fetching article pages (fetch_text)"),
    (["--sources", "gdelt,rss"], "searching GDELT"),
])
def test_collect_offline_is_one_line_and_exit_2(recipe_with_a_feed, tmp_path, offline, capsys,
                                                server, extra, needs):
    out = tmp_path / "out" / "corpus.parquet"
    argv = collect_argv(recipe_with_a_feed, out, *extra, "--gdelt-url",
                        server.url_for("/api/v2/doc/doc"), "--gdelt-min-interval", "0")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("framing collect: error: collecting 'sanctuary' (")
    assert needs in err and "FRAMING_OFFLINE is set" in err
    assert not any(path.exists() for path in output_paths(out).values())  # nothing written
    assert list(server.log) == []


def test_framing_command_reports_collect_offline_as_usage(recipe_with_a_feed, tmp_path,
                                                          offline, capsys):
    from framing.cli import main as framing_main

    out = tmp_path / "corpus.parquet"
    argv = ["collect", *collect_argv(recipe_with_a_feed, out, "--sources", "rss",
                                     "--fetch-text")]
    assert framing_main(argv) == 2
    assert "FRAMING_OFFLINE is set" in capsys.readouterr().err


def test_collect_from_feed_files_works_offline_and_notes_bad_dates(recipe_with_a_feed,
                                                                   tmp_path, offline, capsys):
    out = tmp_path / "corpus.parquet"
    assert main(collect_argv(recipe_with_a_feed, out, "--sources", "rss")) == 0
    printed = capsys.readouterr().out
    assert "note: rss 1 feed(s): 1 entry date(s) could not be read, e.g. 'Tue, 07 May 2019 " \
           "18:30:00 IST': ambiguous time zone 'IST'" in printed
    corpus = pd.read_parquet(out)
    (date,) = corpus["date"]
    assert pd.isna(date)  # kept, undated
