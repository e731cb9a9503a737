"""docs/results.md is what ``python -m experiments.results_page`` writes from the saved results."""

from __future__ import annotations

import json
import re
import shutil
import sys

import pandas as pd
import pytest

from ..conftest import REPO_ROOT, needs_mirror

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

PAGE = REPO_ROOT / "docs" / "results.md"
RESULTS = REPO_ROOT / "experiments" / "results"


@pytest.fixture(scope="module")
def page() -> str:
    from experiments.results_page import render

    return render()


@needs_mirror
def test_results_page_is_written_from_the_results(page):
    assert PAGE.read_text(encoding="utf-8") == page, (
        "docs/results.md is stale: run python -m experiments.results_page")


@needs_mirror
def test_a_number_on_the_page_is_its_source_files(page):
    table = pd.read_csv(RESULTS / "ideology_unseen_outlets_tfidf.csv")
    row = table[(table["kind"] == "tfidf") & (table["split"] == "outlet")
                & (table["metric"] == "f1_macro")].iloc[0]
    cell = f"{row['mean']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}]"
    assert cell == "0.468 [0.358, 0.577]"  # the number the READMEs used to carry
    assert f"| tfidf | outlet | 5 | {cell} |" in page
    # the frame tables are frame_tables' own rendering, not a copy
    from experiments.validation.frame_tables import render as frame_tables

    assert frame_tables().strip() in page


@needs_mirror
def test_every_results_file_is_on_the_page_with_its_checksum(page):
    from experiments._context import sha256_file as sha256

    for path in sorted(p for p in RESULTS.rglob("*") if p.is_file()):
        name = path.relative_to(RESULTS).as_posix()
        if name.startswith("recorded/"):
            continue  # a recorded run's outputs are listed with the manifest's checksums
        assert f"`experiments/results/{name}` (sha256 `{sha256(path)}`)" in page, name


def _recorded_results(tmp_path, manifest: dict, files: dict) -> object:
    folder = tmp_path / "results" / "recorded" / manifest["experiment"]
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "timing.json").write_text('{"wall_s": 12.5, "cpu_s": 20.25, "cores": 2}\n',
                                        encoding="utf-8")
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return tmp_path / "results"


def _manifest(outputs: dict) -> dict:
    return {"experiment": "loaded_by_outlet", "title": "Figure 1",
            "command": "python -m experiments run loaded_by_outlet",
            "git": {"commit": "0123abc", "dirty": False}, "versions": {"python": "3.11"},
            "config": {"file": "experiments/configs/loaded_by_outlet.toml",
                       "sha256": "cafe", "values": {"seed": 0, "n_boot": 2000}},
            "seed": 0, "smoke": False,
            "datasets": [{"name": "allsides", "rows": 2027, "rows_in_dataset": 2027,
                          "version": "v1", "sources_sha256": "beef"}],
            "models": [], "key_numbers": {"most_loaded": "Salon 0.28 [0.20, 0.35]"},
            "outputs": outputs}


def test_a_recorded_run_shows_its_manifest_and_checks_its_tables(tmp_path):
    import hashlib

    from experiments.results_page import render

    table = b"feature,group,estimate\nloaded,salon,0.28\n"
    good = hashlib.sha256(table).hexdigest()
    results = _recorded_results(tmp_path, _manifest({
        "loaded_by_outlet.csv": good, "loaded_by_outlet.png": "f" * 64,
        "tampered.csv": "0" * 64}), {"loaded_by_outlet.csv": table, "tampered.csv": b"x"})
    page = render(results)
    section = page.split("(`loaded_by_outlet`)", 1)[1].split("\n### ", 1)[0]
    assert "* Command: `python -m experiments run loaded_by_outlet`\n" in section
    assert "Commit: `0123abc`; Python 3.11" in section
    assert "12.5 s wall-clock, 20.25 s CPU on 2 cores" in section
    assert "`allsides`, 2,027 rows of 2,027" in section
    assert "| most_loaded | Salon 0.28 [0.20, 0.35] |" in section
    assert f"| `loaded_by_outlet.csv` | `{good}` | yes, checksum matches |" in section
    assert "| `tampered.csv` | `" + "0" * 64 + "` | **yes, but its checksum differs" in section
    assert "| `loaded_by_outlet.png` | `" + "f" * 64 + "` | no (a figure" in section
    assert "Recorded runs: 1 of 8. Without a recorded run: `frames_by_leaning`" in page
    assert "`loaded_by_outlet`, " not in page.split("Without a recorded run:")[1].split("\n")[0]


def test_missing_runs_are_named_and_unknown_runs_refused(tmp_path):
    from experiments.results_page import render

    (tmp_path / "results").mkdir()
    page = render(tmp_path / "results")
    assert "Recorded runs: 0 of 8." in page
    assert page.count("**No recorded run yet.**") == 8
    (tmp_path / "results" / "recorded" / "figure_nine").mkdir(parents=True)
    with pytest.raises(ValueError, match="unknown experiments: figure_nine"):
        render(tmp_path / "results")


def test_a_manifest_in_the_wrong_folder_is_refused(tmp_path):
    from experiments.results_page import render

    manifest = _manifest({})
    results = _recorded_results(tmp_path, manifest, {})
    moved = results / "recorded" / "case_study"
    shutil.move(results / "recorded" / "loaded_by_outlet", moved)
    with pytest.raises(ValueError, match="manifest of 'loaded_by_outlet', not of 'case_study'"):
        render(results)


def test_check_exits_1_on_a_stale_page(tmp_path, monkeypatch, capsys):
    from experiments import results_page

    monkeypatch.setattr(results_page, "render", lambda: "# Results\n")
    stale = tmp_path / "results.md"
    stale.write_text("# Results\nedited by hand\n", encoding="utf-8")
    assert results_page.main(["--check", "--out", str(stale)]) == 1
    assert "is stale" in capsys.readouterr().err
    assert results_page.main(["--out", str(stale)]) == 0
    assert results_page.main(["--check", "--out", str(stale)]) == 0


@pytest.mark.slow
def test_a_real_smoke_run_renders(tmp_path):
    """The runner's own manifest (not a hand-made one) goes through the page."""
    from experiments._runner import run_experiment
    from experiments.results_page import render

    run_experiment("loaded_by_outlet", tmp_path / "results" / "recorded", smoke=True)
    page = render(tmp_path / "results")
    manifest = json.loads((tmp_path / "results" / "recorded" / "loaded_by_outlet"
                           / "manifest.json").read_text())
    assert "`python -m experiments run loaded_by_outlet --smoke` (a smoke run" in page
    for key, value in manifest["key_numbers"].items():
        assert f"| {key} | {value} |" in page
    digest = manifest["outputs"]["loaded_by_outlet.csv"]
    assert f"| `loaded_by_outlet.csv` | `{digest}` | yes, checksum matches |" in page
    assert re.search(r"Recorded runs: 1 of 8\.", page)
