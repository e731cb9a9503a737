"""Resume: the state of a run, kept beside its output, checked and continued after a stop.

A run keeps its finished chunks in ``OUTPUT.parts/``, the rows it rejected in
``OUTPUT.rejected.jsonl`` and its progress in ``OUTPUT.state.json``. The state names the
inputs (size, modification time and the sha256 of their first and last MiB) and the options,
so that a run continues another only when it would have written the same output.

These files, the output and the run's lock are the run's own: found in an input folder
(users often write next to their data) they are left out of the input, and named as an
input they are refused, since the run would overwrite or delete them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..io import atomic_write
from ._seen import _SeenIds

_STATE_VERSION = 1
_OUTPUT_ROLE = "the output"  # what _RunFiles.role calls the output itself
_FINGERPRINT_BYTES = 1 << 20  # first and last MiB of each file


class StateMismatch(ValueError):
    """An interrupted run's state does not match this run (input or options changed)."""

    __module__ = "framing.stream"  # its public home, in tracebacks and reprs


class OutputConflict(ValueError):
    """The output cannot go where asked: it would overwrite or read an input, or it is busy."""

    __module__ = "framing.stream"


@dataclass(frozen=True)
class _RunFiles:
    """The output and the files a run keeps beside it while it runs."""

    output: Path
    parts_dir: Path
    state_path: Path
    rejected_path: Path
    lock_path: Path

    @classmethod
    def beside(cls, output: Path) -> _RunFiles:
        return cls(output, output.with_name(output.name + ".parts"),
                   output.with_name(output.name + ".state.json"),
                   output.with_name(output.name + ".rejected.jsonl"),
                   output.with_name(output.name + ".lock"))

    def role(self, path: Path) -> str | None:
        """What ``path`` is to this run (its output, its rejected rows...), or None.

        Paths are compared resolved, and files by identity, so that a relative path, a
        symlink, ``..`` or a hard link cannot hide that an input is one of the run's files.
        """
        real = os.path.realpath(path)
        parts = self._own_files[0]
        if real == parts or real.startswith(parts + os.sep):
            return f"inside {self.parts_dir}, where the run keeps its finished chunks"
        named, identities = self._own_files[1:]
        if real in named:
            return named[real]
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return identities.get((stat.st_dev, stat.st_ino))

    @cached_property
    def _own_files(self) -> tuple[str, dict[str, str], dict[tuple[int, int], str]]:
        """(resolved parts folder, role by resolved path, role by (device, inode)).

        Worked out once: a folder of many files is checked file by file.
        """
        temporary = ".tmp"  # written first, then moved into place (see _write_json)
        roles = {
            self.output: _OUTPUT_ROLE,
            self.output.with_name(self.output.name + temporary): "the output's temporary file",
            self.rejected_path: "the file the run writes its rejected rows to",
            self.state_path: "the run's state file",
            self.state_path.with_name(self.state_path.name + temporary):
                "the run's temporary state file",
            self.lock_path: "the run's lock file",
        }
        named, identities = {}, {}
        for own, role in roles.items():
            named[os.path.realpath(own)] = role
            try:
                stat = os.stat(own)
            except OSError:  # not written yet
                continue
            identities[(stat.st_dev, stat.st_ino)] = role
        return os.path.realpath(self.parts_dir), named, identities


def _leave_out_run_files(given: list, files: list[tuple[Path, str]], run: _RunFiles
                         ) -> list[tuple[Path, str]]:
    """The input files less the run's own ones found in an input folder.

    A rerun would otherwise read the parts and rejected rows of the run it continues (and
    refuse to resume, since they changed) or the rejected rows it is appending to. Refuses
    (:class:`OutputConflict`) an input the run would overwrite or delete: one named as an
    input, or a file at the output path that framing did not write.

    Parameters
    ----------
    given : list of path-like
        The paths the user gave (files or folders).
    files : list of (Path, str)
        Their listing, as :func:`framing.io.find_files` returns it.
    run : _RunFiles
        The run's output and the files beside it.

    Returns
    -------
    list of (Path, str)
        ``files`` without the run's own.
    """
    from ._output import _is_score_output

    for item in given:
        path = Path(item).expanduser()
        role = run.role(path)
        if role is not None:
            raise OutputConflict(f"{path} is given as input but is {role} ({run.output}): "
                                 "the run would overwrite or delete it; write the output "
                                 "elsewhere")
    kept = []
    for path, kind in files:
        role = run.role(path)
        if role is None:
            kept.append((path, kind))
        elif role == _OUTPUT_ROLE and not _is_score_output(path):
            raise OutputConflict(f"{path} is in an input folder and was not written by "
                                 "framing score: it would be read as input and then "
                                 "replaced by the output; write the output elsewhere")
    for item in given:
        folder = Path(item).expanduser()
        if folder.is_dir() and not any(path.is_relative_to(folder) for path, _ in kept):
            raise ValueError(f"{folder}: no input files in this folder besides the run's own "
                             f"({run.output} and the files beside it)")
    return kept


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
    # A fixed temporary name, which _RunFiles knows as the run's own (see _own_files).
    with atomic_write(path, temporary=path.with_name(path.name + ".tmp")) as tmp:
        tmp.write_text(json.dumps(value, indent=1, sort_keys=True), encoding="utf-8")


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
    # The state first: a run stopped in between then leaves finished output and stray
    # parts (removed by the next run), never a state whose parts are half gone.
    run.state_path.unlink(missing_ok=True)
    shutil.rmtree(run.parts_dir, ignore_errors=True)
