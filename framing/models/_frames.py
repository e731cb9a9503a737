"""Supervised frame classifiers: learn a frame typology from texts coded by people.

A frame scorer without training data (:class:`~framing.features.FrameScorer`) is the
only option for an issue nobody has coded; where coders have labelled texts, a classifier
learned from them agrees with coders far better. :func:`make_frame_classifier` returns an
unfitted scikit-learn classifier over texts for either task:

* **one frame per text** (``multilabel=False``): ``fit(texts, labels)`` with one frame
  name per text, for example the primary frame of a headline;
* **any number of frames per text** (``multilabel=True``): ``fit(texts, Y)`` with a binary
  matrix or DataFrame, one column per frame, for example the generic frames of an article.
  Each frame gets its own binary classifier and its own decision threshold, chosen to
  maximise that frame's F1 on out-of-fold predictions of the training texts only
  (``threshold_cv`` inner folds), never on the texts it is evaluated on.

Kinds
-----
``"tfidf"``       TF-IDF (uni- and bigrams) and logistic regression (seconds).
``"embeddings"``  mean sentence embeddings, standardised, and logistic regression whose
                  strength is chosen on inner folds; ``model="mpnet"`` (all-mpnet-base-v2,
                  fetched and verified on first use; the default) or ``"minilm"`` (the
                  packaged all-MiniLM-L6-v2). Sentence vectors are cached (in memory
                  and on disk: ``framing cache info``), so refits cost seconds.
``"transformer"`` a fine-tuned encoder (:class:`~framing.models.TransformerClassifier`).
``"ensemble"``    soft vote (the mean of the members' probabilities) of ``members``:
                  by default mpnet and MiniLM embeddings and TF-IDF.

The default kind is :data:`DEFAULT_FRAME_KIND`; ``experiments/validation/frame_classifiers.py``
measures every kind on coded corpora of two issues (results: ``docs/results.md``
in framing's repository).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from .._validation import as_texts
from . import _kinds

__all__ = ["DEFAULT_FRAME_KIND", "FRAME_KINDS", "FrameClassifier", "make_frame_classifier"]

FRAME_KINDS = ("tfidf", "embeddings", "transformer", "ensemble")
#: What an ensemble may average: a kind, or ``"minilm"``/``"mpnet"`` for the embeddings
#: kind with that encoder.
MEMBERS = ("tfidf", "embeddings", "minilm", "mpnet", "transformer")
#: The kind :func:`make_frame_classifier` builds when none is named: chosen by the
#: validation script from the measured kinds, among those that fit in minutes on a CPU.
DEFAULT_FRAME_KIND = "ensemble"
DEFAULT_MEMBERS = ("mpnet", "minilm", "tfidf")
#: The label :meth:`FrameClassifier.predict` gives a text with nothing to classify.
NO_FRAME = "none"
#: Inverse regularisation strengths the embeddings kind chooses from, on inner folds of
#: its training texts (coded corpora range from hundreds to thousands of texts, and the
#: best strength moves with their size).
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)

_DEFAULTS = {
    "tfidf": {"C": 10.0, "min_df": 1},
    "embeddings": {"model": "mpnet", "C": "cv"},
    "transformer": {"model": "mpnet", "max_length": 64, "max_chunks": 1, "epochs": 4,
                    "lr": 4e-5, "batch_size": 16, "patience": 1, "validation_fraction": 0.1,
                    "class_weight": "balanced"},
}


def embeddings_lr(*, model="mpnet", revision=None, max_sentences=None, C="cv",
                  class_weight="balanced", random_state=0):
    """Mean sentence embeddings, standardised, and logistic regression.

    ``C="cv"`` chooses the regularisation strength from :data:`C_GRID` by 3-fold
    cross-validation on the training texts (:class:`~sklearn.linear_model.LogisticRegressionCV`);
    a number fixes it.
    """
    if C != "cv":
        return _kinds.embeddings_lr(model=model, revision=revision,
                                    max_sentences=max_sentences, C=C,
                                    class_weight=class_weight, random_state=random_state)
    import inspect

    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from ._embed import TextEmbedder

    # Log loss, not accuracy, picks the strength: the probabilities feed soft votes and
    # per-frame thresholds. Newer scikit-learn asks for its pure-L2 settings explicitly.
    current = {"l1_ratios": (0.0,), "use_legacy_attributes": False}
    known = inspect.signature(LogisticRegressionCV).parameters
    settings = current if "use_legacy_attributes" in known else {}
    return Pipeline([
        ("embed", TextEmbedder(model, revision=revision, max_sentences=max_sentences)),
        ("scale", StandardScaler()),
        ("lr", LogisticRegressionCV(Cs=list(C_GRID), cv=3, scoring="neg_log_loss",
                                    max_iter=3000, class_weight=class_weight,
                                    random_state=random_state, **settings)),
    ])


def _member(kind: str, random_state: int, options: dict):
    if kind in ("minilm", "mpnet"):
        kind, options = "embeddings", {"model": kind, **options}
    params = {**_DEFAULTS[kind], **options}
    if kind == "tfidf":
        return _kinds.tfidf_lr(random_state=random_state, **params)
    if kind == "embeddings":
        return embeddings_lr(random_state=random_state, **params)
    return _kinds.transformer(random_state=random_state, **params)


def make_frame_classifier(kind: str | None = None, *, multilabel: bool = False,
                          random_state: int = 0, members=DEFAULT_MEMBERS,
                          weights=None, threshold_cv: int = 3, **options):
    """An unfitted classifier of frames in texts, learned from coded examples.

    Parameters
    ----------
    kind : {"tfidf", "embeddings", "transformer", "ensemble"}, optional
        Default :data:`DEFAULT_FRAME_KIND`.
    multilabel : bool, default False
        False: one frame per text, ``fit(texts, labels)``. True: any number of frames per
        text, ``fit(texts, Y)`` with a binary matrix or DataFrame (one column per frame).
    random_state : int, default 0
    members : sequence of str, default ("mpnet", "minilm", "tfidf")
        What ``kind="ensemble"`` averages: kinds, or ``"minilm"``/``"mpnet"`` for the
        embeddings kind with that encoder.
    weights : sequence of float, optional
        Weights of the ensemble's members.
    threshold_cv : int, default 3
        Inner folds of the training texts on which each frame's threshold is chosen
        (multi-label only).
    **options
        Parameters of the kind's model, for example ``model="minilm"`` or ``C=0.5``
        (ignored by ``"ensemble"``).

    Returns
    -------
    FrameClassifier

    Raises
    ------
    ValueError
        For an unknown kind or ensemble member.

    Examples
    --------
    >>> texts = ["Lawmakers vote on the gun bill.", "Senate passes background checks.",
    ...          "Shooting suspect had mental illness.", "Gunman treated for depression."] * 4
    >>> frames = ["gun control", "gun control", "mental health", "mental health"] * 4
    >>> clf = make_frame_classifier("tfidf").fit(texts, frames)
    >>> clf.predict(["The bill on guns passes the Senate.", ""]).tolist()
    ['gun control', 'none']
    """
    kind = DEFAULT_FRAME_KIND if kind is None else kind
    if kind not in FRAME_KINDS:
        raise ValueError(f"kind must be one of {FRAME_KINDS}, got {kind!r}")
    if kind == "ensemble":
        unknown = [m for m in members if m not in MEMBERS]
        if unknown or not members or len(set(members)) != len(members):
            raise ValueError(f"ensemble members must be distinct names from {MEMBERS}, "
                             f"got {list(members)!r}")
        estimator = _kinds.ensemble([(m, _member(m, random_state, {})) for m in members],
                                    weights=weights)
    else:
        estimator = _member(kind, random_state, options)
    return FrameClassifier(estimator, multilabel=multilabel, threshold_cv=threshold_cv,
                           random_state=random_state)


class FrameClassifier(ClassifierMixin, BaseEstimator):
    """A text classifier for frames: one frame per text, or several with learned thresholds.

    :func:`make_frame_classifier` builds one with framing's settings; any scikit-learn
    classifier over texts with ``predict_proba`` can be wrapped.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Over a 1-D sequence of texts, with ``predict_proba``. Cloned for each fit (and, for
        multi-label, for each frame and inner fold).
    multilabel : bool, default False
    threshold_cv : int, default 3
        Multi-label: inner stratified folds of the training texts whose out-of-fold
        probabilities choose each frame's threshold (the one maximising its F1).
    random_state : int, default 0
        Seeds the inner folds.

    Attributes
    ----------
    classes_ : ndarray
        The frames: the labels seen in training, or the matrix's column names
        (``frame_0``, ``frame_1``, ... for an unnamed matrix).
    estimator_ : estimator
        The fitted classifier (one frame per text).
    estimators_ : list of estimator
        One fitted binary classifier per frame (multi-label).
    thresholds_ : ndarray
        The probability each frame needs to be predicted present (multi-label).

    Notes
    -----
    An empty (or blank) text has no evidence for any frame: :meth:`predict` gives it
    ``"none"`` (multi-label: no frame), and :meth:`predict_proba` a row of zeros.
    ``predict_proba`` of a multi-label classifier is an ``(n_texts, n_frames)`` array of
    each frame's probability of being present (rows need not sum to 1).
    """

    def __init__(self, estimator, *, multilabel: bool = False, threshold_cv: int = 3,
                 random_state: int = 0):
        self.estimator = estimator
        self.multilabel = multilabel
        self.threshold_cv = threshold_cv
        self.random_state = random_state

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, X, y):
        """Learn the frames of ``X`` from ``y`` (labels, or a binary matrix if multi-label).

        Parameters
        ----------
        X : sequence of str
        y : array-like of labels, or (multi-label) a binary matrix or DataFrame

        Returns
        -------
        self
        """
        texts = as_texts(X)
        if self.multilabel:
            matrix, frames = _label_matrix(y, len(texts))
            self.classes_ = np.asarray(frames, dtype=object)
            self.estimators_, thresholds = [], []
            for column, frame in enumerate(frames):
                target = matrix[:, column]
                thresholds.append(self._threshold(texts, target, frame))
                self.estimators_.append(clone(self.estimator).fit(texts, target))
            self.thresholds_ = np.asarray(thresholds, dtype=np.float64)
            return self
        labels = _labels(y, len(texts))
        self.estimator_ = clone(self.estimator).fit(texts, labels)
        self.classes_ = np.asarray(self.estimator_.classes_)
        return self

    def _threshold(self, texts, target: np.ndarray, frame) -> float:
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        n_folds = min(int(self.threshold_cv), int(target.sum()), int(len(target) - target.sum()))
        if n_folds < 2:
            raise ValueError(f"frame {frame!r} is present in {int(target.sum())} of "
                             f"{len(target)} texts: too few to choose its threshold on "
                             f"{self.threshold_cv} inner folds")
        folds = StratifiedKFold(n_folds, shuffle=True, random_state=self.random_state)
        proba = cross_val_predict(clone(self.estimator), texts, target, cv=folds,
                                  method="predict_proba")[:, 1]
        return best_f1_threshold(target, proba)

    # -- prediction ------------------------------------------------------------------------
    def predict_proba(self, X) -> np.ndarray:
        """Frame probabilities: per class (one frame per text) or per frame (multi-label).

        Parameters
        ----------
        X : sequence of str

        Returns
        -------
        ndarray of shape (n_texts, n_frames)
        """
        texts = as_texts(X)
        blank = np.array([not t.strip() for t in texts], dtype=bool)
        out = np.zeros((len(texts), len(self.classes_)), dtype=np.float64)
        keep = [t for t, b in zip(texts, blank, strict=True) if not b]
        if keep:
            if self.multilabel:
                out[~blank] = np.column_stack([m.predict_proba(keep)[:, 1]
                                               for m in self.estimators_])
            else:
                out[~blank] = self.estimator_.predict_proba(keep)
        return out

    def predict(self, X) -> np.ndarray:
        """The frame of each text (``"none"`` for a blank text), or a 0/1 matrix.

        Parameters
        ----------
        X : sequence of str

        Returns
        -------
        ndarray
            Labels of shape (n_texts,), or (multi-label) integers of shape
            (n_texts, n_frames): 1 where the frame's probability reaches its threshold.
        """
        proba = self.predict_proba(X)
        if self.multilabel:
            return (proba >= self.thresholds_).astype(np.int64)
        blank = ~proba.any(axis=1)
        labels = np.asarray(self.classes_, dtype=object)[proba.argmax(axis=1)]
        return np.where(blank, NO_FRAME, labels)

    def predict_frame(self, X) -> pd.DataFrame:
        """Multi-label predictions as a table: one boolean column per frame.

        Parameters
        ----------
        X : sequence of str; a pandas Series keeps its index

        Returns
        -------
        pandas.DataFrame
        """
        if not self.multilabel:
            raise ValueError("predict_frame is for multi-label classifiers; use predict")
        index = X.index if isinstance(X, pd.Series) else None
        return pd.DataFrame(self.predict(X).astype(bool), columns=list(self.classes_),
                            index=index)

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy (one frame per text) or macro-F1 over frames (multi-label).

        Raises
        ------
        ValueError
            For labels the classifier never saw in training, named.
        """
        from sklearn.metrics import accuracy_score, f1_score

        texts = as_texts(X)
        if self.multilabel:
            matrix, frames = _label_matrix(y, len(texts), check_columns=False)
            if len(frames) != len(self.classes_) or (
                    isinstance(y, pd.DataFrame) and list(frames) != list(self.classes_)):
                raise ValueError(f"y's columns {list(frames)} are not the frames this "
                                 f"classifier learned: {list(self.classes_)}")
            return float(f1_score(matrix, self.predict(texts), average="macro",
                                  zero_division=0))
        labels = _labels(y, len(texts), at_least_two=False)
        unseen = sorted(set(labels) - set(self.classes_), key=str)
        if unseen:
            raise ValueError(f"labels never seen in training: {unseen}; this classifier "
                             f"knows {list(self.classes_)}")
        return float(accuracy_score(labels, self.predict(texts), sample_weight=sample_weight))


