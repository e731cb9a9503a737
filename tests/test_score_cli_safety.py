"""``framing score``: where the output goes must never harm the input or another run.

An output inside an input folder must not be read back as input (a rerun refused to resume,
or read the rejected rows it was appending to); an input that is the output or a file beside
it must be refused before anything is deleted; two runs on one output must not both write it.
A killed run must resume to the same bytes, and its lock must not block the next run.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from framing.cli import main
from framing.features import LexiconScorer
from framing.lexicons import Lexicon
from framing.stream import OutputConflict, OutputLocked, score_corpus

pytestmark = pytest.mark.timeout(300)

REPO = Path(__file__).resolve().parents[1]
TEXTS = ["ICE agents detained him at the courthouse.", "The city council voted on Tuesday.",
         "Officials said the deportation was unlawful."]


def _write_corpus(path: Path, n: int, *, bad_every: int = 7) -> Path:
    """``n`` JSONL articles; every ``bad_every``-th has no text (a rejected row)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            text = "" if i % bad_every == bad_every - 1 else TEXTS[i % len(TEXTS)]
            handle.write(json.dumps({"article_id": f"a{i}", "outlet": "CNN", "text": text,
                                     "date": "2019-01-02"}) + "\n")
    return path


def _scorer():
    lexicon = Lexicon.from_dict({"enforcement": ["ice", "detain", "deportation"]}, name="toy")
    return LexiconScorer(lexicon)


def _beside(out: Path, suffix: str) -> Path:
    return out.with_name(out.name + suffix)


def _argv(inputs, out, *extra) -> list[str]:
    return ["score", *map(str, inputs), "--out", str(out), "--scorers", "frames",
            "--chunk-size", "5", "--no-progress", *extra]


class _Interrupt(Exception):
    pass


