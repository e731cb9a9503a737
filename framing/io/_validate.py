"""Rows into articles: raw rows checked against the articles contract, or rejected with why.

:func:`validate_rows` is the one check of every reader's rows: ``load_articles`` calls it
once on the rows of all its files (so that duplicate ids are found across files), ``framing
score`` once a chunk. The checks are vectorised, so that a 100k-row file is checked in
seconds.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import hashlib
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from .._timezones import UnknownTimeZone, dateutil_tzinfos, spell_out_gmt_offsets
from ..schema import ARTICLE_COLUMNS, OPTIONAL_ARTICLE_COLUMNS, empty_articles, normalize_outlet
from ._readers import RawRows
from ._report import duplicate_id_reason, rejected_row

__all__ = ["CheckedRows", "check_column_mapping", "check_reading_options", "validate_rows"]

_ID = "article_id"
_PREFIXES = ("label_", "meta_")
_CONTRACT = (*ARTICLE_COLUMNS, *OPTIONAL_ARTICLE_COLUMNS, _ID)
_OUTLET_NAME = "meta_outlet_name"

# The range of datetime64[ns], the unit every loaded corpus uses (as empty_articles() does).
_TS_MIN = pd.Timestamp.min.tz_localize("UTC")
_TS_MAX = pd.Timestamp.max.tz_localize("UTC")
# Two defaults that differ in every date field: a string that dateutil reads to different
# days under them lacks a year, month or day, and would otherwise be completed from today.
_DEFAULT_A = _dt.datetime(2000, 1, 1)
_DEFAULT_B = _dt.datetime(2001, 2, 2)
_OUT_OF_RANGE = "date out of range (1677-09-22 to 2262-04-11)"

# "UTC" or "GMT" alone, not followed by an offset ("GMT+3" has its own reading).
_UNIVERSAL_NAME = re.compile(r"(?<![A-Za-z])(?:UTC|GMT)(?![A-Za-z+-])")


class CheckedRows(NamedTuple):
    """What :func:`validate_rows` makes of raw rows: every row is an article or rejected.

    Attributes
    ----------
    articles : pandas.DataFrame
        The good rows in the articles contract, indexed by ``article_id``, in file order
        then line order (not yet passed through
        :func:`framing.schema.validate_articles`).
    rejected : list of dict
        The bad rows (:func:`framing.io.rejected_row`), in file order then line order:
        those the readers could not parse and those that failed a check.
    lines : numpy.ndarray
        The source line of each article.
    n_rows : int
        Source rows: ``len(articles) + len(rejected)``.
    """

    articles: pd.DataFrame
    rejected: list[dict]
    lines: np.ndarray
    n_rows: int


def validate_rows(files: Sequence[RawRows], *, mapping: dict[str, str],
                  id_column: str | None = None, outlet: str | None = None) -> CheckedRows:
    """Check raw rows against the articles contract: each becomes an article or is rejected.

    Parameters
    ----------
    files : sequence of RawRows
        The rows of one or more files (or of one chunk), as the readers give them; they
        are not changed. Duplicate ids are found across all of them.
    mapping : dict of str to str
        File column -> articles column (:func:`check_column_mapping`). Other columns are
        kept with a ``meta_`` prefix; ``label_*`` and ``meta_*`` columns as they are.
    id_column : str, optional
        The column holding ids, which every file must have.
    outlet : str, optional
        The outlet of files without an ``outlet`` column.

    Returns
    -------
    CheckedRows

    Raises
    ------
    ValueError
        A problem with a whole file: a missing ``id_column``, or two CSV or parquet columns
        that become the same name.

    Notes
    -----
    A row is bad when its text is missing, empty or not a string; its outlet is missing,
    not a string or has no letters or digits; its title, url, topic, authors or lang is
    present but not a string; its ``article_id`` is missing or neither a string nor an
    integer; its date cannot be read, lacks a year, month or day, lies outside 1677-2262
    or names an ambiguous or unknown time zone; it repeats an earlier good row's
    ``article_id``; or, in a JSONL file, it gives values to two fields that become the
    same column. Without ids, each article gets ``a-`` and 16 hex digits of the sha256 of
    its outlet key and its URL, or, without a URL, of its outlet key, title and text.
    """
    files = [_rename(file, mapping, id_column) for file in files]
    columns = [{_target(c, mapping) for c in file.raw_columns} for file in files]
    frame, which, lines = _concat(files)
    if len(frame):
        articles, rejected, keep = _validate_rows(frame, which, lines, files, columns, outlet)
        kept_lines = lines[keep]
    else:
        articles, rejected, kept_lines = empty_articles(), [], np.zeros(0, np.int64)
    order = {file.source: i for i, file in enumerate(files)}
    rejected += [r for file in files for r in file.rejected]
    rejected.sort(key=lambda r: (order[r["source"]], r["line"]))
    return CheckedRows(articles, rejected, kept_lines, sum(f.n_rows for f in files))


# --------------------------------------------------------------------------------------
# Column names
# --------------------------------------------------------------------------------------

def check_reading_options(*, encoding, outlet, columns, id_column) -> dict[str, str]:
    """Check the reading options ``load_articles`` and ``framing score`` share.

    Parameters
    ----------
    encoding : str
        Must be an encoding Python knows.
    outlet : str or None
        The outlet of files without an outlet column: a name with letters or digits.
    columns, id_column
        See :func:`check_column_mapping`.

    Returns
    -------
    dict of str to str
        File column -> articles column (:func:`check_column_mapping`).

    Raises
    ------
    ValueError, TypeError
        An option that cannot be used, saying why.
    """
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError) as err:
        raise ValueError(f"unknown encoding {encoding!r}") from err
    if outlet is not None and (not isinstance(outlet, str) or not normalize_outlet(outlet)):
        raise ValueError(f"outlet must be an outlet name with letters or digits, got "
                         f"{outlet!r}")
    return check_column_mapping(columns, id_column)


def check_column_mapping(columns, id_column) -> dict[str, str]:
    """The file column -> articles column mapping of ``columns`` and ``id_column``, checked.

    Parameters
    ----------
    columns : mapping of str to str or None
        Renames file columns; targets are articles columns or names starting ``label_``
        or ``meta_``.
    id_column : str or None
        Shorthand for ``columns={id_column: "article_id"}``.

    Returns
    -------
    dict of str to str

    Raises
    ------
    TypeError
        ``columns`` is not a mapping of strings, or ``id_column`` not a string.
    ValueError
        A target that is not an articles column, or an ``id_column`` that ``columns``
        maps elsewhere.

    Examples
    --------
    >>> check_column_mapping({"body": "text"}, "id")
    {'body': 'text', 'id': 'article_id'}
    """
    if columns is None:
        columns = {}
    if not isinstance(columns, Mapping):
        raise TypeError(f"columns must be a mapping from file column to articles column, got "
                        f"{type(columns).__name__}")
    mapping = {}
    for key, target in columns.items():
        if not isinstance(key, str) or not isinstance(target, str):
            raise TypeError(f"columns must map strings to strings, got {key!r}: {target!r}")
        if target not in _CONTRACT and not target.startswith(_PREFIXES):
            raise ValueError(f"columns maps {key!r} to {target!r}, which is not an articles "
                             f"column: use one of {list(_CONTRACT)} or a name starting with "
                             "'label_' or 'meta_'")
        mapping[key] = target
    if id_column is not None:
        if not isinstance(id_column, str):
            raise TypeError(f"id_column must be a column name, got {id_column!r}")
        other = [k for k, t in mapping.items() if t == _ID and k != id_column]
        if other or mapping.get(id_column, _ID) != _ID:
            raise ValueError(f"id_column={id_column!r} conflicts with columns={dict(columns)!r}")
        mapping[id_column] = _ID
    return mapping


def _target(name: str, mapping: dict[str, str]) -> str:
    name = mapping.get(name, name)
    if name in _CONTRACT or name.startswith(_PREFIXES):
        return name
    return f"meta_{name}"


def _rename(file: RawRows, mapping: dict[str, str], id_column: str | None) -> RawRows:
    """The file's rows with their columns given their articles names.

    Two columns that would get the same name fail a CSV or parquet file, whose header is
    one for all rows. A JSONL row names its own fields: there, only a row that fills both
    is bad (it moves to ``file.rejected``), and the others keep whichever one they have.
    """
    if id_column is not None and file.raw_columns and id_column not in file.raw_columns:
        raise ValueError(f"{file.source}: no column {id_column!r} (id_column); the file has "
                         f"{list(file.raw_columns)}")
    sources: dict[str, list[str]] = {}
    for name in file.raw_columns:
        sources.setdefault(_target(name, mapping), []).append(name)
    clashes = {target: names for target, names in sources.items() if len(names) > 1}
    if clashes and not file.per_row_columns:
        target, names = next(iter(clashes.items()))
        raise ValueError(f"{file.source}: columns {names[0]!r} and {names[1]!r} would both "
                         f"become {target!r}; map or rename one of them")
    file = replace(file, rejected=list(file.rejected))
    if clashes and len(file.frame.columns):
        _merge_clashing_fields(file, clashes)
    if len(file.frame.columns):
        file.frame = file.frame.set_axis([_target(c, mapping) for c in file.frame.columns],
                                         axis=1)
    return file


def _merge_clashing_fields(file: RawRows, clashes: dict[str, list[str]]) -> None:
    """Reject the JSONL rows that fill two fields of one name; merge those fields in the rest.

    A field given as null fills nothing, so ``{"section": null, "meta_section": "us"}`` is
    kept with ``meta_section`` ``"us"``.
    """
    frame = file.frame
    filled = {t: frame[[n for n in names if n in frame]].notna().to_numpy()
              for t, names in clashes.items()}
    bad = np.zeros(len(frame), dtype=bool)
    reasons: dict[int, list[str]] = {}
    for target, names in clashes.items():
        present = [n for n in names if n in frame]
        both = filled[target].sum(axis=1) > 1
        bad |= both
        for i in np.flatnonzero(both):
            given = [n for n, f in zip(present, filled[target][i], strict=True) if f]
            listed = " and ".join(repr(n) for n in given)
            reasons.setdefault(int(i), []).append(
                f"columns {listed} would both become {target!r} (both have a value in this "
                "row); map or rename one of them")
    for i in np.flatnonzero(bad):
        file.rejected.append(rejected_row(file.source, int(file.lines[i]),
                                          "; ".join(reasons[int(i)])))
    keep = ~bad
    frame = frame[keep].reset_index(drop=True)
    file.lines = file.lines[keep]
    for names in clashes.values():
        present = [n for n in names if n in frame]
        if not present:  # a chunk whose records give none of them
            continue
        merged = frame[present[0]]
        for name in present[1:]:
            merged = merged.where(merged.notna(), frame[name])
        frame[present[0]] = merged
        frame = frame.drop(columns=present[1:])
    file.frame = frame


# --------------------------------------------------------------------------------------
# Row checks
# --------------------------------------------------------------------------------------

def _type_name(value) -> str:
    return type(value).__name__


def _objects(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values as an object array, missing mask); lists and dicts count as present."""
    values = np.array(series.to_numpy(dtype=object), dtype=object, copy=True)
    return values, np.asarray(pd.isna(values), dtype=bool)


