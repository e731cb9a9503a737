"""Chunk readers: the rows of JSONL, CSV, TSV (also gzipped) and parquet files, a chunk at a time.

Each reader follows :func:`framing.datasets.load_articles`'s rules for its format (line
numbers, decoding, what a bad row is), so that streaming and loading agree row for row, and
can start after the last line (or parquet row) an interrupted run finished.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

_LONE_CR = re.compile(r"\r(?!\n)")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _first_bytes(path: Path) -> bytes:
    """The file's first bytes (decompressed), enough to tell UTF-16 or UTF-32 text."""
    from ..datasets._load import _SNIFF_BYTES

    with _open_binary(path) as handle:
        return handle.read(_SNIFF_BYTES)


@dataclass
class _Chunk:
    """Raw rows of one chunk of one file, and where the chunk ends."""

    file: object  # framing.datasets._load._File
    file_index: int
    end: int  # last line (or parquet row) consumed, 1-based


def _jsonl_chunks(path: Path, source: str, encoding: str, chunk_size: int, skip: int
                  ) -> Iterator[tuple[list, list, list, int]]:
    """(records, lines, rejected, last line) per chunk of a JSONL file.

    The rules are :func:`load_articles`'s: in an ASCII-compatible encoding each line is
    decoded on its own (an undecodable line is one bad row); blank lines are not records;
    when the file looks like UTF-16 or UTF-32 text, each bad row's reason says so.
    """
    from ..datasets._load import (
        _JSON_TYPES,
        _encoding_hint,
        _is_utf8,
        _reject,
        _wide_text_hint,
    )

    decode_error = _encoding_hint(encoding)
    ascii_compatible = "\n".encode(encoding) == b"\n"
    wide_hint = _wide_text_hint(_first_bytes(path), encoding) if ascii_compatible else ""

    def lines() -> Iterator[str | None]:
        if ascii_compatible:
            with _open_binary(path) as handle:
                first = True
                for raw in handle:
                    if first and _is_utf8(encoding) and raw.startswith(codecs.BOM_UTF8):
                        raw = raw[len(codecs.BOM_UTF8):]
                    first = False
                    try:
                        yield raw.decode(encoding).removesuffix("\n")
                    except UnicodeDecodeError:
                        yield None
        else:
            # UTF-16/32: the whole file must decode (as load_articles requires), so decode
            # it incrementally and fail with the line where it breaks.
            with _open_binary(path) as handle:
                text = io.TextIOWrapper(handle, encoding=encoding, newline="\n")
                number = 0
                try:
                    for number, line in enumerate(text, start=1):  # noqa: B007
                        if number == 1:
                            line = line.lstrip("\ufeff")
                        yield line.removesuffix("\n")
                except UnicodeDecodeError as err:
                    raise ValueError(f"{source}: undecodable at line {number + 1}, it is "
                                     f"{_encoding_hint(encoding)}") from err

    records, numbers, rejected = [], [], []
    number = 0
    for number, text in enumerate(lines(), start=1):
        if number <= skip:
            continue
        if text is None:
            rejected.append(_reject(source, number, decode_error + wide_hint))
        elif text.strip():
            try:
                item = json.loads(text)
            except json.JSONDecodeError as err:
                rejected.append(_reject(source, number, f"not valid JSON: {err.msg} (column "
                                                        f"{err.colno}){wide_hint}"))
            else:
                if isinstance(item, dict):
                    records.append(item)
                    numbers.append(number)
                else:
                    kind = _JSON_TYPES.get(type(item), type(item).__name__)
                    rejected.append(_reject(source, number, "expected a JSON object, got a "
                                                            f"JSON {kind}{wide_hint}"))
        if len(records) + len(rejected) >= chunk_size:
            yield records, numbers, rejected, number
            records, numbers, rejected = [], [], []
    if records or rejected or number > skip:
        yield records, numbers, rejected, number


def _scan_text(path: Path, encoding: str) -> tuple[bool, bool, str | None]:
    """(has "\\n", has a lone "\\r", a private-use character absent from the file)."""
    has_newline = has_lone_cr = False
    used: set[str] = set()
    previous = ""
    with _open_binary(path) as handle:
        text = io.TextIOWrapper(handle, encoding=encoding, newline="", errors="replace")
        while block := text.read(1 << 20):
            joined = previous + block
            has_newline = has_newline or "\n" in block
            # A "\r" at the end of a block may be followed by "\n" in the next one.
            has_lone_cr = has_lone_cr or bool(_LONE_CR.search(joined[:-1]))
            used.update(_PRIVATE_USE.findall(block))
            previous = block[-1]
        has_lone_cr = has_lone_cr or previous == "\r"
    free = next((c for c in map(chr, range(0xE000, 0xF900)) if c not in used), None)
    return has_newline, has_lone_cr, free


