"""Cross-validate a text classifier with random, outlet and time splits, over seeds.

:func:`evaluate` answers the question a reader of a media-bias paper should ask first:
*does the classifier still work on outlets it has never seen?* A label derived from the
outlet (AllSides) can be predicted from the outlet's signature alone, so a random split
flatters; the outlet split (the "media split" of Baly et al. 2020) holds out whole
outlets, and the time split trains on earlier articles and tests on later ones.

Splits
------
``"random"``
    :class:`~sklearn.model_selection.StratifiedKFold`, shuffled with the seed.
``"outlet"``
    :class:`~sklearn.model_selection.StratifiedGroupKFold` on ``groups`` (the outlet of
    each text), shuffled with the seed: every outlet is in exactly one test fold, and the
    folds keep the class balance as far as whole outlets allow. Refused without
    ``groups``.
``"time"``
    Expanding window on ``dates``: the dated texts are sorted and cut into
    ``n_splits + 1`` consecutive blocks; fold *k* trains on blocks ``0..k-1`` and tests on
    block *k*. Rows without a date (NaT) are left out and counted in
    :attr:`Evaluation.excluded`. The folds do not depend on the seed; the estimator's
    ``random_state`` does.

With every split, the seed is also set on every ``random_state`` parameter of the
estimator (``set_params``), so a seed names one complete, repeatable run. When
``groups`` is given, it is passed to ``fit`` for the training rows if the estimator asks
for it (an :class:`~framing.models.OutletSignatureStripper` step learns the training
outlets' signatures from it; nothing about a test outlet reaches training).

Confidence intervals
--------------------
The summary gives the mean over folds x seeds and a Student-t 95% interval over those
values. Folds share training data and seeds share texts, so the values are not
independent: the interval is approximate (usually too narrow); it is a statement about
the variability of this procedure on this data, not about a population of outlets.
"""

from __future__ import annotations

import inspect
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score

from ._history import training_history
from ._pooling import groups_fit_params
from ._seeds import with_seed

__all__ = ["Evaluation", "evaluate", "fold_metrics", "summarize_scores", "split_indices"]

SPLITS = ("random", "outlet", "time")
#: The headline metrics, in the order tables show them.
METRICS = ("f1_macro", "accuracy", "balanced_accuracy")
CI_METHOD = "t-interval over fold x seed values (folds share data: approximate)"


@dataclass
class Evaluation:
    """The result of :func:`evaluate`.

    Attributes
    ----------
    scores : DataFrame
        Long and tidy: split, seed, fold, metric, value, n_train, n_test. Metrics are
        ``f1_macro``, ``accuracy``, ``balanced_accuracy``, ``f1[<class>]`` per class and
        ``fit_seconds``.
    summary : DataFrame
        Per split and metric: mean, sd, ci_low, ci_high, n (folds x seeds), method.
    predictions : DataFrame
        Per split, seed and test row: fold, position, y_true, y_pred and, for estimators
        with ``predict_proba``, ``proba[<class>]`` (the out-of-fold predictions).
    excluded : dict
        Per split, how many rows were left out (time split: rows without a date).
    histories : DataFrame
        Per split, seed and fold, the epochs of every fine-tuned model in the estimator
        (:func:`~framing.models.training_history`: member, epoch, best, training loss,
        validation macro-F1, seconds); empty for estimators that keep no history.
    """

    scores: pd.DataFrame
    summary: pd.DataFrame
    predictions: pd.DataFrame
    excluded: dict = field(default_factory=dict)
    histories: pd.DataFrame = field(default_factory=pd.DataFrame)

    def table(self, metric: str = "f1_macro") -> pd.DataFrame:
        """One metric's summary, one row per split (a compact view for reports)."""
        return self.summary[self.summary["metric"] == metric].reset_index(drop=True)

    def _repr_html_(self):  # pragma: no cover - notebook display
        return self.summary._repr_html_()


def _t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float, float]:
    from scipy import stats

    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        return (np.nan,) * 4
    mean = float(values.mean())
    if n < 2:
        return mean, np.nan, np.nan, np.nan
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / np.sqrt(n)
    return mean, sd, mean - half, mean + half


