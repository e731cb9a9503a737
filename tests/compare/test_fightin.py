"""Fightin' words: Monroe et al.'s log-odds with an informative Dirichlet prior."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd
import pytest

from framing.compare import bh_qvalues, fightin_words, log_odds_dirichlet, top_terms

TOY_TERMS = ["open", "illegal", "the"]
TOY_COUNTS = np.array([[5, 1, 4], [1, 5, 4]])  # group L, group R


def normal_two_sided(z):
    return math.erfc(abs(z) / math.sqrt(2))


def test_two_groups_three_words_by_hand():
    # Pooled background [6, 6, 8] of N = 20 tokens; prior_scale 1 -> a0 = 20 and the
    # prior pseudo-counts are alpha = [6, 6, 8]. Group sizes n_L = n_R = 10.
    # "open" for L: log((5+6)/(10+20-5-6)) - log((1+6)/(10+20-1-6)) = log(11/19) - log(7/23)
    table = log_odds_dirichlet(TOY_COUNTS, ["L", "R"], TOY_TERMS)
    row = table[(table.term == "open") & (table.group == "L")].iloc[0]
    delta = math.log(11 / 19) - math.log(7 / 23)
    se = math.sqrt(1 / 11 + 1 / 7)
    assert row.comparison == "vs_R"
    assert row.delta == pytest.approx(delta)
    assert row.se == pytest.approx(se)
    assert row.z == pytest.approx(delta / se)
    assert row.p_value == pytest.approx(normal_two_sided(delta / se))
    assert (row.count_group, row.count_other) == (5, 1)
    # "the" is used equally: no difference at all.
    the = table[(table.term == "the") & (table.group == "L")].iloc[0]
    assert the.delta == pytest.approx(0.0) and the.z == pytest.approx(0.0)
    # R's rows mirror L's.
    mirrored = table[(table.term == "open") & (table.group == "R")].iloc[0]
    assert mirrored.comparison == "vs_L" and mirrored.z == pytest.approx(-delta / se)
    assert table.attrs["a0"] == 20.0 and table.attrs["n_tokens"] == {"L": 10, "R": 10}


def test_prior_scale_and_external_background_by_hand():
    # Background counts [1, 3, 4] plus half a count each -> shares [1.5, 3.5, 4.5] / 9.5;
    # prior_scale 0.5 -> a0 = 10.
    table = log_odds_dirichlet(TOY_COUNTS, ["L", "R"], TOY_TERMS, background=[1, 3, 4],
                               prior_scale=0.5)
    alpha = 10 * 1.5 / 9.5
    expected = (math.log((5 + alpha) / (10 + 10 - 5 - alpha))
                - math.log((1 + alpha) / (10 + 10 - 1 - alpha)))
    row = table[(table.term == "open") & (table.group == "L")].iloc[0]
    assert row.delta == pytest.approx(expected)
    assert row.se == pytest.approx(math.sqrt(1 / (5 + alpha) + 1 / (1 + alpha)))


def test_more_prior_means_more_shrinkage():
    deltas = [log_odds_dirichlet(TOY_COUNTS, ["L", "R"], TOY_TERMS, prior_scale=s)
              .query("term == 'open' and group == 'L'").delta.iloc[0] for s in (0.1, 1, 10)]
    assert deltas[0] > deltas[1] > deltas[2] > 0


def test_three_groups_rest_and_pairwise():
    counts = np.array([[5, 1, 4], [1, 5, 4], [2, 2, 6]])
    labels = ["left", "right", "center"]
    table = log_odds_dirichlet(counts, labels, TOY_TERMS, groups=["left", "center", "right"])
    assert table.groupby(["group", "comparison"]).size().to_dict() == {
        ("center", "vs_left"): 3, ("center", "vs_rest"): 3, ("center", "vs_right"): 3,
        ("left", "vs_center"): 3, ("left", "vs_rest"): 3, ("left", "vs_right"): 3,
        ("right", "vs_center"): 3, ("right", "vs_left"): 3, ("right", "vs_rest"): 3}
    # Ordered by the given groups, then vs_rest first.
    assert table.group.iloc[0] == "left" and table.comparison.iloc[0] == "vs_rest"
    rest = table[(table.group == "left") & (table.comparison == "vs_rest")].set_index("term")
    assert rest.loc["open", "count_other"] == 1 + 2
    lr = table[(table.group == "left") & (table.comparison == "vs_right")].set_index("term")
    rl = table[(table.group == "right") & (table.comparison == "vs_left")].set_index("term")
    np.testing.assert_allclose(lr.z, -rl.loc[lr.index, "z"])
    only_rest = log_odds_dirichlet(counts, labels, TOY_TERMS, comparisons="vs_rest")
    assert set(only_rest.comparison) == {"vs_rest"}


def test_q_values_per_comparison_and_sorting():
    rng = np.random.default_rng(3)
    counts = rng.poisson(rng.gamma(0.5, 4, size=300), size=(40, 300))
    counts[:20, :10] += 6  # ten words the first group over-uses
    labels = np.array(["a"] * 20 + ["b"] * 20)
    terms = [f"w{j:03d}" for j in range(300)]
    table = log_odds_dirichlet(counts, labels, terms)
    for _, part in table.groupby(["group", "comparison"]):
        np.testing.assert_allclose(part.q_value, bh_qvalues(part.p_value.to_numpy()))
        assert np.all(np.diff(part.z.to_numpy()) <= 0)
        assert part.significant.equals(part.q_value <= 0.05)
    top = table[table.group == "a"].head(10)
    assert set(top.term) == {f"w{j:03d}" for j in range(10)} and top.significant.all()


def test_terms_absent_from_the_compared_groups_are_dropped():
    counts = np.array([[1, 0, 2], [2, 0, 1], [0, 9, 0]])
    table = log_odds_dirichlet(counts, ["a", "b", "c"], ["x", "only_c", "y"], groups=["a", "b"])
    assert "only_c" not in set(table.term)


def test_bad_inputs():
    with pytest.raises(ValueError, match="needs clusters"):
        log_odds_dirichlet(TOY_COUNTS, ["L", "R"], TOY_TERMS, n_perm=10)
    with pytest.raises(ValueError, match="two groups"):
        log_odds_dirichlet(TOY_COUNTS, ["L", "L"], TOY_TERMS)
    with pytest.raises(ValueError, match="prior_scale"):
        log_odds_dirichlet(TOY_COUNTS, ["L", "R"], TOY_TERMS, prior_scale=0)
    with pytest.raises(ValueError, match="comparisons"):
        log_odds_dirichlet(TOY_COUNTS, ["L", "R"], TOY_TERMS, comparisons="both")
    with pytest.raises(ValueError, match="terms"):
        log_odds_dirichlet(TOY_COUNTS, ["L", "R"], TOY_TERMS[:2])


def synthetic_articles(seed=0):
    """Right outlets say "aliens", left ones "undocumented"; outlet "bb" signs every article."""
    rng = np.random.default_rng(seed)
    rows = []
    common = ["border", "policy", "city", "county", "court", "judge", "federal", "state"]
    plan = {"bb": "right", "fx": "right", "wt": "right", "vx": "left", "cn": "left",
            "nt": "left"}
    for outlet, lean in plan.items():
        for k in range(12):
            words = list(rng.choice(common, size=40))
            words += ["aliens"] * rng.integers(1, 4) if lean == "right" else \
                ["undocumented"] * rng.integers(1, 4)
            if outlet == "bb":
                words += ["breitbart"] * 3  # a masthead
            rng.shuffle(words)
            rows.append({"article_id": f"{outlet}{k}", "outlet": outlet,
                         "label_allsides": lean, "text": " ".join(words)})
    return pd.DataFrame(rows).set_index("article_id")


def test_fightin_words_finds_the_framing_words_not_the_masthead():
    articles = synthetic_articles()
    table, excluded = fightin_words(articles, "label_allsides", return_excluded=True)
    assert excluded.term.tolist() == ["breitbart"]
    assert excluded.iloc[0].top_outlet == "bb" and excluded.iloc[0].top_share == 1.0
    assert table.attrs["n_excluded"] == 1 and table.attrs["max_outlet_share"] == 0.5
    assert "breitbart" not in set(table.term)
    first = table.groupby("group").head(1).set_index("group").term.to_dict()
    assert first == {"left": "undocumented", "right": "aliens"}
    assert table.set_index(["group", "term"]).loc[("right", "aliens"), "robust"]


def test_outlet_signature_without_exclusion_is_flagged_by_the_leave_one_outlet_out_check():
    articles = synthetic_articles()
    table = fightin_words(articles, "label_allsides", max_outlet_share=None)
    rows = table.set_index(["group", "term"])
    masthead = rows.loc[("right", "breitbart")]
    assert masthead.significant and not masthead.robust
    assert masthead.loo_outlet == "bb" and masthead.z_loo <= 0.5
    # A random split of the six outlets puts "bb" on the right half the time.
    assert masthead.p_perm > 0.3
    # Six outlets split 3/3 in 20 ways; only the true split and its mirror are as extreme.
    assert rows.loc[("right", "aliens"), "p_perm"] == pytest.approx(0.1, abs=0.04)
    assert table.attrs["n_perm"] == 200
    # Comparing outlets with each other keeps every term ("auto" turns exclusion off).
    by_outlet = fightin_words(articles, "outlet", comparisons="vs_rest")
    assert "breitbart" in set(by_outlet.term)
    assert "z_loo" not in by_outlet and "p_perm" not in by_outlet


def test_fightin_words_is_identical_on_rerun_and_row_order():
    articles = synthetic_articles(seed=1)
    first = fightin_words(articles, "label_allsides")
    second = fightin_words(articles.sample(frac=1.0, random_state=5), "label_allsides")
    pd.testing.assert_frame_equal(first, second)
    other_seed = fightin_words(articles, "label_allsides", random_state=1)
    pd.testing.assert_frame_equal(first.drop(columns="p_perm"),
                                  other_seed.drop(columns="p_perm"))


def test_background_corpus_sets_the_prior_mean():
    articles = synthetic_articles()
    background = pd.DataFrame({"text": ["border policy aliens undocumented"] * 5})
    table = fightin_words(articles, "label_allsides", background=background)
    default = fightin_words(articles, "label_allsides")
    assert not np.allclose(table.z, default.set_index(["group", "term"])
                           .loc[list(zip(table.group, table.term, strict=True)), "z"])


def test_groups_subset_and_top_terms():
    articles = synthetic_articles()
    articles.loc[articles.outlet == "nt", "label_allsides"] = "center"
    table = fightin_words(articles, "label_allsides", groups=["left", "right"])
    assert set(table.group) == {"left", "right"} and table.attrs["n_documents"] == 60
    top = top_terms(table, n=2)
    assert top.groupby("group").size().tolist() == [2, 2] and top["rank"].max() == 2
    assert len(top_terms(table, n=50, significant_only=True)) == table.significant.sum()


def test_sanctuary_left_vs_right_identical_on_rerun(mirror_dir):
    """The issue's check: fightin' words of left against right on sanctuary articles."""
    from framing.datasets import fetch_allsides

    articles = fetch_allsides()
    sanctuary = articles[articles["meta_sanctuary_related"]]
    runs = [fightin_words(sanctuary, "label_allsides", groups=["left", "right"])
            for _ in range(2)]
    digests = [hashlib.sha256(pd.util.hash_pandas_object(t, index=True).values.tobytes())
               .hexdigest() for t in runs]
    assert digests[0] == digests[1]
    table = runs[0]
    significant = table[table.significant]
    assert {"illegal", "aliens"} <= set(significant[significant.group == "right"].term)
    assert "undocumented" in set(significant[significant.group == "left"].term)
    # Mastheads and boilerplate are gone.
    assert not {"breitbart", "copyright", "reprint", "mr"} & set(table.term)
