"""The validation scripts' out-of-fold helpers: pooling over outlets within a test fold,
and the ideology script's choice of which kinds to pool."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

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


def _articles(n_outlets=12, per_outlet=6):
    """Articles whose wording follows their outlet's label: a leaning each outlet shares."""
    words = {"left": "undocumented families fear raids",
             "right": "illegal aliens criminal border",
             "center": "senate vote committee bill"}
    labels = ["left", "right", "center"]
    rows = []
    for o in range(n_outlets):
        label = labels[o % 3]
        for i in range(per_outlet):
            rows.append({"input": f"{words[label]} story {i} from desk {o}", "label": label,
                         "meta_source": f"outlet {o}",
                         "date": pd.Timestamp("2019-01-01") + pd.Timedelta(days=o * 7 + i)})
    return pd.DataFrame(rows)


def test_evaluate_kinds_pools_only_the_kinds_asked_for():
    from experiments.validation.ideology_unseen_outlets import evaluate_kinds

    articles = _articles()
    scores = evaluate_kinds(articles, ["tfidf", "tfidf-nostrip"], splits=["outlet"],
                            seeds=(0,), n_splits=3, verbose=False, pooled=["tfidf"])
    assert set(scores["kind"]) == {"tfidf", "tfidf-nostrip", "tfidf+pooled"}
    pooled = scores[(scores["kind"] == "tfidf+pooled") & (scores["metric"] == "f1_macro")]
    assert len(pooled) == 3  # one per outlet fold
    every = evaluate_kinds(articles, ["tfidf"], splits=["outlet"], seeds=(0,), n_splits=3,
                           verbose=False, pooled=True)
    assert set(every["kind"]) == {"tfidf", "tfidf+pooled"}
    # pooling reuses the out-of-fold probabilities: the unpooled rows do not change
    plain = scores[scores["kind"] == "tfidf"].drop(columns="kind").reset_index(drop=True)
    again = every[every["kind"] == "tfidf"].drop(columns="kind").reset_index(drop=True)
    metrics = plain["metric"] != "fit_seconds"
    pd.testing.assert_frame_equal(plain[metrics], again[metrics])


def test_evaluate_kinds_refuses_to_pool_a_kind_it_does_not_evaluate():
    from experiments.validation.ideology_unseen_outlets import evaluate_kinds

    with pytest.raises(ValueError, match="not in kinds"):
        evaluate_kinds(_articles(), ["tfidf"], splits=["outlet"], seeds=(0,), n_splits=3,
                       verbose=False, pooled=["features"])


@pytest.mark.slow
@pytest.mark.transformers
def test_evaluate_kinds_fine_tunes_the_transformer_kind_with_the_options_given():
    from experiments.validation.ideology_unseen_outlets import ALL_KINDS, evaluate_kinds

    assert "transformer" not in ALL_KINDS  # hours on a CPU: only when named
    articles = _articles(n_outlets=6, per_outlet=2)
    tiny = {"max_chunks": 1, "max_length": 16, "epochs": 1, "max_steps": 1, "batch_size": 4}
    scores = evaluate_kinds(articles, ["transformer"], splits=["outlet"], seeds=(0,),
                            n_splits=2, verbose=False, pooled=True, transformer_options=tiny)
    assert set(scores["kind"]) == {"transformer", "transformer+pooled"}
    f1 = scores[scores["metric"] == "f1_macro"]
    assert len(f1) == 4 and f1["value"].between(0, 1).all()  # 2 folds, plain and pooled
    with pytest.raises(TypeError, match="no_such_setting"):
        evaluate_kinds(articles, ["transformer"], splits=["outlet"], seeds=(0,), n_splits=2,
                       verbose=False, transformer_options={"no_such_setting": 1})
