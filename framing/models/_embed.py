"""Text embeddings for classifiers: sentence embeddings averaged over a text.

MiniLM reads at most 256 word pieces and was trained on sentences and short paragraphs,
while a news article runs to a thousand words. :class:`TextEmbedder` therefore splits
each text into sentences (:func:`framing.features._sentences.split_sentences`), embeds
every sentence with the shared, lazily loaded encoder of
:mod:`framing.features._embeddings`, and returns the mean of the sentence vectors,
L2-normalised: one row per text, independent of its length.

Sentence vectors are cached in memory per process (keyed by model and sentence), so
cross-validation folds, seeds and the stripped and unstripped versions of an article,
which share most sentences, encode each sentence once. Encoding dominates the cost: on a
CPU a corpus of a few thousand articles takes minutes the first time and seconds
afterwards (timings in ``docs/results.md``).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .._validation import as_texts

__all__ = ["TextEmbedder", "clear_embedding_cache"]

#: Sentences kept in the process-wide cache (about 1.5 kB each for MiniLM).
CACHE_SIZE = 400_000
_CACHE: OrderedDict = OrderedDict()


def clear_embedding_cache() -> None:
    """Forget every cached sentence vector."""
    _CACHE.clear()


class TextEmbedder(TransformerMixin, BaseEstimator):
    """Mean of a text's sentence embeddings (MiniLM by default), L2-normalised.

    Parameters
    ----------
    model : str or path-like, optional
        ``"minilm"``, ``"mpnet"``, a local sentence-transformers folder or a Hugging Face
        id (with ``revision``); default the packaged all-MiniLM-L6-v2.
    revision : str, optional
    max_sentences : int, optional
        Keep at most this many sentences per text, spread evenly over it (None: all).
    max_length : int, default 128
        Word pieces kept per sentence.
    batch_size : int, default 64
    cache : bool, default True
        Reuse sentence vectors: in memory within the process, and on disk across processes
        (the encoder's cache, :mod:`framing.features._embedding_cache`; also turned off by
        ``FRAMING_EMBEDDING_CACHE=0``). False encodes every sentence again.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default "auto"
        Where the encoder runs: CUDA (float16 mixed precision) when torch sees a GPU, else
        the CPU (see :class:`framing.features.SentenceEncoder`).

    Examples
    --------
    >>> emb = TextEmbedder()  # doctest: +SKIP
    >>> emb.fit_transform(["The council voted. It passed.", ""]).shape  # doctest: +SKIP
    (2, 384)
    """

    def __init__(self, model=None, *, revision=None, max_sentences=None, max_length=128,
                 batch_size=64, cache=True, device="auto"):
        self.model = model
        self.revision = revision
        self.max_sentences = max_sentences
        self.max_length = max_length
        self.batch_size = batch_size
        self.cache = cache
        self.device = device

    def fit(self, X=None, y=None):
        """Nothing to learn; checks the model and the device so errors show early."""
        from .._device import check_device
        from .._pretrained import resolve_encoder

        check_device(self.device)
        self.model_source_, self.model_revision_ = resolve_encoder(self.model, self.revision)
        return self

    def _encoder(self):
        from ..features import get_encoder

        return get_encoder(self.model, revision=self.revision, batch_size=self.batch_size,
                           max_length=self.max_length, cache=bool(self.cache),
                           device=self.device)

    def transform(self, X):
        """Return an array (n_texts, dimension) of float64; an empty text gives zeros."""
        from ..features import split_sentences

        texts = as_texts(X)
        per_text = []
        for text in texts:
            sentences = [s for s in split_sentences(text) if s.strip()]
            if self.max_sentences and len(sentences) > int(self.max_sentences):
                keep = np.linspace(0, len(sentences) - 1, int(self.max_sentences)).round()
                sentences = [sentences[int(i)] for i in keep]
            per_text.append(sentences)
        encoder = self._encoder()
        # The device is part of the key: CUDA's float16 vectors differ from the CPU's.
        key = (str(self.model), str(self.revision), int(self.max_length), str(self.device))
        wanted = {s for sentences in per_text for s in sentences}
        missing = sorted(s for s in wanted if not self.cache or (key, s) not in _CACHE)
        fresh = dict(zip(missing, encoder.encode(missing), strict=True)) if missing else {}
        if self.cache:
            for sentence, vector in fresh.items():
                _CACHE[(key, sentence)] = vector
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
        out = np.zeros((len(texts), encoder.dimension), dtype=np.float64)
        for row, sentences in enumerate(per_text):
            if not sentences:
                continue
            vectors = np.stack([fresh[s] if s in fresh else _CACHE[(key, s)]
                                for s in sentences]).astype(np.float64)
            mean = vectors.mean(axis=0)
            out[row] = mean / max(np.linalg.norm(mean), 1e-12)
        return out

    def get_feature_names_out(self, input_features=None):
        """``embedding__0`` ... ``embedding__<dimension-1>``."""
        return np.asarray([f"embedding__{i}" for i in range(self._encoder().dimension)],
                          dtype=object)
