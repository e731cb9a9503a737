"""The ideology validation shares one cache of the stripper's fits among its kinds."""

from __future__ import annotations

import sys

import pandas as pd

from framing.models import OutletSignatureStripper

from ..conftest import REPO_ROOT

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def _articles(n_outlets=9, per_outlet=5):
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


def _count_learning(monkeypatch) -> list:
    calls = []
    learn_shingles = OutletSignatureStripper._learn_shingles

    def counted(self, texts, groups):
        calls.append(len(texts))
        return learn_shingles(self, texts, groups)

    monkeypatch.setattr(OutletSignatureStripper, "_learn_shingles", counted)
    return calls


def test_runs_on_the_same_folds_learn_each_folds_signatures_once(tmp_path, monkeypatch):
    # Every kind of a run is cross-validated on the same folds; two runs of one kind stand
    # in for two kinds here (tfidf is the fastest kind with a stripper).
    from experiments.validation.ideology_unseen_outlets import evaluate_kinds, signature_cache

    articles = _articles()
    options = {"splits": ["outlet"], "seeds": (0,), "n_splits": 3, "verbose": False}
    calls = _count_learning(monkeypatch)
    plain = [evaluate_kinds(articles, ["tfidf"], **options) for _ in range(2)]
    assert len(calls) == 6  # 3 folds x 2 runs: nothing is shared without a memory
    calls.clear()
    with signature_cache(tmp_path) as memory:
        assert memory.location.startswith(str(tmp_path))
        cached = [evaluate_kinds(articles, ["tfidf"], memory=memory, **options)
                  for _ in range(2)]
    assert len(calls) == 3  # once per fold
    assert list(tmp_path.iterdir()) == []  # the scratch cache is gone after the run
    for before, after in zip(plain, cached, strict=True):
        metrics = before["metric"] != "fit_seconds"
        pd.testing.assert_frame_equal(before[metrics].reset_index(drop=True),
                                      after[metrics].reset_index(drop=True))
