"""One run at a time per output: an exclusive lock on ``OUTPUT.lock`` for the whole run.

Two runs writing the same output would mix their parts, state and rejected rows, and could
both exit as if all went well. A run therefore takes an exclusive :func:`fcntl.flock` on
``OUTPUT.lock`` before it reads, writes or deletes anything beside the output, writes into
it who holds it (pid, host, start time) for the message a second run shows, and removes it
when it ends.

The operating system releases the lock when its process ends, however it ends (``kill -9``
included): a lock file that a killed run left behind holds no lock, and the next run takes
it over without anyone deleting it.
"""

from __future__ import annotations

import errno
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from ._resume import OutputConflict

# flock is not available there: locking would fail, not merely wait.
_NO_FLOCK = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}


class OutputLocked(OutputConflict):
    """Another run is writing the same output (it holds ``OUTPUT.lock``)."""

    __module__ = "framing.stream"


@contextmanager
def _output_lock(lock_path: Path, output: Path) -> Iterator[None]:
    """Hold the run's exclusive lock on ``lock_path`` while the block runs.

    Parameters
    ----------
    lock_path : Path
        ``OUTPUT.lock``; created (with its folder) if missing, removed on release.
    output : Path
        The output, named in the message of a run that finds the lock held.

    Raises
    ------
    OutputLocked
        Another process holds the lock; the message names it (pid, host, since when).
    """
    handle = _acquire(lock_path, output)
    try:
        yield
    finally:
        if handle is not None:
            # Removed while still held: a run that opened the old file in between sees
            # that it is no longer at lock_path and opens the path again (see _acquire).
            lock_path.unlink(missing_ok=True)
            os.close(handle)


def _acquire(lock_path: Path, output: Path) -> int | None:
    """The descriptor holding the lock, or None where the filesystem cannot lock."""
    from .._warnings import warn_at_caller

    try:
        import fcntl
    except ImportError:  # not a POSIX system
        fcntl = None
    if fcntl is None:
        warn_at_caller(f"cannot lock {lock_path} on this system: make sure no other run "
                       f"writes {output} at the same time")
        return None
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(handle)
            os.close(handle)
            raise OutputLocked(_held_message(lock_path, output, holder)) from None
        except OSError as err:
            if err.errno in _NO_FLOCK and os.fstat(handle).st_size == 0:
                lock_path.unlink(missing_ok=True)  # the empty file this call created
            os.close(handle)
            if err.errno not in _NO_FLOCK:
                raise
            warn_at_caller(f"cannot lock {lock_path} ({os.strerror(err.errno)}): make sure "
                           f"no other run writes {output} at the same time")
            return None
        if _still_at(handle, lock_path):
            break
        # The run that held it removed it between our open and our lock: open it anew.
        os.close(handle)
    _write_holder(handle)
    return handle


def _still_at(handle: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle), os.stat(path))
    except FileNotFoundError:
        return False


def _write_holder(handle: int) -> None:
    holder = {"pid": os.getpid(), "host": socket.gethostname(),
              "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    os.ftruncate(handle, 0)
    os.pwrite(handle, json.dumps(holder).encode("utf-8") + b"\n", 0)


def _read_holder(handle: int) -> dict:
    """Who holds the lock, as it wrote itself into the file ({} if not written yet)."""
    try:
        holder = json.loads(os.pread(handle, 4096, 0).decode("utf-8"))
    except (OSError, ValueError):  # the holder is between taking the lock and writing
        return {}
    return holder if isinstance(holder, dict) else {}


def _held_message(lock_path: Path, output: Path, holder: dict) -> str:
    pid, host, since = (holder.get(k, "unknown") for k in ("pid", "host", "since"))
    here = host == socket.gethostname()
    where = "this machine" if here else f"host {host}"
    return (f"{output} is being written by another run (pid {pid} on {where}, since {since}), "
            f"which holds {lock_path}: wait for it to end or write the output elsewhere. "
            "The lock is released when that process ends, even if it is killed, and the "
            "next run then takes it over by itself; if it stays held while no such process "
            f"runs (a network filesystem can keep a crashed host's lock), delete {lock_path}")