def summarize_scores(scores: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean, sd and a t confidence interval per split and metric of a scores table.

    Parameters
    ----------
    scores : DataFrame
        Columns split, metric, value (as in :attr:`Evaluation.scores`); other columns
        that are constant within a (split, metric) group, such as ``kind``, are kept
        when listed in ``scores.attrs["by"]``.
    level : float, default 0.95

    Examples
    --------
    >>> s = pd.DataFrame({"split": "random", "metric": "f1_macro",
    ...                   "value": [0.7, 0.8, 0.75]})
    >>> summarize_scores(s)[["mean", "n"]].round(3).values.tolist()
    [[0.75, 3.0]]
    """
    by = list(scores.attrs.get("by", [])) + ["split", "metric"]
    rows = []
    for key, group in scores.groupby(by, sort=False, observed=True):
        mean, sd, low, high = _t_interval(group["value"].to_numpy(), level)
        key = key if isinstance(key, tuple) else (key,)
        rows.append((*key, mean, sd, low, high, len(group), CI_METHOD))
    return pd.DataFrame(rows, columns=[*by, "mean", "sd", "ci_low", "ci_high", "n", "method"])


def split_indices(y, *, split: str = "random", groups=None, dates=None, n_splits: int = 5,
                  seed: int = 0):
    """The (train, test) position arrays of one split strategy and seed.

    Returns
    -------
    folds : list of (ndarray, ndarray)
    excluded : int
        Rows in no fold (the time split's undated rows).
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    y = np.asarray(y)
    n = len(y)
    if split == "random":
        cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        return list(cv.split(np.zeros(n), y)), 0
    if split == "outlet":
        if groups is None:
            raise ValueError("split='outlet' holds out whole outlets and needs groups= "
                             "(the outlet of each text)")
        groups = np.asarray(groups)
        n_groups = len(pd.unique(groups))
        if n_groups < n_splits:
            raise ValueError(f"split='outlet' with n_splits={n_splits} needs at least "
                             f"{n_splits} outlets; got {n_groups}")
        cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        with warnings.catch_warnings():
            # "The least populated class in y has only k members" is expected with outlets
            warnings.simplefilter("ignore", UserWarning)
            return list(cv.split(np.zeros(n), y, groups)), 0
    if split == "time":
        if dates is None:
            raise ValueError("split='time' needs dates= (a datetime per text)")
        dates = pd.to_datetime(pd.Series(np.asarray(dates, dtype=object)), utc=True,
                               errors="coerce")
        dated = np.flatnonzero(dates.notna().to_numpy())
        if len(dated) < n_splits + 1:
            raise ValueError(f"split='time' needs more than {n_splits} dated rows")
        order = dated[np.argsort(dates.iloc[dated].to_numpy(), kind="stable")]
        blocks = np.array_split(order, n_splits + 1)
        folds = [(np.sort(np.concatenate(blocks[:k])), np.sort(blocks[k]))
                 for k in range(1, n_splits + 1)]
        return folds, int(n - len(dated))
    raise ValueError(f"split must be one of {SPLITS}, got {split!r}")


def _predict_params(model, groups):
    """``groups=`` for a model that predicts with the test rows' outlets (pooling)."""
    method = getattr(model, "predict_proba", None) or model.predict
    if groups is None or "groups" not in inspect.signature(method).parameters:
        return {}
    return {"groups": groups}


def _take(X, rows):
    if isinstance(X, pd.Series | pd.DataFrame):
        return X.iloc[rows]
    return [X[i] for i in rows] if isinstance(X, list) else np.asarray(X, dtype=object)[rows]


def evaluate(estimator, texts, y, *, groups=None, dates=None, split="random",
             n_splits: int = 5, seeds=(0, 1, 2), folds=None, level: float = 0.95,
             verbose: bool = False) -> Evaluation:
    """Cross-validate ``estimator`` on texts with one or more split strategies and seeds.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Unfitted; cloned for every fold.
    texts : sequence of str (or a pandas Series)
    y : array-like of labels, or a binary matrix or DataFrame (one column per label)
        A 2-D ``y`` evaluates a multi-label classifier (for example
        ``make_frame_classifier(multilabel=True)``, whose ``predict`` returns a 0/1
        matrix): random folds are stratified on each row's rarest present label, and
        the metrics are ``f1_macro`` (mean of the labels' F1), ``f1_micro``, ``accuracy``
        (every label of a row right) and ``f1[<label>]``.
    groups : array-like, optional
        The outlet of each text: required by ``split="outlet"``, and passed to ``fit``
        (training rows only) when the estimator takes it, and to ``predict_proba`` (test
        rows only) when that takes it (:class:`~framing.models.OutletPooledClassifier`
        pools the predictions of each test outlet's articles; their labels are never
        passed).
    dates : array-like of datetimes, optional
        Required by ``split="time"``.
    split : {"random", "outlet", "time"} or a list of them
    n_splits : int, default 5
    seeds : sequence of int, default (0, 1, 2)
        Each seed shuffles the folds and is set as every ``random_state`` parameter of
        the estimator (nested ones too), so one seed reruns the whole fit and a
        ``random_state`` given to the estimator is replaced. To vary only the model's
        seed on fixed folds, fit on :func:`split_indices` yourself.
    folds : sequence of int, optional
        Fit and score only these folds (numbered from 0) of each split and seed; the
        folds themselves do not change. For models too slow to run every fold at once:
        runs over disjoint ``folds`` concatenate into the full evaluation.
    level : float, default 0.95
        Confidence level of the summary intervals.
    verbose : bool, default False
        Print one line per fold.

    Returns
    -------
    Evaluation
        ``scores`` (long: split, seed, fold, metric, value, n_train, n_test), ``summary``
        (means and CIs per split and metric), ``predictions`` (out of fold),
        ``histories`` (each fold's training epochs, for fine-tuned models).

    Raises
    ------
    ValueError
        For ``split="outlet"`` without ``groups``, ``split="time"`` without ``dates``,
        or inputs of different lengths.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklearn.naive_bayes import MultinomialNB
    >>> texts = ["good news", "bad news", "good day", "bad day"] * 5
    >>> y = ["pos", "neg", "pos", "neg"] * 5
    >>> result = evaluate(make_pipeline(CountVectorizer(), MultinomialNB()), texts, y,
    ...                   n_splits=2, seeds=(0,))
    >>> result.table()[["split", "mean", "n"]].values.tolist()
    [['random', 1.0, 2]]
    """
    splits = [split] if isinstance(split, str) else list(split)
    for name in splits:
        if name not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {name!r}")
    if "outlet" in splits and groups is None:
        raise ValueError("split='outlet' holds out whole outlets and needs groups= "
                         "(the outlet of each text)")
    multilabel = isinstance(y, pd.DataFrame) or np.ndim(y) == 2
    if multilabel:
        label_names = ([str(c) for c in y.columns] if isinstance(y, pd.DataFrame)
                       else [str(i) for i in range(np.shape(y)[1])])
        y = np.asarray(y, dtype=np.int64)
        strata = multilabel_strata(y)
    else:
        y = np.asarray(y)
        strata = y
    n = len(y)
    if len(texts) != n:
        raise ValueError(f"texts has {len(texts)} rows but y has {n}")
    for name, values in (("groups", groups), ("dates", dates)):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} has {len(values)} rows but y has {n}")
    if folds is not None:
        folds = {int(k) for k in folds}
        if not folds or not folds <= set(range(n_splits)):
            raise ValueError(f"folds must be fold numbers in 0..{n_splits - 1}, "
                             f"got {sorted(folds)}")
    group_array = None if groups is None else np.asarray(groups, dtype=object)
    classes = None if multilabel else np.unique(y)
    score_rows, prediction_frames, history_frames, excluded = [], [], [], {}
    for name in splits:
        for seed in seeds:
            indices, excluded[name] = split_indices(strata, split=name, groups=group_array,
                                                    dates=dates, n_splits=n_splits,
                                                    seed=int(seed))
            for fold, (train, test) in enumerate(indices):
                if folds is not None and fold not in folds:
                    continue
                model = with_seed(clone(estimator), int(seed))
                params = groups_fit_params(model, None if group_array is None
                                           else group_array[train])
                started = time.perf_counter()
                model.fit(_take(texts, train), y[train], **params)
                seconds = time.perf_counter() - started
                X_test = _take(texts, test)
                if multilabel:
                    proba, pred = model.predict_proba(X_test), np.asarray(model.predict(X_test))
                    values = multilabel_fold_metrics(y[test], pred, label_names)
                    values["fit_seconds"] = seconds
                    score_rows += [(name, int(seed), fold, metric, float(value), len(train),
                                    len(test)) for metric, value in values.items()]
                    frame = pd.DataFrame({"split": name, "seed": int(seed), "fold": fold,
                                          "position": test})
                    for column, label in enumerate(label_names):
                        frame[f"y_true[{label}]"] = y[test, column]
                        frame[f"y_pred[{label}]"] = pred[:, column]
                        frame[f"proba[{label}]"] = proba[:, column]
                    prediction_frames.append(frame)
                    history_frames.append(training_history(model).assign(
                        split=name, seed=int(seed), fold=fold))
                    if verbose:
                        print(f"{name} seed {seed} fold {fold}: macro-F1 "
                              f"{values['f1_macro']:.3f} ({seconds:.0f}s fit)", flush=True)
                    continue
                predict_params = _predict_params(model, None if group_array is None
                                                 else group_array[test])
                proba = (model.predict_proba(X_test, **predict_params)
                         if hasattr(model, "predict_proba") else None)
                pred = (np.asarray(model.classes_)[proba.argmax(axis=1)] if proba is not None
                        else np.asarray(model.predict(X_test, **predict_params)))
                values = fold_metrics(y[test], pred, classes)
                values["fit_seconds"] = seconds
                history_frames.append(training_history(model).assign(split=name,
                                                                     seed=int(seed),
                                                                     fold=fold))
                score_rows += [(name, int(seed), fold, metric, float(value), len(train),
                                len(test)) for metric, value in values.items()]
                frame = pd.DataFrame({"split": name, "seed": int(seed), "fold": fold,
                                      "position": test, "y_true": y[test], "y_pred": pred})
                if proba is not None:
                    for column, cls in enumerate(model.classes_):
                        frame[f"proba[{cls}]"] = proba[:, column]
                prediction_frames.append(frame)
                if verbose:
                    print(f"{name} seed {seed} fold {fold}: macro-F1 "
                          f"{values['f1_macro']:.3f} ({seconds:.0f}s fit)", flush=True)
    scores = pd.DataFrame(score_rows, columns=["split", "seed", "fold", "metric", "value",
                                               "n_train", "n_test"])
    histories = pd.concat(history_frames, ignore_index=True)
    first = ["split", "seed", "fold"]
    histories = histories[first + [c for c in histories.columns if c not in first]]
    return Evaluation(scores=scores, summary=summarize_scores(scores, level),
                      predictions=pd.concat(prediction_frames, ignore_index=True),
                      excluded=excluded, histories=histories)


def fold_metrics(y_true, y_pred, classes) -> dict[str, float]:
    """Macro-F1, accuracy, balanced accuracy and per-class F1 of one test fold.

    Macro-F1 averages over the classes present in the fold (in ``y_true`` or ``y_pred``):
    an outlet fold may hold no article of a class, and a class nobody wrote or predicted
    is no error. The per-class F1 of such a class is NaN.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    values = {"f1_macro": f1_score(y_true, y_pred, average="macro", zero_division=0),
              "accuracy": accuracy_score(y_true, y_pred),
              "balanced_accuracy": _balanced(y_true, y_pred)}
    per_class = f1_score(y_true, y_pred, average=None, labels=classes, zero_division=0)
    present = set(y_true) | set(y_pred)
    values.update({f"f1[{c}]": (float(v) if c in present else np.nan)
                   for c, v in zip(classes, per_class, strict=True)})
    return values


def multilabel_strata(Y) -> np.ndarray:
    """One stratum per row of a binary label matrix, for stratified folds.

    A row's stratum is its rarest present label (``-1`` when none is present), so that
    every label, the rare ones first, is spread evenly over the folds.
    """
    Y = np.asarray(Y, dtype=np.int64)
    counts = Y.sum(axis=0)
    rarity = np.where(Y > 0, counts[None, :], np.iinfo(np.int64).max)
    return np.where(Y.any(axis=1), rarity.argmin(axis=1), -1)


def multilabel_fold_metrics(Y_true, Y_pred, labels) -> dict[str, float]:
    """Macro- and micro-F1 over labels, subset accuracy and each label's F1 (one fold)."""
    Y_true, Y_pred = np.asarray(Y_true), np.asarray(Y_pred)
    # column by column: scikit-learn reads a one-column matrix as a binary target
    per_label = np.array([f1_score(Y_true[:, j], Y_pred[:, j], zero_division=0)
                          for j in range(Y_true.shape[1])])
    tp = np.count_nonzero((Y_true == 1) & (Y_pred == 1))
    micro = 2 * tp / max(np.count_nonzero(Y_true == 1) + np.count_nonzero(Y_pred == 1), 1)
    values = {"f1_macro": float(per_label.mean()),
              "f1_micro": float(micro),
              "accuracy": float((Y_true == Y_pred).all(axis=1).mean())}
    values.update({f"f1[{label}]": float(v) for label, v in zip(labels, per_label,
                                                                strict=True)})
    return values


def _balanced(y_true, y_pred) -> float:
    with warnings.catch_warnings():
        # a class absent from a test fold (possible with outlet folds) is not an error
        warnings.simplefilter("ignore", UserWarning)
        return balanced_accuracy_score(y_true, y_pred)
