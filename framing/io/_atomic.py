"""The atomic writer: a reader finds the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_write"]


@contextmanager
def atomic_write(path, *, temporary=None) -> Iterator[Path]:
    """Write ``path`` through a temporary file that is renamed into place when done.

    The block writes the temporary file, whose path it is given. When the block ends
    normally the temporary file replaces ``path`` in one rename; when it raises (or is
    interrupted), the temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : path-like
        The file to write. Its folder must exist.
    temporary : path-like, optional
        The temporary file, in the same folder as ``path`` (a rename across filesystems is
        not atomic). By default a new hidden file ``.NAME.XXXXXXXX.tmp`` with a unique
        name, so that concurrent writers never share one. A writer that holds a lock on
        its output may pass a fixed name instead: a temporary file that a killed run left
        behind is then overwritten by the next run rather than kept.

    Yields
    ------
    pathlib.Path
        The temporary file to write.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "state.json"
    ...     with atomic_write(target) as tmp:
    ...         _ = tmp.write_text('{"done": 3}', encoding="utf-8")
    ...     written = target.read_text(encoding="utf-8")
    ...     left = sorted(p.name for p in target.parent.iterdir())
    >>> written, left
    ('{"done": 3}', ['state.json'])
    """
    path = Path(path)
    if temporary is None:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(handle)
        temporary = Path(name)
    else:
        temporary = Path(temporary)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        # After a successful rename there is nothing left to remove.
        temporary.unlink(missing_ok=True)
