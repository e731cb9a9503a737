"""Parquet cache of parsed datasets, keyed by the dataset's version.

A parsed dataset is stored as ``<data_home>/parsed/<name>-<key>.parquet`` where ``key`` hashes
the parser's version string and the sha256 of every source file, so a new pin or a parser
change gives a new file and never a stale one. ``DataFrame.attrs`` (which hold the rejected
rows and coerced values of a parse) go into a JSON sidecar, because parquet metadata cannot
hold DataFrames. Both are written to a temporary name and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from .._config import get_data_home
from ._download import fetch_files
from ._registry import RemoteFile

__all__ = ["cache_key", "cached_dataset"]

_FRAME_TAG = "__dataframe_records__"


def cache_key(name: str, version: str, files: Sequence[RemoteFile]) -> str:
    """Return a short hex key for a parsed dataset: parser version + source checksums."""
    digest = hashlib.sha256(f"{name}\0{version}".encode())
    for entry in sorted(files, key=lambda f: f.relpath):
        digest.update(f"\0{entry.relpath}\0{entry.sha256}".encode())
    return digest.hexdigest()[:16]


def _attrs_to_json(attrs: dict) -> str:
    def encode(value):
        if isinstance(value, pd.DataFrame):
            return {_FRAME_TAG: json.loads(value.to_json(orient="records", date_format="iso"))}
        return value

    return json.dumps({k: encode(v) for k, v in attrs.items()}, sort_keys=True, default=str)


def _attrs_from_json(text: str) -> dict:
    def decode(value):
        if isinstance(value, dict) and _FRAME_TAG in value:
            return pd.DataFrame.from_records(value[_FRAME_TAG])
        return value

    return {k: decode(v) for k, v in json.loads(text).items()}


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
    sidecar = path.with_suffix(".attrs.json")
    if path.exists() and sidecar.exists() and not refresh:
        frame = pd.read_parquet(path)
        frame.attrs = _attrs_from_json(sidecar.read_text(encoding="utf-8"))
        return frame
    paths = fetch_files(files, data_home=home, progress=progress, desc=f"fetching {name}")
    frame = parse(paths)
    attrs = dict(frame.attrs)
    attrs.setdefault("dataset", name)
    attrs.setdefault("version", key)
    frame.attrs = {}
    _atomic_write(path, lambda tmp: frame.to_parquet(tmp))
    _atomic_write(sidecar, lambda tmp: Path(tmp).write_text(_attrs_to_json(attrs),
                                                             encoding="utf-8"))
    frame = pd.read_parquet(path)  # return exactly what a cached call returns
    frame.attrs = _attrs_from_json(sidecar.read_text(encoding="utf-8"))
    return frame
