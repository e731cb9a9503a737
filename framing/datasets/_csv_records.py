"""Records of source files, each with the line it starts on, and a report of what was not kept.

* :func:`csv_records`: the records of a CSV or TSV text as :func:`load_articles` reads them.
  One loop serves both the whole-file reader (:mod:`framing.datasets._load`) and the chunked
  one (:mod:`framing.stream`), so that the two number lines and reject rows alike.
* :func:`read_csv_records` and :func:`iter_text_lines`: a CSV file's records, a text file's
  lines, numbered as ``wc -l`` and ``sed -n`` count them, for the parsers of lexicon files
  and rating tables.
* :class:`Parsed`: what such a parser kept, left out (``rejected``) and changed
  (``coerced``), each with its source, line and reason; :func:`merge_duplicates` merges
  repeated records into the first and reports the rest.

Line numbers are 1-based and count ``\\n`` characters (a stray ``\\r`` inside a line does
not start a new one). Blank lines are not records.
"""

from __future__ import annotations

import csv
import io
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "Parsed",
    "TextLine",
    "csv_records",
    "iter_text_lines",
    "merge_duplicates",
    "read_csv_records",
]

# The csv module caps a field at 131,072 characters; a long article is longer. The cap is
# process-wide state, so it is raised only while a file is being parsed and put back after,
# counting nested/concurrent loads so that one ending does not lower it under another.
_CSV_LOCK = threading.Lock()
_CSV_USERS = [0, None]


class _BigCsvFields:
    def __enter__(self):
        with _CSV_LOCK:
            if _CSV_USERS[0] == 0:
                _CSV_USERS[1] = csv.field_size_limit()
                csv.field_size_limit(2**31 - 1)
            _CSV_USERS[0] += 1

    def __exit__(self, *exc):
        with _CSV_LOCK:
            _CSV_USERS[0] -= 1
            if _CSV_USERS[0] == 0:
                csv.field_size_limit(_CSV_USERS[1])


def csv_records(lines: Iterable[str], delimiter: str
                ) -> Iterator[tuple[str, int, int, list[str] | str]]:
    """(kind, first line, last line, value) per record of a CSV or TSV text.

    ``lines`` are the physical lines, each with its line end. ``kind`` is ``"header"``
    (the first well-formed record; value: its fields), ``"row"`` (value: its fields) or
    ``"bad"`` (value: the reason: malformed quoting, or a number of fields that differs from
    the header's). Lines are 1-based; a record whose quoted field spans lines is numbered by
    its first line; blank lines are not records.
    """
    # strict: an unterminated quote or text after a closing quote is a bad row, not a field
    # that silently swallows the lines after it.
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header, header_line = None, 0
    previous = 0  # physical lines consumed so far; a record starts on the next one
    with _BigCsvFields():
        while True:
            start = previous + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                previous = reader.line_num
                reason = f"malformed CSV: {err}"
                if "end of data" in str(err):  # only raised at the end of the input
                    reason += (" (a quoted field opened in this record is never closed, so it "
                               "ran to the end of the file)")
                yield "bad", start, previous, reason
                continue
            previous = reader.line_num
            if not row:
                continue  # blank line
            if header is None:
                header, header_line = row, start
                yield "header", start, previous, row
            elif len(row) != len(header):
                yield "bad", start, previous, (f"expected {len(header)} fields (as in the "
                                               f"header on line {header_line}), got {len(row)}")
            else:
                yield "row", start, previous, row


# -- reports of parsed source files -----------------------------------------------------------


@dataclass
class Parsed:
    """What a reader found in one source file.

    Attributes
    ----------
    records : list of dict
        One dict per kept entry; each has ``line`` (1-based) besides its fields.
    rejected : list of dict
        Entries left out: ``source``, ``line``, ``row_id``, ``reason``.
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
        self.rejected.append({"source": source, "line": line, "row_id": row_id,
                              "reason": reason})

    def coerce(self, source: str, line: int | None, row_id, column: str, value,
               reason: str) -> None:
        """Record a kept entry whose ``column`` was changed or set missing."""
        self.coerced.append({"source": source, "line": line, "row_id": row_id,
                             "column": column, "value": value, "reason": reason})


# -- text and CSV files -----------------------------------------------------------------------


class TextLine(NamedTuple):
    """One line of a text file: its 1-based number, its text, and how it was decoded."""

    number: int
    text: str
    raw: str | None = None  #: the undecodable bytes, escaped, when not valid UTF-8
    note: str | None = None  #: how such a line was decoded instead


def iter_text_lines(path: str | Path) -> Iterator[TextLine]:
    """Yield each line of a text file as a :class:`TextLine`.

    Lines are split on ``\\n``; a trailing ``\\r`` (CRLF files) and a UTF-8 byte-order mark are
    removed. Each line is decoded as UTF-8; a line that is not valid UTF-8 is decoded as
    Windows-1252 (or Latin-1 where that fails) and carries its raw bytes and a note, so
    that one stray byte never costs the whole file and is always reported.
    """
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    chunks = data.split(b"\n")
    if chunks and chunks[-1] == b"":
        chunks.pop()
    for number, chunk in enumerate(chunks, 1):
        if chunk.endswith(b"\r"):
            chunk = chunk[:-1]
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            yield TextLine(number, text)
            continue
        raw = chunk.decode("ascii", errors="backslashreplace")
        try:
            text, codec = chunk.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            text, codec = chunk.decode("latin-1"), "Latin-1"
        yield TextLine(number, text, raw, f"not valid UTF-8: decoded as {codec}")


def read_csv_records(path: str | Path, *, encoding: str = "utf-8-sig"
                     ) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Return (header, iterator of (first physical line, fields)) for a CSV file.

    Quoted fields may hold line breaks, so a record's line is where it starts, counted as
    ``\\n`` characters. Blank lines are skipped.
    """
    text = Path(path).read_text(encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])

    def records() -> Iterator[tuple[int, list[str]]]:
        previous = reader.line_num
        for fields in reader:
            start, previous = previous + 1, reader.line_num
            if fields:
                yield start, fields

    return header, records()


# -- duplicates --------------------------------------------------------------------------------


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


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


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
