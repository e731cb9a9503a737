"""save_model / load_model: skops files, refusal of untrusted types."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from framing.models import (
    UntrustedTypesError,
    load_model,
    make_bias_classifier,
    make_ideology_classifier,
    save_model,
)

TEXTS = ["Illegal aliens flood the open border.", "Undocumented families fear raids.",
         "The Senate passed the bill on Thursday.", "Criminal aliens freed by sanctuary cities.",
         "Asylum seekers deserve compassion.", "The court heard arguments in March."] * 3
LABELS = ["right", "left", "center"] * 6


class Doubler(TransformerMixin, BaseEstimator):
    """A type no one has declared trusted (it lives in the test module)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.asarray(X) * 2


def test_ideology_pipeline_round_trip(tmp_path):
    clf = make_ideology_classifier("tfidf").fit(TEXTS, LABELS,
                                                strip__groups=["a", "b", "c", "d"] * 4 + ["a", "b"])
    path = save_model(clf, tmp_path / "ideology")
    assert path.suffix == ".skops"
    loaded = load_model(path)  # framing's own stripper is trusted
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), clf.predict_proba(TEXTS))
    assert loaded.named_steps["strip"].transform(TEXTS) == clf.named_steps["strip"].transform(
        TEXTS)


def test_bias_pipeline_round_trip(tmp_path):
    clf = make_bias_classifier("tfidf").fit(TEXTS, ["Biased", "Non-biased", "Non-biased"] * 6)
    loaded = load_model(save_model(clf, tmp_path / "bias.skops"))
    np.testing.assert_array_equal(loaded.predict(TEXTS), clf.predict(TEXTS))


def test_untrusted_type_is_refused_with_its_name(tmp_path):
    X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), [0, 0, 1, 1]
    model = make_pipeline(Doubler(), LogisticRegression()).fit(X, y)
    path = save_model(model, tmp_path / "custom.skops")
    with pytest.raises(UntrustedTypesError) as info:
        load_model(path)
    name = f"{Doubler.__module__}.Doubler"
    assert info.value.types == [name]
    assert name in str(info.value) and "trusted=" in str(info.value)
    # after inspection, the caller may trust it explicitly
    loaded = load_model(path, trusted=[name])
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_no_pickle_is_written(tmp_path):
    clf = make_bias_classifier("tfidf").fit(TEXTS, ["Biased", "Non-biased"] * 9)
    path = save_model(clf, tmp_path / "m")
    import zipfile

    assert zipfile.is_zipfile(path)  # a skops archive (JSON schema + numpy arrays)
    names = zipfile.ZipFile(path).namelist()
    assert "schema.json" in names and not any(n.endswith(".pkl") for n in names)


@pytest.mark.usefixtures("mirror_dir")
def test_features_pipeline_round_trip_refits_its_scorers(tmp_path):
    pytest.importorskip("framing.features._sourcing")
    clf = make_bias_classifier("features").fit(TEXTS, ["Biased", "Non-biased", "Non-biased"] * 6)
    loaded = load_model(save_model(clf, tmp_path / "features"))
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), clf.predict_proba(TEXTS))
