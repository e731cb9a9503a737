"""The recorded runs in ``experiments/results/recorded/`` are what their manifests say.

``python -m experiments run all --record experiments/results/recorded`` copies each
experiment's ``manifest.json``, the tables it lists (CSV and JSON) and ``timing.json`` into
``recorded/<experiment>/``. Every recorded table must have the sha256 its recorded manifest
gives, and every table in the folder must be listed: a table edited by hand, or left over
from another run, fails here. Experiments without a recorded run are skipped.

The check itself is tested on a record made in a temporary folder, then tampered with.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from ..conftest import REPO_ROOT

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
from experiments._runner import EXPERIMENTS, RECORDED_SUFFIXES, record_run  # noqa: E402

RECORDED = REPO_ROOT / "experiments" / "results" / "recorded"
#: Files of a record that are not results tables.
NOT_TABLES = {"manifest.json", "timing.json"}


def record_problems(folder: Path) -> list[str]:
    """Everything wrong with one experiment's record (empty when it is sound)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    problems = []
    listed = {p: sha for p, sha in manifest["outputs"].items()
              if Path(p).suffix in RECORDED_SUFFIXES}
    if not listed:
        problems.append("the manifest lists no table")
    for relative, sha in sorted(listed.items()):
        path = folder / relative
        if not path.is_file():
            problems.append(f"{relative}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            problems.append(f"{relative}: sha256 differs from the recorded manifest")
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for extra in sorted(on_disk - set(listed) - NOT_TABLES):
        problems.append(f"{extra}: not in the recorded manifest")
    return problems


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_recorded_tables_match_their_manifest(name):
    folder = RECORDED / name
    if not (folder / "manifest.json").is_file():
        pytest.skip(f"no recorded run of {name} in {RECORDED}")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["experiment"] == name
    assert record_problems(folder) == []
    assert (folder / "timing.json").is_file()


def _fake_run(out: Path) -> Path:
    """A finished run of one experiment: two tables, a figure, manifest and timing."""
    folder = out / "loaded_by_outlet"
    folder.mkdir(parents=True)
    files = {"loaded_by_outlet.csv": b"outlet,estimate\na,0.5\n",
             "extra/summary.json": b'{"n": 3}\n', "loaded_by_outlet.png": b"\x89PNG..."}
    for relative, content in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(content)
    manifest = {"experiment": "loaded_by_outlet",
                "outputs": {p: hashlib.sha256(c).hexdigest() for p, c in files.items()}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "timing.json").write_text('{"wall_s": 1.0}')
    (folder / "fit_seconds.json").write_text("{}")  # written by a run, never recorded
    return folder


def test_record_copies_tables_and_the_check_catches_tampering(tmp_path):
    _fake_run(tmp_path / "out")
    written = record_run(tmp_path / "out", tmp_path / "recorded")
    folder = tmp_path / "recorded" / "loaded_by_outlet"
    assert written == [folder]
    copied = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert copied == ["extra/summary.json", "loaded_by_outlet.csv", "manifest.json",
                      "timing.json"]  # no figure, no unrecorded file
    assert record_problems(folder) == []

    table = folder / "loaded_by_outlet.csv"
    table.write_bytes(table.read_bytes().replace(b"0.5", b"0.6"))
    assert record_problems(folder) == [
        "loaded_by_outlet.csv: sha256 differs from the recorded manifest"]
    table.unlink()
    assert record_problems(folder) == ["loaded_by_outlet.csv: missing"]
    # Recording again replaces the record whole; a stray table is reported.
    record_run(tmp_path / "out", tmp_path / "recorded")
    (folder / "stray.csv").write_text("x\n1\n")
    assert record_problems(folder) == ["stray.csv: not in the recorded manifest"]


def test_record_refuses_a_run_changed_after_it_ran(tmp_path):
    run = _fake_run(tmp_path / "out")
    (run / "loaded_by_outlet.csv").write_text("outlet,estimate\na,0.7\n")
    with pytest.raises(ValueError, match="differs from the sha256 in its manifest"):
        record_run(tmp_path / "out", tmp_path / "recorded")
    assert not (tmp_path / "recorded" / "loaded_by_outlet").exists()