# -- checks and thresholds ---------------------------------------------------------------------
def best_f1_threshold(target, proba) -> float:
    """The probability threshold that maximises F1 of ``proba >= threshold`` on ``target``.

    Ties go to the threshold closest to 0.5 (a threshold between two observed
    probabilities is placed midway).

    Examples
    --------
    >>> best_f1_threshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.225
    """
    target = np.asarray(target, dtype=bool)
    proba = np.asarray(proba, dtype=np.float64)
    values = np.unique(proba)
    # candidate cut points: midway between consecutive distinct probabilities, and below all
    candidates = np.concatenate([[values[0] - 1e-9], (values[:-1] + values[1:]) / 2])
    positives = target.sum()
    best, best_f1 = 0.5, -1.0
    for cut in candidates:
        predicted = proba >= cut
        tp = np.count_nonzero(predicted & target)
        f1 = 2 * tp / (predicted.sum() + positives) if predicted.any() or positives else 0.0
        if f1 > best_f1 + 1e-12 or (abs(f1 - best_f1) <= 1e-12 and
                                    abs(cut - 0.5) < abs(best - 0.5)):
            best, best_f1 = float(cut), f1
    return round(best, 12)


def _labels(y, n: int, *, at_least_two: bool = True) -> np.ndarray:
    labels = np.asarray(y, dtype=object)
    if labels.ndim != 1:
        raise ValueError(f"expected one frame label per text (a 1-D array), got shape "
                         f"{labels.shape}; for several frames per text use multilabel=True")
    if len(labels) != n:
        raise ValueError(f"got {n} texts but {len(labels)} labels")
    missing = pd.isna(labels)
    if missing.any():
        raise ValueError(f"{int(missing.sum())} labels are missing (first at position "
                         f"{int(np.flatnonzero(missing)[0])}); drop those texts or label them")
    if at_least_two and len(set(labels)) < 2:
        raise ValueError(f"need at least two frames to learn from; every label is "
                         f"{labels[0]!r}" if n else "no texts to learn from")
    return labels