def _is(values: np.ndarray, types) -> np.ndarray:
    return np.fromiter((isinstance(v, types) for v in values), dtype=bool, count=len(values))


def _blank(values: np.ndarray, is_str: np.ndarray) -> np.ndarray:
    out = np.zeros(len(values), dtype=bool)
    out[is_str] = [not v.strip() for v in values[is_str]]
    return out


class _Problems:
    """Per-row problems, kept as (mask, reason) pairs so that good rows cost nothing."""

    def __init__(self, n: int):
        self.n = n
        self.checks: list[tuple[np.ndarray, object]] = []

    def add(self, mask: np.ndarray, reason) -> None:
        """``reason``: a string, or a callable(position) -> string for row-specific text."""
        if mask.any():
            self.checks.append((mask, reason))

    @property
    def bad(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for mask, _ in self.checks:
            out |= mask
        return out

    def reason(self, position: int) -> str:
        return "; ".join(r if isinstance(r, str) else r(position)
                         for mask, r in self.checks if mask[position])


def _check_strings(frame, column, problems, *, required: bool, missing_reason: str = "",
                   lacking: np.ndarray | None = None):
    values, missing = _objects(frame[column])
    is_str = _is(values, str)
    wrong = ~is_str & ~missing
    problems.add(wrong, lambda i, v=values: f"{column} is not a string (got "
                                            f"{_type_name(v[i])}: {v[i]!r:.40})")
    if required:
        empty = missing | _blank(values, is_str)
        if lacking is not None:
            empty &= ~lacking  # those rows get the clearer "the file has no column" reason
        problems.add(empty, missing_reason)
    return values, missing, is_str


def _check_authors(frame, problems) -> None:
    values, missing = _objects(frame["authors"])
    # JSON and parquet sources often list authors; the contract keeps them comma-separated.
    lists = _is(values, list | tuple | np.ndarray)
    for i in np.flatnonzero(lists):
        if all(isinstance(a, str) for a in values[i]):
            values[i] = ", ".join(list(values[i])) or None  # no names: missing
    frame["authors"] = values
    _check_strings(frame, "authors", problems, required=False)


def _parse_dates(series: pd.Series, problems: _Problems) -> pd.Series:
    """Return the dates as datetime64[ns, UTC]; add unreadable ones to ``problems``."""
    n = len(series)
    stamps = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")  # UTC, without tz
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series):
        # A parquet timestamp column: naive means UTC, as for strings.
        parsed = series.reset_index(drop=True)
        parsed = (parsed.dt.tz_convert("UTC") if isinstance(series.dtype, pd.DatetimeTZDtype)
                  else parsed.dt.tz_localize("UTC"))
        known = parsed.notna().to_numpy()
        _store(stamps, np.flatnonzero(known), parsed[known], problems, parsed.iloc.__getitem__)
        return pd.Series(stamps).dt.tz_localize("UTC")

    values, missing = _objects(series)
    is_str = _is(values, str)
    missing |= _blank(values, is_str)  # an empty date is an unknown date, not a bad one
    is_str &= ~missing
    is_time = _is(values, _dt.date | np.datetime64) & ~missing
    other = ~(is_str | is_time | missing)
    problems.add(other, lambda i: f"date is not a date or a string (got "
                                  f"{_type_name(values[i])}: {values[i]!r:.40})")

    where = np.flatnonzero(is_str)
    if len(where):
        iso = pd.to_datetime(pd.Series(values[where], dtype=object), format="ISO8601",
                             utc=True, errors="coerce")
        ok = iso.notna().to_numpy()
        _store(stamps, where[ok], iso[ok], problems, values.__getitem__)
        retry = where[~ok]
        fmt = _guess_format(values[retry[0]]) if len(retry) else None
        if fmt is not None:
            # Corpora use one non-ISO format throughout: parse them all with it at once,
            # leaving dateutil (slow, one string at a time) only the strings that differ.
            fast = retry
            if "%Z" in fmt:
                # pandas reads a %Z name through the tz database, where "CET" in July is
                # +02:00; UTC and GMT are the only names it reads as framing's table does.
                fast = retry[[bool(_UNIVERSAL_NAME.search(values[i])) for i in retry]]
            guessed = pd.to_datetime(pd.Series(values[fast], dtype=object), format=fmt,
                                     utc=True, errors="coerce")
            ok = guessed.notna().to_numpy()
            _store(stamps, fast[ok], guessed[ok], problems, values.__getitem__)
            retry = np.setdiff1d(retry, fast[ok], assume_unique=True)
        if len(retry):
            loose, reasons = _parse_loose(values[retry])
            failed = np.array([r is not None for r in reasons], dtype=bool)
            why = dict(zip(retry[failed], np.asarray(reasons, dtype=object)[failed],
                           strict=True))
            problems.add(_mask(n, retry[failed]),
                         lambda i: f"{why[i]}: {values[i]!r:.60}")
            if (~failed).any():
                parsed = pd.to_datetime(pd.Series([loose[i] for i in np.flatnonzero(~failed)],
                                                  dtype=object), utc=True)
                _store(stamps, retry[~failed], parsed, problems, values.__getitem__)
    where = np.flatnonzero(is_time)
    if len(where):
        parsed = pd.to_datetime(pd.Series(values[where], dtype=object), utc=True,
                                errors="coerce")
        ok = parsed.notna().to_numpy()
        problems.add(_mask(n, where[~ok]), lambda i: f"unreadable date: {values[i]!r:.60}")
        _store(stamps, where[ok], parsed[ok], problems, values.__getitem__)
    return pd.Series(stamps).dt.tz_localize("UTC")


