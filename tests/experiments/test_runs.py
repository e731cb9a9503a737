"""Every figure and table regenerates, and regenerates identically.

``python -m experiments run all --smoke`` runs three times, each time in fresh processes (so
anything that depends on the process, such as Python's string-hash seed, would show), into
three folders: first in parallel (``--jobs 2``) with empty experiment caches, then one
experiment after another with the caches turned off (everything computed afresh), then in
parallel again with the caches the first run filled. Then:

* every experiment's folder has a ``manifest.json`` whose recorded outputs exist with the
  sha256 the manifest gives, among them at least one CSV table and one figure as PNG and
  PDF, and no CSV on disk is left out of the manifest;
* the other runs' CSV tables are byte-identical to the first's, and so are the manifests
  (they hold no timestamps; they carry the sha256 of every figure too): a parallel run
  equals a sequential one, and what the caches give back equals what is computed;
* every ``timing.json`` names its phases with wall-clock and CPU seconds, and in the warm
  run the cross-validations and feature rows were read back, not computed.

``test_warm_rerun_skips_the_encoder`` runs Figure 6 twice in a fresh data home with the
experiment caches off: the second run encodes no sentence (the embedding cache has them all).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import REPO_ROOT, needs_mirror

# Five smoke runs (three of every experiment, two of Figure 6): a few minutes on an idle
# 2-core machine, several times that on a busy one.
pytestmark = [needs_mirror, pytest.mark.slow, pytest.mark.timeout(2400)]

if str(REPO_ROOT) not in sys.path:  # plain `pytest` (not `python -m pytest`) leaves it out
    sys.path.insert(0, str(REPO_ROOT))
from experiments._runner import EXPERIMENTS  # noqa: E402


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(out: Path, *args: str, name: str = "all", **env_vars: str) -> None:
    env = dict(os.environ)
    # The smoke fits are tiny: on a shared 2-core runner extra BLAS threads only contend
    # (a LogisticRegression fit was 10x slower with 2 OpenBLAS threads under load).
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(variable, "1")
    env.update(env_vars)
    result = subprocess.run(
        [sys.executable, "-m", "experiments", "run", name, "--smoke", "--out", str(out),
         *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=540)
    assert result.returncode == 0, result.stderr[-4000:]


def _timing(folder: Path) -> dict:
    return json.loads((folder / "timing.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path, Path]:
    cache = str(tmp_path_factory.mktemp("experiments-cache"))
    cold, fresh, warm = (tmp_path_factory.mktemp(n) for n in ("cold", "fresh", "warm"))
    _run(cold, "--jobs", "2", FRAMING_EXPERIMENTS_CACHE_DIR=cache)
    _run(fresh, "--jobs", "1", FRAMING_EXPERIMENTS_CACHE="0")
    _run(warm, "--jobs", "2", FRAMING_EXPERIMENTS_CACHE_DIR=cache)
    return cold, fresh, warm


@pytest.fixture(scope="module")
def two_runs(runs) -> tuple[Path, Path]:
    return runs[0], runs[1]


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_manifest_records_every_output(two_runs, name):
    folder = two_runs[0] / name
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["experiment"] == name
    assert manifest["smoke"] is True
    outputs = manifest["outputs"]
    for relative, sha in outputs.items():
        assert (folder / relative).is_file(), relative
        assert _sha256(folder / relative) == sha, f"{relative} differs from its manifest"
    suffixes = {Path(p).suffix for p in outputs}
    assert ".csv" in suffixes, "no results table"
    figures = {Path(p).with_suffix("") for p in outputs if p.endswith(".png")}
    assert figures, "no figure"
    assert all(f"{stem.as_posix()}.pdf" in outputs for stem in figures), "a PNG has no PDF"
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*.csv")}
    assert on_disk <= set(outputs), f"tables not in the manifest: {on_disk - set(outputs)}"


@pytest.mark.parametrize("later", [1, 2], ids=["sequential-uncached", "warm-cache"])
@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_rerun_is_byte_identical(runs, name, later):
    first, second = runs[0] / name, runs[later] / name
    tables = sorted(p.relative_to(first) for p in first.rglob("*.csv"))
    assert tables
    for table in tables:
        assert (first / table).read_bytes() == (second / table).read_bytes(), str(table)
    manifests = [(run / "manifest.json").read_text(encoding="utf-8") for run in (first, second)]
    # Compare parsed first: pytest then shows which entry differs.
    assert json.loads(manifests[0]) == json.loads(manifests[1])
    assert manifests[0] == manifests[1]


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_timing_names_where_the_time_went(runs, name):
    cold, fresh, warm = (_timing(run / name) for run in runs)
    for timing in (cold, fresh, warm):
        assert timing["experiment"] == name
        assert timing["wall_s"] > 0 and timing["cpu_s"] > 0
        assert "figure" in timing["phases"], "drawing is not timed"
        for phase in timing["phases"].values():
            assert set(phase) == {"wall_s", "cpu_s", "calls"} and phase["calls"] >= 1
    # Cross-validations and feature rows: computed cold, read back warm, never cached off.
    if "results_cache" in cold["notes"]:
        assert set(cold["notes"]["results_cache"].values()) == {"miss"}
        assert set(fresh["notes"]["results_cache"].values()) == {"off"}
        assert set(warm["notes"]["results_cache"].values()) == {"hit"}, (
            "the warm run refitted (did framing's code change between the runs?)")
    if "feature_cache" in cold["notes"]:
        assert warm["notes"]["feature_cache"]["misses"] == 0
        assert warm["notes"]["feature_cache"]["hits"] > 0


def test_warm_rerun_skips_the_encoder(tmp_path):
    # A data home of its own: its embedding cache starts empty whatever ran before.
    env = {"FRAMING_DATA_HOME": str(tmp_path / "home"), "FRAMING_EXPERIMENTS_CACHE": "0"}
    first, second = tmp_path / "first", tmp_path / "second"
    _run(first, name="babe_bias", **env)
    _run(second, name="babe_bias", **env)
    cold, warm = _timing(first / "babe_bias"), _timing(second / "babe_bias")
    assert "encoding" in cold["phases"] and "encoding" in warm["phases"]
    assert cold["embedding_cache"]["vectors_added"] > 0
    assert warm["embedding_cache"]["vectors_before"] == cold["embedding_cache"]["vectors_added"]
    assert warm["embedding_cache"]["vectors_added"] == 0, "the warm run encoded sentences"
    assert ((first / "babe_bias" / "manifest.json").read_bytes()
            == (second / "babe_bias" / "manifest.json").read_bytes())
