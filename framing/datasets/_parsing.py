"""Small helpers shared by the dataset parsers: reading sources row by row with their line
numbers (:func:`read_delimited` is :mod:`framing.io`'s), turning cells into typed values with
a reason when they cannot be, and collecting the rejected/coerced report that
:func:`framing.io.attach_report` attaches.

Every helper that converts a value returns ``(value, reason)``: ``reason`` is ``None`` when
the value was usable (or missing in the source), else a short explanation for
``attrs["coerced"]``. Nothing here drops a row: the parsers decide, and say why.
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import attach_report, read_delimited, rejected_row
from ..schema import SchemaError

__all__ = [
    "Report",
    "as_record",
    "blank",
    "check_table",
    "nat_dates",
    "parse_bool",
    "parse_int",
    "parse_str_list",
    "parse_utc_day",
    "read_delimited",
    "read_sheet",
]

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MAX_LIST_LITERAL = 100_000  # characters; a biased-words cell is a few hundred at most


class Report:
    """Collect rejected rows and coerced values while parsing one source.

    ``line`` is the 1-based line of a text file (where the record starts) or the 1-based
    data row of a sheet (the first row below the header is 1), or ``None`` when a file
    holds one record.
    """

    def __init__(self) -> None:
        self.rejected: list[dict] = []
        self.coerced: list[dict] = []

    def reject(self, source: str, line: int | None, row_id, reason: str) -> None:
        """Record a source row that is left out, and why."""
        self.rejected.append(rejected_row(source, line, reason, row_id))

    def coerce(self, source: str, line: int | None, row_id, column: str, value,
               reason: str) -> None:
        """Record a kept row whose ``column`` value was replaced (usually by a missing value)."""
        self.coerced.append({"source": source, "line": line,
                             "row_id": None if row_id is None else str(row_id),
                             "column": column, "value": None if blank(value) else str(value),
                             "reason": reason})

    def attach(self, frame: pd.DataFrame, n_source_rows: int) -> pd.DataFrame:
        """Attach the report to ``frame`` (checking that the counts reconcile); return it."""
        return attach_report(frame, rejected=self.rejected, coerced=self.coerced,
                             n_source_rows=n_source_rows)


# -- reading sources -------------------------------------------------------------------------

def as_record(header: Sequence[str], fields: Sequence[str]) -> tuple[dict | None, str | None]:
    """Zip ``fields`` onto ``header``; return ``(None, reason)`` when their counts differ."""
    if len(fields) != len(header):
        return None, f"expected {len(header)} fields, found {len(fields)}"
    return dict(zip(header, fields, strict=True)), None


def read_sheet(path: str | Path, sheet_name=0) -> tuple[list[str], list[tuple[int, dict]]]:
    """Read one sheet of an .xlsx workbook (with openpyxl, through pandas) cell by cell.

    Returns the header and the data rows, each as ``(data_row, {column: value})`` with
    ``data_row`` 1-based below the header (Excel row minus one) and empty cells as ``None``.
    Cells keep the type openpyxl gives them (``str``, ``int``, ``float``, ``datetime``).
    Rows whose cells are all empty are skipped.
    """
    with warnings.catch_warnings():
        # openpyxl warns about workbook extensions (data validation, ...) it does not read.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        raw = pd.read_excel(path, sheet_name=sheet_name, header=None, dtype=object,
                            engine="openpyxl", keep_default_na=False, na_values=[])
    cells = raw.to_numpy(dtype=object)
    if len(cells) == 0:
        return [], []
    header = ["" if _empty_cell(v) else str(v) for v in cells[0]]
    rows = []
    for position, values in enumerate(cells[1:], start=1):
        record = {name: (None if _empty_cell(v) else v)
                  for name, v in zip(header, values, strict=True)}
        if all(v is None for v in record.values()):
            continue
        rows.append((position, record))
    return header, rows


def _empty_cell(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


# -- cell conversions ------------------------------------------------------------------------

def blank(value) -> bool:
    """True for ``None``, NaN/NA and strings that are empty or only whitespace."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def parse_int(value) -> tuple[int | None, str | None]:
    """An integer from an int, an integral float or a string of digits; missing stays missing.

    Examples
    --------
    >>> parse_int("12"), parse_int(3.0), parse_int(""), parse_int("1.5")[1]
    ((12, None), (3, None), (None, None), "not an integer: '1.5'")
    """
    if blank(value):
        return None, None
    if isinstance(value, bool):
        return None, f"not an integer: {value!r}"
    if isinstance(value, int | np.integer):
        return int(value), None
    if isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value):
        return int(value), None
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text), None
    return None, f"not an integer: {value!r}"


