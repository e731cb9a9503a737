"""Predict an article's left/center/right (its outlet's AllSides rating) from its text.

The label belongs to the outlet, not to the article, so the only honest test is on outlets
unseen in training (:func:`~framing.models.evaluate` with ``split="outlet"``). Every kind
therefore starts with an :class:`~framing.models.OutletSignatureStripper`, which removes
names, bylines, datelines and boilerplate learned from the *training* outlets when ``fit``
receives their outlet per article::

    clf = make_ideology_classifier()
    clf.fit(train["text"], train["label_allsides"], strip__groups=train["meta_source"])
    clf.predict(test["text"])

(:func:`~framing.models.evaluate` passes ``groups`` that way by itself.) Without
``strip__groups`` only the generic rules (URLs, datelines, bylines, boilerplate) apply.

Kinds
-----
``"tfidf"``       TF-IDF (uni- and bigrams, sublinear tf) and logistic regression.
``"features"``    framing's scorers (loaded language, sentiment, term choice, frames,
                  sourcing), standardised, and logistic regression.
``"embeddings"``  MiniLM sentence embeddings averaged over the article, and logistic
                  regression.
``"transformer"`` MiniLM fine-tuned on windows of the article (CPU).
``"ensemble"``    Soft vote (mean probability) of tfidf, embeddings and features.

The default is the kind with the best macro-F1 on unseen outlets in
``experiments/validation/ideology_unseen_outlets.py`` (results: ``docs/results.md``).
"""

from __future__ import annotations

from . import _kinds

__all__ = ["DEFAULT_IDEOLOGY_KIND", "IDEOLOGY_KINDS", "make_ideology_classifier"]

IDEOLOGY_KINDS = _kinds.KINDS
#: The kind with the best macro-F1 on unseen outlets (5-fold outlet split) in Figure 5
#: (experiments/ideology_classifiers.py): the soft vote of tfidf, embeddings and
#: features, ahead of each of them alone and of the fine-tuned transformer (too slow to
#: cross-validate with its 4-window default on a CPU; with one window an article it scores
#: below the ensemble). ``pool_outlets=True``, given the test articles' outlets at
#: prediction, scores far higher (an outlet-level answer;
#: experiments/validation/ideology_unseen_outlets.py). The scores are in
#: docs/results.md.
DEFAULT_IDEOLOGY_KIND = "ensemble"

#: Settings per kind (any of them can be overridden through ``**options``).
_DEFAULTS = {
    "tfidf": {"C": 10.0},
    "features": {"C": 0.1},
    "embeddings": {"C": 0.05},
    "transformer": {"max_length": 256, "max_chunks": 4, "epochs": 3, "lr": 5e-5,
                    "batch_size": 16, "class_weight": "balanced"},
}


def _member(kind, random_state, options):
    params = {**_DEFAULTS.get(kind, {}), **options}
    if kind == "tfidf":
        return _kinds.tfidf_lr(random_state=random_state, **params)
    if kind == "features":
        return _kinds.features_lr(random_state=random_state, **params)
    if kind == "embeddings":
        return _kinds.embeddings_lr(random_state=random_state, **params)
    if kind == "transformer":
        return _kinds.transformer(random_state=random_state, **params)
    raise ValueError(f"kind must be one of {IDEOLOGY_KINDS}, got {kind!r}")


def make_ideology_classifier(kind: str | None = None, *, random_state: int = 0,
                             strip: bool | dict = True, members=("tfidf", "embeddings",
                                                                 "features"),
                             weights=None, pool_outlets: bool = False, **options):
    """An unfitted scikit-learn classifier of article ideology (left/center/right).

    Parameters
    ----------
    kind : {"tfidf", "features", "embeddings", "transformer", "ensemble"}, optional
        Default :data:`DEFAULT_IDEOLOGY_KIND`.
    random_state : int, default 0
    strip : bool or dict, default True
        Put an :class:`~framing.models.OutletSignatureStripper` first (a dict gives its
        parameters, for example ``{"memory": folder}`` to cache its fits across the
        classifiers of one cross-validation). Pass its training outlets as
        ``fit(..., strip__groups=outlets)``.
    members : sequence of str, default ("tfidf", "embeddings", "features")
        The kinds averaged by ``kind="ensemble"``.
    weights : sequence of float, optional
        Ensemble weights (default equal).
    pool_outlets : bool, default False
        Wrap the pipeline in an :class:`~framing.models.OutletPooledClassifier`: given
        ``groups=`` (each article's outlet) at prediction, every article gets the mean
        probabilities of its outlet's articles. An outlet-level answer (AllSides labels
        outlets); without ``groups`` it predicts as the pipeline does.
    **options
        Parameters of the kind's model (for example ``C`` for the logistic regressions,
        ``epochs`` for the transformer); ignored by ``"ensemble"``.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``strip`` (or "passthrough") and ``clf``; ``fit(texts, y)``,
        ``predict(texts)``, ``predict_proba(texts)``. With ``pool_outlets=True``, an
        :class:`~framing.models.OutletPooledClassifier` around it (``fit(texts, y,
        groups=outlets)``, ``predict(texts, groups=outlets)``).

    Examples
    --------
    >>> clf = make_ideology_classifier("tfidf")
    >>> texts = ["Illegal aliens flood the border, says the sheriff.",
    ...          "Undocumented immigrants fear raids, advocates say.",
    ...          "The Senate passed the bill 68 to 32 on Thursday."] * 4
    >>> labels = ["right", "left", "center"] * 4
    >>> outlets = ["a", "b", "c", "d"] * 3
    >>> clf.fit(texts, labels, strip__groups=outlets).predict(texts[:3]).tolist()
    ['right', 'left', 'center']
    """
    from sklearn.pipeline import Pipeline

    from ._pooling import OutletPooledClassifier
    from ._text import OutletSignatureStripper

    kind = DEFAULT_IDEOLOGY_KIND if kind is None else kind
    if kind not in IDEOLOGY_KINDS:
        raise ValueError(f"kind must be one of {IDEOLOGY_KINDS}, got {kind!r}")
    if kind == "ensemble":
        clf = _kinds.ensemble([(m, _member(m, random_state, {})) for m in members],
                              weights=weights)
    else:
        clf = _member(kind, random_state, options)
    stripper = ("passthrough" if strip is False
                else OutletSignatureStripper(**(strip if isinstance(strip, dict) else {})))
    pipeline = Pipeline([("strip", stripper), ("clf", clf)])
    return OutletPooledClassifier(pipeline) if pool_outlets else pipeline
