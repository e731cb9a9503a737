"""Small tables that live in ``DataFrame.attrs``: reports of rejected rows, failures, links.

pandas compares ``attrs`` when it concatenates or merges frames, deep-copies them on most
operations, and writes them as JSON in parquet files. A DataFrame stored in ``attrs`` breaks
all three (``pd.concat`` raises "The truth value of a DataFrame is ambiguous", ``to_parquet``
raises ``TypeError``). A :class:`ReportTable` is a list of plain row dicts, so pandas can do
all three, while it prints, indexes and converts like a small DataFrame.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = ["ReportTable", "plain_value"]


def plain_value(value):
    """A JSON-native version of a cell: numbers, strings, booleans, lists or None.

    Examples
    --------
    >>> plain_value(np.int64(3)), plain_value(float("nan")), plain_value(pd.NaT)
    (3, None, None)
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, pd.Timestamp | _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, np.ndarray | list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items()}
    return str(value)


class ReportTable(list):
    """Rows (dicts) of a report kept in ``DataFrame.attrs``, usable like a small DataFrame.

    ``len(table)``, ``table.empty``, ``table["reason"]`` (a Series), ``table.columns`` and
    ``table.to_frame()`` work as they would on a DataFrame, any other DataFrame method
    (``set_index``, ``query``, ``iloc``...) works on a DataFrame copy of the rows, and
    Jupyter shows it as a table.

    Parameters
    ----------
    rows : iterable of mapping
        One dict per row; cells become JSON-native values (see :func:`plain_value`).
    columns : sequence of str, optional
        Column order (default: keys in order of appearance).

    Examples
    --------
    >>> table = ReportTable([{"line": 3, "reason": "no text"}], columns=["line", "reason"])
    >>> len(table), table["reason"].tolist(), table.empty
    (1, ['no text'], False)
    >>> frame = pd.DataFrame({"a": [1]})
    >>> frame.attrs["rejected"] = table
    >>> len(pd.concat([frame, frame]))  # a DataFrame in attrs would make this raise
    2
    """

    def __init__(self, rows: Iterable[Mapping] = (), columns: Iterable[str] | None = None):
        rows = [{str(k): plain_value(v) for k, v in row.items()} for row in rows]
        super().__init__(rows)
        keys = list(dict.fromkeys(k for row in rows for k in row))
        self.columns = list(columns) if columns is not None else keys
        self.columns += [k for k in keys if k not in self.columns]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> ReportTable:
        """Build from a DataFrame (its index is dropped)."""
        return cls(frame.to_dict(orient="records"), columns=[str(c) for c in frame.columns])

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame, columns in order."""
        return pd.DataFrame(list(self), columns=self.columns)

    @property
    def empty(self) -> bool:
        return len(self) == 0

    @property
    def shape(self) -> tuple[int, int]:
        return len(self), len(self.columns)

    def __getitem__(self, key):
        # Positions and slices index the rows, as on a list; anything else (a column name,
        # a list of names, a boolean mask) indexes a DataFrame of the rows.
        if isinstance(key, int | np.integer | slice):
            return super().__getitem__(key)
        return self.to_frame()[key]

    def equals(self, other) -> bool:
        """Same rows and columns (as ``DataFrame.equals``)."""
        other_frame = other.to_frame() if isinstance(other, ReportTable) else other
        return isinstance(other_frame, pd.DataFrame) and self.to_frame().equals(other_frame)

    def __getattr__(self, name: str):
        # Only called for names a list does not have: read-only DataFrame behaviour.
        if name.startswith("_") or name == "columns":
            raise AttributeError(name)
        return getattr(self.to_frame(), name)

    def __repr__(self) -> str:
        return repr(self.to_frame())

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()
