"""``framing collect`` end to end against local servers: kept, dropped with reasons, duplicates
flagged, and a rerun that skips what it already has."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from werkzeug import Response

from framing.cli.collect import add_parser, main
from framing.collect import url_article_id
from framing.collect.pipeline import output_paths
from framing.schema import validate_articles

PACKAGED = Path(__file__).parents[2] / "framing" / "collect" / "_recipes" / "sanctuary"

# Pages written for this test.
SANCTUARY = (
    "The county board voted on Monday to keep its sanctuary policy, which bars deputies from "
    "holding people in jail on ICE detainers without a judge's warrant. The vote followed "
    "three hours of public comment. Immigrant families described calling the police after a "
    "burglary without fear of deportation; two deputies argued that the sanctuary policy "
    "lets people with criminal records go free. The federal immigration agency said it would "
    "make more arrests in the community. The board also asked staff to report every quarter "
    "on requests received from immigration officers and how the jail answered them.")
WIRE = (
    "WASHINGTON - The Justice Department said Tuesday it would withhold public-safety grants "
    "from sanctuary cities that refuse to tell immigration agents when they release people "
    "from jail, renewing a fight that courts have mostly settled against the administration. "
    "Mayors of several cities said they would sue again. The department said the grant "
    "conditions were lawful and that sanctuary jurisdictions endanger officers by forcing "
    "arrests in neighborhoods instead of jails. Immigrant advocates said the policy makes "
    "victims afraid to report crimes. A federal judge in Chicago blocked similar conditions "
    "last year, and an appeals court upheld that ruling in April. The department did not say "
    "how much money was at stake, but past awards to the largest cities ran to several "
    "million dollars a year.")
CHURCH = (
    "A mother of three who was ordered deported last month has taken sanctuary in a "
    "Presbyterian church downtown, where she plans to stay while her lawyers ask an "
    "immigration court to reopen her case. The congregation voted in 2017 to offer sanctuary "
    "to neighbors facing deportation, and volunteers have set up a bedroom in a classroom "
    "behind the fellowship hall. Immigration agents have a policy of avoiding arrests at "
    "houses of worship, though the policy is not a law. Her children visit every afternoon "
    "after school, and members take turns staying overnight. The pastor said the church "
    "would keep her as long as it takes.")
WILDLIFE = (
    "The river sanctuary reopened its boardwalk on Saturday after spring floods. Volunteers "
    "counted herons, egrets and two bald eagles along the marsh, and the sanctuary's staff "
    "said the water had brought back fish the birds depend on. Visitors are asked to keep "
    "dogs on a leash and to stay on the boardwalk while the nesting season lasts. The "
    "sanctuary relies on donations and on a small grant from the state parks department, "
    "which also pays for the new signs along the trail. Guided walks start at nine.")


def _page(title: str, body: str, header: str = "", footer: str = "") -> str:
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in body.split(". ") if s.strip())
    return (f"<html><head><title>{title}</title></head><body><nav>Home | News | Sports</nav>"
            f"<article><h1>{title}</h1><p>{header}</p>{paragraphs}<p>{footer}</p></article>"
            "<footer>About us | Contact | Privacy</footer></body></html>")


PAGES = {
    "/p/county-vote": _page("County keeps sanctuary policy", SANCTUARY),
    "/p/wire-a": _page("Justice Department targets sanctuary city grants", WIRE,
                       "By the Associated Press", "Copyright 2019 The Associated Press."),
    "/p/wire-b": _page("DOJ renews sanctuary grant fight", WIRE,
                       "From wire reports", "Read more national news on our site."),
    "/p/marsh": _page("Marsh boardwalk reopens", WILDLIFE),
    "/p/rss-story": _page("Church shelters mother facing deportation", CHURCH),
}


def _gdelt_handler(base: str, calls: list):
    def handler(request):
        calls.append(dict(request.args))
        day = request.args["startdatetime"][:8]
        rows = {
            "20190501": [("/p/county-vote", "Sanctuary policy stays", "20190501T101500Z"),
                         ("/p/wire-a", "Justice Department targets sanctuary grants",
                          "20190501T120000Z"),
                         ("/p/marsh", "Sanctuary boardwalk reopens", "20190501T130000Z")],
            "20190502": [("/p/wire-b", "DOJ renews sanctuary city grant fight",
                          "20190502T080000Z"),
                         ("/p/gone", "Sanctuary city ruling", "20190502T090000Z")],
        }.get(day, [])
        articles = [{"url": base + path, "url_mobile": "", "title": title, "seendate": seen,
                     "socialimage": "", "domain": "127.0.0.1", "language": "English",
                     "sourcecountry": "United States"} for path, title, seen in rows]
        return Response(json.dumps({"articles": articles} if articles else {}),
                        content_type="application/json; charset=utf-8")
    return handler


@pytest.fixture
def setup(server, tmp_path):
    base = server.url_for("/").rstrip("/")
    calls: list = []
    server.expect_request("/api/v2/doc/doc").respond_with_handler(_gdelt_handler(base, calls))
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    for path, html in PAGES.items():
        server.expect_request(path).respond_with_data(html, content_type="text/html")
    server.expect_request("/p/gone").respond_with_data("gone", status=404)
    recipe_dir = tmp_path / "recipe"
    shutil.copytree(PACKAGED, recipe_dir)
    toml = (recipe_dir / "recipe.toml").read_text()
    toml = toml.replace('start = "2017-01-01"', 'start = "2019-05-01"')
    toml = toml.replace('end = "2019-12-31"', 'end = "2019-05-02"')
    toml = toml.replace("feeds = []", 'feeds = ["feed.xml"]')
    (recipe_dir / "recipe.toml").write_text(toml)
    (recipe_dir / "feed.xml").write_text(
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Test feed</title>
<item><title>Church shelters mother facing deportation</title><link>{base}/p/rss-story</link>
<pubDate>Fri, 03 May 2019 15:00:00 GMT</pubDate></item>
<item><title>County keeps sanctuary policy</title><link>{base}/p/county-vote</link></item>
</channel></rss>""")
    out = tmp_path / "out" / "sanctuary.parquet"
    argv = [str(recipe_dir / "recipe.toml"), "--out", str(out), "--sources", "gdelt,rss",
            "--fetch-text", "--gdelt-url", server.url_for("/api/v2/doc/doc"),
            "--gdelt-min-interval", "0", "--min-interval", "0", "--no-progress"]
    return {"base": base, "argv": argv, "out": out, "calls": calls, "server": server}


