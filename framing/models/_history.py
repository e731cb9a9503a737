"""The epoch-by-epoch training record of a fitted model, wherever it sits in a composite."""

from __future__ import annotations

import pandas as pd

__all__ = ["training_history"]

#: Columns of :func:`training_history`, before those of the records themselves.
HISTORY_COLUMNS = ["member", "epoch", "best"]


def training_history(model) -> pd.DataFrame:
    """One row per training epoch of every fine-tuned model inside ``model``.

    Fine-tuned models (:class:`~framing.models.TransformerClassifier`) keep a
    ``history_`` of their epochs and the ``best_epoch_`` that early stopping kept. This
    finds them inside the composites framing builds: a ``Pipeline`` (its last step), an
    :class:`~framing.models.OutletPooledClassifier`, a
    :class:`~framing.models.SeedAveragedClassifier` (each seed) and a soft-voting
    ensemble (each member).

    Parameters
    ----------
    model : fitted estimator

    Returns
    -------
    DataFrame
        ``member`` (where in ``model`` the fine-tuned model sits: "" for ``model``
        itself, ``"seed_1"``, ``"transformer"``, joined with "/"), ``epoch``, ``best``
        (the epoch whose weights were kept) and the history's own fields (for
        :class:`~framing.models.TransformerClassifier`: ``steps``, ``train_loss``,
        ``val_f1_macro``, ``seconds``). Empty (with the first three columns) when
        nothing in ``model`` keeps a history, as for a logistic regression.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> training_history(LogisticRegression().fit([[0], [1]], [0, 1])).columns.tolist()
    ['member', 'epoch', 'best']
    """
    rows = [{"member": member, **record, "best": record.get("epoch") == best}
            for member, history, best in _histories(model, "")
            for record in history]
    if not rows:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    table = pd.DataFrame(rows)
    return table[HISTORY_COLUMNS + [c for c in table.columns if c not in HISTORY_COLUMNS]]


def _histories(model, member: str):
    """Yield (member, history, best epoch) for every model with a ``history_`` in ``model``."""
    if getattr(model, "history_", None) is not None:
        yield member, model.history_, getattr(model, "best_epoch_", None)
        return
    children = []
    if hasattr(model, "steps"):  # Pipeline: only the last step is a classifier
        children = [("", model.steps[-1][1])]
    elif hasattr(model, "estimator_"):  # OutletPooledClassifier
        children = [("", model.estimator_)]
    elif hasattr(model, "seeds_") and hasattr(model, "estimators_"):  # SeedAveraged
        children = [(f"seed_{s}", m) for s, m in zip(model.seeds_, model.estimators_,
                                                       strict=True)]
    elif hasattr(model, "named_estimators_"):  # VotingClassifier ensemble
        children = list(model.named_estimators_.items())
    for name, child in children:
        yield from _histories(child, "/".join(p for p in (member, name) if p))
