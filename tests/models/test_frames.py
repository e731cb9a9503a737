"""make_frame_classifier / FrameClassifier: one frame per text, several frames per text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.models import (
    FrameClassifier,
    evaluate,
    load_model,
    make_frame_classifier,
    save_model,
)
from framing.models._frames import best_f1_threshold

HEADLINES = ["Lawmakers vote on the gun bill", "Senate passes background checks",
             "Shooting suspect had mental illness", "Gunman treated for depression",
             "Poll: most voters back new limits", "Survey finds support for gun rights"] * 4
PRIMARY = ["control", "control", "mental", "mental", "opinion", "opinion"] * 4

ARTICLES = ["The strike cost the company millions and workers lost wages.",
            "Rival parties clashed over the bill in a bitter fight.",
            "A mother of three told how the flood took her home.",
            "Shares fell as the dispute between the two firms deepened.",
            "She wept as neighbours rebuilt the school together.",
            "The budget battle pits the governor against the unions."] * 4
PRESENT = pd.DataFrame({"economic": [1, 0, 0, 1, 0, 1] * 4,
                        "conflict": [0, 1, 0, 1, 0, 1] * 4,
                        "human_interest": [0, 0, 1, 0, 1, 0] * 4})


def test_one_frame_per_text_learns_and_predicts_seen_frames():
    clf = make_frame_classifier("tfidf").fit(HEADLINES, PRIMARY)
    assert isinstance(clf, FrameClassifier)
    assert clf.classes_.tolist() == ["control", "mental", "opinion"]
    assert clf.predict(["The Senate bill on background checks"]).tolist() == ["control"]
    proba = clf.predict_proba(HEADLINES[:3])
    assert proba.shape == (3, 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert clf.score(HEADLINES, PRIMARY) == 1.0


def test_empty_text_gets_no_frame_not_a_guess():
    clf = make_frame_classifier("tfidf").fit(HEADLINES, PRIMARY)
    assert clf.predict(["", "   ", "Gunman had depression"]).tolist() == ["none", "none",
                                                                           "mental"]
    proba = clf.predict_proba(["", "Gunman had depression"])
    assert proba[0].tolist() == [0.0, 0.0, 0.0] and not np.isnan(proba).any()
    multi = make_frame_classifier("tfidf", multilabel=True).fit(ARTICLES, PRESENT)
    assert multi.predict([""]).tolist() == [[0, 0, 0]]


def test_multilabel_learns_one_threshold_per_frame_on_training_texts():
    clf = make_frame_classifier("tfidf", multilabel=True).fit(ARTICLES, PRESENT)
    assert clf.classes_.tolist() == ["economic", "conflict", "human_interest"]
    assert clf.thresholds_.shape == (3,) and ((clf.thresholds_ > 0) & (clf.thresholds_ < 1)).all()
    assert len(clf.estimators_) == 3
    predicted = clf.predict(ARTICLES)
    assert predicted.shape == (24, 3) and set(np.unique(predicted)) <= {0, 1}
    np.testing.assert_array_equal(predicted, PRESENT.to_numpy())  # separable on its training
    table = clf.predict_frame(pd.Series(ARTICLES[:2], index=["a", "b"]))
    assert table.columns.tolist() == ["economic", "conflict", "human_interest"]
    assert table.index.tolist() == ["a", "b"] and table.dtypes.eq(bool).all()
    assert clf.score(ARTICLES, PRESENT) == 1.0


def test_multilabel_accepts_an_unnamed_matrix():
    clf = make_frame_classifier("tfidf", multilabel=True).fit(ARTICLES, PRESENT.to_numpy())
    assert clf.classes_.tolist() == ["frame_0", "frame_1", "frame_2"]


@pytest.mark.parametrize("column, word", [([0] * 24, "absent from"), ([1] * 24, "present in")])
def test_multilabel_refuses_a_frame_that_never_varies(column, word):
    labels = PRESENT.assign(morality=column)
    with pytest.raises(ValueError, match=f"'morality' is {word} every text"):
        make_frame_classifier("tfidf", multilabel=True).fit(ARTICLES, labels)


def test_bad_labels_get_errors_that_name_the_problem():
    clf = make_frame_classifier("tfidf")
    with pytest.raises(ValueError, match="24 texts but 23 labels"):
        clf.fit(HEADLINES, PRIMARY[:-1])
    with pytest.raises(ValueError, match="at least two frames.*'control'"):
        clf.fit(HEADLINES, ["control"] * 24)
    with pytest.raises(ValueError, match="1 labels are missing.*position 2"):
        clf.fit(HEADLINES, PRIMARY[:2] + [None] + PRIMARY[3:])
    with pytest.raises(ValueError, match="multilabel=True"):
        clf.fit(ARTICLES, PRESENT)
    multi = make_frame_classifier("tfidf", multilabel=True)
    with pytest.raises(ValueError, match="binary matrix"):
        multi.fit(HEADLINES, PRIMARY)
    with pytest.raises(ValueError, match="24 texts but 23 rows"):
        multi.fit(ARTICLES, PRESENT.iloc[:-1])
    with pytest.raises(ValueError, match="0/1 or booleans"):
        multi.fit(ARTICLES, PRESENT * 2)
    with pytest.raises(ValueError, match="kind must be one of"):
        make_frame_classifier("bert")
    with pytest.raises(ValueError, match="ensemble members"):
        make_frame_classifier("ensemble", members=("tfidf", "ensemble"))
    with pytest.raises(ValueError, match="ensemble members"):
        make_frame_classifier("ensemble", members=("tfidf", "tfidf"))


def test_score_names_labels_never_seen_in_training():
    clf = make_frame_classifier("tfidf").fit(HEADLINES, PRIMARY)
    with pytest.raises(ValueError, match=r"never seen in training: \['economic'\]"):
        clf.score(HEADLINES[:2], ["control", "economic"])
    multi = make_frame_classifier("tfidf", multilabel=True).fit(ARTICLES, PRESENT)
    with pytest.raises(ValueError, match="not the frames this classifier learned"):
        multi.score(ARTICLES, PRESENT[["conflict", "economic", "human_interest"]])


def test_best_f1_threshold_by_hand():
    # cut 0.225 keeps 0.35, 0.4, 0.8: precision 2/3, recall 1 -> F1 0.8 (the best)
    assert best_f1_threshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.225
    # perfectly separated: every cut between 0.3 and 0.7 gives F1 1; the one nearest 0.5
    assert best_f1_threshold([0, 0, 1, 1], [0.1, 0.3, 0.7, 0.9]) == 0.5


def test_evaluate_scores_a_multilabel_classifier_per_frame():
    result = evaluate(make_frame_classifier("tfidf", multilabel=True), ARTICLES, PRESENT,
                      n_splits=2, seeds=(0,))
    metrics = set(result.scores["metric"])
    assert {"f1_macro", "f1_micro", "accuracy", "f1[economic]", "f1[conflict]",
            "f1[human_interest]"} <= metrics
    assert sorted(result.predictions["position"]) == list(range(24))
    assert {"y_true[conflict]", "y_pred[conflict]", "proba[conflict]"} <= set(
        result.predictions.columns)
    truth = result.predictions.sort_values("position")["y_true[economic]"].to_numpy()
    np.testing.assert_array_equal(truth, PRESENT["economic"].to_numpy())


def test_frame_classifiers_round_trip_through_skops(tmp_path):
    for clf, y, texts in ((make_frame_classifier("tfidf"), PRIMARY, HEADLINES),
                          (make_frame_classifier("tfidf", multilabel=True), PRESENT,
                           ARTICLES)):
        clf.fit(texts, y)
        loaded = load_model(save_model(clf, tmp_path / f"frames_{clf.multilabel}"))
        np.testing.assert_array_equal(loaded.predict(texts), clf.predict(texts))


@pytest.mark.transformers
def test_embeddings_and_ensemble_kinds_fit_with_the_packaged_minilm():
    clf = make_frame_classifier("embeddings", model="minilm").fit(HEADLINES, PRIMARY)
    assert clf.score(HEADLINES, PRIMARY) > 0.9
    ensemble = make_frame_classifier("ensemble", multilabel=True, members=("minilm", "tfidf"))
    ensemble.fit(ARTICLES, PRESENT)
    assert ensemble.predict(ARTICLES).shape == (24, 3)


def test_evaluate_scores_a_single_frame_matrix():
    # one column is still a matrix of frames, not a binary target with two classes
    result = evaluate(make_frame_classifier("tfidf", multilabel=True), ARTICLES,
                      PRESENT[["economic"]], n_splits=2, seeds=(0,))
    per_frame = result.scores.query("metric == 'f1[economic]'")["value"]
    assert len(per_frame) == 2 and set(result.scores["metric"]) >= {"f1_macro", "f1_micro"}
    np.testing.assert_allclose(result.scores.query("metric == 'f1_macro'")["value"],
                               per_frame)
