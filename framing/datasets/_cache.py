"""Parquet cache of parsed datasets, keyed by the dataset's version.

A parsed dataset is stored as ``<data_home>/parsed/<name>-<key>.parquet`` where ``key`` hashes
the parser's version string and the sha256 of every source file, so a new pin or a parser
change gives a new file and never a stale one. ``DataFrame.attrs`` (which hold the rejected
rows and coerced values of a parse) go beside it: tables as parquet files of their own (so
their columns and dtypes survive), other values in a JSON file. Every file is written to a
temporary name and renamed into place; the JSON file, written last, marks a complete entry.
List cells, which parquet returns as NumPy arrays, are turned back into lists.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .._config import get_data_home
from ._download import fetch_files
from ._registry import RemoteFile

__all__ = ["cache_key", "cached_dataset"]

_TABLES = "__tables__"


def cache_key(name: str, version: str, files: Sequence[RemoteFile]) -> str:
    """Return a short hex key for a parsed dataset: parser version + source checksums."""
    digest = hashlib.sha256(f"{name}\0{version}".encode())
    for entry in sorted(files, key=lambda f: f.relpath):
        digest.update(f"\0{entry.relpath}\0{entry.sha256}".encode())
    return digest.hexdigest()[:16]


def _restore_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn list cells that parquet returns as NumPy arrays back into lists."""
    for column in frame.columns[[pd.api.types.is_object_dtype(t) for t in frame.dtypes]]:
        values = frame[column]
        if values.map(lambda v: isinstance(v, np.ndarray)).any():
            frame[column] = values.map(lambda v: list(v) if isinstance(v, np.ndarray) else v)
    return frame


def _write_attrs(path: Path, attrs: dict) -> None:
    """Tables to ``<stem>.<key>.parquet`` files, the rest (and their names) to JSON."""
    plain, tables = {}, []
    for key, value in attrs.items():
        if isinstance(value, pd.DataFrame):
            tables.append(key)
            _atomic_write(path.with_name(f"{path.stem}.{key}.parquet"),
                          lambda tmp, v=value: v.to_parquet(tmp, index=False))
        else:
            plain[key] = value
    plain[_TABLES] = tables
    _atomic_write(path.with_suffix(".attrs.json"), lambda tmp: Path(tmp).write_text(
        json.dumps(plain, sort_keys=True, default=str), encoding="utf-8"))


def _read(path: Path) -> pd.DataFrame | None:
    """The cached frame with its attrs, or None when the entry is incomplete."""
    sidecar = path.with_suffix(".attrs.json")
    if not (path.exists() and sidecar.exists()):
        return None
    attrs = json.loads(sidecar.read_text(encoding="utf-8"))
    for key in attrs.pop(_TABLES, []):
        table = path.with_name(f"{path.stem}.{key}.parquet")
        if not table.exists():
            return None
        attrs[key] = pd.read_parquet(table)
    frame = _restore_lists(pd.read_parquet(path))
    frame.attrs = attrs
    return frame


def _atomic_write(path: Path, write: Callable[[str], None]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


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
        cached = _read(path)
        if cached is not None:
            return cached
    paths = fetch_files(files, data_home=home, progress=progress, desc=f"fetching {name}")
    frame = parse(paths)
    attrs = dict(frame.attrs)
    attrs.setdefault("dataset", name)
    attrs.setdefault("version", key)
    frame.attrs = {}
    _atomic_write(path, lambda tmp: frame.to_parquet(tmp))
    _write_attrs(path, attrs)
    return _read(path)  # return exactly what a cached call returns
