"""The records of a CSV or TSV text, each with the lines it spans.

One loop, :func:`csv_records`, serves every CSV reader of framing: a corpus read whole or
in chunks (strictly: a malformed record is a bad row), and the parsers of published
datasets and lexicons (:func:`read_delimited`, :func:`read_csv_records`: leniently, as the
csv module reads by default). All number lines alike and lift the csv module's field size
cap the same way.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["csv_records", "read_csv_records", "read_delimited"]

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


def csv_records(lines: Iterable[str], delimiter: str, *, lenient: bool = False
                ) -> Iterator[tuple[str, int, int, list[str] | str]]:
    """(kind, first line, last line, value) per record of a CSV or TSV text.

    Parameters
    ----------
    lines : iterable of str
        The physical lines, each with its line end.
    delimiter : str
        The field separator.
    lenient : bool, default False
        Read as the csv module does by default: quoting is not checked strictly and every
        record is a ``"row"`` whatever its number of fields (for parsers of known files
        that check their rows themselves).

    Yields
    ------
    kind : str
        ``"header"`` (the first well-formed record; value: its fields), ``"row"`` (value:
        its fields) or ``"bad"`` (value: the reason: malformed quoting, or a number of
        fields that differs from the header's).
    first, last : int
        The 1-based lines the record spans. A record whose quoted field spans lines is
        numbered by its first line; blank lines are not records.
    value : list of str or str

    Examples
    --------
    >>> text = ['id,text\\n', '1,"two\\n', 'lines"\\n', '\\n', '2,x,y\\n']
    >>> for record in csv_records(text, ","):
    ...     print(record)
    ('header', 1, 1, ['id', 'text'])
    ('row', 2, 3, ['1', 'two\\nlines'])
    ('bad', 5, 5, 'expected 2 fields (as in the header on line 1), got 3')
    """
    # strict: an unterminated quote or text after a closing quote is a bad row, not a field
    # that silently swallows the lines after it.
    reader = csv.reader(lines, delimiter=delimiter, strict=not lenient)
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
            elif len(row) != len(header) and not lenient:
                yield "bad", start, previous, (f"expected {len(header)} fields (as in the "
                                               f"header on line {header_line}), got {len(row)}")
            else:
                yield "row", start, previous, row


def read_delimited(path: str | Path, *, delimiter: str = ",", encoding: str = "utf-8-sig",
                   skip_if=None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Read a delimited text file of a known source into its header and records.

    For parsers of published files, which check their records themselves: quoting is read as
    the csv module reads it by default (not strictly), and a record may have more or fewer
    fields than the header. Handles a UTF-8 byte-order mark (``utf-8-sig``), CRLF, LF or CR
    line ends, quoted fields that span lines and fields longer than the csv module's
    default cap. Blank lines are not records.

    Parameters
    ----------
    path : path-like
        The file.
    delimiter : str, default ","
        Field separator.
    encoding : str, default "utf-8-sig"
        Text encoding; undecodable bytes raise :class:`UnicodeDecodeError`.
    skip_if : callable, optional
        Called with the first physical line (without its line end); when it returns true,
        that line is skipped before the header (an Excel hint such as ``sep=,``).

    Returns
    -------
    header : list of str
        The first record.
    records : list of (int, list of str)
        The 1-based line on which each record starts, and its fields as read.

    Raises
    ------
    ValueError
        A record the csv module cannot read, naming the file and its line.
    """
    with open(path, encoding=encoding, newline="") as handle:
        offset = 0
        if skip_if is not None:
            first = handle.readline()
            if skip_if(first.rstrip("\r\n")):
                offset = 1
            else:
                handle.seek(0)
        return _lenient_records(handle, delimiter, path, offset)


def read_csv_records(path: str | Path, *, encoding: str = "utf-8-sig"
                     ) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Return (header, iterator of (first line, fields)) for a CSV file of a known source.

    As :func:`read_delimited` with a comma, except that line ends are read as Python's text
    mode reads them: ``"\\r\\n"`` and ``"\\r"`` become ``"\\n"``, also inside quoted fields.
    """
    text = Path(path).read_text(encoding=encoding)
    header, records = _lenient_records(io.StringIO(text, newline=""), ",", path, 0)
    return header, iter(records)


def _lenient_records(lines: Iterable[str], delimiter: str, path, offset: int
                     ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, records with their first line) of :func:`csv_records` read leniently."""
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    for kind, start, _, value in csv_records(lines, delimiter, lenient=True):
        if kind == "bad":
            raise ValueError(f"{path}, line {start + offset}: {value}")
        if kind == "header":
            header = value
        else:
            records.append((start + offset, value))
    return header or [], records
