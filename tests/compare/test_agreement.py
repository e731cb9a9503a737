"""Spearman agreement of per-outlet scores with AllSides and MBFC ratings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from framing.compare import outlet_scores, rating_agreement
from framing.compare._agreement import spearman_rows

OUTLETS = pd.DataFrame(
    {"allsides_2019_num": [-2, -1, 0, 1, 2, np.nan, 1.5, -1.5],
     "mbfc_bias_num": [-2.0, -1.5, -1.0, 0.0, 1.0, 2.0, 0.5, -1.8]},
    index=["vox", "cnn", "reuters", "fox", "breitbart", "newsmax", "wt", "salon"])


def test_monotone_scores_agree_perfectly():
    scores = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 4.5, 1.5], index=OUTLETS.index,
                       name="restrictionist")
    table = rating_agreement(scores, OUTLETS, ratings=["allsides_2019_num", "mbfc_bias_num"],
                             n_boot=300)
    assert list(table.columns[:7]) == ["feature", "group", "estimate", "ci_low", "ci_high",
                                       "n", "method"]
    rows = table.set_index("group")
    assert rows.loc["allsides_2019_num", "n"] == 7  # newsmax has no 2019 rating
    for rating in ("allsides_2019_num", "mbfc_bias_num"):
        assert rows.loc[rating, "estimate"] == pytest.approx(1.0)
        assert rows.loc[rating, "ci_low"] == pytest.approx(1.0)
        assert rows.loc[rating, "ci_high"] == pytest.approx(1.0)
    reversed_ = rating_agreement(-scores, OUTLETS, ratings=["mbfc_bias_num"], n_boot=100)
    assert reversed_.estimate.iloc[0] == pytest.approx(-1.0)


def test_noisy_scores_get_an_interval_and_a_p_value():
    rng = np.random.default_rng(0)
    ratings = pd.DataFrame({"mbfc_bias_num": rng.integers(-2, 3, 40).astype(float)},
                           index=[f"o{i}" for i in range(40)])
    scores = pd.Series(ratings.mbfc_bias_num + rng.normal(0, 1.5, 40), name="s")
    table = rating_agreement(scores, ratings, ratings=["mbfc_bias_num"], n_boot=1000)
    row = table.iloc[0]
    expected = spearmanr(scores, ratings.mbfc_bias_num)
    assert row.estimate == pytest.approx(expected.statistic)
    assert row.p_value == pytest.approx(expected.pvalue)
    assert row.ci_low < row.estimate < row.ci_high
    assert row.ci_low > 0 and row.n_degenerate == 0
    again = rating_agreement(scores, ratings, ratings=["mbfc_bias_num"], n_boot=1000)
    pd.testing.assert_frame_equal(table, again)


def test_accepts_outlet_scores_tidy_output_and_needs_enough_outlets():
    articles = pd.DataFrame({"outlet": ["vox", "vox", "fox", "fox", "breitbart", "cnn",
                                        "reuters"]})
    features = pd.DataFrame({"a": [1.0, 2.0, 6.0, 7.0, 9.0, 2.5, 4.0],
                             "b": [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0]})
    tidy = outlet_scores(features, articles, n_boot=50)
    table = rating_agreement(tidy, OUTLETS, ratings=["mbfc_bias_num"], n_boot=100)
    assert set(table.feature) == {"a", "b"}
    assert table.set_index("feature").loc["a", "estimate"] == pytest.approx(1.0)
    few = rating_agreement(tidy, OUTLETS, ratings=["mbfc_bias_num"], min_outlets=6)
    assert few.estimate.isna().all() and (few.n == 5).all()
    with pytest.raises(KeyError, match="not in the outlets table"):
        rating_agreement(tidy, OUTLETS, ratings=["lean_num"])


def test_row_wise_spearman_matches_scipy_with_ties():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 4, size=(30, 12)).astype(float)
    y = rng.normal(size=(30, 12))
    expected = [spearmanr(a, b).statistic for a, b in zip(x, y, strict=True)]
    np.testing.assert_allclose(spearman_rows(x, y), expected)
    assert np.isnan(spearman_rows(np.ones((1, 5)), y[:1, :5])[0])


def test_allsides_and_mbfc_agree_on_the_allsides_corpus_outlets(mirror_dir):
    """Real ratings: AllSides 2019 ranks outlets much as MBFC does."""
    from framing.datasets import fetch_allsides, fetch_outlet_ratings

    outlets = fetch_outlet_ratings()
    in_corpus = outlets.loc[outlets.index.intersection(fetch_allsides().outlet.unique())]
    table = rating_agreement(in_corpus["allsides_2019_num"].rename("allsides_2019"),
                             in_corpus, ratings=["mbfc_bias_num"], n_boot=500)
    row = table.iloc[0]
    assert row.n > 60 and row.estimate > 0.6 and row.ci_low > 0.4
