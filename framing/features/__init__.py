"""Scorers: loaded language, term choice, frames and sourcing, with the words behind every score.

Every scorer is a scikit-learn transformer over a 1-D sequence of texts (so it drops into
``ColumnTransformer([(name, scorer, "text")])``), returns float64 features named
``<scorer>__<feature>``, and explains each score with ``explain(text)`` (the spans) and
``highlight(text)`` (HTML). Names are imported lazily so ``import framing`` stays fast.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "BaseScorer": "._base",
    "Highlight": "._highlight",
    "LexiconScorer": "._lexicon_scorer",
    "LoadedLanguageScorer": "._loaded",
    "INDEX_WEIGHTS": "._loaded",
    "INDEX_INTERCEPT": "._loaded",
    "SentimentScorer": "._sentiment",
    "TermChoiceScorer": "._term_choice",
    "FrameScorer": "._frames",
    "frame_definitions": "._frames",
    "SentenceEncoder": "._embeddings",
    "get_encoder": "._embeddings",
    "embedding_cache_info": "._embedding_cache",
    "clear_embedding_cache_on_disk": "._embedding_cache",
    "EmbeddingCacheWarning": "._embedding_cache",
    "split_sentences": "._sentences",
    "SourcingScorer": "._sourcing",
    "extract_features": "._extract",
    "default_scorers": "._extract",
    "fitted_scorer": "._extract",
    "score_texts": "._extract",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
