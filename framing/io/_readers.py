"""Chunked readers: the raw rows of JSONL, CSV, TSV (also gzipped) and parquet files.

A reader turns a file into chunks of raw rows: each row with the line (or parquet row) it
starts on, and the lines that could not be parsed as rejected rows. ``load_articles`` reads
each file in one chunk; ``framing score`` reads a chunk at a time and can start after the
last line an interrupted run finished. Both go through the same readers, so that they
number lines and reject rows alike.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._csv import csv_records
from ._report import rejected_row
from ._text import (
    DecodedLines,
    ascii_compatible,
    decoded_blocks,
    encoding_hint,
    first_bytes,
    is_utf8,
    open_binary,
    refuse_wide_text,
    wide_text_hint,
)

__all__ = ["Chunk", "RawRows", "read_chunks", "read_rows"]

_LONE_CR = re.compile(r"\r(?!\n)")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}


@dataclass
class RawRows:
    """Rows of one file as read, before any check: a frame, their lines, what did not parse.

    Attributes
    ----------
    source : str
        The file.
    frame : pandas.DataFrame
        One row per record, columns as named in the file. CSV and TSV values are strings
        (an empty field is missing); JSONL and parquet values keep their types.
    lines : numpy.ndarray
        The 1-based line (parquet: row) each record of ``frame`` starts on.
    rejected : list of dict
        Records that could not be parsed (:func:`framing.io.rejected_row`).
    raw_columns : tuple of str
        The file's column names (JSONL: every field name, in order of appearance).
    per_row_columns : bool
        Whether each row names its own fields (JSONL), so that two fields that would get
        the same name clash in the rows that fill both, not in the whole file.
    """

    source: str
    frame: pd.DataFrame
    lines: np.ndarray
    rejected: list[dict] = field(default_factory=list)
    raw_columns: tuple[str, ...] = ()
    per_row_columns: bool = False

    @property
    def n_rows(self) -> int:
        """Source rows: records read plus records rejected."""
        return len(self.frame) + len(self.rejected)


@dataclass
class Chunk:
    """Raw rows of one chunk of one file, and where the chunk ends.

    Attributes
    ----------
    rows : RawRows
    file_index : int
        Position of the file in the list read.
    end : int
        The last line (parquet: row) the chunk consumed, 1-based: a run that stops after
        this chunk goes on after it.
    """

    rows: RawRows
    file_index: int
    end: int


def read_chunks(files: Sequence[tuple[Path, str]], *, encoding: str = "utf-8",
                chunk_size: int | None = None, start: tuple[int, int] = (0, 0)
                ) -> Iterator[Chunk]:
    """Every chunk of raw rows of every file, in order.

    Parameters
    ----------
    files : sequence of (pathlib.Path, str)
        Files and their formats, as :func:`framing.io.find_files` lists them.
    encoding : str, default "utf-8"
        Text encoding of JSONL, CSV and TSV files (a byte-order mark is not text).
    chunk_size : int, optional
        Records (rows read plus rows rejected) per chunk; a parquet chunk is at most one
        batch of a row group. Default: each file in one chunk (a parquet file always gives
        that chunk, so that its columns are known even without rows).
    start : (int, int), default (0, 0)
        Where to begin: (file index, last line or parquet row already done in it).

    Yields
    ------
    Chunk

    Raises
    ------
    UndecodableFile
        A CSV or TSV file, or a UTF-16/32 JSONL file, with a byte that does not decode;
        with ``chunk_size``, before any chunk of that file.
    ValueError
        A damaged gzip or parquet file; UTF-16/32 text read as CSV with an ASCII-compatible
        encoding; a CSV header naming a column twice.

    Notes
    -----
    Line numbers are 1-based physical lines of the (decompressed) file: the header is line
    1 of a CSV, a record whose quoted field spans lines is numbered by its first line, and
    blank lines are not records. Lines end at ``"\\n"`` (or ``"\\r\\n"``); in a CSV a lone
    ``"\\r"`` is text (pandas writes them unquoted), unless the file has no ``"\\n"`` at
    all (classic Mac line ends). In a JSONL file read with an ASCII-compatible encoding,
    each line is decoded on its own, so an undecodable line is one bad row.

    A CSV or TSV file is read once before its rows, to check that it decodes and to find
    its line ends. Read in chunks, a JSONL file is read once first for the names of all its
    fields (:attr:`RawRows.raw_columns` of every chunk), so that a chunk whose records all
    lack a field that other records have is checked as part of its file.
    """
    for index, (path, kind) in enumerate(files):
        if index < start[0]:
            continue
        skip = start[1] if index == start[0] else 0
        try:
            yield from _file_chunks(path, kind, index, encoding, chunk_size, skip)
        except (EOFError, zlib.error, gzip.BadGzipFile) as err:
            raise ValueError(f"{path}: not a valid gzip file ({err})") from err


def read_rows(files: Sequence[tuple[Path, str]], *, encoding: str = "utf-8") -> list[RawRows]:
    """The raw rows of each file, every chunk of it read (one :class:`RawRows` a file)."""
    out = []
    for path, kind in files:
        chunks = [c.rows for c in read_chunks([(path, kind)], encoding=encoding)]
        # Without a chunk size a file gives at most one chunk; none when it has no lines.
        out.append(chunks[0] if chunks else RawRows(str(path), pd.DataFrame(),
                                                    np.zeros(0, np.int64),
                                                    per_row_columns=kind == "jsonl"))
    return out


def _file_chunks(path: Path, kind: str, index: int, encoding: str, chunk_size: int | None,
                 skip: int) -> Iterator[Chunk]:
    """The chunks of one file, after its first ``skip`` lines (or parquet rows)."""
    source = str(path)
    if kind == "jsonl":
        for rows, end in _jsonl_chunks(path, source, encoding, chunk_size, skip):
            yield Chunk(rows, index, end)
    elif kind == "parquet":
        for frame, lines, end in _parquet_chunks(path, source, chunk_size, skip):
            yield Chunk(RawRows(source, frame, lines, [], tuple(frame.columns)), index, end)
    else:
        delimiter = "\t" if kind == "tsv" else ","
        for rows, lines, rejected, end, header in _csv_chunks(path, source, encoding, delimiter,
                                                              chunk_size, skip):
            yield Chunk(_csv_rows(source, rows, lines, rejected, header), index, end)


def _full(count: int, chunk_size: int | None) -> bool:
    return chunk_size is not None and count >= chunk_size


# --------------------------------------------------------------------------------------
# JSONL
# --------------------------------------------------------------------------------------

def _jsonl_lines(path: Path, encoding: str, source: str) -> Iterator[str | None]:
    """The lines of a JSONL file without their ``"\\n"``; None for a line that does not decode.

    In an ASCII-compatible encoding each line is decoded on its own, so one undecodable
    line is one bad row; only b"\\n" ends a line (JSON may hold U+2028 raw). A UTF-16/32
    file must decode whole.
    """
    with open_binary(path) as handle:
        if not ascii_compatible(encoding):
            for line in DecodedLines(handle, encoding, source):
                yield line.removesuffix("\n")
            return
        utf8 = is_utf8(encoding)
        first = True
        for raw in handle:
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                text = None
            if first and utf8 and text is not None:
                text = text.lstrip("\ufeff")  # a byte-order mark is not part of the record
            first = False
            yield None if text is None else text.removesuffix("\n")


def _jsonl_chunks(path: Path, source: str, encoding: str, chunk_size: int | None, skip: int
                  ) -> Iterator[tuple[RawRows, int]]:
    """(raw rows, last line) per chunk of a JSONL file.

    Blank lines are not records. When the file looks like UTF-16 or UTF-32 text read with
    an ASCII-compatible encoding, each bad row's reason says which encoding to pass.
    """
    decode_error = encoding_hint(encoding)
    wide_hint = wide_text_hint(first_bytes(path), encoding)
    # Whether the file has a field (an outlet, an id) is a fact about the whole file, which
    # each chunk must know: a chunk whose records all lack it is otherwise read as a file
    # without it.
    columns = None if chunk_size is None else _jsonl_fields(path, encoding, source)
    records, numbers, rejected = [], [], []
    number = done = skip  # done: the last line of the last chunk given
    for number, text in enumerate(_jsonl_lines(path, encoding, source), start=1):
        if number <= skip:
            continue
        if text is None:
            rejected.append(rejected_row(source, number, decode_error + wide_hint))
        elif text.strip():
            try:
                item = json.loads(text)
            except json.JSONDecodeError as err:
                rejected.append(rejected_row(source, number, f"not valid JSON: {err.msg} "
                                                             f"(column {err.colno}){wide_hint}"))
            else:
                if isinstance(item, dict):
                    records.append(item)
                    numbers.append(number)
                else:
                    kind = _JSON_TYPES.get(type(item), type(item).__name__)
                    rejected.append(rejected_row(source, number, "expected a JSON object, "
                                                                 f"got a JSON {kind}{wide_hint}"))
        if _full(len(records) + len(rejected), chunk_size):
            yield _jsonl_rows(source, records, numbers, rejected, columns), number
            records, numbers, rejected, done = [], [], [], number
    # The last chunk ends at the file's last line, trailing blank lines included, so that a
    # resumed run that skips to it finds nothing left.
    if records or rejected or number > done:
        yield _jsonl_rows(source, records, numbers, rejected, columns), number


def _jsonl_fields(path: Path, encoding: str, source: str) -> tuple[str, ...]:
    """Every field name of a JSONL file's records, in order of first appearance."""
    fields: dict[str, None] = {}
    for text in _jsonl_lines(path, encoding, source):
        if text is None or not text.strip():
            continue
        try:
            item = json.loads(text)
        except json.JSONDecodeError:
            continue  # a bad row, reported when the chunk that holds it is read
        if isinstance(item, dict):
            fields.update(dict.fromkeys(item))
    return tuple(fields)