def _interrupt_after(monkeypatch, chunks: int) -> None:
    """Make scoring raise after ``chunks`` chunks, as an interrupted run."""
    from framing.features import score_texts as real

    calls = {"n": 0}

    def score(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > chunks:
            raise _Interrupt
        return real(*args, **kwargs)

    monkeypatch.setattr("framing.stream._score.score_texts", score)


# --- the output inside an input folder -----------------------------------------------------

def test_rerun_resumes_when_the_output_is_inside_the_input_folder(tmp_path, monkeypatch):
    """Regression: the run's own parts counted as input, so a rerun said "input changed"."""
    data = tmp_path / "data"
    _write_corpus(data / "c.jsonl", 60)
    straight = tmp_path / "straight.parquet"
    expected = score_corpus(data, straight, scorers=[_scorer()], chunk_size=10)

    out = data / "scores.parquet"
    _interrupt_after(monkeypatch, 3)
    with pytest.raises(_Interrupt):
        score_corpus(data, out, scorers=[_scorer()], chunk_size=10)
    monkeypatch.undo()
    assert list(_beside(out, ".parts").glob("*.parquet"))  # the folder now holds parts
    (data / "notes.txt").write_text("not a corpus file", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"skipped 1 file\(s\) or folder\(s\): .*notes.txt"
                      ) as caught:
        summary = score_corpus(data, out, scorers=[_scorer()], chunk_size=10)
    assert not [w for w in caught if "scores.parquet" in str(w.message)]

    assert summary["resumed_chunks"] == 3
    assert summary["rows_read"] == expected["rows_read"] == 60
    assert out.read_bytes() == straight.read_bytes()
    assert (_beside(out, ".rejected.jsonl").read_bytes()
            == _beside(straight, ".rejected.jsonl").read_bytes())


@pytest.mark.slow
def test_overwrite_with_the_output_inside_the_input_folder_reads_only_the_corpus(
        tmp_path, monkeypatch, capsys):
    """Regression: --overwrite read its own output, parts and rejected rows as input."""
    data = tmp_path / "data"
    _write_corpus(data / "c.jsonl", 40)
    out = data / "scores.parquet"
    argv = _argv([data], out)
    assert main(argv) == 0  # the output and its rejected rows are now in the folder
    assert "read 40 rows: 35 scored, 5 rejected" in capsys.readouterr().out
    first = out.read_bytes()

    assert main([*argv, "--overwrite"]) == 0
    assert "read 40 rows: 35 scored, 5 rejected" in capsys.readouterr().out
    assert out.read_bytes() == first

    _interrupt_after(monkeypatch, 2)
    assert main([*argv, "--overwrite"]) == 1
    monkeypatch.undo()
    assert main([*argv, "--overwrite"]) == 0
    assert "read 40 rows: 35 scored, 5 rejected" in capsys.readouterr().out
    assert out.read_bytes() == first
    assert len(_beside(out, ".rejected.jsonl").read_text().splitlines()) == 5


def test_input_folder_holding_only_the_runs_own_files_is_refused(tmp_path):
    data = tmp_path / "data"
    _write_corpus(data / "c.jsonl", 10)
    out = data / "scores.parquet"
    score_corpus(data, out, scorers=[_scorer()])
    (data / "c.jsonl").unlink()
    with pytest.raises(ValueError, match="no input files in this folder besides the run's own"):
        score_corpus(data, out, scorers=[_scorer()], overwrite=True)
    assert out.exists()


# --- an input the run would overwrite or delete ----------------------------------------------

def _user_parquet(path: Path) -> Path:
    pd.DataFrame({"article_id": ["p1", "p2"], "outlet": "CNN",
                  "text": TEXTS[:2]}).to_parquet(path)
    return path


@pytest.mark.parametrize("overwrite", [False, True], ids=["plain", "overwrite"])
@pytest.mark.parametrize("case", ["output_is_input", "rejected_file_is_input",
                                  "input_hard_linked_to_rejected_file",
                                  "input_in_parts_folder", "user_file_at_output_in_folder"])
def test_input_the_run_would_overwrite_or_delete_is_refused_before_anything_changes(
        tmp_path, capsys, case, overwrite):
    """Regression: --out equal to an input (or its rejected/parts path) deleted the input."""
    out = tmp_path / "scores.parquet"
    if case == "output_is_input":
        victim = _user_parquet(out)
        inputs, reason = [victim], "is given as input but is the output"
    elif case == "rejected_file_is_input":
        victim = _write_corpus(_beside(out, ".rejected.jsonl"), 5)
        inputs, reason = [victim], "is the file the run writes its rejected rows to"
    elif case == "input_hard_linked_to_rejected_file":
        victim = _write_corpus(tmp_path / "c.jsonl", 5)
        os.link(victim, _beside(out, ".rejected.jsonl"))
        inputs, reason = [victim], "is the file the run writes its rejected rows to"
    elif case == "input_in_parts_folder":
        victim = _write_corpus(_beside(out, ".parts") / "c.jsonl", 5)
        inputs, reason = [victim], "where the run keeps its finished chunks"
    else:
        data = tmp_path / "data"
        _write_corpus(data / "a.jsonl", 5)
        victim = _user_parquet(data / "corpus.parquet")
        out = victim
        inputs, reason = [data], "was not written by framing score"
    before = victim.read_bytes()

    status = main(_argv(inputs, out, *(["--overwrite"] if overwrite else [])))

    assert status == 2
    err = capsys.readouterr().err
    assert reason in err and str(victim) in err
    assert victim.read_bytes() == before
    for suffix in (".state.json", ".lock"):
        assert not _beside(out, suffix).exists()


def test_input_named_through_a_symlink_to_the_output_is_refused(tmp_path):
    out = _user_parquet(tmp_path / "scores.parquet")
    link = tmp_path / "link.parquet"
    link.symlink_to(out)
    with pytest.raises(OutputConflict, match="is given as input but is the output"):
        score_corpus(link, out, scorers=[_scorer()], overwrite=True)
    assert len(pd.read_parquet(out)) == 2


# --- one run at a time -------------------------------------------------------------------

def test_a_run_is_refused_while_another_holds_the_output_lock(tmp_path, capsys):
    from framing.stream._lock import _output_lock

    source = _write_corpus(tmp_path / "c.jsonl", 12)
    out = tmp_path / "scores.parquet"
    lock = _beside(out, ".lock")
    with _output_lock(lock, out):
        holder = json.loads(lock.read_text())
        assert holder["pid"] == os.getpid() and holder["since"]
        assert main(_argv([source], out, "--overwrite")) == 2
        err = capsys.readouterr().err
        assert f"pid {os.getpid()} on this machine, since {holder['since']}" in err
        assert "takes it over by itself" in err and f"delete {lock}" in err
        with pytest.raises(OutputLocked):
            score_corpus(source, out, scorers=[_scorer()])
        assert not out.exists() and not _beside(out, ".parts").exists()
        assert not _beside(out, ".rejected.jsonl").exists()
    assert not lock.exists()
    assert main(_argv([source], out)) == 0
    assert not lock.exists()


def test_the_lock_is_released_when_a_run_fails(tmp_path):
    source = _write_corpus(tmp_path / "c.jsonl", 12)
    out = tmp_path / "scores.parquet"
    with pytest.raises(ValueError, match="c.jsonl, line 7"):
        score_corpus(source, out, scorers=[_scorer()], errors="raise")
    assert not _beside(out, ".lock").exists()
    score_corpus(source, out, scorers=[_scorer()], overwrite=True)


def test_a_filesystem_without_locks_warns_and_runs_unlocked(tmp_path, monkeypatch):
    import fcntl

    def no_locks(handle, operation):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)
    source = _write_corpus(tmp_path / "c.jsonl", 12)
    out = tmp_path / "scores.parquet"
    with pytest.warns(UserWarning, match="cannot lock .*scores.parquet.lock .*No locks"):
        summary = score_corpus(source, out, scorers=[_scorer()])
    assert summary["rows_read"] == 12 and len(pd.read_parquet(out)) == 11
    assert not _beside(out, ".lock").exists()


