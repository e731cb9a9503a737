"""Pool an article classifier's probabilities over the articles of each outlet.

AllSides rates outlets, not articles: every article of an outlet carries its outlet's
label. A single article is weak evidence of its outlet's leaning, but an outlet's
articles together are much stronger, and the outlet of an article is always known when
one predicts (it is in the corpus), even for an outlet never seen in training.
:class:`OutletPooledClassifier` gives each article the mean of the predicted
probabilities of all the articles of its outlet that it is asked to predict together. It
uses which articles share an outlet, never their labels nor the outlet's name; without
``groups`` it predicts as the wrapped classifier does.

This answers the question at the level the labels are given (an outlet's leaning, read
from its articles). It is not an article-level claim: an article predicted alone gets
the wrapped classifier's answer.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

__all__ = ["OutletPooledClassifier", "groups_fit_params", "pool_by_group"]


def groups_fit_params(estimator, groups) -> dict:
    """``fit`` keyword arguments that deliver ``groups`` to the steps that take them.

    A pipeline's steps get ``<step>__groups``; an estimator whose ``fit`` takes
    ``groups`` gets ``groups``; anything else gets nothing.
    """
    from sklearn.pipeline import Pipeline

    if groups is None:
        return {}
    if isinstance(estimator, Pipeline):
        return {f"{name}__groups": groups for name, step in estimator.steps
                if step not in (None, "passthrough")
                and "groups" in inspect.signature(step.fit).parameters}
    if "groups" in inspect.signature(estimator.fit).parameters:
        return {"groups": groups}
    return {}


def pool_by_group(proba, groups) -> np.ndarray:
    """Replace each row of ``proba`` with the mean of the rows of its group.

    Parameters
    ----------
    proba : array-like of shape (n, n_classes)
    groups : array-like of shape (n,)

    Returns
    -------
    ndarray of shape (n, n_classes)

    Examples
    --------
    >>> pool_by_group([[0.9, 0.1], [0.3, 0.7], [0.2, 0.8]], ["a", "a", "b"]).round(2).tolist()
    [[0.6, 0.4], [0.6, 0.4], [0.2, 0.8]]
    """
    proba = np.asarray(proba, dtype=float)
    groups = np.asarray(groups, dtype=object)
    if groups.shape != (len(proba),):
        raise ValueError(f"groups has {groups.size} values for {len(proba)} rows")
    if not len(proba):
        return proba
    codes, _ = pd.factorize(pd.Series(groups, dtype=object).astype(str))
    sums = np.zeros((codes.max() + 1, proba.shape[1]))
    np.add.at(sums, codes, proba)
    return sums[codes] / np.bincount(codes)[codes, None]


class OutletPooledClassifier(ClassifierMixin, BaseEstimator):
    """An article classifier whose probabilities are averaged over each outlet's articles.

    Parameters
    ----------
    estimator : scikit-learn classifier
        Unfitted; it must have ``predict_proba``.

    Attributes
    ----------
    estimator_ : the fitted classifier
    classes_ : ndarray

    Notes
    -----
    ``fit(X, y, groups=outlets)`` passes the training outlets to the steps that learn
    from them (the :class:`~framing.models.OutletSignatureStripper`), as
    :func:`framing.models.evaluate` does. ``predict_proba(X, groups=outlets)`` pools over
    the outlets of the rows predicted; :func:`~framing.models.evaluate` passes each test
    row's outlet.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklearn.naive_bayes import MultinomialNB
    >>> from sklearn.pipeline import make_pipeline
    >>> clf = OutletPooledClassifier(make_pipeline(CountVectorizer(), MultinomialNB()))
    >>> clf = clf.fit(["raids fear", "aliens flood", "fear raids", "flood aliens"],
    ...               ["left", "right", "left", "right"])
    >>> texts = ["raids", "aliens", "fear raids", "raids aliens flood"]
    >>> clf.predict(texts).tolist()
    ['left', 'right', 'left', 'right']
    >>> clf.predict(texts, groups=["x", "x", "x", "y"]).tolist()
    ['left', 'left', 'left', 'right']
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y, groups=None, **fit_params):
        if not hasattr(self.estimator, "predict_proba"):
            raise TypeError(f"{type(self.estimator).__name__} has no predict_proba: there "
                            "are no probabilities to pool")
        params = {**groups_fit_params(self.estimator, groups), **fit_params}
        self.estimator_ = clone(self.estimator).fit(X, y, **params)
        self.classes_ = np.asarray(self.estimator_.classes_)
        return self

    def predict_proba(self, X, groups=None):
        check_is_fitted(self, "estimator_")
        proba = self.estimator_.predict_proba(X)
        return proba if groups is None else pool_by_group(proba, groups)

    def predict(self, X, groups=None):
        return self.classes_[self.predict_proba(X, groups=groups).argmax(axis=1)]