def parse_bool(value) -> tuple[bool | None, str | None]:
    """A bool from ``"True"``/``"False"`` (any case) or a bool; missing stays missing."""
    if blank(value):
        return None, None
    if isinstance(value, bool | np.bool_):
        return bool(value), None
    text = str(value).strip().casefold()
    if text in ("true", "false"):
        return text == "true", None
    return None, f"not a boolean: {value!r}"


def parse_utc_day(value) -> tuple[pd.Timestamp, str | None]:
    """Midnight UTC of an ISO ``YYYY-MM-DD`` day, or NaT (with a reason when not blank)."""
    if blank(value):
        return pd.NaT, None
    match = _ISO_DAY.match(str(value).strip())
    if not match:
        return pd.NaT, f"not an ISO date (YYYY-MM-DD): {value!r}"
    year, month, day = (int(g) for g in match.groups())
    try:
        return pd.Timestamp(year=year, month=month, day=day, tz="UTC"), None
    except ValueError as err:
        return pd.NaT, f"invalid date: {err}"


def parse_str_list(value) -> tuple[list[str] | None, str | None]:
    """Parse a Python list-of-strings literal such as ``"['bizarre', 'syntax']"``.

    Nothing is evaluated: the text is parsed to a syntax tree with :func:`ast.parse` and
    accepted only when it is a single list whose items are all string constants.

    Examples
    --------
    >>> parse_str_list("['bizarre', 'characteristically']")
    (['bizarre', 'characteristically'], None)
    >>> parse_str_list("[]")
    ([], None)
    >>> parse_str_list("__import__('os')")[1]
    'not a list literal'
    >>> parse_str_list("['a', 1]")[1]
    'not a list of strings'
    """
    if blank(value):
        return None, None
    text = str(value).strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None, "not a list literal"
    if len(text) > _MAX_LIST_LITERAL:
        return None, f"list literal longer than {_MAX_LIST_LITERAL} characters"
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        return None, f"not a valid list literal: {type(err).__name__}"
    node = tree.body
    if not isinstance(node, ast.List):
        return None, "not a list literal"
    items = []
    for item in node.elts:
        if not (isinstance(item, ast.Constant) and isinstance(item.value, str)):
            return None, "not a list of strings"
        items.append(item.value)
    return items, None


def nat_dates(index: pd.Index) -> pd.Series:
    """A ``date`` column of NaT (UTC) for sources that give no publication date."""
    return pd.Series(pd.NaT, index=index, dtype="datetime64[ns, UTC]")


# -- checks for tables that are not articles -------------------------------------------------

def check_table(df: pd.DataFrame, *, index: str, strings: Sequence[str] = (),
                non_empty: Sequence[str] = (), integers: Sequence[str] = (),
                what: str = "table") -> pd.DataFrame:
    """Check a non-articles table; raise :class:`~framing.schema.SchemaError` on a violation.

    The index must be named ``index`` and hold unique, non-empty strings; every column in
    ``strings`` must hold strings or missing values, those in ``non_empty`` non-empty strings,
    and those in ``integers`` integer values (missing allowed only in a nullable dtype).
    Returns ``df``.
    """
    if df.index.name != index:
        raise SchemaError(f"the {what} index must be named {index!r}, not {df.index.name!r}",
                          column="index")
    labels = df.index.to_numpy(dtype=object)
    bad = np.fromiter((not (isinstance(v, str) and v.strip()) for v in labels), bool,
                      count=len(labels))
    bad |= df.index.duplicated()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise SchemaError(f"{index} must be a unique, non-empty string", column="index",
                          row=labels[pos], position=pos)
    for column in (*strings, *non_empty, *integers):
        if column not in df.columns:
            raise SchemaError(f"the {what} needs this column (have {list(df.columns)})",
                              column=column)
    for column in (*strings, *non_empty):
        values = df[column].to_numpy(dtype=object, na_value=None)
        required = column in non_empty
        bad = np.fromiter(
            ((not (isinstance(v, str) and v.strip())) if required
             else not (v is None or isinstance(v, str)) for v in values),
            bool, count=len(values))
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            reason = "missing or empty string" if required else f"not a string: {values[pos]!r}"
            raise SchemaError(reason, column=column, row=labels[pos], position=pos)
    for column in integers:
        if not pd.api.types.is_integer_dtype(df[column]):
            raise SchemaError(f"expected integers, got dtype {df[column].dtype}", column=column)
    return df
