"""fetch_babe / fetch_mbic: every sentence kept, labels and biased words as in the source."""

from __future__ import annotations

import gzip
import json
import shutil

import pandas as pd
import pytest

from framing._fetch import select
from framing.datasets import fetch_babe, fetch_mbic
from framing.datasets._babe import _parse
from framing.schema import validate_articles


@pytest.fixture(scope="module")
def sg2(mirror_dir):
    return fetch_babe(progress=False)


@pytest.fixture(scope="module")
def sg1(mirror_dir):
    return fetch_babe("sg1", progress=False)


@pytest.fixture(scope="module")
def mbic(mirror_dir):
    return fetch_mbic(progress=False)


def _curated(shared_data, name):
    path = shared_data / "babe" / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _reconciles(df):
    assert len(df) + len(df.attrs["rejected"]) == df.attrs["n_source_rows"]


def test_sg2_counts_match_the_curated_readme(sg2):
    validate_articles(sg2)
    _reconciles(sg2)
    assert len(sg2) == 3674 and sg2.index.is_monotonic_increasing
    assert sg2.index[0] == "babe-sg2-0000" and sg2.index[-1] == "babe-sg2-3673"
    assert sg2["label_bias"].value_counts().to_dict() == {
        "Non-biased": 1863, "Biased": 1810, "No agreement": 1}
    assert sg2["label_opinion"].value_counts().to_dict() == {
        "Entirely factual": 1600, "Somewhat factual but also opinionated": 1000,
        "Expresses writer\u2019s opinion": 858, "No agreement": 216}
    assert sg2["meta_outlet_type"].value_counts().to_dict() == {
        "right": 993, "left": 989, "center": 692}
    assert sg2["meta_outlet_type"].isna().sum() == 1000
    assert (sg2["meta_biased_words"].map(len) > 0).sum() == 1849
    assert sg2["outlet"].value_counts().to_dict() == {
        "breitbart": 943, "alternet": 773, "reuters": 761, "federalist": 315, "msnbc": 273,
        "fox-news": 245, "usa-today": 199, "huffpost": 124, "daily-beast": 35,
        "daily-stormer": 5, "new-york-times": 1}
    immigration = sg2[sg2["topic"] == "immigration"]
    assert immigration["label_bias"].value_counts().to_dict() == {
        "Non-biased": 64, "Biased": 58, "No agreement": 0}
    assert sg2["date"].isna().all() and (sg2["title"] == "").all()


def test_sg1_and_mbic_counts_match_the_curated_readme(sg1, mbic):
    for df in (sg1, mbic):
        validate_articles(df)
        _reconciles(df)
        assert len(df) == 1700
        assert df["meta_outlet_type"].value_counts().to_dict() == {
            "left": 694, "right": 691, "center": 315}
    assert sg1["label_bias"].value_counts().to_dict() == {
        "Non-biased": 800, "Biased": 746, "No agreement": 154}
    assert (sg1["meta_biased_words"].map(len) > 0).sum() == 786
    assert mbic["label_bias"].value_counts().to_dict() == {
        "Biased": 1018, "Non-biased": 533, "No agreement": 149}
    assert mbic["label_opinion"].value_counts()["No agreement"] == 174
    assert (mbic["meta_biased_words"].map(len) > 0).sum() == 1369
    assert mbic["meta_article"].isna().sum() == 100
    assert mbic["url"].isna().sum() == 19
    assert mbic["meta_group_id"].dtype == "Int64" and mbic["meta_num_sent"].max() == 5
    assert mbic.loc[mbic["outlet"] == "fox-news", "label_bias"].value_counts().to_dict() == {
        "Biased": 50, "Non-biased": 45, "No agreement": 16}


def test_slugs_and_display_names_give_the_same_outlet_keys(sg1, sg2):
    assert set(sg1["outlet"]) <= set(sg2["outlet"])
    pairs = set(zip(sg2["meta_source_outlet"], sg2["outlet"], strict=True))
    assert ("Fox News", "fox-news") in pairs and ("USA Today", "usa-today") in pairs
    assert sg1.loc[sg1["meta_source_outlet"] == "fox-news", "outlet"].eq("fox-news").all()


