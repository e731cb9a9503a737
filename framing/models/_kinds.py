"""The building blocks shared by the ideology and bias classifier factories.

Each function returns an unfitted scikit-learn classifier over a 1-D sequence of texts.
The factories in :mod:`._ideology` and :mod:`._bias` choose their settings (documented,
and measured in ``experiments/validation``).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["KINDS", "ScorerFeatures", "embeddings_lr", "ensemble", "features_lr", "tfidf_lr",
           "transformer"]

KINDS = ("tfidf", "features", "embeddings", "transformer", "ensemble")


def tfidf_lr(*, C=10.0, ngram_range=(1, 2), min_df=2, max_features=100_000,
             class_weight="balanced", random_state=0):
    """TF-IDF (sublinear term frequency, unigrams and bigrams) and logistic regression.

    Sublinear tf (1 + log tf) keeps a long article from dominating through repetition;
    ``class_weight="balanced"`` because the outlet folds change the class balance.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([
        ("tfidf", TfidfVectorizer(sublinear_tf=True, ngram_range=tuple(ngram_range),
                                  min_df=min_df, max_features=max_features,
                                  strip_accents="unicode", dtype=np.float64)),
        ("lr", LogisticRegression(C=C, max_iter=3000, class_weight=class_weight,
                                  random_state=random_state)),
    ])


class ScorerFeatures(TransformerMixin, BaseEstimator):
    """framing's scorers side by side, optionally without some features.

    Parameters
    ----------
    scorers : sequence of scorers, optional
        Default :func:`framing.features.default_scorers`.
    drop : sequence of str, default ()
        Feature names to leave out (for example ``"loaded__loaded_index"``, whose weights
        were fitted on BABE, when evaluating on BABE).

    Notes
    -----
    Pickled or saved with skops, it keeps its parameters only and refits its scorers when
    loaded (they read their pinned lexicons and learn nothing from data), so loading needs
    the lexicons (cached in the data home, or ``FRAMING_MIRROR``).
    """

    def __init__(self, scorers=None, drop=()):
        self.scorers = scorers
        self.drop = drop

    def fit(self, X=None, y=None):
        from sklearn.base import clone
        from sklearn.pipeline import FeatureUnion

        from ..features import default_scorers

        scorers = default_scorers() if self.scorers is None else [clone(s) for s in
                                                                     self.scorers]
        self.union_ = FeatureUnion([(s.name, s) for s in scorers],
                                   verbose_feature_names_out=False).fit(X)
        names = np.asarray(self.union_.get_feature_names_out(), dtype=object)
        unknown = set(self.drop) - set(names)
        if unknown:
            raise ValueError(f"drop names unknown features: {sorted(unknown)}")
        self.keep_ = np.flatnonzero(~np.isin(names, list(self.drop)))
        self.feature_names_out_ = names[self.keep_]
        return self

    def transform(self, X):
        return self.union_.transform(X)[:, self.keep_]

    # The fitted scorers hold compiled matchers and lexicon tables that skops cannot
    # (and need not) store: a scorer's fit reads pinned lexicons and learns nothing from
    # data, so a saved ScorerFeatures keeps its parameters and refits its scorers on load.
    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("union_", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "keep_" in state:
            keep, names = self.keep_, self.feature_names_out_
            self.fit()
            if not np.array_equal(self.feature_names_out_, names):
                raise ValueError("the scorers' features changed since this model was saved: "
                                 f"{list(names)} != {list(self.feature_names_out_)}")
            self.keep_ = keep

    def get_feature_names_out(self, input_features=None):
        return self.feature_names_out_


def features_lr(*, scorers=None, drop=(), C=1.0, class_weight="balanced", random_state=0):
    """The project's scorer features (loaded language, sentiment, term choice, frames,
    sourcing), standardised, and logistic regression: every coefficient is a named,
    explainable feature."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([
        ("features", ScorerFeatures(scorers, drop=tuple(drop))),
        ("scale", StandardScaler()),
        ("lr", LogisticRegression(C=C, max_iter=3000, class_weight=class_weight,
                                  random_state=random_state)),
    ])


def embeddings_lr(*, model=None, revision=None, max_sentences=None, C=1.0,
                  class_weight="balanced", random_state=0):
    """Mean sentence embeddings (MiniLM), standardised, and logistic regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from ._embed import TextEmbedder

    return Pipeline([
        ("embed", TextEmbedder(model, revision=revision, max_sentences=max_sentences)),
        ("scale", StandardScaler()),
        ("lr", LogisticRegression(C=C, max_iter=3000, class_weight=class_weight,
                                  random_state=random_state)),
    ])


def transformer(*, n_seeds=1, **options):
    """A fine-tuned :class:`~framing.models.TransformerClassifier`; with ``n_seeds`` > 1,
    the mean of that many seeds (:class:`~framing.models.SeedAveragedClassifier`)."""
    from ._seeds import SeedAveragedClassifier
    from ._transformer import TransformerClassifier

    model = TransformerClassifier(**options)
    if int(n_seeds) == 1:
        return model
    return SeedAveragedClassifier(model, n_seeds=int(n_seeds),
                                  random_state=options.get("random_state", 0))


def ensemble(members, weights=None):
    """Soft voting: the (weighted) mean of the members' class probabilities.

    Probability averaging rather than stacking: with outlet folds there is too little data
    per fold to learn combination weights without overfitting to the training outlets.
    """
    from sklearn.ensemble import VotingClassifier

    return VotingClassifier(list(members), voting="soft", weights=weights)
