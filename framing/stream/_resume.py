"""Resume: the state of a run, kept beside its output, checked and continued after a stop.

A run keeps its finished chunks in ``OUTPUT.parts/``, the rows it rejected in
``OUTPUT.rejected.jsonl`` and its progress in ``OUTPUT.state.json``. The state names the
inputs (size, modification time and the sha256 of their first and last MiB) and the options,
so that a run continues another only when it would have written the same output.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ._seen import _SeenIds

_STATE_VERSION = 1
_FINGERPRINT_BYTES = 1 << 20  # first and last MiB of each file


class StateMismatch(ValueError):
    """An interrupted run's state does not match this run (input or options changed)."""

    __module__ = "framing.stream"  # its public home, in tracebacks and reprs


@dataclass(frozen=True)
class _RunFiles:
    """The output and the files a run keeps beside it while it runs."""

    output: Path
    parts_dir: Path
    state_path: Path
    rejected_path: Path

    @classmethod
    def beside(cls, output: Path) -> _RunFiles:
        return cls(output, output.with_name(output.name + ".parts"),
                   output.with_name(output.name + ".state.json"),
                   output.with_name(output.name + ".rejected.jsonl"))


def _fingerprint(path: Path) -> dict:
    """Path, size, modification time and the sha256 of the first and last MiB."""
    stat = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        digest.update(handle.read(_FINGERPRINT_BYTES))
        if stat.st_size > _FINGERPRINT_BYTES:
            handle.seek(max(_FINGERPRINT_BYTES, stat.st_size - _FINGERPRINT_BYTES))
            digest.update(handle.read())
    return {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
            "sha256_ends": digest.hexdigest()}


def _write_json(path: Path, value) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _open_state(run: _RunFiles, fingerprints: list[dict], options: dict,
                overwrite: bool) -> dict:
    """The interrupted run's state, checked against this run's; or a new run's state."""
    if overwrite:
        shutil.rmtree(run.parts_dir, ignore_errors=True)
        for path in (run.state_path, run.rejected_path, run.output):
            path.unlink(missing_ok=True)
    if run.state_path.exists():
        state = json.loads(run.state_path.read_text(encoding="utf-8"))
        _check_state(state, fingerprints, options, run.state_path)
        return state
    if run.output.exists():
        raise FileExistsError(f"{run.output} exists (pass overwrite=True / --overwrite to "
                              "replace it)")
    shutil.rmtree(run.parts_dir, ignore_errors=True)
    run.parts_dir.mkdir(parents=True)
    run.rejected_path.write_bytes(b"")
    state = {"version": _STATE_VERSION, "inputs": fingerprints, "options": options,
             "chunks": [], "rejected_bytes": 0}
    _write_json(run.state_path, state)
    return state


def _check_state(state, fingerprints, options, state_path) -> None:
    if state.get("version") != _STATE_VERSION:
        raise StateMismatch(f"{state_path} was written by another version of framing; "
                            "start over with --overwrite")
    if state["inputs"] != fingerprints:
        old = {f["path"]: f for f in state["inputs"]}
        changed = [f["path"] for f in fingerprints if old.get(f["path"]) != f]
        changed += [p for p in old if p not in {f["path"] for f in fingerprints}]
        raise StateMismatch(f"the input changed since the interrupted run ({changed[0]} "
                            "differs in size, modification time or content): refusing to "
                            "resume; start over with --overwrite")
    if state["options"] != json.loads(json.dumps(options)):
        differ = sorted(k for k in options
                        if json.loads(json.dumps(options))[k] != state["options"].get(k))
        raise StateMismatch(f"the options differ from the interrupted run's ({differ}): "
                            "rerun with the same options, or start over with --overwrite")


def _resume_point(run: _RunFiles, state: dict) -> tuple[_SeenIds, tuple[int, int]]:
    """The ids the finished chunks wrote, and where to go on: (file index, last line done).

    Also drops the rejected rows of a chunk that did not finish.
    """
    seen = _SeenIds.from_parts(run.parts_dir, state["chunks"])
    with open(run.rejected_path, "r+b") as handle:  # drop lines of an unfinished chunk
        handle.truncate(state["rejected_bytes"])
    last = state["chunks"][-1] if state["chunks"] else None
    return seen, ((last["file"], last["end"]) if last else (0, 0))


def _commit_chunk(run: _RunFiles, state: dict, chunk, part: str, rows_out: int,
                  rejected: list[dict]) -> None:
    """Append a chunk's rejected rows, then record the chunk as done."""
    with open(run.rejected_path, "ab") as handle:
        for record in rejected:
            # ASCII escapes: a reason quoting U+2028 or U+0085 must not split the
            # line for readers that treat those as line ends.
            handle.write(json.dumps(record).encode("ascii") + b"\n")
        state["rejected_bytes"] = handle.tell()
    state["chunks"].append({"part": part, "file": chunk.file_index, "end": chunk.end,
                            "rows_read": rows_out + len(rejected), "rows_out": rows_out,
                            "rows_rejected": len(rejected)})
    _write_json(run.state_path, state)


def _clean_up(run: _RunFiles) -> None:
    """Remove the parts and the state once the output is written."""
    shutil.rmtree(run.parts_dir, ignore_errors=True)
    run.state_path.unlink(missing_ok=True)
