"""Parquet cache of parsed datasets, keyed by the dataset's version.

A parsed dataset is stored as ``<data_home>/parsed/<name>-<key>.parquet`` where ``key`` hashes
the parser's version string and the sha256 of every source file, so a new pin or a parser
change gives a new file and never a stale one. ``DataFrame.attrs`` (which hold the rejected
rows and coerced values of a parse) go beside it, as :func:`framing.datasets._io.write_frame`
writes them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from .._config import get_data_home
from ._download import fetch_files
from ._io import read_frame, write_frame
from ._registry import RemoteFile

__all__ = ["cache_key", "cached_dataset", "sources_sha256"]



#: Version of the cache's file layout: part of every key, so a layout change never reads a
#: file written in an older layout.
CACHE_FORMAT = "2"


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
    """
    home = get_data_home(data_home)
    folder = home / "parsed"
    folder.mkdir(parents=True, exist_ok=True)
    key = cache_key(name, version, files)
    path = folder / f"{name}-{key}.parquet"
    if not refresh:
        cached = read_frame(path)
        if cached is not None:
            return _provenance(cached, files)
    paths = fetch_files(files, data_home=home, progress=progress, desc=f"fetching {name}")
    frame = parse(paths)
    attrs = dict(frame.attrs)
    attrs.setdefault("dataset", name)
    attrs.setdefault("version", key)
    frame.attrs = attrs
    write_frame(frame, path)
    return _provenance(read_frame(path), files)  # exactly what a cached call returns
