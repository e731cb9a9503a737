"""Save and read DataFrames with their ``attrs`` tables: the parsed cache and ``save_articles``.

pandas cannot write a frame whose ``attrs`` hold DataFrames to parquet (it serialises
``attrs`` as JSON), yet framing's loaders keep their reports there (``attrs["rejected"]``,
``attrs["coerced"]``). :func:`write_frame` writes the frame without ``attrs`` and each
``attrs`` table as a parquet file of its own beside it (so columns and dtypes survive), the
other values in a JSON file written last, which marks a complete entry. Every file goes to
a temporary name first and is renamed into place.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..schema import validate_articles

__all__ = ["read_articles", "read_frame", "save_articles", "write_frame"]

_TABLES = "__tables__"


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


def read_frame(path: Path) -> pd.DataFrame | None:
    """A frame written by :func:`write_frame`, with its attrs; None when incomplete."""
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




def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` (parquet) and its ``attrs`` beside it, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = frame.copy(deep=False)
    data.attrs = {}
    _atomic_write(path, lambda tmp: data.to_parquet(tmp))
    _write_attrs(path, dict(frame.attrs))


def save_articles(articles: pd.DataFrame, path) -> Path:
    """Save an articles table to parquet, keeping its reports (``attrs``) beside it.

    ``articles.to_parquet`` fails on frames returned by framing's loaders, because pandas
    cannot serialise the report tables in ``attrs``; this writes them as parquet files next
    to ``path`` (``<stem>.rejected.parquet``...) and :func:`read_articles` reads all back.

    Parameters
    ----------
    articles : pandas.DataFrame
        A table satisfying the articles contract (checked first).
    path : path-like
        Target ``.parquet`` file.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from framing.datasets import read_articles, save_articles
    >>> df = pd.DataFrame({"outlet": ["reuters"], "date": pd.to_datetime(["2019-01-02"], utc=True),
    ...                    "title": ["T"], "text": ["Body."]},
    ...                   index=pd.Index(["a1"], name="article_id"))
    >>> df.attrs["rejected"] = pd.DataFrame({"line": [3], "reason": ["no text"]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     back = read_articles(save_articles(df, f"{tmp}/corpus.parquet"))
    >>> back.attrs["rejected"]["reason"].tolist()
    ['no text']
    """
    validate_articles(articles)
    path = Path(path)
    write_frame(articles, path)
    return path


def read_articles(path) -> pd.DataFrame:
    """Read a table written by :func:`save_articles`, with its reports; validate it.

    Raises
    ------
    FileNotFoundError
        If the file or its sidecar files are missing (for plain parquet files, use
        :func:`framing.datasets.load_articles`).
    """
    frame = read_frame(Path(path))
    if frame is None:
        raise FileNotFoundError(f"{path} is not a complete save_articles() output (the "
                                "parquet file or its .attrs.json sidecar is missing)")
    return validate_articles(frame)