def _jsonl_rows(source: str, records: list[dict], lines: list[int], rejected: list[dict],
                columns: tuple[str, ...] | None) -> RawRows:
    """A chunk of a JSONL file; ``columns``: the whole file's fields (default: the chunk's)."""
    frame = pd.DataFrame(records, dtype=object) if records else pd.DataFrame()
    if columns is None:
        columns = tuple(dict.fromkeys(k for r in records for k in r))
    return RawRows(source, frame, np.asarray(lines, dtype=np.int64), rejected, columns,
                   per_row_columns=True)


# --------------------------------------------------------------------------------------
# CSV and TSV
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _LineEnds:
    """How a CSV file's lines end, found by reading it once before its rows."""

    newline: str  # what ends a line: "\n", or "\r" for a file without any "\n"
    placeholder: str | None  # stands in for a lone "\r" (text) while parsing; None: none


def _line_ends(path: Path, encoding: str, source: str) -> _LineEnds:
    """Read the whole file once: it must decode, and its lone carriage returns are found.

    Raises
    ------
    UndecodableFile
        Before any row is read, so that a file either fails whole or gives all its rows.
    """
    has_newline = has_lone_cr = False
    used: set[str] = set()
    carried = ""  # a "\r" ending a block may be followed by "\n" in the next one
    with open_binary(path) as handle:
        for text in decoded_blocks(handle, encoding, source):
            joined = carried + text
            carried = "\r" if joined.endswith("\r") else ""
            has_newline = has_newline or "\n" in text
            settled = joined[:len(joined) - len(carried)]
            has_lone_cr = has_lone_cr or bool(_LONE_CR.search(settled))
            used.update(_PRIVATE_USE.findall(text))
    has_lone_cr = has_lone_cr or carried == "\r"
    if not has_lone_cr:
        return _LineEnds("\n", None)
    if not has_newline:
        return _LineEnds("\r", None)  # classic Mac line ends: "\r" alone ends a line
    # Lines end at "\n" (or "\r\n"), as editors and `wc -l` count them. A lone "\r" is
    # text: pandas and the csv module write one unquoted, and the csv reader would take it
    # for a line end, so it is swapped for an unused character while parsing.
    free = next((c for c in map(chr, range(0xE000, 0xF900)) if c not in used), None)
    if free is None:
        raise ValueError(f"{source}: the file has lone carriage returns (text, not line ends) "
                         "and uses every private-use character (U+E000 to U+F8FF), so they "
                         "cannot be told from line ends; replace them before reading it")
    return _LineEnds("\n", free)