def _csv_chunks(path: Path, source: str, encoding: str, delimiter: str, chunk_size: int,
                skip: int) -> Iterator[tuple[list, list, list, int, list]]:
    """(rows, lines, rejected, last line, header) per chunk of a CSV or TSV file.

    The rules are :func:`load_articles`'s: lines end at "\\n" (a lone "\\r" is text) unless
    the file has no "\\n" at all; strict quoting; a row with the wrong number of fields is
    bad; an empty field is missing.
    """
    from ..datasets._csv_records import csv_records
    from ..datasets._load import _encoding_hint, _is_utf8, _refuse_wide_text, _reject

    _refuse_wide_text(_first_bytes(path), encoding, source)
    read_encoding = "utf-8-sig" if _is_utf8(encoding) else encoding
    has_newline, has_lone_cr, placeholder = _scan_text(path, read_encoding)
    mac = has_lone_cr and not has_newline
    if has_lone_cr and not mac and placeholder is None:
        raise ValueError(f"{source}: lone carriage returns and every private-use character "
                         "occur in the file; load it with load_articles instead")
    counter = {"line": 0}

    def physical_lines():
        with _open_binary(path) as handle:
            text = io.TextIOWrapper(handle, encoding=read_encoding,
                                    newline="\r" if mac else "\n")
            try:
                for line in text:
                    counter["line"] += 1
                    if counter["line"] == 1:
                        line = line.lstrip("\ufeff")
                    if has_lone_cr and not mac:
                        line = _LONE_CR.sub(placeholder, line)
                    yield line
            except UnicodeDecodeError as err:
                where = f" at line {counter['line'] + 1}"
                raise ValueError(f"{source}: the file is {_encoding_hint(encoding, where)}; "
                                 "rows before it were read") from err

    def restore(values):
        if has_lone_cr and not mac:
            return [v.replace(placeholder, "\r") for v in values]
        return values

    header = None
    rows, numbers, rejected = [], [], []
    for kind, start, end, value in csv_records(physical_lines(), delimiter):
        if kind == "header":
            header = restore(value)
            continue
        if start <= skip:
            continue
        if kind == "row":
            rows.append(restore(value))
            numbers.append(start)
        else:
            rejected.append(_reject(source, start, value))
        if len(rows) + len(rejected) >= chunk_size:
            # header is None while bad records come before the first well-formed one.
            yield rows, numbers, rejected, end, header or []
            rows, numbers, rejected = [], [], []
    # The last chunk ends at the file's last line, trailing blank lines included, so that a
    # resumed run that skips to it finds nothing left.
    if rows or rejected or counter["line"] > skip:
        yield rows, numbers, rejected, counter["line"], header or []


def _parquet_chunks(path: Path, source: str, chunk_size: int, skip: int
                    ) -> Iterator[tuple[pd.DataFrame, np.ndarray, int]]:
    """(frame, row numbers, last row) per chunk of a parquet file, one batch at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # pre_buffer caches every column chunk read until the file is closed, so memory
        # would grow with the rows read; without it, only the current row group is held.
        handle = pq.ParquetFile(path, pre_buffer=False)
        schema = handle.schema_arrow
        batches = handle.iter_batches(batch_size=chunk_size)
        done = 0
        for batch in batches:
            first, done = done, done + batch.num_rows
            if done <= skip:
                continue
            if first < skip:
                batch = batch.slice(skip - first)
                first = skip
            frame = pa.Table.from_batches([batch], schema=schema).to_pandas()
            yield frame, np.arange(first + 1, done + 1, dtype=np.int64), done
    except (OSError, ValueError, pa.ArrowException) as err:
        raise ValueError(f"{source}: could not read as parquet ({type(err).__name__}: "
                         f"{err})") from err


def _chunks(files: list[tuple[Path, str]], encoding: str, chunk_size: int,
            start: tuple[int, int]) -> Iterator[_Chunk]:
    """Every chunk of every file, from ``start`` = (file index, last line done)."""
    for index, (path, kind) in enumerate(files):
        if index < start[0]:
            continue
        try:
            yield from _file_chunks(path, kind, index, encoding, chunk_size,
                                    start[1] if index == start[0] else 0)
        except (EOFError, zlib.error, gzip.BadGzipFile) as err:
            raise ValueError(f"{path}: not a valid gzip file ({err})") from err


def _file_chunks(path: Path, kind: str, index: int, encoding: str, chunk_size: int,
                 skip: int) -> Iterator[_Chunk]:
    """The chunks of one file, after its first ``skip`` lines (or parquet rows)."""
    from ..datasets._load import _File, _jsonl_file

    source = str(path)
    if kind == "jsonl":
        for records, lines, rejected, end in _jsonl_chunks(path, source, encoding, chunk_size,
                                                           skip):
            yield _Chunk(_jsonl_file(source, records, lines, rejected), index, end)
    elif kind == "parquet":
        for frame, lines, end in _parquet_chunks(path, source, chunk_size, skip):
            # As load_articles does: a saved articles table's index becomes a column.
            if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
                frame = frame.reset_index()
            frame.columns = [str(c) for c in frame.columns]
            frame = frame.reset_index(drop=True)
            yield _Chunk(_File(source, frame, lines, [], tuple(frame.columns)), index, end)
    else:
        delimiter = "\t" if kind == "tsv" else ","
        for rows, lines, rejected, end, header in _csv_chunks(path, source, encoding, delimiter,
                                                              chunk_size, skip):
            names = [n if n.strip() else f"unnamed_{i}" for i, n in enumerate(header)]
            duplicated = pd.Index(names)[pd.Index(names).duplicated()]
            if len(duplicated):
                raise ValueError(f"{source}: column {duplicated[0]!r} appears more than once "
                                 "in the header")
            frame = pd.DataFrame(rows, columns=names, dtype=object)
            frame = frame.where(frame != "", None)
            yield _Chunk(_File(source, frame, np.asarray(lines, np.int64), rejected,
                               tuple(names)), index, end)
