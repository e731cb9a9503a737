"""The validation scripts' out-of-fold helpers: pooling over outlets within a test fold."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from framing.models._pooling import pool_by_group

from ..conftest import REPO_ROOT

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def test_pooled_predictions_average_one_outlets_rows_of_one_test_fold():
    from experiments.validation._cv import pooled_predictions

    outlets = np.array(["a", "a", "b", "a", "b", "b"], dtype=object)
    pred = pd.DataFrame({
        "split": "outlet", "seed": 0, "fold": [0, 0, 0, 1, 1, 1],
        "position": [0, 1, 2, 3, 4, 5], "y_true": ["l", "l", "r", "l", "r", "r"],
        "y_pred": ["l", "r", "r", "l", "l", "r"],
        "proba[l]": [0.9, 0.4, 0.2, 0.6, 0.7, 0.1], "proba[r]": [0.1, 0.6, 0.8, 0.4, 0.3, 0.9]})
    shuffled = pred.sample(frac=1.0, random_state=0)  # row order must not matter
    pooled = pooled_predictions(shuffled, outlets).sort_values("position")
    expected = np.vstack([pool_by_group(g[["proba[l]", "proba[r]"]].to_numpy(),
                                        outlets[g["position"]])
                          for _, g in pred.groupby("fold")])
    np.testing.assert_allclose(pooled[["proba[l]", "proba[r]"]].to_numpy(), expected)
    # outlet "a" is pooled within fold 0 only: fold 1's "a" row keeps its own probabilities
    np.testing.assert_allclose(pooled["proba[l]"].tolist(), [0.65, 0.65, 0.2, 0.6, 0.4, 0.4])
    assert pooled["y_pred"].tolist() == ["l", "l", "r", "l", "r", "r"]
    assert pred["y_pred"].tolist() == ["l", "r", "r", "l", "l", "r"]  # input untouched
