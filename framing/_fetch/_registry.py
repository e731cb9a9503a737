"""The registry of remote files framing fetches, each pinned to an upstream commit and sha256.

The registry lives beside this module, in ``framing/_fetch/registry.csv`` (built by
``tools/build_registry.py`` from the verified mirror's manifest). Each row is one file of a
public GitHub repository at a fixed commit; its URL is
``<base>OWNER/REPO/COMMIT/PATH`` with ``base`` the upstream raw-file host or a mirror.
"""

from __future__ import annotations

import csv
import fnmatch
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["RemoteFile", "registry", "select"]


@dataclass(frozen=True)
class RemoteFile:
    """One pinned upstream file.

    Attributes
    ----------
    group : str
        Fetcher family the file belongs to (``"allsides"``, ``"babe"``, ...).
    owner, repo, commit, path : str
        Where the file lives upstream: ``OWNER/REPO`` at ``COMMIT``, ``PATH`` inside it.
    bytes : int
        Expected size.
    sha256 : str
        Expected lowercase hex sha256 of the file's bytes.
    """

    group: str
    owner: str
    repo: str
    commit: str
    path: str
    bytes: int
    sha256: str

    @property
    def relpath(self) -> str:
        """``OWNER/REPO/COMMIT/PATH``: the path under a raw-file base, and in the cache."""
        return f"{self.owner}/{self.repo}/{self.commit}/{self.path}"

    @property
    def name(self) -> str:
        """The file's base name."""
        return self.path.rsplit("/", 1)[-1]


@lru_cache(maxsize=1)
def registry() -> tuple[RemoteFile, ...]:
    """Return every pinned file, sorted by group and path.

    Examples
    --------
    >>> files = registry()
    >>> len({f.group for f in files}) >= 10
    True
    """
    source = resources.files(__package__).joinpath("registry.csv")
    text = source.read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        RemoteFile(
            group=r["group"],
            owner=r["owner"],
            repo=r["repo"],
            commit=r["commit"],
            path=r["path"],
            bytes=int(r["bytes"]),
            sha256=r["sha256"].lower(),
        )
        for r in rows
    )


def select(group: str, pattern: str = "*") -> list[RemoteFile]:
    """Return the pinned files of ``group`` whose path matches the glob ``pattern``.

    Raises
    ------
    KeyError
        If nothing matches (a fetcher asking for a file that is not pinned is a bug).

    Examples
    --------
    >>> [f.name for f in select("mfc_codes")]
    ['codes.json']
    """
    found = [f for f in registry() if f.group == group and fnmatch.fnmatchcase(f.path, pattern)]
    if not found:
        raise KeyError(f"no pinned file in group {group!r} matches {pattern!r}")
    return found