def _csv_chunks(path: Path, source: str, encoding: str, delimiter: str,
                chunk_size: int | None, skip: int
                ) -> Iterator[tuple[list, list, list, int, tuple[list[str], int] | None]]:
    """(rows, lines, rejected, last line, (header, its line) or None) per chunk of a CSV file.

    Strict quoting; a row with the wrong number of fields is bad.
    """
    refuse_wide_text(first_bytes(path), encoding, source)
    ends = _line_ends(path, encoding, source)
    placeholder = ends.placeholder

    def hide_lone_cr(text: str) -> str:
        return _LONE_CR.sub(placeholder, text)

    def restore(values: list[str]) -> list[str]:
        if placeholder is None:
            return values
        return [v.replace(placeholder, "\r") for v in values]

    header = None
    rows, numbers, rejected = [], [], []
    done = skip  # the last line of the last chunk given
    with open_binary(path) as handle:
        lines = DecodedLines(handle, encoding, source, ends.newline,
                             edit=None if placeholder is None else hide_lone_cr)
        for kind, first, last, value in csv_records(lines, delimiter):
            if kind == "header":
                header = (restore(value), first)
                continue
            if first <= skip:
                continue
            if kind == "row":
                rows.append(restore(value))
                numbers.append(first)
            else:
                rejected.append(rejected_row(source, first, value))
            if _full(len(rows) + len(rejected), chunk_size):
                # header is None while bad records come before the first well-formed one.
                yield rows, numbers, rejected, last, header
                rows, numbers, rejected, done = [], [], [], last
    # The last chunk ends at the file's last line, trailing blank lines included, so that a
    # resumed run that skips to it finds nothing left.
    if rows or rejected or lines.count > done:
        yield rows, numbers, rejected, lines.count, header