def _mask(n: int, positions: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[positions] = True
    return out


def _store(stamps: np.ndarray, positions: np.ndarray, parsed: pd.Series, problems,
           value) -> None:
    """Write UTC ``parsed`` into ``stamps`` at ``positions``; those out of ns range are bad.

    ``value(position)`` is the date as given, for the reason.
    """
    parsed = parsed.reset_index(drop=True)
    fits = ((parsed >= _TS_MIN) & (parsed <= _TS_MAX)).to_numpy()
    problems.add(_mask(len(stamps), positions[~fits]),
                 lambda i: f"{_OUT_OF_RANGE}: {value(i)!r:.60}")
    good = parsed[fits].dt.tz_convert("UTC").dt.tz_localize(None).dt.as_unit("ns")
    stamps[positions[fits]] = good.to_numpy()


def _guess_format(text: str) -> str | None:
    """A strptime format that reads ``text`` as dateutil does, if it has year, month, day."""
    try:
        from pandas.tseries.api import guess_datetime_format
    except ImportError:  # pragma: no cover - public since pandas 2.0
        return None
    fmt = guess_datetime_format(text)
    complete = fmt and all(any(d in fmt for d in group)
                           for group in (("%Y", "%y"), ("%m", "%b", "%B"), ("%d",)))
    return fmt if complete else None


def _parse_loose(strings: np.ndarray) -> tuple[list, list]:
    """Parse non-ISO strings with dateutil, once per distinct string; (datetimes, reasons).

    Time-zone names are read from :mod:`framing._timezones`' table of fixed offsets, never
    from the machine's local zone, so a date means the same instant on every machine.
    """
    from dateutil import parser as dateutil_parser

    done: dict[str, tuple] = {}
    for text in dict.fromkeys(strings):
        spelt = spell_out_gmt_offsets(text)
        try:
            first = dateutil_parser.parse(spelt, default=_DEFAULT_A, tzinfos=dateutil_tzinfos)
            second = dateutil_parser.parse(spelt, default=_DEFAULT_B, tzinfos=dateutil_tzinfos)
        except UnknownTimeZone as err:
            done[text] = (None, str(err))
            continue
        except (ValueError, OverflowError):
            done[text] = (None, "unparseable date")
            continue
        if first.date() != second.date():
            done[text] = (None, "incomplete date (needs a year, a month and a day)")
            continue
        if first.tzinfo is None:
            first = first.replace(tzinfo=_dt.timezone.utc)
        try:
            first = first.astimezone(_dt.timezone.utc)
        except (ValueError, OverflowError):
            done[text] = (None, _OUT_OF_RANGE)
            continue
        if not _TS_MIN <= first <= _TS_MAX:
            done[text] = (None, _OUT_OF_RANGE)
            continue
        done[text] = (first, None)
    return [done[s][0] for s in strings], [done[s][1] for s in strings]


def _article_ids(frame, problems) -> np.ndarray:
    values, missing = _objects(frame[_ID])
    out = np.empty(len(values), dtype=object)
    is_str = _is(values, str)
    out[is_str] = values[is_str]
    # Integer ids are common (database keys); an integral float is an int column that
    # pandas widened to hold a missing value.
    is_int = _is(values, int | np.integer) & ~_is(values, bool | np.bool_)
    out[is_int] = [str(int(v)) for v in values[is_int]]
    is_float = _is(values, float | np.floating) & ~missing
    integral = np.zeros(len(values), dtype=bool)
    integral[is_float] = [float(v).is_integer() for v in values[is_float]]
    out[integral] = [str(int(v)) for v in values[integral]]
    ok = is_str | is_int | integral
    problems.add(~ok & ~missing, lambda i: f"article_id is not a string or an integer (got "
                                           f"{_type_name(values[i])}: {values[i]!r:.40})")
    problems.add(missing | _blank(values, is_str), "missing article_id")
    return out


def _hash_id(outlet: str, url, title: str, text: str) -> str:
    if isinstance(url, str) and url.strip():
        parts = ("url", outlet, url.strip())
    else:
        parts = ("text", outlet, title, text)
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return f"a-{digest.hexdigest()[:16]}"


# --------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------

def _concat(files: Sequence[RawRows]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    used = [(i, f) for i, f in enumerate(files) if len(f.frame)]
    if not used:
        return pd.DataFrame(), np.zeros(0, np.int64), np.zeros(0, np.int64)
    frames = [f.frame for _, f in used]
    with warnings.catch_warnings():
        # pandas 2.x warns that a column all missing in one file (a JSONL date that is
        # always null) will stop being ignored when choosing the dtype; the checks below
        # take either dtype.
        warnings.filterwarnings("ignore", "The behavior of DataFrame concatenation with empty",
                                FutureWarning)
        frame = (frames[0] if len(frames) == 1
                 else pd.concat(frames, ignore_index=True, sort=False))
    frame = frame.reset_index(drop=True)
    which = np.concatenate([np.full(len(f.frame), i, np.int64) for i, f in used])
    lines = np.concatenate([f.lines for _, f in used])
    return frame, which, lines


def _validate_rows(frame, which, lines, files, columns, outlet):
    """Check every row; return (articles, rejected records, mask of the rows kept).

    ``columns`` holds each file's columns under their articles names: those of the whole
    file, also when ``files`` are chunks of it, so that a chunk whose JSONL records all
    lack a field is read as the whole file would be.
    """
    n = len(frame)
    problems = _Problems(n)
    lacks = {c: np.zeros(n, dtype=bool) for c in ("outlet", "text")}
    for column in lacks:
        if column not in frame:
            frame[column] = None
        for i, (file, named) in enumerate(zip(files, columns, strict=True)):
            if len(file.frame) and column not in named:
                lacks[column][which == i] = True
    if outlet is not None:
        # The constant outlet stands in for files without an outlet column only: in a file
        # that has one, an empty outlet is a bad row, not a cue to guess.
        frame.loc[lacks["outlet"], "outlet"] = outlet
        lacks["outlet"][:] = False

    # Ids are given when any file has them (a file that has none gets "missing article_id"
    # rows), also when these rows are a chunk whose records all lack the field.
    has_id = _ID in frame or any(_ID in named for named in columns)
    if has_id and _ID not in frame:
        frame[_ID] = None
    ids = _article_ids(frame, problems) if has_id else None

    outlets, _, _ = _check_strings(frame, "outlet", problems, required=True,
                                   missing_reason="missing outlet", lacking=lacks["outlet"])
    problems.add(lacks["outlet"], "no outlet: the file has no 'outlet' column (map one with "
                                  "columns={...: 'outlet'} or pass outlet=...)")
    keys = np.empty(n, dtype=object)
    is_str = _is(outlets, str)
    distinct = {v: normalize_outlet(v) for v in dict.fromkeys(outlets[is_str])}
    keys[is_str] = [distinct[v] for v in outlets[is_str]]
    no_key = np.zeros(n, dtype=bool)
    no_key[is_str] = [not distinct[v] and v.strip() != "" for v in outlets[is_str]]
    problems.add(no_key, lambda i: f"outlet {outlets[i]!r} has no letters or digits")

    _check_strings(frame, "text", problems, required=True, missing_reason="missing or empty text",
                   lacking=lacks["text"])
    problems.add(lacks["text"], "no text: the file has no 'text' column (map one with "
                                "columns={...: 'text'})")
    if "title" not in frame:
        frame["title"] = None
    _, title_missing, _ = _check_strings(frame, "title", problems, required=False)
    if "authors" in frame:
        _check_authors(frame, problems)
    for column in ("url", "topic", "lang"):
        if column in frame:
            _check_strings(frame, column, problems, required=False)
    dates = (_parse_dates(frame["date"], problems) if "date" in frame
             else pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]"))

    bad = problems.bad
    good = np.flatnonzero(~bad)
    titles = frame["title"].to_numpy(dtype=object).copy()
    titles[title_missing] = ""
    texts = frame["text"].to_numpy(dtype=object)
    urls = frame["url"].to_numpy(dtype=object) if "url" in frame else np.full(n, None)
    if not has_id:
        ids = np.empty(n, dtype=object)
        ids[good] = [_hash_id(keys[i], urls[i], titles[i], texts[i]) for i in good]

    # Duplicates among otherwise good rows: a bad row does not make a later good one bad.
    codes = pd.factorize(ids[good])[0]
    _, first_index = np.unique(codes, return_index=True)
    first = good[first_index[codes]]
    repeated = np.zeros(n, dtype=bool)
    repeated[good[first != good]] = True
    first_of = dict(zip(good, first, strict=True))
    problems.add(repeated, lambda i: duplicate_id_reason(
        ids[i], files[which[first_of[i]]].source, lines[first_of[i]]))

    bad = problems.bad
    rejected = [rejected_row(files[which[i]].source, int(lines[i]), problems.reason(i),
                             ids[i] if isinstance(ids[i], str) else None)
                for i in np.flatnonzero(bad)]
    keep = ~bad
    articles = pd.DataFrame(
        {
            "outlet": pd.Series(keys[keep], dtype=object),
            "date": dates[keep].reset_index(drop=True),
            "title": pd.Series(titles[keep], dtype=object),
            "text": pd.Series(texts[keep], dtype=object),
        }
    )
    for column in OPTIONAL_ARTICLE_COLUMNS:
        if column in frame:
            articles[column] = pd.Series(frame[column].to_numpy(dtype=object)[keep],
                                         dtype=object).where(lambda s: s.notna(), None)
    extra = [c for c in frame.columns if c.startswith("label_")]
    extra += [c for c in frame.columns if c.startswith("meta_")]
    for column in extra:
        values = frame[column][keep].reset_index(drop=True)
        articles[column] = values.infer_objects() if values.dtype == object else values
    names = outlets[keep]
    if _OUTLET_NAME in articles:
        # A table saved by load_articles and loaded again keeps the names it was given.
        given = articles[_OUTLET_NAME].to_numpy(dtype=object)
        articles[_OUTLET_NAME] = np.where(pd.isna(given), names, given)
    elif any(name != key for name, key in zip(names, keys[keep], strict=True)):
        articles[_OUTLET_NAME] = pd.Series(names, dtype=object)
    articles.index = pd.Index(ids[keep], dtype=object, name=_ID)
    return articles, rejected, keep




#: Column names that often hold an article's text or outlet, for the hint given when rows
#: are rejected because the input names these columns otherwise.
USUAL_COLUMN_NAMES = {
    "text": ("body", "content", "article", "article_text", "full_text", "fulltext", "story",
             "maintext", "body_text", "text_body"),
    "outlet": ("source", "source_name", "publication", "publisher", "outlet_name",
               "newspaper", "media", "site", "domain"),
}


def suggest_column_mapping(found: Sequence[str], reasons, mapping: Mapping) -> dict[str, str]:
    """File column -> articles column for each of ``text`` and ``outlet`` a rejection lacked.

    Parameters
    ----------
    found : sequence of str
        The input's columns.
    reasons : iterable of str
        Rejection reasons (one per rejected row, or the distinct ones).
    mapping : mapping
        The column mapping already given (its file columns are not suggested again).

    Returns
    -------
    dict
        For each of ``text`` and ``outlet`` that some reason says is missing: a column of
        ``found`` with a usual name for it, or ``"TEXT_COLUMN"``/``"OUTLET_COLUMN"``.

    Examples
    --------
    >>> suggest_column_mapping(["id", "body"], ["no text: the file has no 'text' column"], {})
    {'body': 'text'}
    """
    reasons = list(reasons)
    suggested = {}
    for target, usual in USUAL_COLUMN_NAMES.items():
        if any(f"no {target}: the file has no {target!r} column" in r for r in reasons):
            usual_found = (c for c in found if c not in mapping and c.lower() in usual)
            suggested[next(usual_found, f"{target.upper()}_COLUMN")] = target
    return suggested
