"""Read a researcher's own corpus (JSONL, CSV, TSV, parquet) into the articles contract.

Every input row ends up either as a valid article or in the rejected table with its file,
line and reason: nothing is dropped silently and nothing invalid passes. The reading and the
checks are :mod:`framing.io`'s, shared with ``framing score`` (which reads a chunk at a
time); here each file is read in one chunk and the rows of all files are checked together,
so that duplicate ids are found across files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._tables import ReportTable
from .._warnings import warn_at_caller
from ..io import (
    attach_report,
    check_reading_options,
    find_files,
    read_rows,
    suggest_column_mapping,
    validate_rows,
)
from ..schema import validate_articles

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load_articles"]

_ERRORS = ("raise", "report")


def load_articles(path_or_paths, *, columns=None, errors="raise", id_column=None, outlet=None,
                  encoding="utf-8") -> pd.DataFrame:
    """Load your own corpus (JSONL, CSV, TSV or parquet files, or folders of them) as articles.

    Every input row is either returned as a valid article or accounted for: with
    ``errors="raise"`` the first bad row stops the load with its file, line and reason; with
    ``errors="report"`` the good rows are returned and every bad one is listed in
    ``attrs["rejected"]``. Nothing is dropped silently.

    Parameters
    ----------
    path_or_paths : path-like or list of path-like
        Files or folders. A file is read by its extension: ``.jsonl`` or ``.ndjson`` (one
        JSON object per line), ``.csv``, ``.tsv``, any of these gzipped (``.csv.gz``...),
        or ``.parquet``. A folder is searched recursively, following links to folders,
        and its files are read in sorted order of their paths. Not read, and listed in
        ``attrs["skipped_files"]`` with the reason (and a warning, except for hidden
        ones): files of other types; hidden files and hidden folders (such as
        ``.ipynb_checkpoints``); anything that is not a regular file once links are
        followed (a named pipe, a device such as a link to ``/dev/zero``, a broken link);
        a folder reached a second time through a link (read once, at its first path in
        sorted order; a link back into a folder being read is reported as a link loop).
        Files are read in the order given; the same file twice is an error.
    columns : mapping of str to str, optional
        Renames file columns to articles columns, for example ``{"headline": "title",
        "body": "text", "source": "outlet", "published": "date", "id": "article_id"}``.
        Targets are ``article_id``, ``outlet``, ``date``, ``title``, ``text``, ``url``,
        ``topic``, ``authors``, ``lang``, or names starting ``label_`` or ``meta_``. After
        renaming, any other column is kept with a ``meta_`` prefix (``section`` becomes
        ``meta_section``); ``label_*`` and ``meta_*`` columns are kept as they are. A key
        found in no file gives a warning (a misspelt column name).
    errors : {"raise", "report"}, default "raise"
        ``"raise"``: raise :class:`ValueError` naming the file, the line and the reason of
        the first bad row (in file order, then line order). ``"report"``: return the good
        rows and list every bad one in ``attrs["rejected"]``.
    id_column : str, optional
        The file column holding article ids, a shorthand for ``columns={id_column:
        "article_id"}``; every file must have it. Without it (and without an
        ``article_id`` column), each article gets ``a-`` and 16 hex digits of the sha256
        of its outlet key and its URL, or, without a URL, of its outlet key, title and
        text. Such ids do not depend on file names or row order, so reloading a re-sorted
        or re-split corpus gives the same ids; the same article twice gets the same id and
        is reported as a duplicate.
    outlet : str, optional
        The outlet of files that have no ``outlet`` column. In a file that has one, a row
        with an empty outlet is a bad row.
    encoding : str, default "utf-8"
        Text encoding of JSONL, CSV and TSV files (a UTF-8 byte-order mark is ignored). In
        JSONL, a line that does not decode is a bad row; in CSV and TSV, whose quoted fields
        may span lines, it fails the whole file with the byte offset and line. A file that
        looks like UTF-16 or UTF-32 text (a byte-order mark, or NUL bytes beside ASCII
        characters) read with an ASCII-compatible encoding says so: every bad JSONL row's
        reason names the encoding to pass, and a CSV or TSV file fails with it.

    Returns
    -------
    pandas.DataFrame
        Articles that pass :func:`framing.schema.validate_articles`, indexed by
        ``article_id``, in file order then line order:

        * ``outlet``: the outlet normalised by :func:`framing.schema.normalize_outlet`; when
          any differs from the name as given, ``meta_outlet_name`` holds the names as given;
        * ``date``: ``datetime64[ns, UTC]``. ISO 8601 strings are parsed exactly (a bare
          ``2019`` or ``2019-05`` is the first day of that year or month); other strings are
          read by dateutil, month first (``03/04/2019`` is March 4th: convert day-first
          dates before loading). Times without an offset are taken as UTC; times with one
          are converted to UTC. A time-zone abbreviation is read as the fixed offset
          :mod:`framing._timezones` gives it, the same on every machine (``EST`` is -05:00,
          ``CEST`` +02:00, ``CST`` US Central, ``BST`` British Summer Time; ``GMT+3`` is
          +03:00). An empty date is ``NaT``. A date that cannot be read, lacks a year,
          month or day, lies outside 1677-2262, or names an ambiguous (``IST``) or unknown
          time zone makes the row bad;
        * ``title`` (``""`` when missing), ``text`` (exactly as in the file);
        * ``url``, ``topic``, ``authors`` (a JSON or parquet list of names is joined with
          ``", "``),
          ``lang`` when present; then ``label_*``, then ``meta_*`` columns.

        CSV and TSV values are read as strings (``"007"`` stays ``"007"``), and an empty
        field is missing; JSONL and parquet values keep their types.

        ``attrs`` holds ``rejected`` (columns ``source``, ``line``, ``row_id``, ``reason``;
        see :func:`framing.io.attach_report`), ``coerced`` (empty), ``n_source_rows`` (always
        ``len(df) + len(attrs["rejected"])``), ``sources`` (the files read) and
        ``skipped_files`` (columns ``source``, ``reason``).

    Raises
    ------
    ValueError
        A bad row with ``errors="raise"``; or a problem with a whole file in either mode:
        undecodable CSV, damaged gzip or parquet, a duplicated header, two CSV or parquet
        columns that become the same name, a missing ``id_column``, a folder with nothing
        to read, a path given that is not a regular file (a named pipe, a device).
    FileNotFoundError
        A path that does not exist (or a broken link).

    Notes
    -----
    Line numbers are 1-based physical lines of the (decompressed) file: the header is line 1
    of a CSV, a record whose quoted field spans lines is numbered by its first line, and
    blank lines are not records. Lines end at ``"\\n"`` (or ``"\\r\\n"``); in a CSV a lone
    ``"\\r"`` is text (pandas writes them unquoted), unless the file has no ``"\\n"`` at all
    (classic Mac line ends). Parquet rows are numbered from 1 with no header.

    A row is bad when its text is missing, empty or not a string; its outlet is missing,
    not a string or has no letters or digits; its title, url, topic, authors or lang is
    present but not a string; its ``article_id`` is missing or neither a string nor an
    integer; its date is bad (see above); it repeats an earlier good row's ``article_id``
    (the reason names that row's file and line); or, in a JSONL file, the line does not
    decode, is not valid JSON, is not an object, or gives values to two fields that
    become the same column (``section`` and ``meta_section``; rows that give only one of
    them keep it); or, in a CSV file, its number of fields differs from the header's or
    its quoting is malformed.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from framing.datasets import load_articles
    >>> rows = [
    ...     {"id": 1, "source": "The Guardian", "headline": "Council votes",
    ...      "body": "The council voted on Tuesday.", "published": "2019-03-05T10:00:00Z"},
    ...     {"id": 2, "source": "Fox News", "headline": "Vote delayed",
    ...      "body": "", "published": "2019-03-06"},
    ... ]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "corpus.jsonl"
    ...     _ = path.write_text("\\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    ...     articles = load_articles(
    ...         path, errors="report",
    ...         columns={"id": "article_id", "source": "outlet", "headline": "title",
    ...                  "body": "text", "published": "date"})
    >>> articles[["outlet", "date", "title"]]  # doctest: +NORMALIZE_WHITESPACE
                      outlet                      date          title
    article_id
    1           the-guardian 2019-03-05 10:00:00+00:00  Council votes
    >>> articles.attrs["rejected"][["line", "row_id", "reason"]]
       line row_id                 reason
    0     2      2  missing or empty text
    """
    if errors not in _ERRORS:
        raise ValueError(f"errors must be 'raise' or 'report', got {errors!r}")
    mapping = check_reading_options(encoding=encoding, outlet=outlet, columns=columns,
                                    id_column=id_column)
    paths, skipped = find_files(path_or_paths, skipped_listed_in="attrs['skipped_files']")
    files = read_rows(paths, encoding=encoding)
    articles, rejected, _, n_rows = validate_rows(files, mapping=mapping, id_column=id_column,
                                                  outlet=outlet)
    unused = sorted(set(mapping) - {c for f in files for c in f.raw_columns})
    if unused and any(f.raw_columns for f in files):
        warn_at_caller(f"columns names {unused} but no file has such a column")
    if errors == "raise" and rejected:
        first = rejected[0]
        more = f" ({len(rejected)} bad rows in all)" if len(rejected) > 1 else ""
        raise ValueError(f"{first['source']}, line {first['line']}: {first['reason']}{more}. "
                         "Pass errors='report' to load the good rows and list the bad ones "
                         "in attrs['rejected'].")
    if rejected and not len(articles):
        warn_at_caller(_all_rejected_message(rejected, files, mapping))
    attach_report(articles, rejected=rejected, coerced=[], n_source_rows=n_rows)
    articles.attrs["sources"] = [f.source for f in files]
    articles.attrs["skipped_files"] = ReportTable(skipped, columns=["source", "reason"])
    return validate_articles(articles)


def _all_rejected_message(rejected: list[dict], files, mapping: dict) -> str:
    """The warning of a load that returns no article: counts, top reason, columns, a hint."""
    import json
    from collections import Counter

    reason, count = Counter(r["reason"] for r in rejected).most_common(1)[0]
    found = list(dict.fromkeys(c for f in files for c in f.raw_columns))
    message = (f"every row was rejected ({len(rejected):,} rows; see attrs['rejected']); "
               f"most common reason ({count:,} rows): {reason}. ")
    if found:
        message += f"The files have the columns {found}. "
    hint = suggest_column_mapping(found, [reason], mapping)
    if hint:
        message += f"Map them with columns={json.dumps(hint)}."
    return message.strip()