def _csv_rows(source: str, rows: list[list[str]], lines: list[int], rejected: list[dict],
              header: tuple[list[str], int] | None) -> RawRows:
    if header is None:
        return RawRows(source, pd.DataFrame(), np.zeros(0, np.int64), rejected)
    names, header_line = header
    # pandas writes its unnamed index with an empty header: name such columns by position.
    names = [name if name.strip() else f"unnamed_{i}" for i, name in enumerate(names)]
    duplicated = pd.Index(names)[pd.Index(names).duplicated()]
    if len(duplicated):
        raise ValueError(f"{source}: column {duplicated[0]!r} appears more than once in the "
                         f"header (line {header_line})")
    frame = pd.DataFrame(rows, columns=names, dtype=object)
    # A CSV cannot tell an empty field from a missing one: both are missing.
    frame = frame.where(frame != "", None)
    return RawRows(source, frame, np.asarray(lines, dtype=np.int64), rejected, tuple(names))


# --------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------

def _parquet_chunks(path: Path, source: str, chunk_size: int | None, skip: int
                    ) -> Iterator[tuple[pd.DataFrame, np.ndarray, int]]:
    """(frame, row numbers, last row) per chunk of a parquet file, one batch at a time.

    Without ``chunk_size``, one chunk of the whole file, even an empty one.
    """
    import pyarrow as pa

    for table, first, done in _parquet_tables(path, source, chunk_size, skip):
        try:
            frame = table.to_pandas()
        except (ValueError, pa.ArrowException) as err:
            raise ValueError(f"{source}: could not read as parquet ({type(err).__name__}: "
                             f"{err})") from err
        if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
            # A saved articles table keeps article_id as its (restored) index: make it a
            # column.
            frame = frame.reset_index()
        frame.columns = [str(c) for c in frame.columns]
        yield (frame.reset_index(drop=True), np.arange(first + 1, done + 1, dtype=np.int64),
               done)


def _parquet_tables(path: Path, source: str, chunk_size: int | None, skip: int):
    """(arrow table, rows before it, rows up to its end) per chunk of a parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # pre_buffer caches every column chunk read until the file is closed, so memory
        # would grow with the rows read; without it, only the current row group is held.
        handle = pq.ParquetFile(path, pre_buffer=False)
        try:
            schema = handle.schema_arrow
            if chunk_size is None:
                table = pa.Table.from_batches(list(handle.iter_batches()), schema=schema)
                yield table, 0, table.num_rows
                return
            done = 0
            for batch in handle.iter_batches(batch_size=chunk_size):
                first, done = done, done + batch.num_rows
                if done <= skip:
                    continue
                if first < skip:
                    batch = batch.slice(skip - first)
                    first = skip
                yield pa.Table.from_batches([batch], schema=schema), first, done
        finally:
            handle.close()
    except (OSError, ValueError, pa.ArrowException) as err:  # pyarrow raises several types
        raise ValueError(f"{source}: could not read as parquet ({type(err).__name__}: "
                         f"{err})") from err
