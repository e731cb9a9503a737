"""fetch_allsides: all 2,027 articles, validated, with splits, duplicates and sanctuary flags."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from framing._fetch import select
from framing.datasets import fetch_allsides
from framing.datasets._allsides import _parse
from framing.schema import validate_articles


@pytest.fixture(scope="module")
def articles(mirror_dir):
    return fetch_allsides(progress=False)


@pytest.mark.slow
def test_fetch_over_loopback_http_returns_every_article(mirror_dir, fresh_data_home,
                                                        monkeypatch, serve_folder):
    monkeypatch.setenv("FRAMING_MIRROR", serve_folder(mirror_dir))
    df = fetch_allsides(progress=False)
    validate_articles(df)
    assert len(df) == 2027
    assert df["outlet"].nunique() == 121
    assert (df["text"].str.len() > 200).all()  # full bodies, not stubs
    # The parsed cache answers the next call without the raw files or the server.
    shutil.rmtree(fresh_data_home / "raw")
    monkeypatch.setenv("FRAMING_OFFLINE", "1")
    monkeypatch.delenv("FRAMING_MIRROR")
    again = fetch_allsides(progress=False)
    pd.testing.assert_frame_equal(df, again)


def test_labels_splits_and_counts(articles):
    assert articles["label_allsides"].value_counts().to_dict() == {
        "right": 870, "left": 620, "center": 537}
    assert articles["meta_split_random"].value_counts().to_dict() == {
        "train": 1596, "valid": 375, "test": 19}
    assert articles["meta_split_random"].isna().sum() == 37
    assert articles["meta_split_media"].isna().sum() == 434
    assert (articles["meta_split_media"] == "valid").sum() == 116
    assert articles["meta_is_topic_immigration"].sum() == 1547
    assert articles.attrs["n_source_rows"] == 2027
    assert articles.attrs["rejected"].empty


def test_outlet_label_is_outlet_level(articles):
    per_outlet = articles.groupby("outlet", observed=True)["label_allsides"].nunique()
    # One AllSides source (ProPublica) carries two labels in the corpus; all others one.
    assert (per_outlet > 1).sum() <= 1
    assert articles.loc[articles["meta_source"] == "Washington Times", "outlet"].iat[0] == \
        "washington-times"


def test_duplicates_are_flagged_not_dropped(articles):
    dups = articles["meta_duplicate_of"].dropna()
    assert dups.to_dict() == {"QPcxmz7aZupgyo34": "POd21VKtUvHmjVVm"}
    assert "POd21VKtUvHmjVVm" in articles.index


def test_dates_are_utc_and_implausible_ones_reported(articles):
    assert str(articles["date"].dt.tz) == "UTC"
    assert articles["date"].isna().sum() == 278
    coerced = articles.attrs["coerced"]
    assert coerced["row_id"].tolist() == ["KUm13kckEAaCniv4"]
    assert coerced["value"].tolist() == ["0001-11-30"]
    assert pd.isna(articles.loc["KUm13kckEAaCniv4", "date"])


def test_sanctuary_flags(articles):
    counts = {c: int(articles[f"meta_{c}"].sum()) for c in (
        "mentions_ice", "mentions_detainer", "mentions_ca_values_act", "mentions_287g",
        "mentions_secure_communities", "mentions_sanctuary_policy", "sanctuary_related")}
    # The curated subset's own flags give 599/37/11/11/27/294/330; our recomputation differs on
    # three articles where "sanctuary" is used in the immigration sense without a policy noun
    # nearby (two more True) and one where it is not (one fewer).
    assert counts == {"mentions_ice": 599, "mentions_detainer": 37, "mentions_ca_values_act": 11,
                      "mentions_287g": 11, "mentions_secure_communities": 27,
                      "mentions_sanctuary_policy": 295, "sanctuary_related": 331}


@pytest.mark.parametrize("text, expected", [
    ("Los Angeles is a sanctuary city and ignores ICE detainers.", True),
    ("The church offered sanctuary to a mother facing deportation.", True),
    ("The county board declared a Second Amendment sanctuary.", False),
    ("The bird sanctuary reopened after the storm.", False),
    ("The library is a sanctuary for readers.", False),
])
def test_sanctuary_policy_flag_cases(text, expected):
    from framing.datasets._sanctuary_flags import sanctuary_flags

    assert sanctuary_flags(pd.Series([text]))["mentions_sanctuary_policy"].item() is expected


def test_malformed_upstream_rows_are_reported_and_counts_reconcile(mirror_dir, tmp_path):
    entries = select("allsides", "data/jsons/*.json")[:6] + select("allsides", "data/splits/*")
    paths = []
    for entry in entries:
        target = tmp_path / entry.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror_dir / entry.relpath, target)
        paths.append(target)
    paths[0].write_text("{not json", encoding="utf-8")
    record = json.loads(paths[1].read_text(encoding="utf-8"))
    record["bias_text"] = "far-left"
    paths[1].write_text(json.dumps(record), encoding="utf-8")
    record = json.loads(paths[2].read_text(encoding="utf-8"))
    del record["content_original"]
    record["date"] = "sometime"
    paths[2].write_text(json.dumps(record), encoding="utf-8")
    record = json.loads(paths[3].read_text(encoding="utf-8"))
    record["date"] = "3/14/18"
    paths[3].write_text(json.dumps(record), encoding="utf-8")

    df = _parse(paths)
    rejected = df.attrs["rejected"]
    assert len(df) + len(rejected) == df.attrs["n_source_rows"] == 6
    reasons = dict(zip(rejected["row_id"], rejected["reason"], strict=True))
    assert reasons[paths[0].stem].startswith("not valid JSON")
    assert "far-left" in reasons[paths[1].stem]
    assert "no content_original" in reasons[paths[2].stem]
    assert df.loc[paths[3].stem, "date"] == pd.Timestamp("2018-03-14", tz="UTC")
    validate_articles(df)
