"""evaluate: random, outlet and time splits, seeds, tidy tables, groups reach fit only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import make_pipeline

from framing.models import evaluate, split_indices, summarize_scores

WORDS = {"left": "undocumented immigrants families", "right": "illegal aliens invasion",
         "center": "senate bill vote"}


def _data(n_outlets=10, per_outlet=6, seed=0):
    rng = np.random.default_rng(seed)
    texts, y, groups, dates = [], [], [], []
    labels = list(WORDS)
    for o in range(n_outlets):
        label = labels[o % 3]
        for k in range(per_outlet):
            noise = " ".join(rng.choice(["today", "city", "court", "police"], 3))
            texts.append(f"{WORDS[label]} {noise} outlet{o}")
            y.append(label)
            groups.append(f"outlet-{o}")
            dates.append(pd.Timestamp("2018-01-01", tz="UTC") + pd.Timedelta(days=7 * k + o))
    return texts, np.array(y), np.array(groups), pd.Series(dates)


def _model():
    return make_pipeline(CountVectorizer(), MultinomialNB())


def test_random_split_tables():
    texts, y, groups, _ = _data()
    result = evaluate(_model(), texts, y, n_splits=3, seeds=(0, 1))
    scores = result.scores
    assert list(scores.columns) == ["split", "seed", "fold", "metric", "value", "n_train",
                                    "n_test"]
    assert set(scores["metric"]) >= {"f1_macro", "accuracy", "balanced_accuracy",
                                     "f1[left]", "f1[center]", "f1[right]", "fit_seconds"}
    assert len(scores[scores["metric"] == "f1_macro"]) == 6
    summary = result.table("f1_macro")
    assert summary["n"].tolist() == [6]
    row = summary.iloc[0]
    assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    preds = result.predictions
    assert {"proba[left]", "proba[center]", "proba[right]"} <= set(preds.columns)
    # every row is predicted exactly once per seed
    assert (preds.groupby("seed")["position"].apply(sorted)
            .apply(lambda p: p == list(range(len(y))))).all()


def test_outlet_split_keeps_outlets_disjoint_and_each_outlet_tested_once():
    texts, y, groups, _ = _data()
    for seed in (0, 1):
        folds, _ = split_indices(y, split="outlet", groups=groups, n_splits=5, seed=seed)
        tested = []
        for train, test in folds:
            assert not set(groups[train]) & set(groups[test])
            tested += sorted(set(groups[test]))
        assert sorted(tested) == sorted(set(groups))


def test_outlet_split_needs_groups():
    texts, y, _, _ = _data()
    with pytest.raises(ValueError, match="groups"):
        evaluate(_model(), texts, y, split="outlet")
    with pytest.raises(ValueError, match="groups"):
        evaluate(_model(), texts, y, split=["random", "outlet"])


def test_outlet_split_scores_what_carries_over_to_new_outlets():
    # each outlet has a unique token; the label words are what generalises
    texts, y, groups, _ = _data()
    result = evaluate(_model(), texts, y, groups=groups, split=["random", "outlet"],
                      n_splits=5, seeds=(0,))
    table = result.table().set_index("split")
    assert set(table.index) == {"random", "outlet"}
    assert table.loc["outlet", "mean"] > 0.9  # the label words carry over to new outlets
    per_class = result.scores[result.scores["metric"].str.startswith("f1[")]
    assert per_class["value"].isna().any()  # a class absent from an outlet fold is NaN


def test_time_split_trains_on_the_past_and_reports_undated_rows():
    texts, y, groups, dates = _data()
    dates = dates.copy()
    dates.iloc[[0, 5]] = pd.NaT
    folds, excluded = split_indices(y, split="time", dates=dates, n_splits=4)
    assert excluded == 2
    for train, test in folds:
        assert dates.iloc[train].max() <= dates.iloc[test].min()
        assert not {0, 5} & (set(train) | set(test))
    # expanding window: each training set contains the previous one
    for (a, _), (b, _) in zip(folds, folds[1:], strict=False):
        assert set(a) < set(b)
    result = evaluate(_model(), texts, y, dates=dates, split="time", n_splits=4, seeds=(0,))
    assert result.excluded == {"time": 2}
    with pytest.raises(ValueError, match="dates"):
        evaluate(_model(), texts, y, split="time")


class _Recorder(ClassifierMixin, BaseEstimator):
    """Predicts the majority class; records the groups its fit received."""

    seen: list = []

    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y, groups=None):
        _Recorder.seen.append((None if groups is None else set(groups), self.random_state))
        values, counts = np.unique(y, return_counts=True)
        self.classes_, self.majority_ = values, values[counts.argmax()]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)


def test_groups_of_training_rows_only_reach_fit_and_seeds_reach_random_state():
    texts, y, groups, _ = _data()
    _Recorder.seen = []
    evaluate(_Recorder(), texts, y, groups=groups, split="outlet", n_splits=5, seeds=(3,))
    folds, _ = split_indices(y, split="outlet", groups=groups, n_splits=5, seed=3)
    for (seen, state), (train, test) in zip(_Recorder.seen, folds, strict=True):
        assert seen == set(groups[train])
        assert not seen & set(groups[test])
        assert state == 3


def test_same_seed_same_numbers():
    texts, y, groups, _ = _data()
    a = evaluate(_model(), texts, y, groups=groups, split="outlet", n_splits=3, seeds=(0,))
    b = evaluate(_model(), texts, y, groups=groups, split="outlet", n_splits=3, seeds=(0,))
    keep = a.scores["metric"] != "fit_seconds"
    pd.testing.assert_frame_equal(a.scores[keep], b.scores[keep])


def test_runs_over_disjoint_folds_add_up_to_the_full_evaluation():
    texts, y, groups, _ = _data()
    full = evaluate(_model(), texts, y, groups=groups, split=["random", "outlet"],
                    n_splits=3, seeds=(0, 1))
    parts = [evaluate(_model(), texts, y, groups=groups, split=["random", "outlet"],
                      n_splits=3, seeds=(0, 1), folds=chosen) for chosen in ([0, 2], [1])]
    assert sorted(parts[1].scores["fold"].unique()) == [1]
    keys = ["split", "seed", "fold", "metric"]
    joined = pd.concat([p.scores for p in parts]).sort_values(keys, ignore_index=True)
    expected = full.scores.sort_values(keys, ignore_index=True)
    keep = expected["metric"] != "fit_seconds"
    pd.testing.assert_frame_equal(joined[keep], expected[keep])
    order = ["split", "seed", "position"]
    pd.testing.assert_frame_equal(
        pd.concat([p.predictions for p in parts]).sort_values(order, ignore_index=True),
        full.predictions.sort_values(order, ignore_index=True))


@pytest.mark.parametrize("folds", [[3], [], [-1]])
def test_folds_outside_the_split_are_refused(folds):
    texts, y, _, _ = _data()
    with pytest.raises(ValueError, match="fold numbers in 0..2"):
        evaluate(_model(), texts, y, n_splits=3, seeds=(0,), folds=folds)


def test_summarize_scores_interval():
    scores = pd.DataFrame({"split": "random", "metric": "f1_macro",
                           "value": [0.6, 0.7, 0.8, 0.7]})
    row = summarize_scores(scores).iloc[0]
    assert row["mean"] == pytest.approx(0.7)
    # t(0.975, 3) = 3.182; sd = 0.08165; half-width = 3.182 * 0.08165 / 2
    assert row["ci_high"] - row["mean"] == pytest.approx(3.1824 * 0.081650 / 2, rel=1e-3)


def test_mismatched_lengths_refused():
    with pytest.raises(ValueError, match="rows"):
        evaluate(_model(), ["a", "b", "c"], ["x", "y"])
