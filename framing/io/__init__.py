"""The one reading layer: corpus files into raw rows, raw rows into articles and rejections.

A shared internal of framing, below :mod:`framing.datasets` and :mod:`framing.stream`:
:func:`framing.datasets.load_articles` reads every chunk of every file and checks all rows
at once; ``framing score`` (:mod:`framing.stream`) reads, checks and scores one chunk at a
time. Both go through the names below, so that they find the same files, number the same
lines and accept or reject the same rows.

Finding files
    :func:`find_files` lists the files of the paths a user gives (folders walked, special
    files skipped, each with a reason); :func:`format_of` tells a file's format by its name
    (:data:`SUPPORTED_FORMATS`).
Reading
    :func:`read_chunks` yields :class:`Chunk` objects of :class:`RawRows` (JSONL, CSV, TSV,
    their ``.gz``, parquet); :func:`read_rows` reads each file whole. A text file that does
    not decode raises :class:`UndecodableFile`.
Reading resource files
    :func:`csv_records` is the one loop over CSV records, for corpora (strict) and for the
    parsers of published datasets and lexicons (:func:`read_delimited`,
    :func:`read_csv_records`: lenient); :func:`iter_text_lines` gives a text file's lines,
    each kept whatever its bytes (:class:`TextLine`).
Checking
    :func:`check_reading_options` and :func:`check_column_mapping` check the options;
    :func:`validate_rows` turns raw rows into a :class:`CheckedRows`: articles, rejected
    rows and their lines.
The parse report
    :func:`rejected_row` is the one record of a row left out (:data:`REJECTED_COLUMNS`),
    used by every reader and parser; :func:`duplicate_id_reason` words a repeated id.
    :func:`attach_report` attaches rejected and coerced rows to a frame's ``attrs``
    (:data:`COERCED_COLUMNS`); :class:`Parsed` and :func:`merge_duplicates` collect them
    for parsers of resource files.
Writing
    :func:`atomic_write` writes a file so that a reader never sees half of it.

These names are internal to framing: stable within the package, not part of its public API.
Names are imported lazily, so ``import framing.io`` stays cheap.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "SUPPORTED_FORMATS": "._files",
    "find_files": "._files",
    "format_of": "._files",
    "Chunk": "._readers",
    "RawRows": "._readers",
    "read_chunks": "._readers",
    "read_rows": "._readers",
    "UndecodableFile": "._text",
    "csv_records": "._csv",
    "read_csv_records": "._csv",
    "read_delimited": "._csv",
    "TextLine": "._lines",
    "iter_text_lines": "._lines",
    "CheckedRows": "._validate",
    "check_column_mapping": "._validate",
    "check_reading_options": "._validate",
    "validate_rows": "._validate",
    "suggest_column_mapping": "._validate",
    "COERCED_COLUMNS": "._report",
    "REJECTED_COLUMNS": "._report",
    "Parsed": "._report",
    "attach_report": "._report",
    "duplicate_id_reason": "._report",
    "merge_duplicates": "._report",
    "rejected_row": "._report",
    "atomic_write": "._atomic",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
