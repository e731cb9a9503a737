"""Average one classifier over several training seeds.

A fine-tuned transformer's test score moves with its seed (the new head's initial
weights, dropout, batch order and the early-stopping split): on BABE, two seeds of
all-mpnet-base-v2 differ by up to two points of macro-F1 on the same fold. Averaging the
predicted probabilities of a few seeds removes part of that variance at the cost of one
fit per seed.

A fitted average of :class:`~framing.models.TransformerClassifier` members is saved with
:meth:`SeedAveragedClassifier.save` (each member's safetensors folder and a JSON index);
other members are saved with :func:`~framing.models.save_model` (skops).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from ..io import atomic_write

__all__ = ["SeedAveragedClassifier", "seed_params", "with_seed"]

#: Index file written by :meth:`SeedAveragedClassifier.save`.
INDEX_NAME = "framing_seed_average.json"


def seed_params(estimator) -> list[str]:
    """The names of an estimator's ``random_state`` parameters, nested ones included."""
    return [name for name in estimator.get_params(deep=True)
            if name == "random_state" or name.endswith("__random_state")]


def with_seed(estimator, seed):
    """Set every ``random_state`` of ``estimator`` (nested ones too) to ``seed``."""
    names = seed_params(estimator)
    return estimator.set_params(**dict.fromkeys(names, seed)) if names else estimator


class SeedAveragedClassifier(ClassifierMixin, BaseEstimator):
    """The mean class probabilities of ``estimator`` fitted with ``n_seeds`` seeds.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Unfitted, with a ``random_state`` parameter (nested ones are set too).
    n_seeds : int, default 2
    random_state : int, default 0
        Seed ``i`` (from 0) is ``random_state + i``, so the first member is the
        estimator fitted with ``random_state`` itself.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members, in seed order.
    seeds_ : list of int
    classes_ : ndarray

    Examples
    --------
    >>> from sklearn.linear_model import SGDClassifier
    >>> X = [[0.0], [0.2], [0.9], [1.0]] * 5
    >>> y = ["low", "low", "high", "high"] * 5
    >>> clf = SeedAveragedClassifier(SGDClassifier(loss="log_loss"), n_seeds=3)
    >>> clf.fit(X, y).seeds_
    [0, 1, 2]
    >>> clf.predict([[0.05], [0.95]]).tolist()
    ['low', 'high']
    """

    def __init__(self, estimator, n_seeds=2, random_state=0):
        self.estimator = estimator
        self.n_seeds = n_seeds
        self.random_state = random_state

    def fit(self, X, y, **fit_params):
        if int(self.n_seeds) < 1:
            raise ValueError(f"n_seeds must be at least 1, got {self.n_seeds!r}")
        if not seed_params(self.estimator):
            raise ValueError(f"{type(self.estimator).__name__} has no random_state: "
                             "its seeds would all fit the same model")
        base = 0 if self.random_state is None else int(self.random_state)
        self.seeds_ = [base + i for i in range(int(self.n_seeds))]
        self.estimators_ = [with_seed(clone(self.estimator), seed).fit(X, y, **fit_params)
                            for seed in self.seeds_]
        self.classes_ = np.asarray(self.estimators_[0].classes_)
        return self

    def predict_proba(self, X):
        return np.mean([member.predict_proba(X) for member in self.estimators_], axis=0)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    # -- persistence ---------------------------------------------------------------------

    def save(self, path) -> Path:
        """Write every member with its own ``save`` and a JSON index to a folder.

        Parameters
        ----------
        path : str or path-like
            A folder; a bare name is placed under ``get_data_home()/models/``.

        Returns
        -------
        pathlib.Path
            The folder written (one sub-folder ``seed_<seed>`` per member).

        Raises
        ------
        TypeError
            When the members have no ``save`` method (save those with
            :func:`~framing.models.save_model`).
        """
        from ._transformer import TransformerClassifier, _model_folder

        check_is_fitted(self, "estimators_")
        if not all(isinstance(m, TransformerClassifier) for m in self.estimators_):
            raise TypeError("SeedAveragedClassifier.save writes TransformerClassifier "
                            "members; save other members with framing.models.save_model")
        folder = _model_folder(path)
        folder.mkdir(parents=True, exist_ok=True)
        for seed, member in zip(self.seeds_, self.estimators_, strict=True):
            member.save(folder / f"seed_{seed}")
        index = {"n_seeds": int(self.n_seeds), "random_state": self.random_state,
                 "seeds": self.seeds_, "member": "TransformerClassifier"}
        # Written last: a folder with an index holds every member.
        with atomic_write(folder / INDEX_NAME) as tmp:
            tmp.write_text(json.dumps(index, indent=2), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, path) -> SeedAveragedClassifier:
        """Load a classifier written by :meth:`save` (safetensors and JSON only)."""
        from ._transformer import TransformerClassifier, read_saved_config

        folder, index = read_saved_config(path, INDEX_NAME, "SeedAveragedClassifier.save")
        members = [TransformerClassifier.load(folder / f"seed_{seed}")
                   for seed in index["seeds"]]
        template = clone(members[0]).set_params(random_state=index["random_state"])
        clf = cls(template, n_seeds=index["n_seeds"], random_state=index["random_state"])
        clf.seeds_, clf.estimators_ = list(index["seeds"]), members
        clf.classes_ = np.asarray(members[0].classes_)
        return clf
