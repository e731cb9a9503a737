"""save_model / load_model: skops files, refusal of untrusted types."""

from __future__ import annotations

import json
import zipfile

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


# -- crafted files -----------------------------------------------------------------------------
def _node(loader, module, name, content):
    return {"__class__": name, "__module__": module, "__loader__": loader, "content": content,
            "__id__": id(content)}


def _string(value):
    return {"__class__": "str", "__module__": "builtins", "__loader__": "JsonNode",
            "content": json.dumps(value), "is_json": True, "__id__": id(value)}


def _call(module, name, *args):
    """A skops node that calls ``module.name(*args)`` when the file is loaded."""
    return _node("ConstructorFromReduceNode", module, name,
                 _node("TupleNode", "builtins", "tuple", list(args)))


def _crafted(path, schema):
    schema = dict(schema, protocol=2, _skops_version="0.16.0")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("schema.json", json.dumps(schema))
    return path


def test_crafted_file_calling_a_framing_function_is_refused_before_it_acts(tmp_path):
    # save_model(["x"], victim) writes a file: a function of framing, not a class we trust.
    victim = tmp_path / "written_by_the_model_file.skops"
    args = (_node("ListNode", "builtins", "list", [_string("x")]), _string(str(victim)))
    crafted = _crafted(tmp_path / "crafted.skops",
                       _call("framing.models._persistence", "save_model", *args))
    # The gadget is real: skops, told to trust what the file names, runs it.
    import skops.io as sio

    demo = _crafted(tmp_path / "demo.skops", _call("framing.models._persistence", "save_model",
                                                   args[0], _string(str(tmp_path / "demo_out"))))
    sio.load(demo, trusted=sio.get_untrusted_types(file=demo))
    assert (tmp_path / "demo_out.skops").exists()

    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(UntrustedTypesError) as info:
        load_model(crafted)
    assert info.value.types == ["framing.models._persistence.save_model"]
    assert not victim.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_crafted_file_deleting_a_folder_through_framing_names_is_refused(tmp_path):
    keep = tmp_path / "precious"
    keep.mkdir()
    (keep / "data.txt").write_text("keep me")

    def path(value):
        return _call("framing.stream._resume", "Path", _string(str(value)))

    run_files = _call("framing.stream._resume", "_RunFiles", path(tmp_path / "o"), path(keep),
                      path(tmp_path / "s"), path(tmp_path / "r"))
    crafted = _crafted(tmp_path / "crafted.skops",
                       _call("framing.stream._resume", "_clean_up", run_files))
    with pytest.raises(UntrustedTypesError) as info:
        load_model(crafted)
    assert set(info.value.types) >= {"framing.stream._resume._clean_up",
                                     "framing.stream._resume.Path"}
    assert (keep / "data.txt").read_text() == "keep me"


def test_trusted_framing_types_are_exactly_named_estimator_classes():
    import importlib

    from sklearn.base import BaseEstimator

    from framing.models._persistence import FRAMING_TRUSTED_TYPES

    for name in FRAMING_TRUSTED_TYPES:
        module, _, attribute = name.rpartition(".")
        found = getattr(importlib.import_module(module), attribute)
        assert isinstance(found, type), name
        # recorded under its defining module, as skops names it in a file
        assert f"{found.__module__}.{found.__qualname__}" == name
        if module.startswith("framing."):
            assert issubclass(found, BaseEstimator), name


@pytest.mark.transformers
def test_ensemble_round_trip_needs_no_extra_trust(tmp_path):
    # a voting ensemble keeps its fitted members in a scikit-learn Bunch
    clf = make_ideology_classifier("ensemble").fit(TEXTS, LABELS, strip__groups=list("abc") * 6)
    loaded = load_model(save_model(clf, tmp_path / "features"))
    np.testing.assert_array_equal(loaded.predict(TEXTS), clf.predict(TEXTS))


def test_pickle_file_is_refused_with_its_path(tmp_path):
    import pickle

    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ValueError, match="model.pkl.*not a model saved by save_model"):
        load_model(path)
    with pytest.raises(FileNotFoundError, match="missing.skops"):
        load_model(tmp_path / "missing.skops")
