"""Frames: how much of an article invokes each frame of three typologies, and which one leads.

Three typologies, each an authored lexicon in ``framing/lexicons/data`` (seed words with
their evidence) plus frame definitions and prototype sentences in the lexicon's JSON file:

``policy``
    The policy frames of the Media Frames Corpus codebook (Boydstun et al. 2014; Card et
    al. 2015), frames 1-14. Frame 15, *Other*, is a residual with no content of its own:
    it has no seeds and no prototype, and ``policy_none`` marks articles with evidence for
    none of the 14.
``generic``
    The five generic news frames of Semetko & Valkenburg (2000): conflict, human interest,
    economic consequences, morality, responsibility.
``immigration``
    Issue-specific immigration frames after Mendelsohn, Budak & Jurgens (2021), who adapt
    Benson (2013): four threat frames (public order, fiscal, jobs, national cohesion), four
    victim frames (humanitarian, global economy, war, discrimination) and three hero frames
    (cultural diversity, integration, worker).

Two signals, both explainable:

``method="lexicon"``
    Seed-word matches, all typologies in one :class:`~framing.lexicons.LexiconMatcher` scan
    (fast, no torch). Negation is ignored on purpose: *not a crime* still makes crime
    salient, and salience is what a frame is.
``method="embedding"``
    Each sentence (:func:`framing.features._sentences.sentence_spans`) is embedded with
    the local MiniLM (:mod:`framing.features._embeddings`) and compared with one prototype
    per frame (the normalised mean of the frame's prototype sentences, written by the
    project from the frame definitions). A sentence counts for its most similar frame when
    the cosine similarity reaches ``similarity_threshold``; otherwise for no frame.
``method="both"``
    The mean of the two distributions (where only one method finds evidence, that one).

Output, per typology ``t`` (all float64, see :meth:`FrameScorer.get_feature_names_out`):

* ``frames__<t>_<frame>``: the frame's share of the article's frame evidence (weighted seed
  matches, or sentences assigned). The shares of a typology sum to 1 when there is any
  evidence; otherwise they are all 0 and ``frames__<t>_none`` is 1. Shares are ratios, so
  they do not grow with article length.
* ``frames__<t>_none``: 1.0 when the article has no evidence for any frame of ``t``.
* with ``details=True``, the raw signals behind the shares, which keep the *strength* of
  each frame that a distribution normalises away: ``frames__lexicon_<t>_<frame>`` (weighted
  seed matches per 1,000 words) and ``frames__embedding_<t>_<frame>`` (share of all the
  article's sentences assigned to the frame).

The primary frame of a typology is its largest share (ties go to the frame listed first).
Being a category, it is not a float feature: :meth:`FrameScorer.primary_frames` returns it
as strings, from texts or from already computed features.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ..lexicons import LexiconMatcher, load_lexicon
from ._base import BaseScorer, as_texts
from ._lexicon_scorer import RATE_SCALE

__all__ = ["FrameScorer", "TYPOLOGIES", "frame_definitions"]

#: Typology name -> the authored lexicon that holds its seeds, definitions and prototypes.
TYPOLOGIES = {"policy": "policy_frames", "generic": "generic_frames",
              "immigration": "immigration_frames"}
METHODS = ("lexicon", "embedding", "both")
#: Texts scored together: bounds the memory of sentence embeddings (about 35 sentences per
#: article x 384 float32).
CHUNK_SIZE = 256


@lru_cache(maxsize=8)
def _definitions(typology: str) -> tuple[dict, ...]:
    if typology not in TYPOLOGIES:
        raise ValueError(f"unknown typology {typology!r}; known: {', '.join(TYPOLOGIES)}")
    folder = resources.files("framing.lexicons").joinpath("data")
    meta = json.loads(folder.joinpath(f"{TYPOLOGIES[typology]}.json").read_text("utf-8"))
    return tuple(meta["frames"])


def frame_definitions(typology: str | None = None) -> pd.DataFrame:
    """The frames of one or all typologies, in feature order, with their definitions.

    Parameters
    ----------
    typology : {"policy", "generic", "immigration"}, optional
        Default: all three.

    Returns
    -------
    pandas.DataFrame
        Columns ``typology``, ``frame`` (the key used in feature names), ``label``,
        ``family`` (threat/victim/hero for immigration frames, else empty), ``definition``,
        ``n_seeds`` (seed-lexicon entries) and ``n_prototypes`` (prototype sentences).

    Examples
    --------
    >>> table = frame_definitions("generic")
    >>> table["frame"].tolist()
    ['conflict', 'human_interest', 'economic', 'morality', 'responsibility']
    >>> frame_definitions("immigration").groupby("family").size().to_dict()
    {'hero': 3, 'threat': 4, 'victim': 4}
    """
    rows = []
    for name in [typology] if typology is not None else list(TYPOLOGIES):
        seeds = load_lexicon(TYPOLOGIES[name]).entries["category"].value_counts()
        for frame in _definitions(name):
            rows.append({"typology": name, "frame": frame["key"], "label": frame["label"],
                         "family": frame.get("family", ""), "definition": frame["definition"],
                         "n_seeds": int(seeds.get(frame["key"], 0)),
                         "n_prototypes": len(frame["prototypes"])})
    return pd.DataFrame(rows)


class FrameScorer(BaseScorer):
    """Frame distributions per article for policy, generic and immigration frames.

    See the module documentation for the typologies, the two methods and the features.

    Parameters
    ----------
    typologies : str or sequence of str, default ("policy", "generic", "immigration")
        Which typologies to score, in output order.
    method : {"lexicon", "embedding", "both"}, default "lexicon"
        ``"embedding"`` and ``"both"`` need torch, transformers and the local MiniLM.
    similarity_threshold : float, default 0.35
        Cosine similarity a sentence needs with its closest prototype to count for that
        frame (embedding method). Chosen a priori on AllSides immigration sentences, never on
        evaluation data (see ``experiments/validation/narrative_frames.py``).
    details : bool, default False
        Also output the raw per-frame signals (seed matches per 1,000 words; share of
        sentences assigned).
    top_k : int, default 3
        Sentences per frame that :meth:`explain` shows for the embedding method.
    model, revision, batch_size, max_length
        The sentence encoder (see :class:`framing.features._embeddings.SentenceEncoder`);
        default: the packaged all-MiniLM-L6-v2.
    exclude : sequence of str, default ()
        Seed terms (case-insensitive) to leave out of every typology's lexicon, for words
        that name something else in the corpus at hand: in immigration news ``dream``
        (a human-interest seed) is mostly the DREAM Act, and ``fair`` (fairness and
        equality) also matches FAIR, the Federation for American Immigration Reform.
        What was dropped is listed in ``excluded_terms_``. Lexicon method only.

    Attributes
    ----------
    frames_ : dict of str to tuple of str
        The frame keys of each typology, in feature order.
    matcher_ : LexiconMatcher
        One matcher over the seed lexicons of all typologies (lexicon method).
    excluded_terms_ : pandas.DataFrame
        Seed entries left out by ``exclude``: lexicon, term, category (lexicon method).
    prototypes_ : dict of str to ndarray
        Unit-length prototype embedding per frame, shape (n_frames, 384) (embedding method).

    Examples
    --------
    >>> scorer = FrameScorer(typologies="generic").fit()
    >>> text = "Critics slammed the deal. It will cost taxpayers billions."
    >>> scores = scorer.set_output(transform="pandas").transform([text])
    >>> scores.round(2).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'frames__generic_conflict': 0.4, 'frames__generic_human_interest': 0.0,
     'frames__generic_economic': 0.6, 'frames__generic_morality': 0.0,
     'frames__generic_responsibility': 0.0, 'frames__generic_none': 0.0}
    >>> scorer.primary_frames([text, ""])["generic"].tolist()
    ['economic', None]
    >>> scorer.explain(text)[["text", "category"]].head(2)
          text          category
    0  Critics  generic.conflict
    1  slammed  generic.conflict
    """

    name = "frames"

    def __init__(self, typologies=("policy", "generic", "immigration"), method: str = "lexicon",
                 *, similarity_threshold: float = 0.35, details: bool = False, top_k: int = 3,
                 model=None, revision: str | None = None, batch_size: int = 64,
                 max_length: int = 128, exclude=()):
        self.typologies = typologies
        self.method = method
        self.similarity_threshold = similarity_threshold
        self.details = details
        self.top_k = top_k
        self.model = model
        self.revision = revision
        self.batch_size = batch_size
        self.max_length = max_length
        self.exclude = exclude

    # -- fitting ---------------------------------------------------------------------------
    def _typologies(self) -> tuple[str, ...]:
        names = (self.typologies,) if isinstance(self.typologies, str) else tuple(self.typologies)
        unknown = [t for t in names if t not in TYPOLOGIES]
        if not names or unknown or len(set(names)) != len(names):
            raise ValueError(f"typologies must be distinct names from {list(TYPOLOGIES)}, "
                             f"got {self.typologies!r}")
        return names

    def _uses(self, method: str) -> bool:
        return self.method in (method, "both")

    def _fit_resources(self):
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if not 0.0 <= float(self.similarity_threshold) <= 1.0:
            raise ValueError("similarity_threshold must lie in [0, 1]")
        typologies = self._typologies()
        self.frames_ = {t: tuple(f["key"] for f in _definitions(t)) for t in typologies}
        if self._uses("lexicon"):
            if isinstance(self.exclude, str):
                raise TypeError("exclude must be a sequence of terms, not one string")
            trimmed = [load_lexicon(TYPOLOGIES[t]).without(self.exclude) for t in typologies]
            lexicons = [lexicon for lexicon, _ in trimmed]
            self.excluded_terms_ = pd.concat([dropped for _, dropped in trimmed],
                                             ignore_index=True)
            for typology, lexicon in zip(typologies, lexicons, strict=True):
                stray = set(lexicon.categories) - set(self.frames_[typology])
                if stray:
                    raise ValueError(f"{lexicon.name}: seed categories {sorted(stray)} are not "
                                     f"frames of the {typology!r} typology")
            self.matcher_ = LexiconMatcher(lexicons, negation=False)
            # Matcher category -> column of the (typology, frame) grid of features.
            prefix = len(lexicons) > 1
            columns = {}
            for typology, lexicon in zip(typologies, lexicons, strict=True):
                for category in lexicon.categories:
                    key = f"{lexicon.name}.{category}" if prefix else category
                    columns[key] = (typology, self.frames_[typology].index(category))
            self._lexicon_columns = [columns[c] for c in self.matcher_.categories_]
        if self._uses("embedding"):
            encoder = self._encoder()
            self.prototypes_ = {}
            for typology in typologies:
                vectors = []
                for frame in _definitions(typology):
                    mean = encoder.encode(frame["prototypes"]).mean(axis=0)
                    vectors.append(mean / np.linalg.norm(mean))
                self.prototypes_[typology] = np.asarray(vectors, dtype=np.float32)
        names = []
        for typology in typologies:
            names += [f"{typology}_{frame}" for frame in self.frames_[typology]]
            names.append(f"{typology}_none")
        if self.details:
            for method in ("lexicon", "embedding"):
                if self._uses(method):
                    names += [f"{method}_{t}_{f}" for t in typologies for f in self.frames_[t]]
        return names

    def _encoder(self):
        from ._embeddings import get_encoder

        return get_encoder(self.model, revision=self.revision, batch_size=self.batch_size,
                           max_length=self.max_length)

    # -- scoring ---------------------------------------------------------------------------
    def _transform_texts(self, texts):
        # Repeated texts (wire copies, boilerplate) are scored once per call.
        unique = list(dict.fromkeys(texts))
        position = {text: i for i, text in enumerate(unique)}
        rows = [self._score(unique[begin:begin + CHUNK_SIZE])
                for begin in range(0, len(unique), CHUNK_SIZE)]
        values = np.concatenate(rows) if rows else np.zeros((0, self.n_features_out_))
        return values[[position[text] for text in texts]]

    def _signals(self, texts: list[str]) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """Per method and typology: (evidence per frame, raw signal per frame)."""
        signals: dict[str, dict] = {}
        if self._uses("lexicon"):
            counts, n_words = self.matcher_.count(texts)
            per_typology = {t: np.zeros((len(texts), len(f))) for t, f in self.frames_.items()}
            for column, (typology, frame) in enumerate(self._lexicon_columns):
                per_typology[typology][:, frame] += counts[:, column]
            rate = RATE_SCALE / np.maximum(n_words, 1)[:, None]
            signals["lexicon"] = {t: (c, c * rate) for t, c in per_typology.items()}
        if self._uses("embedding"):
            signals["embedding"] = self._sentence_signals(texts)
        return signals

    def _sentence_signals(self, texts: list[str]):
        from ._sentences import sentence_spans

        spans = [sentence_spans(text) for text in texts]
        owner = np.repeat(np.arange(len(texts)), [len(s) for s in spans])
        sentences = [text[a:b] for text, pieces in zip(texts, spans, strict=True)
                     for a, b in pieces]
        n_sentences = np.bincount(owner, minlength=len(texts)).astype(np.float64)
        embeddings = self._encoder().encode(sentences)
        out = {}
        for typology, prototypes in self.prototypes_.items():
            best, assigned = self._assign(embeddings, prototypes)
            n_frames = len(prototypes)
            counts = np.bincount(owner[assigned] * n_frames + best[assigned],
                                 minlength=len(texts) * n_frames)
            counts = counts.reshape(len(texts), n_frames).astype(np.float64)
            out[typology] = (counts, counts / np.maximum(n_sentences, 1)[:, None])
        return out

    def _assign(self, embeddings: np.ndarray, prototypes: np.ndarray):
        """Closest frame of each sentence, and whether it is close enough to count."""
        if not len(embeddings):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
        similarity = embeddings @ prototypes.T
        best = similarity.argmax(axis=1)
        top = similarity[np.arange(len(best)), best]
        return best, top >= np.float32(self.similarity_threshold)

    def _score(self, texts: list[str]) -> np.ndarray:
        signals = self._signals(texts)
        blocks, details = [], []
        for typology in self.frames_:
            shares, n_methods = 0.0, 0
            for method in METHODS[:2]:
                if method not in signals:
                    continue
                evidence = signals[method][typology][0]
                total = evidence.sum(axis=1, keepdims=True)
                has = total > 0
                shares = shares + np.where(has, evidence / np.where(has, total, 1.0), 0.0)
                n_methods = n_methods + has
            distribution = shares / np.maximum(n_methods, 1)
            blocks += [distribution, (np.asarray(n_methods) == 0).astype(np.float64)
                       .reshape(len(texts), 1)]
        if self.details:
            for method in METHODS[:2]:
                if method in signals:
                    details += [signals[method][t][1] for t in self.frames_]
        return np.hstack(blocks + details)

    # -- primary frames --------------------------------------------------------------------
    def primary_frames(self, X) -> pd.DataFrame:
        """The primary (largest-share) frame of each typology for each text.

        Parameters
        ----------
        X : sequence of str
            Texts; a pandas Series keeps its index.

        Returns
        -------
        pandas.DataFrame
            One column per typology holding frame keys (see :attr:`frames_`), or ``None``
            where the text has no evidence for any frame of the typology.
        """
        texts = as_texts(X)
        index = X.index if isinstance(X, pd.Series | pd.DataFrame) else None
        frame = self.primary_frames_from(self.transform(texts))
        if index is not None:
            frame.index = index
        return frame

    def primary_frames_from(self, scores) -> pd.DataFrame:
        """:meth:`primary_frames` from features already computed by this scorer.

        Parameters
        ----------
        scores : ndarray or pandas.DataFrame
            The output of :meth:`transform`, or any DataFrame holding its columns (for
            example a table of many scorers' features); a DataFrame's index is kept.
        """
        names = list(self.get_feature_names_out())
        if isinstance(scores, pd.DataFrame):
            missing = [n for n in names if n not in scores.columns]
            if missing:
                raise KeyError(f"scores lack this scorer's columns {missing[:3]}...")
            index, values = scores.index, scores[names].to_numpy(dtype=np.float64)
        else:
            values = np.asarray(scores, dtype=np.float64)
            if values.ndim != 2 or values.shape[1] != len(names):
                raise ValueError(f"expected {len(names)} columns, got shape {values.shape}")
            index = None
        out = {}
        for typology, frames in self.frames_.items():
            columns = [names.index(f"{self.name}__{typology}_{f}") for f in frames]
            none = values[:, names.index(f"{self.name}__{typology}_none")] > 0
            best = values[:, columns].argmax(axis=1)
            out[typology] = np.where(none, None, np.asarray(frames, dtype=object)[best])
        return pd.DataFrame(out, index=index, dtype=object)

    # -- explanations ----------------------------------------------------------------------
    def _span_categories(self):
        return [f"{typology}.{key}" for typology, keys in self.frames_.items() for key in keys]

    def _explain_text(self, text: str) -> pd.DataFrame:
        parts = []
        if self._uses("lexicon"):
            spans = self.matcher_.spans(text)
            where = {c: self._lexicon_columns[i] for i, c in enumerate(self.matcher_.categories_)}
            keys = [(t, self.frames_[t][f]) for t, f in (where[c] for c in spans["category"])]
            spans = spans.drop(columns=["negated"]).assign(
                category=[f"{t}.{f}" for t, f in keys],
                feature=[f"{self.name}__{t}_{f}" for t, f in keys],
                method="lexicon", similarity=np.nan)
            parts.append(spans)
        if self._uses("embedding"):
            parts.append(self._explain_sentences(text))
        columns = ["start", "end", "text", "term", "category", "weight", "feature", "method",
                   "similarity"]
        parts = [p[columns] for p in parts if len(p)] or [parts[0][columns]]
        table = pd.concat(parts, ignore_index=True)
        return table.sort_values(["start", "method", "category"], kind="stable")

    def _explain_sentences(self, text: str) -> pd.DataFrame:
        from ._sentences import sentence_spans

        spans = sentence_spans(text)
        embeddings = self._encoder().encode([text[a:b] for a, b in spans])
        rows = []
        for typology, prototypes in self.prototypes_.items():
            labels = {f["key"]: f["label"] for f in _definitions(typology)}
            best, assigned = self._assign(embeddings, prototypes)
            similarity = embeddings @ prototypes.T  # (0, n_frames) for an empty text
            for frame_index, frame in enumerate(self.frames_[typology]):
                chosen = np.flatnonzero(assigned & (best == frame_index))
                chosen = chosen[np.argsort(-similarity[chosen, frame_index],
                                           kind="stable")][:int(self.top_k)]
                for i in chosen:
                    start, end = spans[i]
                    value = float(similarity[i, frame_index])
                    rows.append({"start": start, "end": end, "text": text[start:end],
                                 "term": labels[frame], "category": f"{typology}.{frame}",
                                 "weight": value, "feature": f"{self.name}__{typology}_{frame}",
                                 "method": "embedding", "similarity": value})
        columns = ["start", "end", "text", "term", "category", "weight", "feature", "method",
                   "similarity"]
        return pd.DataFrame(rows, columns=columns)
