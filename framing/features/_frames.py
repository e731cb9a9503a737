"""Frames: how much of a text invokes each frame of three typologies, which one leads, and
which are present at all.

Three typologies, each an authored lexicon in ``framing/lexicons/data`` (seed words with
their evidence) plus frame definitions and prototype sentences in the lexicon's JSON file:

``policy``
    The policy frames of the Media Frames Corpus codebook (Boydstun et al. 2014; Card et
    al. 2015), frames 1-14. Frame 15, *Other*, is a residual with no content of its own:
    it has no seeds and no prototype, and ``policy_none`` marks texts with evidence for
    none of the 14. Seeds and prototypes are written for the issues the codebook was
    applied to (immigration, tobacco, same-sex marriage, gun control, the death penalty)
    and for policy news in general.
``generic``
    The five generic news frames of Semetko & Valkenburg (2000): conflict, human interest,
    economic consequences, morality, responsibility.
``immigration``
    Issue-specific immigration frames after Mendelsohn, Budak & Jurgens (2021), who adapt
    Benson (2013): four threat frames (public order, fiscal, jobs, national cohesion), four
    victim frames (humanitarian, global economy, war, discrimination) and three hero frames
    (cultural diversity, integration, worker).

Two signals, both explainable:

``method="lexicon"`` (the default)
    Seed-word matches, all typologies in one :class:`~framing.lexicons.LexiconMatcher` scan
    (fast, no torch). A seed counts its weight: 1 for a specific cue of its frame, 0.5 for
    a word that also has meanings outside the frame (the evidence column of the lexicon
    says why). Inside one lexicon a longer phrase hides the words within it (*gun
    violence*, a health-and-safety cue, hides *violence*, a half-weighted crime cue).
    Negation is ignored on purpose: *not a crime* still makes crime salient, and salience
    is what a frame is.
``method="embedding"``
    Each sentence (:func:`framing.features._sentences.sentence_spans`) is embedded with
    the local MiniLM (:mod:`framing.features._embeddings`) and compared with one prototype
    per frame: the normalised mean of the frame's prototype sentences (a dozen or more per
    policy and generic frame, written by the project from the frame definitions across
    issues). A sentence counts for its most similar frame when the cosine similarity
    reaches ``similarity_threshold``; otherwise for no frame.
``method="both"``
    The mean of the two distributions (where only one method finds evidence, that one).

Output, per typology ``t`` (all float64, see :meth:`FrameScorer.get_feature_names_out`):

* ``frames__<t>_<frame>``: the frame's share of the text's frame evidence (weighted seed
  matches, or sentences assigned). The shares of a typology sum to 1 when there is any
  evidence; otherwise they are all 0 and ``frames__<t>_none`` is 1. Shares are ratios, so
  they do not grow with text length.
* ``frames__<t>_none``: 1.0 when the text has no evidence for any frame of ``t`` (an
  empty text included).
* with ``details=True``, the raw signals behind the shares, which keep the *strength* of
  each frame that a distribution normalises away: ``frames__lexicon_<t>_<frame>`` (weighted
  seed matches per 1,000 words) and ``frames__embedding_<t>_<frame>`` (share of all the
  text's sentences assigned to the frame).

Two decisions are derived from the output, as categories rather than float features:

* **The primary frame** of a typology (:meth:`FrameScorer.primary_frames`) is its largest
  share, or ``None`` without evidence. Of frames with equal shares, the one whose evidence
  comes first in the text leads: placement is how news makes an aspect salient (the
  headline, the lede, the subject of a sentence), so an early cue marks the frame the
  text opens with. Where the text is not at hand (:meth:`FrameScorer.primary_frames_from`
  without ``texts``), ties go to the frame listed first.
* **Presence** (:meth:`FrameScorer.frames_present`): whether a frame is in the text at all,
  as a coder answering "does the story use this frame?" would say. A frame is present when
  its raw signal (matches per 1,000 words; share of sentences) is positive and reaches the
  frame's threshold. Thresholds calibrated on public gold live in the lexicon's JSON file
  under ``presence`` with the data and the command that produced them (the generic frames:
  Narrative Frames, by ``experiments/validation/frames_zero_shot.py --calibrate``); a
  typology without calibrated thresholds counts any evidence as presence. Because the
  thresholds are rates, a single sentence with one cue clears them: for short texts
  presence means "has evidence". With ``method="both"`` a frame is present when either
  method finds it present.

The default ``similarity_threshold`` was chosen by the same script (a grid over
thresholds, scored on Narrative Frames and on the Gun Violence Frame Corpus; the grid and
its scores are in ``experiments/results/frames_zero_shot.json``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ..lexicons import LexiconMatcher, lexicon_metadata, load_lexicon
from ._base import BaseScorer, as_texts
from ._lexicon_scorer import RATE_SCALE

__all__ = ["FrameScorer", "SIMILARITY_THRESHOLD", "TYPOLOGIES", "frame_definitions",
           "presence_thresholds"]

#: Typology name -> the authored lexicon that holds its seeds, definitions and prototypes.
TYPOLOGIES = {"policy": "policy_frames", "generic": "generic_frames",
              "immigration": "immigration_frames"}
METHODS = ("lexicon", "embedding", "both")
#: Default cosine similarity a sentence needs with its closest frame prototype to count
#: (embedding method), chosen by ``experiments/validation/frames_zero_shot.py --calibrate``.
SIMILARITY_THRESHOLD = 0.2
#: Texts scored together: bounds the memory of sentence embeddings (about 35 sentences per
#: article x 384 float32).
CHUNK_SIZE = 256
#: What the presence thresholds of each method apply to.
PRESENCE_SIGNALS = {"lexicon": "weighted seed matches per 1,000 words",
                    "embedding": "share of the text's sentences assigned to the frame"}


@lru_cache(maxsize=8)
def _metadata(typology: str) -> dict:
    if typology not in TYPOLOGIES:
        raise ValueError(f"unknown typology {typology!r}; known: {', '.join(TYPOLOGIES)}")
    return lexicon_metadata(TYPOLOGIES[typology])


def _definitions(typology: str) -> tuple[dict, ...]:
    return tuple(_metadata(typology)["frames"])


def presence_thresholds(typology: str, method: str = "lexicon") -> pd.Series:
    """The presence threshold of each frame of a typology, as :meth:`FrameScorer.frames_present`
    applies them.

    Parameters
    ----------
    typology : {"policy", "generic", "immigration"}
    method : {"lexicon", "embedding"}, default "lexicon"

    Returns
    -------
    pandas.Series
        Indexed by frame key, in feature order; the unit is the method's raw signal
        (:data:`PRESENCE_SIGNALS`). 0.0 where the lexicon's JSON file records no
        calibrated threshold: then any evidence counts. ``attrs`` holds the calibration
        record (data, command, rule), empty when there is none.

    Raises
    ------
    ValueError
        For an unknown typology or method, or a calibration record that names frames the
        typology does not have or a negative threshold.

    Examples
    --------
    >>> bool(presence_thresholds("policy").eq(0).all())  # no calibration: any evidence
    True
    >>> sorted(presence_thresholds("generic").attrs)
    ['calibrated_by', 'data', 'rule', 'signal']
    """
    if method not in PRESENCE_SIGNALS:
        raise ValueError(f"method must be one of {sorted(PRESENCE_SIGNALS)}, got {method!r}")
    frames = [f["key"] for f in _definitions(typology)]
    record = dict(_metadata(typology).get("presence", {}))
    thresholds = record.pop(method, {})
    unknown = sorted(set(thresholds) - set(frames))
    if unknown:
        raise ValueError(f"{TYPOLOGIES[typology]}.json: presence thresholds for {method} name "
                         f"unknown frames {unknown}")
    series = pd.Series([float(thresholds.get(f, 0.0)) for f in frames], index=frames,
                       name=f"{typology}_{method}", dtype=np.float64)
    if (series < 0).any() or not np.isfinite(series).all():
        raise ValueError(f"{TYPOLOGIES[typology]}.json: presence thresholds must be finite "
                         f"and non-negative, got {series[series < 0].to_dict()}")
    if thresholds:
        series.attrs = {key: record[key] for key in ("calibrated_by", "data", "rule")
                        if key in record}
        series.attrs["signal"] = PRESENCE_SIGNALS[method]
    return series


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
    """Frame distributions per text for policy, generic and immigration frames.

    See the module documentation for the typologies, the two methods, the features, the
    primary frame and presence.

    Parameters
    ----------
    typologies : str or sequence of str, default ("policy", "generic", "immigration")
        Which typologies to score, in output order.
    method : {"lexicon", "embedding", "both"}, default "lexicon"
        ``"embedding"`` and ``"both"`` need torch, transformers and the local MiniLM.
    similarity_threshold : float, default :data:`SIMILARITY_THRESHOLD`
        Cosine similarity a sentence needs with its closest frame prototype to count for
        that frame (embedding method). The default is the best of a grid scored by
        ``experiments/validation/frames_zero_shot.py --calibrate``; 0 counts every
        sentence for its closest frame.
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
    device : {"auto", "cpu", "cuda", "cuda:N"}, default "auto"
        Where the sentence encoder runs (embedding method): CUDA with float16 mixed
        precision when torch sees a GPU, else the CPU.

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
    presence_thresholds_ : dict of str to dict of str to ndarray
        Per method used and typology, the presence threshold of each frame (see
        :func:`presence_thresholds`).

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
    >>> scorer.frames_present([text]).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'generic_conflict': True, 'generic_human_interest': False, 'generic_economic': True,
     'generic_morality': False, 'generic_responsibility': False}
    >>> scorer.explain(text)[["text", "category"]].head(2)
          text          category
    0  Critics  generic.conflict
    1  slammed  generic.conflict
    """

    name = "frames"

    def __init__(self, typologies=("policy", "generic", "immigration"), method: str = "lexicon",
                 *, similarity_threshold: float = SIMILARITY_THRESHOLD, details: bool = False,
                 top_k: int = 3, model=None, revision: str | None = None, batch_size: int = 64,
                 max_length: int = 128, exclude=(), device: str = "auto"):
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
        self.device = device

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

    def _methods(self) -> list[str]:
        return [m for m in METHODS[:2] if self._uses(m)]

    def _fit_resources(self):
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if not 0.0 <= float(self.similarity_threshold) <= 1.0:
            raise ValueError("similarity_threshold must lie in [0, 1]")
        typologies = self._typologies()
        self.frames_ = {t: tuple(f["key"] for f in _definitions(t)) for t in typologies}
        self.presence_thresholds_ = {
            method: {t: presence_thresholds(t, method).to_numpy() for t in typologies}
            for method in self._methods()}
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
            for method in self._methods():
                names += [f"{method}_{t}_{f}" for t in typologies for f in self.frames_[t]]
        return names

    def _encoder(self):
        from ._embeddings import get_encoder

        return get_encoder(self.model, revision=self.revision, batch_size=self.batch_size,
                           max_length=self.max_length, device=self.device)

    # -- scoring ---------------------------------------------------------------------------
    def _chunked(self, texts: list[str], score) -> list:
        """``score`` over the distinct texts, CHUNK_SIZE at a time, and the row of each text.

        Repeated texts (wire copies, boilerplate) are scored once per call.
        """
        unique = list(dict.fromkeys(texts))
        position = {text: i for i, text in enumerate(unique)}
        parts = [score(unique[begin:begin + CHUNK_SIZE])
                 for begin in range(0, len(unique), CHUNK_SIZE)]
        return parts, [position[text] for text in texts]

    def _transform_texts(self, texts):
        parts, rows = self._chunked(texts, self._score)
        values = np.concatenate(parts) if parts else np.zeros((0, self.n_features_out_))
        return values[rows]

    def _signals(self, texts: list[str], *, positions: bool = False) -> dict[str, dict]:
        """Per method and typology: (evidence, raw signal, first evidence) per frame.

        Evidence and raw signal have shape (n_texts, n_frames); first evidence, computed
        only with ``positions``, holds the character offset where each frame's evidence
        starts (``inf`` where there is none), else it is ``None``.
        """
        signals: dict[str, dict] = {}
        if self._uses("lexicon"):
            signals["lexicon"] = self._lexicon_signals(texts, positions)
        if self._uses("embedding"):
            signals["embedding"] = self._sentence_signals(texts)
        return signals

    def _lexicon_signals(self, texts: list[str], positions: bool) -> dict:
        per_typology = {t: np.zeros((len(texts), len(f))) for t, f in self.frames_.items()}
        first = {t: np.full((len(texts), len(f)), np.inf) for t, f in self.frames_.items()}
        if positions:
            # One pass that also keeps where each match starts (``count`` does not).
            found = self.matcher_.find(texts)
            counts = np.zeros((len(texts), len(self.matcher_.categories_)))
            np.add.at(counts, (found.doc, found.category), found.weight)
            n_words = found.n_words
        else:
            counts, n_words = self.matcher_.count(texts)
        for column, (typology, frame) in enumerate(self._lexicon_columns):
            per_typology[typology][:, frame] += counts[:, column]
            if positions:
                hit = found.category == column
                np.minimum.at(first[typology][:, frame], found.doc[hit],
                              found.start[hit].astype(np.float64))
        rate = RATE_SCALE / np.maximum(n_words, 1)[:, None]
        return {t: (c, c * rate, first[t] if positions else None)
                for t, c in per_typology.items()}

    def _sentence_signals(self, texts: list[str]) -> dict:
        from ._sentences import sentence_spans

        spans = [sentence_spans(text) for text in texts]
        owner = np.repeat(np.arange(len(texts)), [len(s) for s in spans])
        starts = np.asarray([a for pieces in spans for a, _ in pieces], dtype=np.float64)
        sentences = [text[a:b] for text, pieces in zip(texts, spans, strict=True)
                     for a, b in pieces]
        n_sentences = np.bincount(owner, minlength=len(texts)).astype(np.float64)
        embeddings = self._encoder().encode(sentences)
        out = {}
        for typology, prototypes in self.prototypes_.items():
            best, assigned = self._assign(embeddings, prototypes)
            n_frames = len(prototypes)
            cell = owner[assigned] * n_frames + best[assigned]
            counts = np.bincount(cell, minlength=len(texts) * n_frames)
            counts = counts.reshape(len(texts), n_frames).astype(np.float64)
            first = np.full(len(texts) * n_frames, np.inf)
            np.minimum.at(first, cell, starts[assigned])
            out[typology] = (counts, counts / np.maximum(n_sentences, 1)[:, None],
                             first.reshape(len(texts), n_frames))
        return out

    def _assign(self, embeddings: np.ndarray, prototypes: np.ndarray):
        """Closest frame of each sentence, and whether it is close enough to count."""
        if not len(embeddings):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
        similarity = embeddings @ prototypes.T
        best = similarity.argmax(axis=1)
        top = similarity[np.arange(len(best)), best]
        return best, top >= np.float32(self.similarity_threshold)

    def _values(self, texts: list[str], signals: dict) -> np.ndarray:
        blocks, details = [], []
        for typology in self.frames_:
            shares, n_methods = 0.0, 0
            for method in signals:
                evidence = signals[method][typology][0]
                total = evidence.sum(axis=1, keepdims=True)
                has = total > 0
                shares = shares + np.where(has, evidence / np.where(has, total, 1.0), 0.0)
                n_methods = n_methods + has
            distribution = shares / np.maximum(n_methods, 1)
            blocks += [distribution, (np.asarray(n_methods) == 0).astype(np.float64)
                       .reshape(len(texts), 1)]
        if self.details:
            for method in signals:
                details += [signals[method][t][1] for t in self.frames_]
        return np.hstack(blocks + details)

    def _score(self, texts: list[str]) -> np.ndarray:
        return self._values(texts, self._signals(texts))

    # -- primary frames --------------------------------------------------------------------
    def primary_frames(self, X) -> pd.DataFrame:
        """The primary (largest-share) frame of each typology for each text.

        Of frames with equal shares, the one whose evidence starts first in the text leads
        (see the module documentation).

        Parameters
        ----------
        X : sequence of str
            Texts; a pandas Series keeps its index.

        Returns
        -------
        pandas.DataFrame
            One column per typology holding frame keys (see :attr:`frames_`), or ``None``
            where the text has no evidence for any frame of the typology (an empty text
            included).
        """
        check_is_fitted(self, "feature_names_")
        texts = as_texts(X)
        index = X.index if isinstance(X, pd.Series | pd.DataFrame) else None

        def score(chunk):
            signals = self._signals(chunk, positions=True)
            return self._values(chunk, signals), self._first_of(signals)

        parts, rows = self._chunked(texts, score)
        values = (np.concatenate([v for v, _ in parts]) if parts
                  else np.zeros((0, self.n_features_out_)))
        first = {t: (np.concatenate([f[t] for _, f in parts]) if parts
                     else np.zeros((0, len(frames))))[rows]
                 for t, frames in self.frames_.items()}
        return self._primary(values[rows], first, index)

    def primary_frames_from(self, scores, texts=None) -> pd.DataFrame:
        """:meth:`primary_frames` from features already computed by this scorer.

        Parameters
        ----------
        scores : ndarray or pandas.DataFrame
            The output of :meth:`transform`, or any DataFrame holding its columns (for
            example a table of many scorers' features); a DataFrame's index is kept.
        texts : sequence of str, optional
            The texts behind ``scores``, in the same order, to break ties by where each
            frame's evidence starts, as :meth:`primary_frames` does (this scans the texts
            again; with the embedding method it encodes them again). Without them ties go
            to the frame listed first.
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
        first = None
        if texts is not None:
            texts = as_texts(texts)
            if len(texts) != len(values):
                raise ValueError(f"{len(texts)} texts for {len(values)} rows of scores")
            parts, rows = self._chunked(
                texts, lambda chunk: self._first_of(self._signals(chunk, positions=True)))
            first = {t: (np.concatenate([p[t] for p in parts]) if parts
                         else np.zeros((0, len(frames))))[rows]
                     for t, frames in self.frames_.items()}
        return self._primary(values, first, index)

    def _first_of(self, signals: dict) -> dict[str, np.ndarray]:
        """Where each frame's evidence starts, over the methods used."""
        return {t: np.minimum.reduce([signals[m][t][2] for m in signals])
                for t in self.frames_}

    def _primary(self, values: np.ndarray, first: dict | None, index) -> pd.DataFrame:
        names = list(self.get_feature_names_out())
        out = {}
        for typology, frames in self.frames_.items():
            columns = [names.index(f"{self.name}__{typology}_{f}") for f in frames]
            shares = values[:, columns]
            none = values[:, names.index(f"{self.name}__{typology}_none")] > 0
            # Shares of equal evidence are equal floats, but the mean of two methods'
            # shares may differ in the last bits.
            tied = np.isclose(shares, shares.max(axis=1, keepdims=True), rtol=0, atol=1e-12)
            best = tied.argmax(axis=1)  # the first listed of the tied frames
            if first is not None and len(shares):
                start = np.where(tied, first[typology], np.inf)
                known = np.isfinite(start).any(axis=1)
                best = np.where(known, start.argmin(axis=1), best)
            out[typology] = np.where(none, None, np.asarray(frames, dtype=object)[best])
        return pd.DataFrame(out, index=index, dtype=object)

    # -- presence --------------------------------------------------------------------------
    def frames_present(self, X) -> pd.DataFrame:
        """Whether each frame is present in each text.

        A frame is present when its raw signal (weighted seed matches per 1,000 words;
        share of sentences assigned) is positive and reaches its threshold in
        :attr:`presence_thresholds_` (see :func:`presence_thresholds`). With
        ``method="both"``, when either method finds it present.

        Parameters
        ----------
        X : sequence of str
            Texts; a pandas Series keeps its index.

        Returns
        -------
        pandas.DataFrame
            Boolean columns ``<typology>_<frame>`` in feature order; all False for a text
            without evidence (an empty text included).
        """
        check_is_fitted(self, "feature_names_")
        texts = as_texts(X)
        index = X.index if isinstance(X, pd.Series | pd.DataFrame) else None

        def present(chunk):
            signals = self._signals(chunk)
            blocks = []
            for typology in self.frames_:
                votes = [(signals[m][typology][1] > 0)
                         & (signals[m][typology][1] >= self.presence_thresholds_[m][typology])
                         for m in signals]
                blocks.append(np.logical_or.reduce(votes))
            return np.hstack(blocks)

        parts, rows = self._chunked(texts, present)
        columns = [f"{t}_{f}" for t, frames in self.frames_.items() for f in frames]
        values = np.concatenate(parts)[rows] if parts else np.zeros((0, len(columns)), bool)
        return pd.DataFrame(values, index=index, columns=columns, dtype=bool)

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
