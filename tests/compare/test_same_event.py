"""Same-event comparison: paired differences between outlets within events (BASIL)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.compare import same_event


def test_hand_worked_pairs_and_exact_sign_flip():
    # Differences 4, 3, 2, 4 over four events: mean 3.25; of the 16 sign patterns only
    # all-plus and all-minus reach |mean| >= 3.25, so p = 2/16.
    articles = pd.DataFrame({"outlet": ["fox", "nyt"] * 4,
                             "meta_triplet_uuid": ["e1", "e1", "e2", "e2", "e3", "e3", "e4",
                                                   "e4"]})
    features = pd.Series([5.0, 1.0, 9.0, 6.0, 2.0, 0.0, 7.0, 3.0], name="loaded")
    table = same_event(features, articles, n_boot=500)
    row = table.iloc[0]
    assert (row.feature, row.group, row.n) == ("loaded", "fox - nyt", 4)
    assert row.estimate == 3.25 and row.p_value == pytest.approx(0.125)
    assert (row.mean_a, row.mean_b) == (5.75, 2.5)
    assert 2.0 <= row.ci_low <= row.estimate <= row.ci_high <= 4.0
    assert "exact" in row.method


def triplets(seed=0, n_events=60):
    """Events with large event effects; fox is +1 on "loaded", nyt and hpo equal."""
    rng = np.random.default_rng(seed)
    rows = []
    for e in range(n_events):
        event_effect = rng.normal(0, 5)
        for outlet, shift in (("fox-news", 1.0), ("new-york-times", 0.0), ("huffpost", 0.0)):
            rows.append({"article_id": f"e{e}_{outlet}", "outlet": outlet,
                         "meta_triplet_uuid": f"e{e}",
                         "loaded": event_effect + shift + rng.normal(0, 0.5),
                         "length": rng.normal(800, 100)})
    frame = pd.DataFrame(rows).set_index("article_id")
    return frame[["loaded", "length"]], frame[["outlet", "meta_triplet_uuid"]]


def test_event_effects_cancel_and_only_the_real_difference_is_found():
    features, articles = triplets()
    table = same_event(features, articles, n_boot=1000, n_perm=2000)
    assert table.group.unique().tolist() == ["fox-news - huffpost", "fox-news - new-york-times",
                                             "huffpost - new-york-times"]
    rows = table.set_index(["feature", "group"])
    fox_nyt = rows.loc[("loaded", "fox-news - new-york-times")]
    assert fox_nyt.ci_low < 1.0 < fox_nyt.ci_high and fox_nyt.ci_low > 0.6
    assert fox_nyt.p_value < 0.001 and fox_nyt.q_value < 0.01 and fox_nyt.n == 60
    hpo_nyt = rows.loc[("loaded", "huffpost - new-york-times")]
    assert hpo_nyt.ci_low < 0 < hpo_nyt.ci_high and hpo_nyt.p_value > 0.05
    assert "monte carlo" in fox_nyt.method
    # Unpaired, the event effects (sd 5) would swamp the +1: the paired sd is small.
    assert fox_nyt.sd_diff < 1.0


def test_missing_articles_pairs_and_determinism():
    features, articles = triplets(seed=1, n_events=20)
    drop = articles.index[(articles.outlet == "huffpost")][:5]
    features, articles = features.drop(drop), articles.drop(drop)
    table = same_event(features, articles, pairs=[("huffpost", "fox-news")], n_boot=200)
    assert table.group.unique().tolist() == ["huffpost - fox-news"]
    assert (table.n == 15).all()
    pd.testing.assert_frame_equal(
        table, same_event(features, articles, pairs=[("huffpost", "fox-news")], n_boot=200))
    with pytest.raises(ValueError, match="outlets present"):
        same_event(features, articles, pairs=[("cnn", "fox-news")])


def test_basil_triplets(mirror_dir):
    """Real data: lexical-bias spans per 1,000 words, compared within BASIL's events."""
    from framing.datasets import fetch_basil

    basil = fetch_basil()
    words = basil["text"].str.split().str.len().clip(lower=1)
    rate = 1000 * basil["meta_n_lex_spans"] / words
    table = same_event(rate.rename("lex_spans_per_1k"), basil, n_boot=500, n_perm=2000)
    assert len(table) == 3 and (table.n == 100).all()
    assert table[["estimate", "ci_low", "ci_high", "p_value"]].notna().all().all()
