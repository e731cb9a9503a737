"""OutletPooledClassifier: each article gets the mean probabilities of its outlet's articles."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from framing.models import OutletPooledClassifier, evaluate, make_ideology_classifier
from framing.models._pooling import pool_by_group

from .test_classifiers import _articles


def test_pool_by_group_means_each_groups_rows():
    proba = np.array([[0.9, 0.1], [0.3, 0.7], [0.2, 0.8], [0.5, 0.5]])
    pooled = pool_by_group(proba, np.array(["a", "b", "a", "b"], dtype=object))
    np.testing.assert_allclose(pooled, [[0.55, 0.45], [0.4, 0.6], [0.55, 0.45], [0.4, 0.6]])
    np.testing.assert_allclose(pool_by_group(proba, [1, 2, 3, 4]), proba)  # singletons
    assert pool_by_group(np.zeros((0, 2)), []).shape == (0, 2)
    with pytest.raises(ValueError, match="groups has 3 values for 4 rows"):
        pool_by_group(proba, ["a", "b", "c"])


def test_without_groups_it_is_the_wrapped_classifier():
    X = np.array([[0.0], [0.1], [1.0], [1.1], [0.4], [0.6]])
    y = np.array(["l", "l", "r", "r", "l", "r"])
    clf = OutletPooledClassifier(LogisticRegression()).fit(X, y)
    plain = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), plain.predict_proba(X))
    pooled = clf.predict_proba(X, groups=["o1", "o1", "o2", "o2", "o3", "o3"])
    np.testing.assert_allclose(pooled[4], plain.predict_proba(X[4:]).mean(axis=0))
    one_outlet = clf.classes_[plain.predict_proba(X).mean(axis=0).argmax()]
    assert clf.predict(X, groups=["o"] * 6).tolist() == [one_outlet] * 6


def test_refuses_a_classifier_without_probabilities():
    with pytest.raises(TypeError, match="predict_proba"):
        OutletPooledClassifier(LinearSVC()).fit([[0.0], [1.0]], ["a", "b"])


def test_ideology_pooling_gets_training_outlets_and_test_outlets_from_evaluate():
    texts, y, outlets = _articles()
    clf = make_ideology_classifier("tfidf", pool_outlets=True)
    assert isinstance(clf, OutletPooledClassifier)
    fitted = clf.fit(texts, y, groups=outlets)
    # the stripper learned the training outlets' names, as the plain pipeline does
    assert set(fitted.estimator_.named_steps["strip"].names_) == set(outlets)
    pooled = evaluate(clf, texts, y, groups=outlets, split="outlet", n_splits=3, seeds=(0,))
    plain = evaluate(make_ideology_classifier("tfidf"), texts, y, groups=outlets,
                     split="outlet", n_splits=3, seeds=(0,))
    test_outlets = outlets[pooled.predictions["position"]]
    # within each held-out outlet every article has the same pooled probabilities
    columns = [c for c in pooled.predictions if c.startswith("proba[")]
    spread = pooled.predictions[columns].groupby(test_outlets).std().fillna(0.0)
    assert (spread.to_numpy() < 1e-12).all()
    # and those are the mean of the plain classifier's probabilities over the outlet
    expected = plain.predictions[columns].groupby(outlets[plain.predictions["position"]])
    np.testing.assert_allclose(
        pooled.predictions[columns].groupby(test_outlets).first().to_numpy(),
        expected.mean().loc[sorted(set(test_outlets))].to_numpy(), atol=1e-9)
