"""The parse report: every source row a reader or parser did not keep as it was, and why.

``rejected``: rows left out, with where they came from and why (:func:`rejected_row`, the
one builder of that record, used by every reader and parser of framing).
``coerced``: rows kept, with one value replaced by a missing value, and why.
:func:`attach_report` attaches both to ``DataFrame.attrs`` so that counts always reconcile:
``rows in = len(frame) + len(frame.attrs["rejected"])``. They are
:class:`framing._tables.ReportTable` objects (lists of row dicts that behave like small
DataFrames; ``.to_frame()`` gives one), because a DataFrame in ``attrs`` breaks
``pd.concat``, ``merge`` and ``to_parquet``.

:class:`Parsed` collects what a parser of a resource file (a lexicon, a rating table) kept,
left out and changed; :func:`merge_duplicates` merges repeated records into the first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["COERCED_COLUMNS", "REJECTED_COLUMNS", "Parsed", "attach_report",
           "duplicate_id_reason", "merge_duplicates", "rejected_row"]

#: The fields of a rejected-row record, in order.
REJECTED_COLUMNS = ("source", "line", "row_id", "reason")
#: The fields of a coerced-value record, in order.
COERCED_COLUMNS = ("source", "line", "row_id", "column", "value", "reason")


def rejected_row(source: str, line: int | None, reason: str, row_id=None) -> dict:
    """Describe a source row that is left out.

    Parameters
    ----------
    source : str
        The file (or other source) the row comes from.
    line : int or None
        The 1-based line of a text file where the row starts, the 1-based row of a sheet
        or parquet file, or ``None`` when the source holds a single record.
    reason : str
        Why the row is left out, in words a user can act on.
    row_id : optional
        The row's id when it has one; kept as a string.

    Returns
    -------
    dict
        ``{"source", "line", "row_id", "reason"}`` (:data:`REJECTED_COLUMNS`).

    Examples
    --------
    >>> rejected_row("a.csv", 3, "missing or empty text", row_id=17)
    {'source': 'a.csv', 'line': 3, 'row_id': '17', 'reason': 'missing or empty text'}
    """
    return {"source": source, "line": line,
            "row_id": None if row_id is None else str(row_id), "reason": reason}


def duplicate_id_reason(article_id, first_source, first_line) -> str:
    """The reason given for a row that repeats an earlier row's ``article_id``.

    Examples
    --------
    >>> duplicate_id_reason("a1", "a.jsonl", 4)
    "duplicate article_id 'a1' (first at a.jsonl line 4)"
    """
    return f"duplicate article_id {article_id!r} (first at {first_source} line {first_line})"


def attach_report(frame, *, rejected: list[dict] | None = None,
                  coerced: list[dict] | None = None, n_source_rows: int | None = None):
    """Attach ``rejected`` and ``coerced`` tables (and the source row count) to ``frame``.

    ``line`` is the 1-based line (text files) or data row (sheets) in ``source``, or missing
    when a source file holds a single record. Returns ``frame``.

    Raises
    ------
    AssertionError
        ``n_source_rows`` is not ``len(frame) + len(rejected)``: a row went missing.
    """
    from .._tables import ReportTable

    frame.attrs["rejected"] = ReportTable(rejected or [], columns=REJECTED_COLUMNS)
    frame.attrs["coerced"] = ReportTable(coerced or [], columns=COERCED_COLUMNS)
    if n_source_rows is not None:
        n_rejected = len(frame.attrs["rejected"])
        if n_source_rows != len(frame) + n_rejected:
            raise AssertionError(f"rows do not reconcile: {n_source_rows} in, {len(frame)} "
                                 f"kept, {n_rejected} rejected")
        frame.attrs["n_source_rows"] = int(n_source_rows)
    return frame


@dataclass
class Parsed:
    """What a reader found in one source file.

    Attributes
    ----------
    records : list of dict
        One dict per kept entry; each has ``line`` (1-based) besides its fields.
    rejected : list of dict
        Entries left out (:func:`rejected_row`).
    coerced : list of dict
        Kept entries with a value changed or set missing: ``source``, ``line``, ``row_id``,
        ``column``, ``value`` (as in the source), ``reason``.
    n_entries : int
        Entries the source proposed (``len(records) + len(rejected)``).
    n_lines : int
        Non-blank, non-comment lines (or sheet rows) read.
    """

    records: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    coerced: list[dict] = field(default_factory=list)
    n_entries: int = 0
    n_lines: int = 0

    def extend(self, other: Parsed) -> Parsed:
        """Append ``other``'s records and report to this one; return ``self``."""
        self.records += other.records
        self.rejected += other.rejected
        self.coerced += other.coerced
        self.n_entries += other.n_entries
        self.n_lines += other.n_lines
        return self

    def reject(self, source: str, line: int | None, row_id, reason: str) -> None:
        """Record an entry left out."""
        self.rejected.append(rejected_row(source, line, reason, row_id))

    def coerce(self, source: str, line: int | None, row_id, column: str, value,
               reason: str) -> None:
        """Record a kept entry whose ``column`` was changed or set missing."""
        self.coerced.append({"source": source, "line": line, "row_id": row_id,
                             "column": column, "value": value, "reason": reason})


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def merge_duplicates(records: list[dict], key: Sequence[str], parsed: Parsed, *,
                     resolve: Mapping[str, Callable[[object, object], object]] | None = None,
                     label: str = "term", keep_first: Sequence[str] = ()) -> list[dict]:
    """Keep the first record of each ``key``; report the others in ``parsed``.

    Records carry ``source``, ``line`` and ``label`` (the value reported as ``row_id``)
    besides their fields. A later record with the same key is listed in ``parsed.rejected``
    as a duplicate of the first one's line; columns in ``keep_first`` keep the first value.
    A missing value of the kept record is filled from a duplicate. Where a duplicate
    disagrees with the kept record on another field, ``resolve[column](kept, new)``
    may give the merged value (``None``: no resolution); otherwise the kept value is set
    missing (``None``, or NaN for floats). Either way the change is listed in
    ``parsed.coerced`` with both values: a contradiction is never settled by file order.
    The returned records keep their original order.
    """
    resolve = resolve or {}
    first: dict[tuple, dict] = {}
    conflicted: set[tuple[int, str]] = set()
    for record in records:
        kept = first.setdefault(tuple(record[k] for k in key), record)
        if kept is record:
            continue
        parsed.reject(record["source"], record["line"], record[label],
                      f"duplicate of {kept['source']} line {kept['line']} (merged)")
        skip = {*key, *keep_first, "line", "source"}
        for column, value in record.items():
            if column in skip or _same(kept[column], value) or _is_missing(value):
                continue
            if (id(kept), column) in conflicted:
                continue  # already set missing by an earlier conflict
            if _is_missing(kept[column]):
                kept[column] = value  # the duplicate fills a gap: nothing contradicts it
                continue
            merged = resolve[column](kept[column], value) if column in resolve else None
            where = f"{record['source']} line {record['line']}"
            reason = (f"merged with {where}: {merged!r}" if merged is not None
                      else f"conflicts with {where}: set missing")
            parsed.coerce(kept["source"], kept["line"], kept[label], column,
                          f"{kept[column]} | {value}", reason)
            if merged is None:
                merged = math.nan if isinstance(value, float) else None
                conflicted.add((id(kept), column))
            kept[column] = merged
    return list(first.values())