def _start_run(source: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "framing", *_argv([source], out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_for_chunks(process: subprocess.Popen, out: Path, chunks: int) -> None:
    """Return once the run has recorded ``chunks`` finished chunks in its state."""
    state = _beside(out, ".state.json")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the run ended early ({process.returncode}): "
                        f"{process.communicate()[1]}")
        try:
            if len(json.loads(state.read_text())["chunks"]) >= chunks:
                return
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.01)
    process.kill()
    pytest.fail("the run recorded no chunk in 120 s")


@pytest.mark.slow
def test_two_runs_on_one_output_the_second_is_refused(tmp_path, capsys):
    """Regression: two concurrent runs both exited 0 with a damaged output."""
    source = _write_corpus(tmp_path / "c.jsonl", 1000)
    out = tmp_path / "scores.parquet"
    first = _start_run(source, out)
    try:
        _wait_for_chunks(first, out, 1)
        assert main(_argv([source], out)) == 2
        assert main(_argv([source], out, "--overwrite")) == 2
        assert f"pid {first.pid} on this machine" in capsys.readouterr().err
        stdout, stderr = first.communicate(timeout=240)
    finally:
        first.kill()
    assert first.returncode == 0, stderr
    assert "read 1,000 rows: 858 scored, 142 rejected" in stdout
    assert len(pd.read_parquet(out)) == 858
    rejected = _beside(out, ".rejected.jsonl").read_text().splitlines()
    assert len(rejected) == len(set(rejected)) == 142
    assert not _beside(out, ".lock").exists()


@pytest.mark.slow
@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, -signal.SIGTERM),
                                         (signal.SIGKILL, -signal.SIGKILL)],
                         ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_a_stopped_run_releases_its_lock_and_resumes_to_the_same_bytes(tmp_path, capsys, sig,
                                                                      status):
    source = _write_corpus(tmp_path / "c.jsonl", 1000)
    straight = tmp_path / "straight.parquet"
    assert main(_argv([source], straight)) == 0
    out = tmp_path / "scores.parquet"
    run = _start_run(source, out)
    try:
        _wait_for_chunks(run, out, 2)
        run.send_signal(sig)
        _, stderr = run.communicate(timeout=60)
    finally:
        run.kill()
    assert run.returncode == status, stderr
    # SIGKILL leaves the lock file behind; the process holding it is gone, so it is free.
    assert _beside(out, ".lock").exists() == (sig == signal.SIGKILL)
    assert not out.exists()
    capsys.readouterr()

    assert main(_argv([source], out)) == 0
    assert "chunk(s) kept from the interrupted run" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(straight))
    assert out.read_bytes() == straight.read_bytes()
    assert (_beside(out, ".rejected.jsonl").read_bytes()
            == _beside(straight, ".rejected.jsonl").read_bytes())
    assert not _beside(out, ".lock").exists()
