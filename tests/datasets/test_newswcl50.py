"""fetch_newswcl50: 8,694 coded mentions (checked by validate_mentions) and 50 article URLs."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from framing._fetch import select
from framing.datasets import fetch_newswcl50
from framing.datasets._newswcl50 import _parse, validate_mentions
from framing.schema import SchemaError, validate_articles

PUBLISHERS = ["LL", "L", "M", "R", "RR"]


@pytest.fixture(scope="module")
def mentions(mirror_dir):
    return fetch_newswcl50(progress=False)


@pytest.fixture(scope="module")
def articles(mirror_dir):
    return fetch_newswcl50("articles", progress=False)


def _reconciles(df):
    assert len(df) + len(df.attrs["rejected"]) == df.attrs["n_source_rows"]


def test_mentions_per_event_and_publisher_match_the_curated_readme(mentions):
    validate_mentions(mentions)
    _reconciles(mentions)
    assert len(mentions) == 8694 and mentions.attrs["coerced"].empty
    table = pd.crosstab(mentions["event_id"], mentions["publisher_id"])[PUBLISHERS]
    assert table.loc[0].tolist() == [84, 205, 215, 138, 49]
    assert table.loc[6].tolist() == [287, 253, 212, 133, 93]
    assert table.loc[9].tolist() == [128, 265, 158, 92, 87]
    assert table.sum().tolist() == [1779, 2640, 1728, 1695, 852]
    assert table.sum(axis=1).tolist() == [691, 798, 793, 1249, 1085, 657, 978, 796, 917, 730]
    assert mentions["code_type"].value_counts().to_dict() == {
        "PROPERTY": 2731, "COUNTRY": 1633, "ACTOR": 1411, "OBJECT": 604, "MISC": 603,
        "ACTOR-I": 540, "GROUP": 525, "EVENT": 518, "ACTION": 129}
    assert mentions["target_concept"].notna().sum() == 2737
    caravan = mentions[mentions["event_id"] == 6]["code_name"].value_counts()
    assert caravan["Migrant caravan"] == 142 and caravan.index[0] == "Migrant caravan"


def test_hand_checked_mentions(mentions):
    first = mentions.loc["0_LL_0001"]
    assert (first["code_type"], first["code_name"], first["code_mention"]) == (
        "ACTOR", "PRK\\Jong Un", "Kim Jong Un")
    assert (first["paragraph"], first["sentence"], first["start"], first["end"]) == (
        0, 0, 10, 12)
    assert (first["article_id"], first["outlet"]) == ("newswcl50-0-LL", "huffpost")
    prop = mentions.loc["0_LL_0008"]
    assert (prop["code_name"], prop["target_concept"]) == ("Power", "Trump")


def test_articles(articles, mentions):
    validate_articles(articles)
    _reconciles(articles)
    assert len(articles) == 50
    assert articles["outlet"].value_counts().to_dict() == dict.fromkeys(
        ["breitbart", "fox-news", "huffpost", "new-york-times", "usa-today"], 10)
    assert set(mentions["article_id"]) == set(articles.index)
    assert (articles["text"] == "").all() and articles["url"].str.startswith("http").all()
    assert "migrant-caravan-rallies" in articles.loc["newswcl50-6-M", "url"]
    assert not articles["url"].str.contains("\r").any()


def test_validate_mentions_names_column_and_row(mentions):
    small = mentions.head(5).copy()
    broken = small.assign(code_mention=["x", "y", "", "z", "w"])
    with pytest.raises(SchemaError) as err:
        validate_mentions(broken)
    assert (err.value.column, err.value.row, err.value.position) == (
        "code_mention", small.index[2], 2)
    with pytest.raises(SchemaError, match="start after end") as err:
        validate_mentions(small.assign(start=[0, 0, 0, 99, 0]))
    assert err.value.row == small.index[3]
    with pytest.raises(SchemaError, match="unique"):
        validate_mentions(small.set_axis(pd.Index(["a", "a", "b", "c", "d"],
                                                  name="mention_id")))
    with pytest.raises(SchemaError, match="publisher_id"):
        validate_mentions(small.assign(publisher_id="X"))
    with pytest.raises(SchemaError, match="required column"):
        validate_mentions(small.drop(columns="code_name"))


def test_malformed_rows_are_reported_and_counts_reconcile(mirror_dir, tmp_path):
    paths = []
    for entry in select("newswcl50"):
        target = tmp_path / entry.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror_dir / entry.relpath, target)
        paths.append(target)
    annotations = next(p for p in paths if p.name == "Annotations.csv")
    # "sep=,\n" ends in LF, every other line in CRLF: lines[0] is the hint and the header.
    lines = annotations.read_bytes().split(b"\r\n")[:7]  # + 6 mentions
    lines[2] = lines[2].replace(b",0,LL,0,0,10,12", b",0,LL,0,0,ten,12")
    lines[3] = lines[3].replace(b",0,LL,", b",0,XX,")
    lines[4] = b"0_LL_0003,ACTOR"
    lines[5] = lines[1]  # a duplicate of the first mention
    annotations.write_bytes(b"\r\n".join(lines) + b"\r\n")
    df = _parse(paths, table="mentions")
    _reconciles(df)
    assert df.attrs["n_source_rows"] == 6 and df.index.tolist() == ["0_LL_0000", "0_LL_0005"]
    rejected = df.attrs["rejected"]
    assert rejected["line"].tolist() == [4, 5, 6, 7]  # the sep= line is line 1
    assert rejected["reason"].tolist() == [
        "start is not a non-negative integer: 'ten'",
        "publisher_id 'XX' is not one of ['LL', 'L', 'M', 'R', 'RR']",
        "expected 11 fields, found 2",
        "duplicate id '0_LL_0000'"]