def test_collect_end_to_end_and_resume(setup, capsys):
    base, out, server = setup["base"], setup["out"], setup["server"]
    assert main(setup["argv"]) == 0
    printed = capsys.readouterr().out
    print(printed)
    paths = output_paths(out)
    corpus = validate_articles(pd.read_parquet(paths["corpus"]))
    dropped = pd.read_parquet(paths["dropped"])
    ids = {path: url_article_id(base + path) for path in list(PAGES) + ["/p/gone"]}
    assert set(corpus.index) == {ids["/p/county-vote"], ids["/p/wire-a"], ids["/p/wire-b"],
                                 ids["/p/rss-story"]}
    assert corpus.loc[ids["/p/wire-b"], "meta_duplicate_of"] == ids["/p/wire-a"]
    assert corpus["meta_duplicate_of"].notna().sum() == 1
    assert "ICE detainers" in corpus.loc[ids["/p/county-vote"], "text"]
    assert corpus.loc[ids["/p/county-vote"], "meta_source"] == "gdelt"  # found there first
    assert corpus.loc[ids["/p/rss-story"], "meta_source"] == "rss"
    assert (corpus["meta_relevance_score"] >= 2).all()
    assert corpus.attrs["collect"]["recipe"] == "sanctuary"
    assert len(corpus.attrs["collect"]["recipe_sha256"]) == 64
    # nothing disappears: the irrelevant page and the dead link are in the dropped file
    assert dropped.loc[ids["/p/marsh"], "meta_drop_stage"] == "relevance"
    assert dropped.loc[ids["/p/marsh"], "meta_drop_reason"].startswith("not relevant")
    assert dropped.loc[ids["/p/gone"], "meta_drop_stage"] == "fetch"
    assert "404" in dropped.loc[ids["/p/gone"], "meta_drop_reason"]
    state = json.loads(paths["state"].read_text())
    assert len(state["gdelt_windows"]) == 2
    assert "kept" in printed and "dropped: 2 articles" in printed
    assert "1 flagged as duplicates" in printed
    assert len(setup["calls"]) == 2

    # rerun: the GDELT windows are done, known articles are skipped, the dead link is retried
    server.clear_log()
    assert main(setup["argv"]) == 0
    printed = capsys.readouterr().out
    assert len(setup["calls"]) == 2  # no new GDELT request
    fetched = [r.path for r, _ in server.log if r.path.startswith("/p/")]
    assert fetched == ["/p/gone"]
    again = pd.read_parquet(paths["corpus"])
    assert set(again.index) == set(corpus.index)
    assert len(pd.read_parquet(paths["dropped"])) == 2


