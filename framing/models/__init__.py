"""Classifiers for ideology, bias and frames, and their honest evaluation.

* :func:`make_ideology_classifier` predicts an article's left/center/right (its outlet's
  AllSides rating) from its text; :func:`make_bias_classifier` predicts whether a sentence
  is biased (BABE); :func:`make_frame_classifier` learns frames from coded texts, one per
  text or several (multi-label, with per-frame thresholds). All return plain, unfitted
  scikit-learn estimators.
* :func:`evaluate` cross-validates an estimator with random, outlet (held-out outlets)
  or time splits, over several seeds, and returns tidy tables with confidence intervals.
* :class:`OutletSignatureStripper` removes what identifies an outlet rather than its
  framing (names, bylines, datelines, boilerplate), learned on the training fold only.
* :class:`OutletPooledClassifier` averages an article classifier's probabilities over
  each outlet's articles (outlets are what AllSides labels).
* :class:`TransformerClassifier` fine-tunes a transformer encoder on a CPU;
  :class:`SeedAveragedClassifier` averages a classifier over several training seeds;
  :func:`training_history` reads their epochs (also in ``Evaluation.histories``).
* :func:`save_model` / :func:`load_model` persist estimators with skops (never pickle).

Names are imported lazily, so ``import framing.models`` stays cheap (no torch).
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "make_ideology_classifier": "._ideology",
    "IDEOLOGY_KINDS": "._ideology",
    "make_bias_classifier": "._bias",
    "BIAS_KINDS": "._bias",
    "make_frame_classifier": "._frames",
    "FrameClassifier": "._frames",
    "FRAME_KINDS": "._frames",
    "DEFAULT_FRAME_KIND": "._frames",
    "evaluate": "._evaluate",
    "Evaluation": "._evaluate",
    "summarize_scores": "._evaluate",
    "OutletSignatureStripper": "._text",
    "strip_outlet_signatures": "._text",
    "TextEmbedder": "._embed",
    "DEFAULT_IDEOLOGY_KIND": "._ideology",
    "DEFAULT_BIAS_KIND": "._bias",
    "split_indices": "._evaluate",
    "training_history": "._history",
    "ScorerFeatures": "._kinds",
    "TransformerClassifier": "._transformer",
    "SeedAveragedClassifier": "._seeds",
    "OutletPooledClassifier": "._pooling",
    "save_model": "._persistence",
    "load_model": "._persistence",
    "UntrustedTypesError": "._persistence",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
