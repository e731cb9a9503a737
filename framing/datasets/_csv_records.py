"""The records of a CSV or TSV file, each with its lines, as :func:`load_articles` reads them.

One loop serves both the whole-file reader (:mod:`framing.datasets._load`) and the chunked
one (:mod:`framing.stream`), so that the two number lines and reject rows alike.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterable, Iterator

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
