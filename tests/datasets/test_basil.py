"""fetch_basil: triplets, span offsets into the article text, and per-sentence labels."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from framing._fetch import select
from framing.datasets import fetch_basil
from framing.datasets._basil import _parse
from framing.schema import validate_articles

TRIPLET = "1e41e98b-9ac1-441d-b2c2-19d8f730c74a"


@pytest.fixture(scope="module")
def articles(mirror_dir):
    return fetch_basil(progress=False)


@pytest.fixture(scope="module")
def spans(mirror_dir):
    return fetch_basil("spans", progress=False)


@pytest.fixture(scope="module")
def sentences(mirror_dir):
    return fetch_basil("sentences", progress=False)


def _reconciles(df):
    assert len(df) + len(df.attrs["rejected"]) == df.attrs["n_source_rows"]


def test_articles_form_100_triplets_of_three_outlets(articles):
    validate_articles(articles)
    _reconciles(articles)
    assert len(articles) == 300 and articles.attrs["coerced"].empty
    assert articles["outlet"].value_counts().to_dict() == {
        "new-york-times": 100, "fox-news": 100, "huffpost": 100}
    per_triplet = articles.groupby("meta_triplet_uuid")["outlet"].agg(frozenset)
    assert len(per_triplet) == 100
    assert set(per_triplet) == {frozenset({"new-york-times", "fox-news", "huffpost"})}
    assert articles["meta_year"].value_counts().to_dict() == {y: 30 for y in range(2010, 2020)}
    assert (articles["meta_source"].str.isupper()).sum() == 12
    assert articles["meta_keywords"].notna().sum() == 53
    assert articles["meta_word_count"].isna().sum() == 29
    assert articles["meta_main_entities"].map(type).eq(list).all()


def test_relative_stance_and_span_counts_match_the_curated_readme(articles):
    stance = articles.groupby("outlet")["meta_relative_stance"].value_counts().unstack()
    assert stance.loc["new-york-times"].to_dict() == {
        "center": 54, "conservative": 8, "left": 14, "liberal": 17, "right": 7}
    assert stance.loc["fox-news"].to_dict() == {
        "center": 38, "conservative": 26, "left": 4, "liberal": 8, "right": 24}
    assert stance.loc["huffpost"].to_dict() == {
        "center": 52, "conservative": 4, "left": 7, "liberal": 31, "right": 6}
    totals = articles.groupby("outlet")[["meta_n_lex_spans", "meta_n_inf_spans"]].sum()
    assert totals.loc["new-york-times"].tolist() == [168, 467]
    assert totals.loc["fox-news"].tolist() == [151, 420]
    assert totals.loc["huffpost"].tolist() == [161, 359]
    assert articles["meta_n_sentences"].sum() == 7984


def test_text_joins_paragraphs_and_sentences_as_published(articles):
    text = articles.loc[f"{TRIPLET}_2", "text"]
    assert text.startswith("WASHINGTON — President Trump agreed on Friday")
    assert "long-promised wall.\n\nThe president’s concession paved" in text
    assert "by voice vote. Mr. Trump signed it on Friday night" in text
    assert articles.loc[f"{TRIPLET}_2", "title"].startswith("Trump Signs Bill Reopening")


def test_immigration_triplets(articles, spans):
    flagged = articles[articles["meta_immigration_event"]]
    assert len(flagged) == 24 and flagged["meta_triplet_uuid"].nunique() == 8
    assert spans.loc[spans["immigration_event"], "bias"].value_counts().to_dict() == {
        "inf": 131, "lex": 61}


def test_span_counts_and_attributes(spans):
    _reconciles(spans)
    assert len(spans) == 1726 and spans.attrs["coerced"].empty
    assert spans["bias"].value_counts().to_dict() == {"inf": 1246, "lex": 480}
    assert spans["polarity"].value_counts().to_dict() == {"neg": 1415, "pos": 311}
    assert spans["aim"].value_counts().to_dict() == {
        "dir": 1517, "ind_pro": 100, "ind_anti": 74, "ind_general": 35}
    assert spans["quote"].value_counts().to_dict() == {"no": 1004, "yes": 722}
    assert spans["indirect_target_name"].isna().sum() == 93


def test_every_body_span_sits_at_its_offsets_in_the_article_text(articles, spans):
    body = spans[~spans["in_title"]]
    assert len(body) == 1723 and body["text_start"].notna().all()
    texts = articles["text"].reindex(body["article_id"]).to_numpy()
    found = [t[s:e] for t, s, e in zip(texts, body["text_start"], body["text_end"], strict=True)]
    assert found == body["txt"].tolist()
    title = spans[spans["in_title"]]
    assert len(title) == 3 and title["text_start"].isna().all()
    titles = articles["title"].reindex(title["article_id"]).to_numpy()
    assert [t[s:e] for t, s, e in zip(titles, title["start"], title["end"], strict=True)] == \
        title["txt"].tolist()


def test_hand_checked_span(articles, spans):
    span = spans.loc[f"{TRIPLET}_2-000"]
    assert (span["annotation_id"], span["paragraph_index"], span["sentence_index"]) == (
        "p2", 1, 2)
    assert (span["start"], span["end"], span["text_start"], span["text_end"]) == (
        197, 211, 623, 637)
    assert articles.loc[f"{TRIPLET}_2", "text"][623:637] == span["txt"] == "forced to work"
    caves = spans.loc[f"{TRIPLET}_3-005"]
    assert caves["in_title"] and caves["txt"] == "Caves" and pd.isna(caves["text_start"])


def test_sentences_table(sentences, articles):
    _reconciles(sentences)
    assert len(sentences) == 7984
    assert sentences["outlet"].value_counts().to_dict() == {
        "new-york-times": 3049, "fox-news": 2639, "huffpost": 2296}
    flags = sentences.groupby("outlet")[["has_lexical_bias", "has_informational_bias"]].sum()
    assert flags.loc["new-york-times"].tolist() == [159, 454]
    assert flags.loc["fox-news"].tolist() == [140, 412]
    assert flags.loc["huffpost"].tolist() == [150, 352]
    texts = articles["text"].reindex(sentences["article_id"]).to_numpy()
    assert [t[s:e] for t, s, e in zip(texts, sentences["text_start"], sentences["text_end"],
                                      strict=True)] == sentences["text"].tolist()


def test_pair_uuid_files_keep_their_triplet(mirror_dir, articles):
    pair_files = [e for e in select("basil", "annotations/*_ann.json")
                  if "pair-uuid" in json.loads((mirror_dir / e.relpath).read_bytes())]
    assert len(pair_files) == 44
    ids = [e.name.removesuffix("_ann.json") for e in pair_files]
    assert (articles.loc[ids, "meta_triplet_uuid"] == [i.rsplit("_", 1)[0] for i in ids]).all()
    assert articles.loc[ids, "meta_n_spans"].notna().all()


def test_malformed_files_and_spans_are_reported_and_counts_reconcile(mirror_dir, tmp_path):
    entries = select("basil", f"*/{TRIPLET}_*")
    paths = {}
    for entry in entries:
        target = tmp_path / entry.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror_dir / entry.relpath, target)
        paths[entry.path.rsplit("/", 1)[-1]] = target
    annotation = json.loads(paths[f"{TRIPLET}_2_ann.json"].read_bytes())
    n_spans = len(annotation["phrase-level-annotations"])
    annotation["phrase-level-annotations"][0]["id"] = "p999"
    annotation["phrase-level-annotations"][1]["start"] = "x"
    annotation["phrase-level-annotations"][2]["txt"] = "something else"
    annotation["pair-uuid"] = annotation.pop("triplet-uuid")
    paths[f"{TRIPLET}_2_ann.json"].write_text(json.dumps(annotation), encoding="utf-8")
    paths[f"{TRIPLET}_1_ann.json"].write_text("{broken", encoding="utf-8")
    paths[f"{TRIPLET}_3.json"].write_text('{"title": "no body"}', encoding="utf-8")
    files = list(paths.values())

    spans = _parse(files, table="spans")
    _reconciles(spans)
    rejected = spans.attrs["rejected"].set_index("row_id")["reason"]
    assert rejected[f"{TRIPLET}_2-000"] == "id 'p999' names no sentence of the article"
    assert rejected[f"{TRIPLET}_2-001"].startswith("start/end not integers")
    assert rejected[f"{TRIPLET}_1"].startswith("not valid JSON")
    assert rejected[f"{TRIPLET}_3-000"].startswith("its article is unusable")
    coerced = spans.attrs["coerced"]
    assert coerced["row_id"].tolist() == [f"{TRIPLET}_2-002"]
    assert pd.isna(spans.loc[f"{TRIPLET}_2-002", "text_start"])
    assert (spans["article_id"] == f"{TRIPLET}_2").sum() == n_spans - 2

    arts = _parse(files, table="articles")
    _reconciles(arts)
    assert arts.index.tolist() == [f"{TRIPLET}_1", f"{TRIPLET}_2"]
    assert arts.attrs["rejected"]["row_id"].tolist() == [f"{TRIPLET}_3"]
    assert arts.loc[f"{TRIPLET}_2", "meta_triplet_uuid"] == TRIPLET  # pair-uuid read
    assert pd.isna(arts.loc[f"{TRIPLET}_1", "meta_n_spans"])
    assert arts.attrs["coerced"]["column"].tolist() == ["meta_n_spans"]
    validate_articles(arts)

    sents = _parse(files, table="sentences")
    _reconciles(sents)
    assert sents.attrs["rejected"]["row_id"].tolist() == [f"{TRIPLET}_3"]
