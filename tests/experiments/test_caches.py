"""The experiments' disk caches give back exactly what computing again gives."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from ..conftest import REPO_ROOT

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
from experiments import _cache  # noqa: E402

CALLS: list = []


def _square_sum(values, *, verbose=False):
    CALLS.append(list(values))
    return pd.DataFrame({"value": [float(sum(v * v for v in values))]})


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(_cache.DIR_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.delenv(_cache.ENV_VARIABLE, raising=False)
    return tmp_path / "cache"


def _articles() -> pd.DataFrame:
    texts = ["Illegal aliens flooded the border, the sheriff said.",
             "Undocumented immigrants fear the brutal raids.",
             "The Senate passed the bill on Thursday.",
             "A shocking, outrageous plan, critics said.",
             "Illegal aliens flooded the border, the sheriff said."]  # a duplicate text
    return pd.DataFrame({"text": texts}, index=pd.Index([f"a{i}" for i in range(5)],
                                                        name="article_id"))


def test_feature_rows_computed_for_one_subset_serve_another(cache_dir):
    from framing.features import LoadedLanguageScorer, TermChoiceScorer, extract_features

    articles = _articles()
    scorers = [TermChoiceScorer(), LoadedLanguageScorer()]
    expected = extract_features(articles, scorers)
    first = {}
    part = _cache.cached_features(articles.iloc[:3], scorers, stats=first)
    pd.testing.assert_frame_equal(part, expected.iloc[:3], check_exact=True)
    assert first == {"hits": 0, "misses": 6}
    again = {}
    whole = _cache.cached_features(articles, scorers, stats=again)
    pd.testing.assert_frame_equal(whole, expected, check_exact=True)
    # rows 0-2 of both scorers were cached; row 4 repeats row 0's text
    assert again == {"hits": 8, "misses": 2}
    shards = list(cache_dir.rglob("*.parquet"))
    assert len(shards) == 4  # one per scorer per run that computed rows
    assert all(np.isfinite(whole.to_numpy()).all(axis=1))


def test_feature_cache_turned_off_writes_nothing(cache_dir, monkeypatch):
    from framing.features import TermChoiceScorer

    monkeypatch.setenv(_cache.ENV_VARIABLE, "off")
    stats = {}
    _cache.cached_features(_articles(), [TermChoiceScorer()], stats=stats)
    assert stats == {} and not cache_dir.exists()


def test_cached_call_reads_a_result_back_and_says_so(cache_dir):
    CALLS.clear()
    notes = {}
    first = _cache.cached_call(_square_sum, [1, 2, 3], verbose=True, ignore=("verbose",),
                               notes=notes)
    assert notes == {"results_cache": {"_square_sum": "miss"}}
    # verbosity cannot change the result: still a hit
    second = _cache.cached_call(_square_sum, [1, 2, 3], verbose=False, ignore=("verbose",),
                                notes=notes, on_miss=lambda: CALLS.append("on_miss"))
    assert notes == {"results_cache": {"_square_sum": "hit"}}
    pd.testing.assert_frame_equal(first, second)
    assert CALLS == [[1, 2, 3]]
    _cache.cached_call(_square_sum, [1, 2, 4], notes=notes, label="other",
                       on_miss=lambda: CALLS.append("on_miss"))
    assert notes["results_cache"]["other"] == "miss"
    assert CALLS == [[1, 2, 3], "on_miss", [1, 2, 4]]


def test_cached_call_turned_off_always_computes(cache_dir, monkeypatch):
    monkeypatch.setenv(_cache.ENV_VARIABLE, "0")
    CALLS.clear()
    notes = {}
    for _ in range(2):
        _cache.cached_call(_square_sum, [5], notes=notes)
    assert CALLS == [[5], [5]] and notes["results_cache"]["_square_sum"] == "off"


def test_tree_digest_changes_with_any_file(tmp_path):
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "data.csv").write_text("a\n1\n")
    before = _cache._tree_digest(tmp_path / "pkg", "*")
    (tmp_path / "pkg" / "__pycache__" / "a.pyc").write_bytes(b"compiled")
    assert _cache._tree_digest(tmp_path / "pkg", "*") == before  # bytecode is not code
    (tmp_path / "pkg" / "data.csv").write_text("a\n2\n")
    assert _cache._tree_digest(tmp_path / "pkg", "*") != before
    assert _cache._tree_digest(tmp_path / "pkg", "*.py") != before


def test_old_code_folders_are_pruned_recent_ones_kept(tmp_path):
    import os
    import time

    old = time.time() - (_cache.KEEP_DAYS + 1) * 86400
    names = [f"{i:016x}" for i in range(_cache.KEEP_RECENT + 2)]
    for i, name in enumerate(names):
        (tmp_path / name).mkdir()
        stamp = old - i if i >= _cache.KEEP_RECENT - 1 else time.time() - i
        os.utime(tmp_path / name, (stamp, stamp))
    (tmp_path / "not-a-cache").mkdir()
    _cache._prune(tmp_path)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == sorted(names[:_cache.KEEP_RECENT] + ["not-a-cache"])