def test_bad_arguments_exit_2(tmp_path, capsys):
    assert main(["no-such-recipe", "--out", str(tmp_path / "x.parquet")]) == 2
    assert "no recipe named" in capsys.readouterr().err
    assert main(["sanctuary", "--out", str(tmp_path / "x.parquet"),
                 "--sources", "telegraph"]) == 2


def test_add_parser_registers_the_subcommand():
    parser = argparse.ArgumentParser(prog="framing")
    subparsers = parser.add_subparsers(dest="command")
    add_parser(subparsers)
    args = parser.parse_args(["collect", "sanctuary", "--out", "c.parquet", "--fetch-text",
                              "--sources", "gdelt", "--start", "2019-01-01"])
    assert args.command == "collect" and args.fetch_text and args.start == "2019-01-01"
    assert callable(args.func)


def test_stubs_first_then_full_text(setup, capsys):
    argv = [a for a in setup["argv"] if a != "--fetch-text"]
    base, out = setup["base"], setup["out"]
    assert main(argv) == 0
    paths = output_paths(out)
    stubs = pd.read_parquet(paths["corpus"])
    assert (stubs["text"] == "").all()  # judged on titles: "Sanctuary policy stays"...
    assert url_article_id(base + "/p/county-vote") in stubs.index
    assert not any(r.path.startswith("/p/") for r, _ in setup["server"].log)
    # the same corpus with --fetch-text: stubs are filled and judged again on their text
    assert main(setup["argv"]) == 0
    print(capsys.readouterr().out)
    full = validate_articles(pd.read_parquet(paths["corpus"]))
    dropped = pd.read_parquet(paths["dropped"])
    assert (full["text"] != "").all()
    ids = {path: url_article_id(base + path) for path in list(PAGES) + ["/p/gone"]}
    assert set(full.index) == {ids["/p/county-vote"], ids["/p/wire-a"], ids["/p/wire-b"],
                               ids["/p/rss-story"]}
    assert set(dropped.index) == {ids["/p/marsh"], ids["/p/gone"]}
    assert dropped.loc[ids["/p/gone"], "meta_drop_stage"] == "fetch"
    assert full.loc[ids["/p/wire-b"], "meta_duplicate_of"] == ids["/p/wire-a"]


def test_unreachable_search_is_reported_and_retried_later(tmp_path, capsys):
    from framing.collect import collect_corpus

    out = tmp_path / "c.parquet"
    summary = collect_corpus("sanctuary", out, sources=["gdelt"], start="2019-01-01",
                             end="2019-01-01", progress=False, source_options={"gdelt": {
                                 "base_url": "http://127.0.0.1:9/doc", "min_interval": 0,
                                 "retries": 0}})
    printed = capsys.readouterr().out
    assert summary["incomplete"] and "INCOMPLETE: gdelt 2019-01-01" in printed
    state = json.loads(output_paths(out)["state"].read_text())
    assert state["gdelt_windows"] == []  # not marked done: the next run searches it again


def test_exit_status_1_when_searches_failed(monkeypatch, tmp_path):
    import framing.collect.pipeline as pipeline

    def fake(*args, **kwargs):
        return {"failed_sources": [], "incomplete": ["gdelt 2019-01-01: timeout"]}

    monkeypatch.setattr(pipeline, "collect_corpus", fake)
    assert main(["sanctuary", "--out", str(tmp_path / "c.parquet")]) == 1


def test_mediacloud_source_and_its_state(server, tmp_path, capsys):
    from .test_mediacloud import Replay

    replay = Replay(rate_limit_page2=False)
    server.expect_request("/api/search/api-params").respond_with_handler(replay)
    server.expect_request("/api/search/story-list").respond_with_handler(replay)
    out = tmp_path / "mc.parquet"
    argv = ["sanctuary", "--out", str(out), "--sources", "mediacloud", "--start", "2019-05-01",
            "--end", "2019-05-07", "--mediacloud-url", server.url_for("/api/"),
            "--mediacloud-api-key", "k", "--no-progress"]
    assert main(argv) == 0
    corpus = validate_articles(pd.read_parquet(out))
    assert len(corpus) == 7 and (corpus["meta_source"] == "mediacloud").all()
    sent = [args for path, args, _ in replay.requests if path.endswith("story-list")][0]
    assert "sanctuary city" in sent["q"] and sent["cs"] == "34412234,38379429"
    assert json.loads(output_paths(out)["state"].read_text())["mediacloud_ranges"] == [
        ["2019-05-01", "2019-05-07"]]
    capsys.readouterr()
    assert main(argv) == 0
    assert "already searched" in capsys.readouterr().out
