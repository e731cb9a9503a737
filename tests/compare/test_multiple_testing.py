"""Benjamini-Hochberg q-values: hand-worked examples and scipy's implementation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from framing.compare import bh_qvalues


def test_hand_worked_example():
    # sorted p: 0.01, 0.03, 0.04, 0.5 (m = 4) -> m*p/rank: 0.04, 0.06, 0.0533, 0.5;
    # running minimum from the top: 0.04, 0.0533, 0.0533, 0.5.
    q = bh_qvalues([0.01, 0.04, 0.03, 0.5])
    np.testing.assert_allclose(q, [0.04, 0.16 / 3, 0.16 / 3, 0.5])


def test_benjamini_hochberg_1995_example_rejects_four():
    # The 15 p-values of Benjamini & Hochberg's (1995) worked example; at FDR 0.05 the
    # step-up procedure rejects the four smallest.
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
         0.4262, 0.5719, 0.6528, 0.7590, 1.0000]
    q = bh_qvalues(p)
    assert (q <= 0.05).sum() == 4
    assert q[3] == pytest.approx(0.0095 * 15 / 4)


def test_matches_scipy_with_ties_and_shape():
    rng = np.random.default_rng(7)
    p = np.round(rng.uniform(size=(20, 15)) ** 3, 3)  # rounding makes ties
    expected = stats.false_discovery_control(p.ravel(), method="bh").reshape(p.shape)
    np.testing.assert_allclose(bh_qvalues(p), expected, rtol=1e-12)


def test_nan_is_not_a_test():
    q = bh_qvalues([0.01, np.nan, 0.02])
    assert np.isnan(q[1])
    np.testing.assert_allclose(q[[0, 2]], [0.02, 0.02])  # m = 2, not 3


def test_monotone_and_bounded():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=500)
    q = bh_qvalues(p)
    order = np.argsort(p)
    assert np.all(np.diff(q[order]) >= 0)
    assert np.all((q >= p) & (q <= 1))


def test_empty_and_invalid():
    assert bh_qvalues([]).shape == (0,)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bh_qvalues([0.2, 1.5])