def test_hand_checked_sentence(sg2):
    row = sg2.loc["babe-sg2-0001"]
    assert row["text"].startswith('"We have one beautiful law," Trump recently said')
    assert row["meta_biased_words"] == ["bizarre", "characteristically"]
    assert (row["outlet"], row["topic"], row["label_bias"], row["meta_outlet_type"]) == (
        "alternet", "gun control", "Biased", "left")
    assert row["url"].startswith("https://www.alternet.org/2020/06/law-and-order")


def test_texts_and_words_equal_the_curated_files(sg2, mbic, shared_data):
    for df, name in ((sg2, "babe_sg2_final_labels.jsonl"), (mbic, "mbic_final_labels.jsonl.gz")):
        curated = _curated(shared_data, name)
        assert len(curated) == len(df)
        assert df["text"].tolist() == [r["text"] for r in curated]  # as published
        assert df["meta_biased_words"].tolist() == [r["biased_words"] for r in curated]
        assert df["label_bias"].astype(str).tolist() == [r["label_bias"] for r in curated]


def test_unknown_subset_is_refused():
    with pytest.raises(ValueError, match="SG1"):
        fetch_babe("SG3")


def _copy(mirror_dir, tmp_path, pattern):
    (entry,) = select("babe", pattern)
    target = tmp_path / entry.relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(mirror_dir / entry.relpath, target)
    return target


def test_malformed_csv_rows_are_reported_and_counts_reconcile(mirror_dir, tmp_path):
    path = _copy(mirror_dir, tmp_path, "data/final_labels_SG2.csv")
    lines = path.read_bytes().split(b"\n")[:7]  # BOM + header + 6 sentences
    lines[2] = lines[2].replace(b";['bizarre', 'characteristically']", b";['bizarre', 1]")
    lines[3] = b"only;three;fields"
    lines[4] = lines[4].replace(b";Biased;", b";Very biased;")
    lines[5] = b";https://x;Fox News;t;right;Biased;Entirely factual;[]"
    path.write_bytes(b"\n".join(lines) + b"\n")
    df = _parse([path])
    _reconciles(df)
    assert df.attrs["n_source_rows"] == 6 and len(df) == 4
    rejected = df.attrs["rejected"].set_index("row_id")
    assert rejected.loc["babe-sg2-0002", "reason"] == "expected 8 fields, found 3"
    assert rejected.loc["babe-sg2-0002", "line"] == 4
    assert rejected.loc["babe-sg2-0004", "reason"] == "no sentence text"
    coerced = df.attrs["coerced"].set_index("row_id")
    assert coerced.loc["babe-sg2-0001", "column"] == "meta_biased_words"
    assert coerced.loc["babe-sg2-0001", "reason"] == "not a list of strings"
    assert coerced.loc["babe-sg2-0003", "column"] == "label_bias"
    assert df.loc["babe-sg2-0001", "meta_biased_words"] is None
    assert pd.isna(df.loc["babe-sg2-0003", "label_bias"])
    assert (coerced["source"] == "data/final_labels_SG2.csv").all()
    validate_articles(df)


def test_malformed_sheet_rows_are_reported_with_their_data_row(mirror_dir, tmp_path):
    path = _copy(mirror_dir, tmp_path, "data/final_labels_MBIC.xlsx")
    head = pd.read_excel(path, nrows=4, dtype=object)
    head.loc[1, "text"] = None
    head.loc[2, "group_id"] = "seven"
    head.to_excel(path, index=False)
    df = _parse([path])
    _reconciles(df)
    assert df.index.tolist() == ["mbic-0000", "mbic-0002", "mbic-0003"]
    rejected = df.attrs["rejected"]
    assert rejected[["line", "row_id", "reason"]].values.tolist() == [
        [2, "mbic-0001", "no sentence text"]]
    coerced = df.attrs["coerced"]
    assert coerced[["row_id", "column", "value"]].values.tolist() == [
        ["mbic-0002", "meta_group_id", "seven"]]
    assert pd.isna(df.loc["mbic-0002", "meta_group_id"])
