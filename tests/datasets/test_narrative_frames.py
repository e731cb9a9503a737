"""fetch_narrative_frames: 428 climate articles with gold frames, and the entity roles."""

from __future__ import annotations

import gzip
import json
import shutil

import pandas as pd
import pytest

from framing._fetch import select
from framing.datasets import fetch_narrative_frames
from framing.datasets._narrative_frames import _parse, outlet_key
from framing.schema import validate_articles

FRAMES = ["resolution", "human_interest", "conflict", "moral", "economic"]


@pytest.fixture(scope="module")
def articles(mirror_dir):
    return fetch_narrative_frames(progress=False)


@pytest.fixture(scope="module")
def roles(mirror_dir):
    return fetch_narrative_frames("entity_roles", progress=False)


def _reconciles(df):
    assert len(df) + len(df.attrs["rejected"]) == df.attrs["n_source_rows"]


def test_frame_counts_by_mbfc_match_the_curated_readme(articles):
    validate_articles(articles)
    _reconciles(articles)
    assert len(articles) == 428
    columns = [f"label_frame_{f}" for f in FRAMES]
    assert all(str(articles[c].dtype) == "boolean" for c in columns)
    table = articles.groupby("meta_mbfc")[columns].sum()
    assert table.loc["left_bias"].tolist() == [68, 15, 94, 14, 39]
    assert table.loc["left_center_bias"].tolist() == [56, 7, 59, 4, 31]
    assert table.loc["right_bias"].tolist() == [40, 19, 71, 16, 37]
    assert table.loc["questionable_source"].tolist() == [27, 8, 44, 10, 20]
    assert articles[columns].sum().tolist() == [191, 49, 268, 44, 127]
    assert articles["meta_mbfc"].value_counts().to_dict() == {
        "left_bias": 132, "right_bias": 114, "left_center_bias": 108, "questionable_source": 74}
    assert articles["date"].dt.year.value_counts().to_dict() == {2019: 166, 2017: 139,
                                                                 2018: 123}
    assert articles["meta_opinion"].sum() == 18


def test_source_defects_are_reported(articles):
    assert articles.loc["narrative-frames-0405", [f"label_frame_{f}" for f in FRAMES]
                        ].isna().all()
    typo_value = articles.loc["narrative-frames-0716", "label_frame_economic"]
    assert typo_value is not pd.NA and not typo_value
    coerced = articles.attrs["coerced"]
    assert len(coerced) == 6
    assert (coerced["row_id"] == "narrative-frames-0405").sum() == 5
    typo = coerced[coerced["row_id"] == "narrative-frames-0716"].iloc[0]
    assert (typo["column"], typo["value"], typo["line"]) == (
        "label_frame_economic", "False)", 356)


def test_outlet_spellings_share_one_key(articles):
    by_source = articles.groupby("meta_source")["outlet"].first()
    assert by_source["thedailycaller"] == by_source["The Daily Caller"] == "the-daily-caller"
    assert by_source["thehuffingtonpost"] == by_source["The Huffington Post"]
    assert by_source["TheBlaze"] == by_source["theblaze"] == "theblaze"
    assert articles["outlet"].value_counts()["the-daily-caller"] == 41
    assert articles["outlet"].nunique() == 36
    assert outlet_key("Some New Outlet") == "some-new-outlet"


def test_texts_equal_the_curated_file(articles, shared_data):
    with gzip.open(shared_data / "narrative_frames_climate" / "articles.jsonl.gz", "rt",
                   encoding="utf-8") as handle:
        curated = {f"narrative-frames-{r['ID']:04d}": r for r in map(json.loads, handle)}
    assert set(curated) == set(articles.index)
    assert all(articles.loc[k, "text"] == r["text"] for k, r in curated.items())
    assert articles["title"].eq("").all()
    assert articles.loc["narrative-frames-0000", "text"].startswith(
        'Climate Alarmists Want to Rebrand "Climate Change"')


def test_entity_roles(roles, articles):
    _reconciles(roles)
    assert len(roles) == 1944
    assert roles["role"].value_counts().to_dict() == {"villain": 754, "victim": 642,
                                                      "hero": 548}
    assert roles["group"].value_counts()["GOVERNMENTS_POLITICIANS_POLIT.ORGS"] == 774
    assert roles["article_id"].nunique() == 428
    assert set(roles["article_id"]) <= set(articles.index)
    assert roles.loc["narrative-frames-0000-00", "entity"] == "climate alarmists"


def test_malformed_rows_are_reported_and_counts_reconcile(mirror_dir, tmp_path):
    paths = []
    for entry in select("narrative_frames", "data/articles_metadata.tsv"):
        target = tmp_path / entry.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror_dir / entry.relpath, target)
        paths.append(target)
    lines = paths[0].read_bytes().split(b"\n")[:6]  # header + 5 articles
    fields = lines[1].split(b"\t")
    lines[2] = b"\t".join([b"abc", *lines[2].split(b"\t")[1:]])
    lines[3] = lines[3] + b"\textra"
    bad_label = lines[4].split(b"\t")
    bad_label[3], bad_label[-1] = b"2019-13-45", b"maybe"
    lines[4] = b"\t".join(bad_label)
    paths[0].write_bytes(b"\n".join(lines) + b"\n")
    df = _parse(paths)  # no full_annotations.json: meta_opinion stays missing
    _reconciles(df)
    assert df.attrs["n_source_rows"] == 5 and len(df) == 3
    rejected = df.attrs["rejected"]
    assert rejected["reason"].tolist() == ["ID is not an integer", "expected 10 fields, found 11"]
    assert rejected["line"].tolist() == [3, 4]
    coerced = df.attrs["coerced"].set_index("column")
    assert coerced.loc["date", "reason"].startswith("invalid date")
    assert coerced.loc["label_frame_economic", "value"] == "maybe"
    row = df.loc[coerced.loc["date", "row_id"]]
    assert pd.isna(row["date"]) and pd.isna(row["label_frame_economic"])
    assert df.loc[f"narrative-frames-{int(fields[0]):04d}", "meta_source"] == "redstate"
    validate_articles(df)
