"""Leave-out partisanship (Gentzkow, Shapiro & Taddy 2019): formula, null, small units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.compare import leave_out_partisanship, partisanship_from_counts


def reference(counts, y, clusters=None, leave_out=True):
    """The estimator written out unit by unit and phrase by phrase (slow, obvious)."""
    counts = np.asarray(counts, dtype=float)
    clusters = np.arange(len(y)) if clusters is None else np.asarray(clusters)
    scores = []
    for i in range(len(y)):
        own, other = y[i], 1 - y[i]
        same = (y == own) & ((clusters != clusters[i]) if leave_out else True)
        q_own = counts[same].sum(axis=0) / counts[same].sum()
        q_other = counts[y == other].sum(axis=0) / counts[y == other].sum()
        s = 0.0
        for j in range(counts.shape[1]):
            if counts[i, j]:
                denom = q_own[j] + q_other[j]
                rho = q_own[j] / denom if denom > 0 else 0.5
                s += counts[i, j] / counts[i].sum() * rho
        scores.append(s)
    scores = np.array(scores)
    return 0.5 * scores[y == 0].mean() + 0.5 * scores[y == 1].mean(), scores


def test_four_units_by_hand():
    # Unit a = [9, 1, 2] judged against b = [8, 2, 2] (its group without it) and the other
    # group c + d = [3, 17, 4]: rho = (8/12) / (8/12 + 3/24) = 0.8421 for phrase 0, ...
    counts = np.array([[9, 1, 2], [8, 2, 2], [1, 9, 2], [2, 8, 2]])
    rho_a = [(8 / 12) / (8 / 12 + 3 / 24), (2 / 12) / (2 / 12 + 17 / 24), 0.5]
    s_a = (9 * rho_a[0] + 1 * rho_a[1] + 2 * rho_a[2]) / 12
    rho_b = [(9 / 12) / (9 / 12 + 3 / 24), (1 / 12) / (1 / 12 + 17 / 24), 0.5]
    s_b = (8 * rho_b[0] + 2 * rho_b[1] + 2 * rho_b[2]) / 12
    summary, units = partisanship_from_counts(counts, [0, 0, 1, 1], n_perm=10, n_boot=10)
    assert units.score.iloc[0] == pytest.approx(s_a)
    assert units.score.iloc[1] == pytest.approx(s_b)
    # The groups mirror each other, so pi is the mean of a's and b's scores.
    assert summary["leave-out"]["estimate"] == pytest.approx((s_a + s_b) / 2)


@pytest.mark.parametrize("clustered", [False, True])
def test_matches_the_reference_on_random_data(clustered):
    rng = np.random.default_rng(11)
    counts = rng.poisson(0.7, size=(14, 25))
    counts[:, 0] += 1  # no empty unit
    y = np.array([0] * 7 + [1] * 7)
    clusters = np.array([0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 6, 6, 7, 7]) if clustered else None
    summary, units = partisanship_from_counts(counts, y, clusters=clusters, n_perm=5,
                                              n_boot=5)
    for leave_out, name, column in ((True, "leave-out", "score"),
                                    (False, "plug-in", "score_plugin")):
        estimate, scores = reference(counts, y, clusters, leave_out)
        assert summary[name]["estimate"] == pytest.approx(estimate)
        np.testing.assert_allclose(units[column], scores)


def draw_units(rng, n_units, p_left, p_right, sizes):
    rows = [rng.multinomial(size, p_left if k < n_units // 2 else p_right)
            for k, size in enumerate(sizes)]
    return np.array(rows), np.array([0] * (n_units // 2) + [1] * (n_units - n_units // 2))


def test_null_is_half_and_the_plug_in_is_biased_up():
    rng = np.random.default_rng(2)
    p = rng.dirichlet(np.full(400, 0.3))
    counts, y = draw_units(rng, 30, p, p, rng.integers(50, 400, 30))
    summary, units = partisanship_from_counts(counts, y, n_perm=200, n_boot=200)
    leave_out, plug_in = summary["leave-out"], summary["plug-in"]
    assert abs(leave_out["estimate"] - 0.5) < 0.01
    assert abs(leave_out["null_mean"] - 0.5) < 0.01
    assert leave_out["null_low"] <= leave_out["estimate"] <= leave_out["null_high"]
    assert leave_out["p_value"] > 0.05
    # The plug-in estimate "finds" partisanship where there is none.
    assert plug_in["estimate"] > leave_out["null_high"] + 0.01
    assert plug_in["null_mean"] > 0.51
    assert np.isnan(plug_in["ci_low"])


def test_real_differences_stand_out_from_the_null():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.full(400, 0.3))
    shifted = p * np.exp(rng.normal(0, 0.5, 400))
    counts, y = draw_units(rng, 30, p, shifted / shifted.sum(), rng.integers(200, 2000, 30))
    summary, _ = partisanship_from_counts(counts, y, n_perm=200, n_boot=200)
    leave_out = summary["leave-out"]
    assert leave_out["estimate"] > leave_out["null_high"]
    assert leave_out["p_value"] < 0.01
    assert leave_out["ci_low"] > leave_out["null_mean"]


def test_a_small_outlet_does_not_look_partisan_by_chance():
    # No group difference; unit 0 is tiny and writes mostly rare words of its own.
    rng = np.random.default_rng(4)
    p = rng.dirichlet(np.full(300, 0.3))
    counts, y = draw_units(rng, 30, p, p, rng.integers(500, 2000, 30))
    idiosyncratic = np.zeros((30, 20), dtype=int)
    idiosyncratic[0] = 1
    counts = np.hstack([counts, idiosyncratic])
    counts[0, :300] = rng.multinomial(10, p)
    _, units = partisanship_from_counts(counts, y, n_perm=300, n_boot=10)
    tiny = units.iloc[0]
    assert tiny.score_plugin > 0.6  # its own words count as its group's
    assert tiny.null_low <= tiny.score <= tiny.null_high
    assert abs(tiny.score - 0.5) < 0.05 and tiny.p_value > 0.05


def test_leaving_out_the_whole_outlet_removes_house_style():
    # Articles (units) in 12 outlets, no group difference, but every outlet stamps its
    # own signature word on each of its articles.
    rng = np.random.default_rng(5)
    p = rng.dirichlet(np.full(200, 0.5))
    outlets = np.repeat(np.arange(12), 8)
    y = (outlets >= 6).astype(int)
    counts = np.array([rng.multinomial(300, p) for _ in outlets])
    stamps = np.zeros((outlets.size, 12), dtype=int)
    stamps[np.arange(outlets.size), outlets] = 5
    counts = np.hstack([counts, stamps])
    by_outlet, _ = partisanship_from_counts(counts, y, clusters=outlets, n_perm=100,
                                            n_boot=50)
    by_article, _ = partisanship_from_counts(counts, y, n_perm=100, n_boot=50)
    outlet_out, article_out = by_outlet["leave-out"], by_article["leave-out"]
    assert abs(outlet_out["estimate"] - 0.5) < 0.01
    assert outlet_out["null_low"] <= outlet_out["estimate"] <= outlet_out["null_high"]
    # Leaving out only the article, its outlet-mates' style reads as its group's.
    assert article_out["estimate"] > article_out["null_high"]


def synthetic_articles():
    rng = np.random.default_rng(6)
    common = np.array(["border", "policy", "city", "county", "court", "judge", "state"])
    rows = []
    for k, outlet in enumerate("abcdefgh"):
        lean = "left" if k < 4 else "right"
        marker = "undocumented" if lean == "left" else "aliens"
        for j in range(5):
            words = list(rng.choice(common, 60)) + [marker] * 4
            rows.append({"article_id": f"{outlet}{j}", "outlet": outlet, "label_allsides": lean,
                         "text": " ".join(words)})
    rows.append({"article_id": "z0", "outlet": "z", "label_allsides": "center",
                 "text": "neutral words only"})
    return pd.DataFrame(rows).set_index("article_id")


def test_articles_frame_api_units_and_determinism():
    articles = synthetic_articles()
    table, units = leave_out_partisanship(articles, "label_allsides", groups=["left", "right"],
                                          n_perm=100, n_boot=100, return_units=True)
    assert list(table.columns[:7]) == ["feature", "group", "estimate", "ci_low", "ci_high",
                                       "n", "method"]
    row = table.set_index("method").loc["leave-out"]
    assert row.group == "left vs right" and row.n == 8 and row.unit == "outlet"
    assert row.estimate > row.null_high and row.p_value < 0.05
    assert units.unit.tolist() == list("abcdefgh") and (units.n_articles == 5).all()
    again = leave_out_partisanship(articles, "label_allsides", groups=["left", "right"],
                                   n_perm=100, n_boot=100)
    pd.testing.assert_frame_equal(table, again)
    by_article = leave_out_partisanship(articles, "label_allsides", groups=["left", "right"],
                                        unit=None, n_perm=50, n_boot=50)
    assert by_article.unit.iloc[0] == "article" and by_article.n.iloc[0] == 40


def test_bad_inputs():
    articles = synthetic_articles()
    with pytest.raises(ValueError, match="two groups"):
        leave_out_partisanship(articles, "label_allsides")
    with pytest.raises(ValueError, match="at least two"):
        partisanship_from_counts(np.eye(3) + 1, [0, 1, 1])


def test_sanctuary_outlets_leave_out_versus_plug_in(mirror_dir):
    """Real data: the plug-in level sits well above 1/2 even under shuffled leanings."""
    from framing.datasets import fetch_allsides

    articles = fetch_allsides()
    sanctuary = articles[articles["meta_sanctuary_related"]]
    table, units = leave_out_partisanship(sanctuary, "label_allsides", groups=["left", "right"],
                                          n_perm=100, n_boot=100, return_units=True)
    rows = table.set_index("method")
    assert rows.loc["leave-out", "n"] == 50
    assert abs(rows.loc["leave-out", "null_mean"] - 0.5) < 0.005
    assert rows.loc["plug-in", "null_mean"] > 0.515
    assert abs(rows.loc["leave-out", "estimate"] - 0.5) < 0.02
    single = units[units.n_articles == 1]
    assert (single.score_plugin > single.score).all()
