"""Write and read the parsed cache's parquet files, ``attrs`` included.

framing keeps only JSON-native values in ``DataFrame.attrs`` (reports are
:class:`framing._tables.ReportTable` lists of row dicts), so pandas stores them in the parquet
file itself. Reading turns report tables back into ``ReportTable`` and list cells, which
parquet returns as NumPy arrays, back into lists. Files are written to a temporary name and
renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._tables import ReportTable
from ..io import atomic_write

__all__ = ["read_frame", "write_frame"]


def _restore_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn list cells that parquet returns as NumPy arrays back into lists."""
    for column in frame.columns[[pd.api.types.is_object_dtype(t) for t in frame.dtypes]]:
        values = frame[column]
        if values.map(lambda v: isinstance(v, np.ndarray)).any():
            frame[column] = values.map(lambda v: list(v) if isinstance(v, np.ndarray) else v)
    return frame


def _is_table(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` (and its ``attrs``) to ``path`` as parquet, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Empty report tables keep their columns only as a list: record them.
    columns = {k: v.columns for k, v in frame.attrs.items() if isinstance(v, ReportTable)}
    data = frame.copy(deep=False)
    data.attrs = {**frame.attrs, "__report_columns__": columns}
    with atomic_write(path) as tmp:
        data.to_parquet(tmp)


def read_frame(path: Path) -> pd.DataFrame | None:
    """A frame written by :func:`write_frame`, with its attrs; None when there is none."""
    if not Path(path).exists():
        return None
    frame = _restore_lists(pd.read_parquet(path))
    attrs = dict(frame.attrs)
    columns = attrs.pop("__report_columns__", {})
    for key, value in attrs.items():
        if key in columns or _is_table(value):
            attrs[key] = ReportTable(value, columns=columns.get(key))
    frame.attrs = attrs
    return frame