def _label_matrix(y, n: int, *, check_columns: bool = True) -> tuple[np.ndarray, list]:
    if isinstance(y, pd.DataFrame):
        frames, values = [str(c) for c in y.columns], y.to_numpy()
    else:
        values = np.asarray(y)
        if values.ndim != 2:
            raise ValueError(f"multilabel=True expects a binary matrix or DataFrame (one "
                             f"column per frame), got shape {values.shape}")
        frames = [f"frame_{i}" for i in range(values.shape[1])]
    if values.ndim != 2 or values.shape[1] == 0:
        raise ValueError("the label matrix needs at least one frame column")
    if len(values) != n:
        raise ValueError(f"got {n} texts but {len(values)} rows of labels")
    try:
        missing = pd.isna(values)
        numeric = values.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError("frame labels must be 0/1 or booleans") from None
    if missing.any():
        row, column = np.argwhere(missing)[0]
        raise ValueError(f"label of frame {frames[column]!r} is missing at row {int(row)}")
    if not np.isin(numeric, (0.0, 1.0)).all():
        raise ValueError("frame labels must be 0/1 or booleans; got "
                         f"{sorted(set(np.unique(numeric)) - {0.0, 1.0})[:5]}")
    matrix = numeric.astype(np.int64)
    if check_columns:
        for column, frame in enumerate(frames):
            share = matrix[:, column].mean() if n else 0.0
            if share in (0.0, 1.0):
                state = "absent from" if share == 0.0 else "present in"
                raise ValueError(f"frame {frame!r} is {state} every text: a frame that never "
                                 "varies cannot be learned; drop its column")
    return matrix, frames
