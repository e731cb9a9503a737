"""fetch_gvfc: 2,990 frame-coded headlines and the 1,300-article extension."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from framing._fetch import select
from framing.datasets import fetch_gvfc
from framing.datasets._gvfc import _parse, site_of
from framing.schema import validate_articles


@pytest.fixture(scope="module")
def headlines(mirror_dir):
    return fetch_gvfc(progress=False)


@pytest.fixture(scope="module")
def extension(mirror_dir):
    return fetch_gvfc("articles", progress=False)


def _reconciles(df):
    assert len(df) + len(df.attrs["rejected"]) == df.attrs["n_source_rows"]


def _counts(series):
    return {int(k): int(v) for k, v in series.value_counts().items()}


def test_headline_codes_match_the_curated_readme(headlines):
    validate_articles(headlines)
    _reconciles(headlines)
    assert len(headlines) == 2990 and headlines.attrs["coerced"].empty
    assert _counts(headlines["label_relevant"]) == {1: 2609, 2: 381}
    assert _counts(headlines["label_focus"]) == {2: 1339, 1: 1269, 99: 382}
    assert _counts(headlines["label_theme1"]) == {
        1: 38, 2: 215, 3: 380, 4: 65, 5: 130, 6: 114, 7: 237, 8: 41, 9: 81, 99: 1689}
    assert _counts(headlines["label_theme2"]) == {
        1: 28, 2: 107, 3: 53, 4: 15, 5: 54, 6: 20, 7: 25, 8: 7, 9: 14, 99: 2667}
    assert headlines["label_frame"].value_counts()["Politics"] == 380
    assert headlines["label_frame"].isna().sum() == 1689
    assert (headlines["text"] == headlines["title"]).all()


def test_headlines_equal_the_curated_csv(headlines, shared_data):
    curated = pd.read_csv(shared_data / "gvfc" / "gvfc_headlines_annotations.csv",
                          dtype=str, keep_default_na=False)
    assert headlines["text"].tolist() == curated["news_title"].tolist()
    assert headlines["label_theme1"].astype(str).tolist() == curated["Q3 Theme1"].tolist()


def test_headlines_link_to_their_unique_extension_article(headlines, extension):
    linked = headlines[headlines["meta_extension_id"].notna()]
    assert len(linked) == 1296
    assert (headlines.loc[headlines["meta_extension_id"].isna(), "outlet"] == "unknown").all()
    ext = extension.loc[linked["meta_extension_id"]]
    assert (ext["title"].to_numpy() == linked["title"].to_numpy()).all()
    assert (ext["outlet"].to_numpy() == linked["outlet"].to_numpy()).all()
    first = headlines.loc["gvfc-0000"]
    assert (first["outlet"], first["meta_extension_id"], first["label_frame"]) == (
        "theblaze", "gvfc-ext-0749", "Public opinion")


def test_extension_matches_the_curated_readme(extension):
    validate_articles(extension)
    _reconciles(extension)
    assert len(extension) == 1300 and extension.attrs["coerced"].empty
    assert _counts(extension["label_relevant"]) == {1: 1300}
    assert _counts(extension["label_focus"]) == {2: 1068, 1: 232}
    assert _counts(extension["label_theme1"]) == {
        1: 38, 2: 215, 3: 373, 4: 65, 5: 137, 6: 114, 7: 237, 8: 41, 9: 80}
    assert _counts(extension["label_theme2"])[99] == 981
    sites = extension["meta_site"].value_counts().to_dict()
    assert sites == {
        "yahoo.com": 351, "thehill.com": 137, "cnn.com": 118, "chicagotribune.com": 102,
        "abcnews.go.com": 79, "nytimes.com": 68, "latimes.com": 55, "nbcnews.com": 54,
        "theblaze.com": 49, "newsweek.com": 41, "foxnews.com": 40, "usatoday.com": 36,
        "cbsnews.com": 32, "wsj.com": 25, "slate.com": 24, "washingtonpost.com": 24,
        "politico.com": 21, "pbs.org": 19, "vox.com": 19, "buzzfeednews.com": 5,
        "theatlantic.com": 1}
    assert extension["outlet"].value_counts()["fox-news"] == 40
    assert extension["label_image_v4_relevance"].isna().sum() == 2
    row = extension.loc["gvfc-ext-0000"]
    assert row["title"].startswith("Cremated remains of Las Vegas mass shooter")
    assert row["text"].startswith('"Cremated remains of Las Vegas')  # lead-3, as scraped
    assert (row["outlet"], row["meta_site"]) == ("los-angeles-times", "latimes.com")
    assert site_of("https://sg.finance.yahoo.com/x") == "yahoo.com"


def _copy(mirror_dir, tmp_path):
    paths = []
    for entry in select("gvfc"):
        target = tmp_path / entry.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror_dir / entry.relpath, target)
        paths.append(target)
    return paths


def test_malformed_rows_are_reported_and_counts_reconcile(mirror_dir, tmp_path):
    paths = _copy(mirror_dir, tmp_path)
    xlsx = next(p for p in paths if p.suffix == ".xlsx")
    csv = next(p for p in paths if p.suffix == ".csv")
    sheet = pd.read_excel(xlsx, nrows=5, dtype=object)
    sheet.loc[1, "news_title"] = None
    sheet.loc[2, "Q3 Theme1"] = 42
    sheet.loc[3, "Q2 Focus"] = "often"
    sheet.to_excel(xlsx, sheet_name="gun_violence_master", index=False)
    records = csv.read_bytes().split(b"\r\n")[:4]  # header + 3 articles
    records[2] = b"1,too,few,fields"
    csv.write_bytes(b"\r\n".join(records))

    df = _parse(paths, table="headlines")
    _reconciles(df)
    assert df.attrs["n_source_rows"] == 5 and len(df) == 4
    assert df.attrs["rejected"][["line", "row_id", "reason"]].values.tolist() == [
        [2, "gvfc-0001", "no headline"]]
    coerced = df.attrs["coerced"].set_index("row_id")
    assert coerced.loc["gvfc-0002", ["line", "column", "value"]].tolist() == [
        3, "label_theme1", "42"]
    assert coerced.loc["gvfc-0003", "reason"] == "not an integer: 'often'"
    assert pd.isna(df.loc["gvfc-0002", "label_theme1"]) and pd.isna(
        df.loc["gvfc-0002", "label_frame"])
    validate_articles(df)

    ext = _parse(paths, table="articles")
    _reconciles(ext)
    assert ext.attrs["rejected"][["line", "reason"]].values.tolist() == [
        [3, "expected 17 fields, found 4"]]
    assert ext.index.tolist() == ["gvfc-ext-0000", "gvfc-ext-0002"]


def test_docstring_counts_relevant_headlines_without_a_frame(headlines):
    # broke once: the card said "two thirds of relevant headlines" have no frame code, but
    # the 1,689 rows coded 99 include the 381 irrelevant headlines
    relevant = headlines[headlines["label_relevant"] == 1]
    unframed = int((relevant["label_theme1"] == 99).sum())
    assert (unframed, len(relevant)) == (1308, 2609)
    card = " ".join(fetch_gvfc.__doc__.split())
    assert f"{unframed:,} of the {len(relevant):,}" in card
    assert "Two thirds" not in card
    assert f"leaving {len(relevant) - unframed:,} relevant headlines with a frame" in card


def test_every_gvfc_frame_maps_to_a_policy_frame():
    from framing.datasets import GVFC_TO_POLICY_FRAMES
    from framing.datasets._gvfc import FRAMES
    from framing.features import frame_definitions

    assert set(GVFC_TO_POLICY_FRAMES) == set(FRAMES)
    policy = set(frame_definitions("policy")["frame"])
    assert set(GVFC_TO_POLICY_FRAMES.values()) <= policy
    assert len(set(GVFC_TO_POLICY_FRAMES.values())) == 8  # mental health, school safety: one
    assert GVFC_TO_POLICY_FRAMES[3] == "political" and GVFC_TO_POLICY_FRAMES[1] == "legality"
    with pytest.raises(TypeError):
        GVFC_TO_POLICY_FRAMES[1] = "morality"  # read-only
