"""Predict whether a sentence is biased (BABE: Spinde et al. 2021), from its text.

BABE's labels are per sentence, judged by expert annotators; "No agreement" sentences are
dropped before training (the experiments do so). Sentences carry no outlet boilerplate,
so no stripping is needed.

Kinds
-----
``"tfidf"``       TF-IDF (uni- and bigrams) and logistic regression.
``"features"``    framing's scorers, standardised, and logistic regression; without
                  BABE's own biased-word lexicon and the ``loaded_index`` (both built
                  from BABE's labels: they would leak the test folds). Pass
                  ``babe=True`` to keep them when scoring other data.
``"embeddings"``  MiniLM sentence embeddings and logistic regression.
``"transformer"`` all-mpnet-base-v2 fine-tuned on the sentences (CPU; 45-50 minutes on
                  BABE's 2,900 training sentences with 2 cores; fetched on first use;
                  ``precision="auto"`` about halves that on a CPU with bfloat16, at
                  some accuracy: see :data:`DEFAULT_BIAS_KIND`).
                  ``model="minilm"`` fine-tunes the packaged MiniLM, 6-7 times faster.
                  ``n_seeds=2`` fine-tunes two seeds and averages their probabilities
                  (:class:`~framing.models.SeedAveragedClassifier`).
``"ensemble"``    Soft vote of transformer, tfidf and features.

The default is the kind with the best macro-F1 in
``experiments/validation/babe_classifier.py`` (see ``experiments/README.md``).
"""

from __future__ import annotations

from . import _kinds

__all__ = ["BIAS_KINDS", "DEFAULT_BIAS_KIND", "make_bias_classifier"]

BIAS_KINDS = _kinds.KINDS
#: The best macro-F1 measured on BABE SG2 (experiments/validation/babe_classifier.py,
#: 5-fold stratified, seed 0): transformer with all-mpnet-base-v2 0.812 [0.795, 0.828]
#: (folds 0.827, 0.819, 0.814, 0.791, 0.806; 43-50 minutes of fitting a fold on this
#: project's idle 2-core CPU), better on every fold than with MiniLM, 0.792 [0.771, 0.813]
#: (411 s a fold); the MiniLM ensemble 0.789 on the same folds, embeddings 0.746
#: [0.738, 0.755], tfidf 0.722 and features 0.682 (5 folds x 3 seeds). The transformer
#: with ``precision="bfloat16"`` fits a fold in 14-27 minutes but scored 0.802
#: [0.782, 0.823] (lower on 4 of the 5 folds), so float32 stays the default. Two
#: bfloat16 seeds averaged (``n_seeds=2``) scored 0.809 [0.792, 0.826] on the same folds,
#: in about the time of one float32 fit: still below float32's single model. Three
#: (``n_seeds=3``) scored 0.816 [0.800, 0.832], above float32 on four folds but by less
#: than the fold spread, at three times the cost where the CPU lacks bfloat16.
DEFAULT_BIAS_KIND = "transformer"

_DEFAULTS = {
    "tfidf": {"C": 10.0, "min_df": 1},
    # BABE's own lexicon and the index fitted on BABE would leak the test labels
    "features": {"C": 1.0, "babe": False},
    "embeddings": {"C": 0.1},
    "transformer": {"model": "mpnet", "max_length": 128, "max_chunks": 1, "epochs": 5, "lr": 5e-5,
                    "batch_size": 16, "patience": 1, "validation_fraction": 0.1},
}


def _member(kind, random_state, options):
    params = {**_DEFAULTS.get(kind, {}), **options}
    if kind == "tfidf":
        return _kinds.tfidf_lr(random_state=random_state, **params)
    if kind == "features":
        if params.pop("babe"):
            return _kinds.features_lr(random_state=random_state, **params)
        from ..features import default_scorers
        from ..features._loaded import LoadedLanguageScorer

        scorers = [LoadedLanguageScorer(babe=False) if isinstance(s, LoadedLanguageScorer)
                   else s for s in default_scorers()]
        return _kinds.features_lr(random_state=random_state, scorers=scorers,
                                  drop=("loaded__loaded_index",), **params)
    if kind == "embeddings":
        return _kinds.embeddings_lr(random_state=random_state, **params)
    if kind == "transformer":
        return _kinds.transformer(random_state=random_state, **params)
    raise ValueError(f"kind must be one of {BIAS_KINDS}, got {kind!r}")


def make_bias_classifier(kind: str | None = None, *, random_state: int = 0,
                         members=("transformer", "tfidf", "features"), weights=None,
                         **options):
    """An unfitted scikit-learn classifier of sentence bias (BABE labels).

    Parameters
    ----------
    kind : {"tfidf", "features", "embeddings", "transformer", "ensemble"}, optional
        Default :data:`DEFAULT_BIAS_KIND`.
    random_state : int, default 0
    members : sequence of str, default ("transformer", "tfidf", "features")
        The kinds averaged by ``kind="ensemble"``.
    weights : sequence of float, optional
    **options
        Parameters of the kind's model (ignored by ``"ensemble"``).

    Returns
    -------
    estimator
        ``fit(sentences, y)``, ``predict``, ``predict_proba``.

    Examples
    --------
    >>> clf = make_bias_classifier("tfidf")
    >>> sentences = ["The radical mob attacked our heroes.", "The bill passed on Monday.",
    ...              "Greedy elites rigged the corrupt system.", "The court met in June."] * 3
    >>> labels = ["Biased", "Non-biased"] * 6
    >>> clf.fit(sentences, labels).predict(["A corrupt radical mob."]).tolist()
    ['Biased']
    """
    kind = DEFAULT_BIAS_KIND if kind is None else kind
    if kind not in BIAS_KINDS:
        raise ValueError(f"kind must be one of {BIAS_KINDS}, got {kind!r}")
    if kind == "ensemble":
        return _kinds.ensemble([(m, _member(m, random_state, {})) for m in members],
                               weights=weights)
    return _member(kind, random_state, options)
