"""fetch_news_html_fixtures: 25 pages, exact bytes, decoded text and gold snippets."""

from __future__ import annotations

import hashlib
import json
import shutil

import pandas as pd
import pytest

from framing._fetch import select
from framing.datasets import fetch_news_html_fixtures
from framing.datasets._news_html import _parse, decode_html


@pytest.fixture(scope="module")
def pages(mirror_dir):
    return fetch_news_html_fixtures(progress=False)


@pytest.fixture(scope="module")
def curated(shared_data):
    path = shared_data / "news_html_fixtures" / "annotations.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {r["original_file"].removesuffix(".html"): r for r in rows}


def test_every_page_with_its_url_bytes_and_snippets(pages, curated):
    assert len(pages) == 25 and pages.attrs["n_source_rows"] == 25
    assert pages.attrs["rejected"].empty and pages.attrs["coerced"].empty
    assert set(pages.index) == set(curated)
    for page_id, page in pages.iterrows():
        gold = curated[page_id]
        assert page["url"] == gold["url"]
        assert page["source_path"] == gold["source_path_in_repo"]
        assert hashlib.sha256(page["html_bytes"]).hexdigest() == gold["html_sha256"]
        assert page["html"] == page["html_bytes"].decode("utf-8")
        assert page["with_snippets"] == gold["with"]
        assert page["without_snippets"] == gold["without"]
        assert page["title"] == gold["title"]
        assert page["date"] == pd.Timestamp(gold["date"], tz="UTC")
    assert pages["encoding"].eq("utf-8").all()


def test_hand_checked_page(pages):
    page = pages.loc["nytimes.com.blackouts"]
    assert page["url"] == "https://www.nytimes.com/2020/08/16/business/california-blackouts.html"
    assert page["title"] == "Rolling Blackouts in California Have Power Experts Stumped"
    assert isinstance(page["with_snippets"], list) and len(page["without_snippets"]) == 3
    assert pages.loc["theguardian.com.academics", "sitename"] == "the Guardian"
    assert pages.loc["aclu.org-grades", "author"] == "Sarah Hinger; Sylvia Torres-Guillén"


def test_decode_html_follows_bom_and_declared_charset():
    assert decode_html(b"\xef\xbb\xbf<p>caf\xc3\xa9")[:2] == ("<p>café", "utf-8")
    assert decode_html(b"<meta charset=windows-1252><p>\x93q\x94")[0].endswith("\u201cq\u201d")
    assert decode_html(b'<meta charset="nope"><p>x')[2] == "unknown declared charset 'nope'"


def test_unmatched_and_undecodable_pages_are_reported(mirror_dir, tmp_path):
    entries = select("news_html_fixtures", "tests/eval/a*.html") + select(
        "news_html_fixtures", "tests/eval/b*.html") + select("news_html_fixtures",
                                                             "tests/evaldata.json")
    paths = []
    for entry in entries:
        target = tmp_path / entry.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror_dir / entry.relpath, target)
        paths.append(target)
    evaldata = json.loads(paths[-1].read_bytes())
    url = next(u for u, e in evaldata.items() if e["file"] == "axios.com.future.html")
    del evaldata[url]
    paths[-1].write_text(json.dumps(evaldata), encoding="utf-8")
    bbc = next(p for p in paths if p.name == "bbc.com.52241221.html")
    bbc.write_bytes(b"<html><p>caf\xe9</p></html>")
    df = _parse(paths)
    assert len(df) + len(df.attrs["rejected"]) == df.attrs["n_source_rows"] == 3
    assert df.attrs["rejected"][["source", "row_id", "reason"]].values.tolist() == [
        ["tests/eval/axios.com.future.html", "axios.com.future",
         "0 entries of tests/evaldata.json name this file (need one)"]]
    coerced = df.attrs["coerced"]
    assert coerced[["row_id", "column"]].values.tolist() == [["bbc.com.52241221", "html"]]
    assert coerced["reason"].iat[0].startswith("undecodable as utf-8")
    assert pd.isna(df.loc["bbc.com.52241221", "html"])
    assert df.loc["bbc.com.52241221", "html_bytes"] == b"<html><p>caf\xe9</p></html>"
