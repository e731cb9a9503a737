"""Multiple-testing control: Benjamini-Hochberg q-values."""

from __future__ import annotations

import numpy as np

__all__ = ["bh_qvalues"]


def bh_qvalues(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) controlling the false discovery rate.

    With ``m`` tests and p-values sorted ascending ``p_(1) <= ... <= p_(m)``, the q-value of
    the ``k``-th is ``min over j >= k of min(1, m * p_(j) / j)`` (Benjamini & Hochberg 1995,
    step-up procedure). Rejecting every test with ``q <= alpha`` controls the FDR at ``alpha``
    for independent or positively dependent tests.

    Parameters
    ----------
    p_values : array-like of float
        Any shape. ``NaN`` entries (tests not performed) are ignored: they do not count in
        ``m`` and their q-value is ``NaN``.

    Returns
    -------
    ndarray of float64
        Same shape as ``p_values``.

    Examples
    --------
    >>> bh_qvalues([0.01, 0.04, 0.03, 0.5]).round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.5]
    >>> bh_qvalues([]).tolist()
    []
    """
    p = np.asarray(p_values, dtype=np.float64)
    flat = p.ravel()
    q = np.full(flat.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(flat))
    if valid.size:
        if np.any((flat[valid] < 0) | (flat[valid] > 1)):
            raise ValueError("p-values must lie in [0, 1]")
        # A stable sort keeps tied p-values in input order, so the result is deterministic.
        order = valid[np.argsort(flat[valid], kind="stable")]
        m = order.size
        scaled = flat[order] * m / np.arange(1, m + 1)
        # The step-up rule: the running minimum from the largest p-value downwards.
        q[order] = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    return q.reshape(p.shape)
