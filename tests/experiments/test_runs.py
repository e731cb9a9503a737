"""Every figure and table regenerates, and regenerates identically.

``python -m experiments run all --smoke`` runs twice, each time in a fresh process (so
anything that depends on the process, such as Python's string-hash seed or a warm cache,
would show), into two folders. Then:

* every experiment's folder has a ``manifest.json`` whose recorded outputs exist with the
  sha256 the manifest gives, among them at least one CSV table and one figure as PNG and
  PDF, and no CSV on disk is left out of the manifest;
* the second run's CSV tables are byte-identical to the first's, and so are the manifests
  (they hold no timestamps; they carry the sha256 of every figure too).
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

pytestmark = [needs_mirror, pytest.mark.slow]

if str(REPO_ROOT) not in sys.path:  # plain `pytest` (not `python -m pytest`) leaves it out
    sys.path.insert(0, str(REPO_ROOT))
from experiments._runner import EXPERIMENTS  # noqa: E402


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run_all(out: Path) -> None:
    env = dict(os.environ)
    # The smoke fits are tiny: on a shared 2-core runner extra BLAS threads only contend
    # (a LogisticRegression fit was 10x slower with 2 OpenBLAS threads under load).
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    result = subprocess.run(
        [sys.executable, "-m", "experiments", "run", "all", "--smoke", "--out", str(out)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=540)
    assert result.returncode == 0, result.stderr[-4000:]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, Path]:
    first, second = tmp_path_factory.mktemp("run1"), tmp_path_factory.mktemp("run2")
    _run_all(first)
    _run_all(second)
    return first, second


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


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_rerun_is_byte_identical(two_runs, name):
    first, second = (run / name for run in two_runs)
    tables = sorted(p.relative_to(first) for p in first.rglob("*.csv"))
    assert tables
    for table in tables:
        assert (first / table).read_bytes() == (second / table).read_bytes(), str(table)
    manifests = [(run / "manifest.json").read_text(encoding="utf-8") for run in (first, second)]
    # Compare parsed first: pytest then shows which entry differs.
    assert json.loads(manifests[0]) == json.loads(manifests[1])
    assert manifests[0] == manifests[1]
