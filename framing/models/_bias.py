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
``"transformer"`` all-mpnet-base-v2 fine-tuned on the sentences (CPU; by far the
                  slowest kind to fit; fetched on first use; ``precision="auto"``
                  about halves the time on a CPU with native bfloat16, at some
                  accuracy: see :data:`DEFAULT_BIAS_KIND`).
                  ``model="minilm"`` fine-tunes the packaged MiniLM, several times
                  faster (a fifth of the parameters).
                  ``n_seeds=2`` fine-tunes two seeds and averages their probabilities
                  (:class:`~framing.models.SeedAveragedClassifier`).
``"ensemble"``    Soft vote of transformer, tfidf and features.

The default is the kind with the best macro-F1 in
``experiments/validation/babe_classifier.py`` (results: ``docs/results.md``).
"""

from __future__ import annotations

from . import _kinds

__all__ = ["BIAS_KINDS", "DEFAULT_BIAS_KIND", "make_bias_classifier"]

BIAS_KINDS = _kinds.KINDS
#: The kind with the best macro-F1 on BABE SG2 in experiments/validation/babe_classifier.py
#: (5-fold stratified): all-mpnet-base-v2 fine-tuned in float32 beats the fine-tuned MiniLM
#: on every fold, and the ensemble, embeddings, tfidf and features kinds on the mean.
#: ``precision="bfloat16"`` fits in about half the time but scores lower, and averaging
#: bfloat16 seeds (``n_seeds``) gains less than the fold-to-fold spread (at several times
#: the cost where the CPU lacks native bfloat16), so float32 with one seed stays the
#: default. The scores and fit times are in docs/results.md.
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
        from ..features import LoadedLanguageScorer, default_scorers

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
