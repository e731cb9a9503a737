"""Save and load fitted estimators with skops: a format that runs no code on load.

A pickle file can execute anything when it is loaded; a model shared with a paper should
not. :func:`save_model` writes a ``.skops`` file (:func:`skops.io.dump`), and
:func:`load_model` first lists the types the file would construct
(:func:`skops.io.get_untrusted_types`), refuses to load when any of them is neither
trusted by skops by default nor one of framing's own estimators, and names them in the
error. A caller who has inspected the list can pass it as ``trusted=``.

framing's own estimators (the stripper, the embedder, the scorers, ...) are trusted by
default: they hold parameters and fitted tables only. They are trusted by their exact
module path and class name (:data:`FRAMING_TRUSTED_TYPES`), never by a name prefix: skops
resolves a type name with ``getattr(import_module(module), name)`` and may call what it
finds, so trusting every name under ``framing.`` would let a crafted file call any function
of framing, or anything a framing module imports, while it is being loaded.

A :class:`~framing.models.TransformerClassifier` holds a torch model and is saved with
its own :meth:`~framing.models.TransformerClassifier.save` (safetensors) instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..io import atomic_write

__all__ = ["FRAMING_TRUSTED_TYPES", "UntrustedTypesError", "load_model", "save_model"]

#: The classes a model file may construct without being listed in ``trusted=``: framing's
#: own estimators, by the exact module path skops records, and scikit-learn's ``Bunch``
#: (the dict of fitted members that ensembles keep), which skops does not trust by default.
#: Each is a class whose construction sets attributes and runs no other code.
FRAMING_TRUSTED_TYPES = frozenset({
    "framing.features._frames.FrameScorer",
    "framing.features._lexicon_scorer.LexiconScorer",
    "framing.features._loaded.LoadedLanguageScorer",
    "framing.features._sentiment.SentimentScorer",
    "framing.features._sourcing.SourcingScorer",
    "framing.features._term_choice.TermChoiceScorer",
    "framing.models._embed.TextEmbedder",
    "framing.models._frames.FrameClassifier",
    "framing.models._kinds.ScorerFeatures",
    "framing.models._pooling.OutletPooledClassifier",
    "framing.models._seeds.SeedAveragedClassifier",
    "framing.models._text.OutletSignatureStripper",
    "sklearn.utils._bunch.Bunch",
})


class UntrustedTypesError(TypeError):
    """A model file would construct types nobody has declared trusted."""

    def __init__(self, path, types):
        self.path = str(path)
        self.types = list(types)
        listed = "\n".join(f"  - {t}" for t in self.types)
        super().__init__(
            f"refusing to load {self.path}: it contains types that are not trusted:\n"
            f"{listed}\nInspect them, and if you trust the file's author, pass them "
            f"explicitly: load_model(path, trusted={self.types!r})")


def save_model(estimator, path) -> Path:
    """Write a fitted estimator to a ``.skops`` file.

    Parameters
    ----------
    estimator : scikit-learn estimator
    path : str or path-like
        The file (``.skops`` is appended when there is no suffix).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    TypeError
        For an estimator holding a fitted :class:`TransformerClassifier` (use its
        ``save`` method: safetensors).

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> clf = LogisticRegression().fit(np.array([[0.0], [1.0]]), [0, 1])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = save_model(clf, f"{tmp}/clf")
    ...     load_model(path).predict(np.array([[0.9]])).tolist()
    [1]
    """
    import skops.io as sio

    from ._transformer import TransformerClassifier

    if _contains(estimator, TransformerClassifier):
        raise TypeError("a fitted TransformerClassifier is saved with its own .save(path) "
                        "(safetensors weights + JSON), not with skops")
    path = Path(os.fspath(path))
    if not path.suffix:
        path = path.with_suffix(".skops")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as tmp:
        sio.dump(estimator, tmp)
    return path


def load_model(path, trusted=None):
    """Load an estimator written by :func:`save_model`, refusing untrusted types.

    Parameters
    ----------
    path : str or path-like
    trusted : sequence of str, optional
        Type names (as listed by the error, or by
        :func:`skops.io.get_untrusted_types`) that you have inspected and trust.

    Returns
    -------
    estimator

    Raises
    ------
    UntrustedTypesError
        When the file contains types that are neither trusted by skops nor listed in
        :data:`FRAMING_TRUSTED_TYPES` nor in ``trusted``; the error lists them. Nothing in
        the file is constructed before this check.
    ValueError
        When the file is not a skops archive (a pickle, for example); the error names it.
    """
    import zipfile

    import skops.io as sio

    path = Path(os.fspath(path))
    if isinstance(trusted, str):
        raise TypeError("trusted must be a sequence of type names, not one string")
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {path}")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path} is not a model saved by save_model (a .skops zip archive); "
                         "framing never loads pickles, whose loading can run any code")
    untrusted = sio.get_untrusted_types(file=path)
    allowed = FRAMING_TRUSTED_TYPES | set(trusted or ())
    refused = [t for t in untrusted if t not in allowed]
    if refused:
        raise UntrustedTypesError(path, refused)
    return sio.load(path, trusted=list(untrusted))


def _contains(estimator, cls) -> bool:
    if isinstance(estimator, cls):
        return hasattr(estimator, "model_")
    params = getattr(estimator, "get_params", None)
    if params is None:
        return False
    return any(isinstance(v, cls) and hasattr(v, "model_")
               for v in params(deep=True).values()) or any(
        _contains(e, cls) for e in getattr(estimator, "estimators_", []) or [])
