"""Parquet cache of parsed datasets, keyed by the dataset's version.

A parsed dataset is stored as ``<data_home>/parsed/<name>-<key>.parquet`` where ``key`` hashes
the parser's version string and the sha256 of every source file, so a new pin or a parser
change gives a new file and never a stale one. ``DataFrame.attrs`` (which hold the rejected
rows and coerced values of a parse) go beside it, as :func:`framing._fetch._frames.write_frame`
writes them.

The raw files are verified against their pinned sha256 on every call, but the parquet file is
what a cached call actually returns, so it is checked too: writing it records its sha256 in
``<name>-<key>.parquet.sha256`` (written atomically, after the parquet file), and reading it
compares the two. A cache file that differs from its checksum (a flipped bit, a file truncated
by a full disk), has no checksum or cannot be read is not trusted: a warning names it and the
dataset is parsed again from the verified raw files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from .._config import get_data_home
from .._warnings import warn_at_caller
from ..io import atomic_write
from ._download import fetch_files
from ._frames import read_frame, write_frame
from ._registry import RemoteFile

__all__ = ["cache_key", "cached_dataset", "sources_sha256"]

#: Version of the cache's file layout: part of every key, so a layout change never reads a
#: file written in an older layout. Format 3 added the ``.sha256`` file beside each parquet
#: file.
CACHE_FORMAT = "3"
#: Bytes hashed at a time: parsed datasets can be hundreds of megabytes.
_CHUNK = 1 << 20


def cache_key(name: str, version: str, files: Sequence[RemoteFile]) -> str:
    """Return a short hex key for a parsed dataset: parser version + source checksums."""
    digest = hashlib.sha256(f"{name}\0{version}\0{CACHE_FORMAT}".encode())
    for entry in sorted(files, key=lambda f: f.relpath):
        digest.update(f"\0{entry.relpath}\0{entry.sha256}".encode())
    return digest.hexdigest()[:16]


def sources_sha256(files: Sequence[RemoteFile]) -> str:
    """One sha256 for a set of pinned files: of their sorted ``relpath sha256`` lines."""
    lines = sorted(f"{f.relpath} {f.sha256}" for f in files)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _write_checksum(path: Path) -> None:
    """Record the sha256 of the parquet file ``path`` beside it, atomically."""
    with atomic_write(_checksum_path(path)) as tmp:
        tmp.write_text(_file_sha256(path) + "\n", encoding="ascii")


def _read_verified(path: Path) -> pd.DataFrame | None:
    """The cached frame at ``path`` if it matches its recorded sha256; None otherwise.

    None without a word when nothing is cached; None with a warning when a cache file exists
    but cannot be trusted, so the caller parses the dataset again.
    """
    if not path.exists():
        return None
    try:
        expected = _checksum_path(path).read_text(encoding="ascii").strip()
        actual = _file_sha256(path)
    except FileNotFoundError:
        problem = f"has no checksum file ({_checksum_path(path).name})"
    except (OSError, UnicodeDecodeError) as err:
        problem = f"or its checksum file cannot be read ({type(err).__name__}: {err})"
    else:
        if actual != expected:
            problem = (f"has sha256 {actual}, not the {expected or '(empty)'} recorded when it "
                       "was written: the file was changed or damaged")
        else:
            try:
                return read_frame(path)
            except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ValueError...
                problem = f"cannot be read ({type(err).__name__}: {err})"
    warn_at_caller(f"parsed cache {path} {problem}; parsing the dataset again from its "
                   "verified source files")
    return None


def _provenance(frame: pd.DataFrame, files: Sequence[RemoteFile]) -> pd.DataFrame:
    """Record which pinned files a dataset was parsed from (for experiment manifests)."""
    frame.attrs["sources_sha256"] = sources_sha256(files)
    frame.attrs["n_source_files"] = len(files)
    return frame


def cached_dataset(
    name: str,
    files: Sequence[RemoteFile],
    parse: Callable[[list[Path]], pd.DataFrame],
    *,
    version: str,
    data_home=None,
    refresh: bool = False,
    progress: bool = True,
) -> pd.DataFrame:
    """Fetch ``files``, parse them with ``parse`` and cache the result as parquet.

    Parameters
    ----------
    name : str
        Dataset name, used in the cache file name.
    files : sequence of RemoteFile
        The pinned source files.
    parse : callable
        Takes the verified local paths (in the order of ``files``), returns a DataFrame.
    version : str
        The parser's version; bump it whenever ``parse`` changes what it returns.
    data_home : path-like, optional
        See :func:`framing._config.get_data_home`.
    refresh : bool, default False
        Re-parse even if a cached parse exists.
    progress : bool, default True
        Show download progress.

    Returns
    -------
    pandas.DataFrame
        The parsed dataset, with its ``attrs`` restored.

    Warns
    -----
    UserWarning
        When the cached parse differs from its recorded sha256, has none or cannot be read;
        it is then rebuilt from the raw files.
    """
    home = get_data_home(data_home)
    folder = home / "parsed"
    folder.mkdir(parents=True, exist_ok=True)
    key = cache_key(name, version, files)
    path = folder / f"{name}-{key}.parquet"
    if not refresh:
        cached = _read_verified(path)
        if cached is not None:
            return _provenance(cached, files)
    paths = fetch_files(files, data_home=home, progress=progress, desc=f"fetching {name}")
    frame = parse(paths)
    attrs = dict(frame.attrs)
    attrs.setdefault("dataset", name)
    attrs.setdefault("version", key)
    frame.attrs = attrs
    write_frame(frame, path)
    _write_checksum(path)
    return _provenance(read_frame(path), files)  # exactly what a cached call returns
