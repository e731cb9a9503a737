"""from_rss: RSS 2.0 and Atom feeds from files and from a local server, with full-text fetch."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from framing.collect import from_rss, url_article_id
from framing.schema import validate_articles

DATA = Path(__file__).parent / "data"
RSS = DATA / "metro_rss20.xml"
ATOM = DATA / "statehouse_atom.xml"


def test_rss_and_atom_files_become_stubs():
    with pytest.warns(UserWarning, match="did not become articles"):
        stubs = from_rss([RSS, str(ATOM)])
    validate_articles(stubs)
    assert len(stubs) == 4
    council = stubs.loc[url_article_id(
        "https://www.valleyledger.example/metro/2019/05/07/council-sanctuary-vote/")]
    assert council["outlet"] == "valleyledger-example"
    assert council["date"] == pd.Timestamp("2019-05-08 01:30", tz="UTC")  # -0700 to UTC
    assert council["authors"] == "Dana Ruiz"
    assert council["lang"] == "en"
    assert council["text"] == ""  # a stub: the summary is not the article
    assert council["meta_summary"].startswith("The council voted 7-2 to keep the city's "
                                              "sanctuary ordinance")
    assert council["meta_feed_title"] == "Valley Ledger - Metro"
    assert council["meta_entry_id"] == "valleyledger-88412"
    detainer = stubs.loc[url_article_id(
        "https://capitolnotebook.example/2019/05/09/detainer-bill")]
    assert detainer["title"] == "Senate panel advances bill on ICE detainers"  # HTML removed
    assert detainer["authors"] == "Priya Natarajan, Joe Ortiz"
    assert detainer["date"] == pd.Timestamp("2019-05-09 14:45", tz="UTC")  # published
    budget = stubs.loc[url_article_id("https://capitolnotebook.example/2019/05/08/budget")]
    assert budget["date"] == pd.Timestamp("2019-05-08 21:00", tz="UTC")  # only updated
    failures = stubs.attrs["failures"]
    assert failures["stage"].tolist() == ["feed"]
    assert "no absolute link" in failures["reason"].iloc[0]


def test_unreadable_and_missing_feeds_are_failures(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("this is not a feed <<<")
    with pytest.warns(UserWarning):
        stubs = from_rss([broken, tmp_path / "absent.xml", RSS.read_bytes()])
    reasons = stubs.attrs["failures"]["reason"].tolist()
    assert any(r.startswith("not a readable feed") for r in reasons)
    assert any(r.startswith("cannot read feed file") for r in reasons)
    assert len(stubs) == 2  # the RSS bytes still parsed


def test_feed_from_a_local_server_with_full_text(server, fixture_pages):
    base = server.url_for("/").rstrip("/")
    page = fixture_pages[0][1]
    feed = f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Local</title><language>en</language>
<item><title>Story one</title><link>{base}/story-1</link>
<pubDate>Wed, 19 Feb 2020 12:00:00 GMT</pubDate></item>
<item><title>Gone</title><link>{base}/gone</link></item>
</channel></rss>"""
    server.expect_request("/feed.xml").respond_with_data(
        feed, content_type="application/rss+xml; charset=utf-8")
    server.expect_request("/story-1").respond_with_data(page, content_type="text/html")
    server.expect_request("/gone").respond_with_data("gone", status=410)
    fast = {"min_interval": 0.0, "backoff": 0.01}
    with pytest.warns(UserWarning, match="could not be fetched"):
        articles = from_rss([server.url_for("/feed.xml")], fetch_text=True, fetch_options=fast)
    validate_articles(articles)
    story = articles.loc[url_article_id(f"{base}/story-1")]
    assert "His opponents don’t lack for material to use." in story["text"]
    assert story["title"] == "Story one"  # the feed's title wins over the page's
    assert story["date"] == pd.Timestamp("2020-02-19 12:00", tz="UTC")
    assert story["authors"] == "Evan Halper"  # the page's, as the feed has none
    assert articles.loc[url_article_id(f"{base}/gone"), "text"] == ""
    failures = articles.attrs["failures"]
    assert failures.set_index("url").loc[f"{base}/gone", "status"] == 410


def test_feed_url_that_fails_is_reported(server):
    server.expect_request("/feed.xml").respond_with_data("nope", status=404)
    with pytest.warns(UserWarning):
        stubs = from_rss([server.url_for("/feed.xml")], fetch_options={"min_interval": 0.0})
    assert len(stubs) == 0
    failure = stubs.attrs["failures"].iloc[0]
    assert (failure["stage"], failure["status"]) == ("feed", 404)
