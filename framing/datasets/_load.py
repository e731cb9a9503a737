"""Read a researcher's own corpus (JSONL, CSV, TSV, parquet) into the articles contract.

Every input row ends up either as a valid article or in the rejected table with its file,
line and reason: nothing is dropped silently and nothing invalid passes. Each file is read
whole and parsed into raw rows (a streaming reader is a later step); the rows of all files
are then checked together, vectorised, so that duplicate ids are found across files and a
100k-row CSV loads in a few seconds.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import gzip
import hashlib
import io
import json
import os
import re
import stat
import warnings
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._tables import ReportTable
from .._timezones import UnknownTimeZone, dateutil_tzinfos, spell_out_gmt_offsets
from .._warnings import warn_at_caller
from ..schema import (
    ARTICLE_COLUMNS,
    OPTIONAL_ARTICLE_COLUMNS,
    empty_articles,
    normalize_outlet,
    validate_articles,
)
from ._csv_records import csv_records
from ._report import attach_report

__all__ = ["load_articles"]

_ERRORS = ("raise", "report")
_ID = "article_id"
_PREFIXES = ("label_", "meta_")
_CONTRACT = (*ARTICLE_COLUMNS, *OPTIONAL_ARTICLE_COLUMNS, _ID)
_OUTLET_NAME = "meta_outlet_name"

# Longest suffix first, so that ".csv.gz" is not taken for ".gz".
_SUFFIXES = (
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".csv.gz", "csv"),
    (".tsv.gz", "tsv"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".csv", "csv"),
    (".tsv", "tsv"),
    (".parquet", "parquet"),
)
_SUPPORTED = "JSONL (.jsonl, .ndjson), CSV (.csv), TSV (.tsv), their .gz, or parquet"

# The range of datetime64[ns], the unit every loaded corpus uses (as empty_articles() does).
_TS_MIN = pd.Timestamp.min.tz_localize("UTC")
_TS_MAX = pd.Timestamp.max.tz_localize("UTC")
# Two defaults that differ in every date field: a string that dateutil reads to different
# days under them lacks a year, month or day, and would otherwise be completed from today.
_DEFAULT_A = _dt.datetime(2000, 1, 1)
_DEFAULT_B = _dt.datetime(2001, 2, 2)
_OUT_OF_RANGE = "date out of range (1677-09-22 to 2262-04-11)"

_LONE_CR = re.compile(r"\r(?!\n)")
# "UTC" or "GMT" alone, not followed by an offset ("GMT+3" has its own reading).
_UNIVERSAL_NAME = re.compile(r"(?<![A-Za-z])(?:UTC|GMT)(?![A-Za-z+-])")
_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}


@dataclass
class _File:
    """One input file, read: its raw rows (already renamed) and what could not be parsed.

    ``per_row_columns``: each row names its own fields (JSONL), so two fields that would get
    the same name clash in the rows that fill both, not in the whole file (CSV, parquet).
    """

    source: str
    frame: pd.DataFrame
    lines: np.ndarray
    rejected: list[dict] = field(default_factory=list)
    raw_columns: tuple[str, ...] = ()
    per_row_columns: bool = False

    @property
    def n_rows(self) -> int:
        return len(self.frame) + len(self.rejected)


# --------------------------------------------------------------------------------------
# Finding files
# --------------------------------------------------------------------------------------

def _kind(path: Path) -> str | None:
    name = path.name.lower()
    for suffix, kind in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return kind
    return None


def _expand(path_or_paths, *, skipped_listed_in: str = ""
            ) -> tuple[list[tuple[Path, str]], list[dict]]:
    """Return ((path, kind) to read in order, skipped files) for the user's paths.

    Files and folders skipped for any reason but being hidden are also named in a warning;
    ``skipped_listed_in`` tells the user where the full list is kept.
    """
    if isinstance(path_or_paths, str | os.PathLike):
        given = [path_or_paths]
    elif isinstance(path_or_paths, Iterable) and not isinstance(path_or_paths, bytes):
        given = list(path_or_paths)
    else:
        raise TypeError(f"expected a path or a list of paths, got {type(path_or_paths).__name__}")
    if not given:
        raise ValueError("no paths given")
    files, skipped, seen = [], [], {}
    for item in given:
        if not isinstance(item, str | os.PathLike):
            raise TypeError(f"expected a path, got {type(item).__name__}: {item!r}")
        path = Path(item).expanduser()
        if path.is_dir():
            found, skipped_here = _walk(path)
            skipped.extend(skipped_here)
            if not found:
                names = ", ".join(s["source"] for s in skipped_here[:3])
                raise ValueError(f"{path}: no {_SUPPORTED} files in this folder"
                                 + (f" (skipped {names}, ...)" if names else ""))
        elif path.is_symlink() and not path.exists():
            raise FileNotFoundError(f"no such file or folder: {path} (a broken link to "
                                    f"{os.readlink(path)})")
        elif path.exists():
            kind = _kind(path)
            if kind is None:
                raise ValueError(f"{path}: unsupported file type; expected {_SUPPORTED}")
            if (why := _not_regular(path)) is not None:
                raise ValueError(f"{path}: {why}")
            found = [(path, kind)]
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
        for file, kind in found:
            key = file.resolve()
            if key in seen:
                # Reading a file twice would reject all its rows as duplicates: say why instead.
                raise ValueError(f"{file} is given more than once (also as {seen[key]})")
            seen[key] = file
            files.append((file, kind))
    visible = [s for s in skipped if not s["reason"].startswith("hidden")]
    if visible:
        shown = "; ".join(f"{s['source']} ({s['reason']})" for s in visible[:3])
        more = "; ..." if len(visible) > 3 else ""
        where = f" (see {skipped_listed_in})" if skipped_listed_in else ""
        warn_at_caller(f"skipped {len(visible)} file(s) or folder(s): {shown}{more}{where}")
    return files, skipped


_SPECIAL_FILES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _not_regular(path: Path) -> str | None:
    """Why ``path``, its links followed, is not a file to read; ``None`` when it is one.

    Reading a named pipe waits for a writer that never comes, and a link to ``/dev/zero``
    never ends: only regular files are read.
    """
    try:
        mode = path.stat().st_mode
    except OSError as err:
        if path.is_symlink():
            return f"a broken link ({err.strerror})"
        return f"cannot be read ({err.strerror})"
    if stat.S_ISREG(mode):
        return None
    what = next((name for test, name in _SPECIAL_FILES if test(mode)), "a special file")
    return f"not a regular file but {what}"


def _walk(folder: Path) -> tuple[list[tuple[Path, str]], list[dict]]:
    found, skipped = [], []
    # Links to folders are followed, so a folder is read once, at the first path that
    # reaches it (in sorted order); a link back into a folder being read is a loop.
    read_as: dict[str, Path] = {}

    def unlistable(err: OSError) -> None:
        skipped.append({"source": str(err.filename),
                        "reason": f"folder cannot be listed ({err.strerror})"})

    for root, dirs, names in os.walk(folder, onerror=unlistable, followlinks=True):
        root_path = Path(root)
        read_as.setdefault(os.path.realpath(root), root_path)
        kept = []
        for name in sorted(dirs):
            path = root_path / name
            # Hidden folders (.git, .ipynb_checkpoints) hold copies or tooling, never the
            # corpus: Jupyter's checkpoints would otherwise load every CSV twice.
            if name.startswith("."):
                skipped.append({"source": str(path), "reason": "hidden folder"})
                continue
            real = os.path.realpath(path)
            if real in read_as:
                first = read_as[real]
                if first == root_path or first in root_path.parents:
                    reason = f"link loop: leads back to {first}, which contains it"
                else:
                    reason = f"same folder as {first}, read there"
                skipped.append({"source": str(path), "reason": reason})
                continue
            read_as[real] = path
            kept.append(name)
        dirs[:] = kept
        for name in names:
            path = root_path / name
            if name.startswith("."):
                skipped.append({"source": str(path), "reason": "hidden file"})
            elif (kind := _kind(path)) is None:
                skipped.append({"source": str(path), "reason": f"not {_SUPPORTED}"})
            elif (why := _not_regular(path)) is not None:
                skipped.append({"source": str(path), "reason": why})
            else:
                found.append((path, kind))

    def order(entry):
        return entry.relative_to(folder).as_posix()

    found.sort(key=lambda pk: order(pk[0]))
    skipped.sort(key=lambda s: order(Path(s["source"])))
    return found, skipped


# --------------------------------------------------------------------------------------
# Reading one file
# --------------------------------------------------------------------------------------

def _read_bytes(path: Path, source: str) -> bytes:
    if not path.name.lower().endswith(".gz"):
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as handle:
            return handle.read()
    except (OSError, EOFError, zlib.error) as err:
        raise ValueError(f"{source}: not a valid gzip file ({err})") from err


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def _encoding_hint(encoding: str, where: str = "") -> str:
    """'not valid UTF-8 (try encoding=...)', with ``where`` (an offset) before the hint."""
    if _is_utf8(encoding):
        return f'not valid UTF-8{where} (try encoding=..., for example encoding="cp1252")'
    return f"not valid {encoding}{where} (try another encoding=...)"


def _decode_whole(data: bytes, encoding: str, source: str) -> str:
    if _is_utf8(encoding):
        encoding = "utf-8-sig"  # a byte-order mark is not part of the first column's name
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        where = f": undecodable byte at offset {err.start} (line {line})"
        raise ValueError(f"{source}: the file was not loaded, it is "
                         f"{_encoding_hint(encoding, where)}") from err
    return text.lstrip("\ufeff") if encoding.startswith("utf-16") else text


# UTF-32 first: its little-endian mark begins with UTF-16's.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: Bytes from the start of a file enough to tell UTF-16 or UTF-32 text.
_SNIFF_BYTES = 4096


def _wide_text(sample: bytes) -> tuple[str, str] | None:
    """(encoding to pass, evidence) when ``sample`` starts UTF-16 or UTF-32 text, else None.

    ``sample`` is a file's first bytes. Without a byte-order mark, such text is told by its
    NUL bytes: a JSON line or a CSV header starts with an ASCII character, which UTF-16 and
    UTF-32 write beside one or three NUL bytes, and mostly ASCII text keeps that pattern.
    """
    for bom, name in _WIDE_BOMS:
        if sample.startswith(bom):
            return name, f"it starts with a {name.upper()} byte-order mark"
    for width, layouts in ((4, (("utf-32-le", 0), ("utf-32-be", 3))),
                           (2, (("utf-16-le", 0), ("utf-16-be", 1)))):
        usable = len(sample) - len(sample) % width
        if usable < 2 * width:
            continue
        for name, position in layouts:
            first = sample[:width]
            if first[position] == 0 or first.count(0) != width - 1:
                continue
            characters = sample[position:usable:width]
            padding = [sample[k:usable:width] for k in range(width) if k != position]
            if (characters.count(0) <= 0.05 * len(characters)
                    and all(p.count(0) >= 0.25 * len(p) for p in padding)):
                return name, "NUL bytes between its characters"
    return None


def _wide_text_hint(sample: bytes, encoding: str) -> str:
    """A hint to add to a file's errors when it is UTF-16/32 text read as ``encoding``; or ""."""
    if "\n".encode(encoding) != b"\n":
        return ""  # the user already chose a wide encoding
    found = _wide_text(sample)
    if found is None:
        return ""
    name, evidence = found
    return f' (the file looks like {name[:6].upper()} text, {evidence}: pass encoding="{name}")'


def _refuse_wide_text(sample: bytes, encoding: str, source: str) -> None:
    """Fail a CSV or TSV file that is UTF-16/32 text read with an ASCII-compatible encoding.

    Such a file may decode without error (NUL is a valid UTF-8 character) into a garbled
    header; there is no row in it to keep.
    """
    hint = _wide_text_hint(sample, encoding)
    if hint:
        raise ValueError(f"{source}: the file was not loaded, it is not {encoding} text{hint}")


def _reject(source: str, line: int, reason: str, row_id=None) -> dict:
    return {"source": source, "line": line, "row_id": row_id, "reason": reason}


def _jsonl_file(source: str, records: list[dict], lines: list[int], rejected: list[dict]
                ) -> _File:
    """The raw rows of (a chunk of) a JSONL file, its records parsed."""
    frame = pd.DataFrame(records, dtype=object) if records else pd.DataFrame()
    columns = tuple(dict.fromkeys(k for r in records for k in r))
    return _File(source, frame, np.asarray(lines, dtype=np.int64), rejected, columns,
                 per_row_columns=True)


def _read_jsonl(path: Path, source: str, encoding: str) -> _File:
    data = _read_bytes(path, source)
    wide_hint = _wide_text_hint(data[:_SNIFF_BYTES], encoding)
    if "\n".encode(encoding) == b"\n":
        # An ASCII-compatible encoding: split the bytes first, so one undecodable line is
        # one bad row, not a failed file. Only b"\n" ends a line: JSON may hold U+2028 raw.
        chunks = data.split(b"\n")
        if _is_utf8(encoding) and chunks[0].startswith(codecs.BOM_UTF8):
            chunks[0] = chunks[0][len(codecs.BOM_UTF8):]
        texts = []
        for chunk in chunks:
            try:
                texts.append(chunk.decode(encoding))
            except UnicodeDecodeError:
                texts.append(None)
    else:
        texts = _decode_whole(data, encoding, source).split("\n")
    records, lines, rejected = [], [], []
    decode_error = _encoding_hint(encoding)
    for number, text in enumerate(texts, start=1):
        if text is None:
            rejected.append(_reject(source, number, decode_error))
            continue
        if not text.strip():
            continue  # blank lines (and the end of the last line) are not records
        try:
            item = json.loads(text)
        except json.JSONDecodeError as err:
            rejected.append(_reject(source, number,
                                    f"not valid JSON: {err.msg} (column {err.colno})"))
            continue
        if not isinstance(item, dict):
            rejected.append(_reject(source, number, "expected a JSON object, got a JSON "
                                    f"{_JSON_TYPES.get(type(item), type(item).__name__)}"))
            continue
        records.append(item)
        lines.append(number)
    for record in rejected:
        record["reason"] += wide_hint
    return _jsonl_file(source, records, lines, rejected)


def _read_csv(path: Path, source: str, encoding: str, delimiter: str) -> _File:
    data = _read_bytes(path, source)
    _refuse_wide_text(data[:_SNIFF_BYTES], encoding, source)
    text = _decode_whole(data, encoding, source)
    placeholder = None
    if "\r" in text and "\n" not in text:
        newline = ""  # classic Mac line ends: "\r" alone ends a line
    else:
        # Lines end at "\n" (or "\r\n"), as editors and `wc -l` count them. A lone "\r"
        # is text: pandas and the csv module write one unquoted, and the csv reader would
        # take it for a line end, so it is swapped for an unused character while parsing.
        newline = "\n"
        if _LONE_CR.search(text):
            placeholder = next(c for c in map(chr, range(0xE000, 0xF900)) if c not in text)
            text = _LONE_CR.sub(placeholder, text)
    header, header_line = None, 0
    rows, lines, rejected = [], [], []
    for kind, start, _, value in csv_records(io.StringIO(text, newline=newline), delimiter):
        if kind == "header":
            header, header_line = value, start
        elif kind == "row":
            rows.append(value)
            lines.append(start)
        else:
            rejected.append(_reject(source, start, value))
    if header is None:
        return _File(source, pd.DataFrame(), np.zeros(0, np.int64), rejected)
    if placeholder is not None:
        header = [name.replace(placeholder, "\r") for name in header]
        rows = [[value.replace(placeholder, "\r") for value in row] for row in rows]
    # pandas writes its unnamed index with an empty header: name such columns by position.
    names = [name if name.strip() else f"unnamed_{i}" for i, name in enumerate(header)]
    duplicated = pd.Index(names)[pd.Index(names).duplicated()]
    if len(duplicated):
        raise ValueError(f"{source}: column {duplicated[0]!r} appears more than once in the "
                         f"header (line {header_line})")
    frame = pd.DataFrame(rows, columns=names, dtype=object)
    # A CSV cannot tell an empty field from a missing one: both are missing.
    frame = frame.where(frame != "", None)
    return _File(source, frame, np.asarray(lines, dtype=np.int64), rejected, tuple(names))


def _read_parquet(path: Path, source: str) -> _File:
    try:
        frame = pd.read_parquet(path)
    except Exception as err:  # pyarrow raises several types for a damaged file
        raise ValueError(f"{source}: could not read as parquet ({type(err).__name__}: "
                         f"{err})") from err
    if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
        # A saved articles table keeps article_id as its (restored) index: make it a column.
        frame = frame.reset_index()
    frame.columns = [str(c) for c in frame.columns]
    frame = frame.reset_index(drop=True)
    lines = np.arange(1, len(frame) + 1, dtype=np.int64)
    return _File(source, frame, lines, [], tuple(frame.columns))


def _read(path: Path, kind: str, encoding: str) -> _File:
    source = str(path)
    if kind == "jsonl":
        return _read_jsonl(path, source, encoding)
    if kind == "parquet":
        return _read_parquet(path, source)
    return _read_csv(path, source, encoding, "\t" if kind == "tsv" else ",")


# --------------------------------------------------------------------------------------
# Column names
# --------------------------------------------------------------------------------------

def _check_mapping(columns, id_column) -> dict[str, str]:
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


def _rename(file: _File, mapping: dict[str, str], id_column: str | None) -> None:
    """Give the file's columns their articles names (in place).

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
    if clashes and len(file.frame.columns):
        _merge_clashing_fields(file, clashes)
    if len(file.frame.columns):
        file.frame.columns = [_target(c, mapping) for c in file.frame.columns]


def _merge_clashing_fields(file: _File, clashes: dict[str, list[str]]) -> None:
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
        file.rejected.append(_reject(file.source, int(file.lines[i]),
                                     "; ".join(reasons[int(i)])))
    keep = ~bad
    frame = frame[keep].reset_index(drop=True)
    file.lines = file.lines[keep]
    for names in clashes.values():
        present = [n for n in names if n in frame]
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

def _concat(files: list[_File]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
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


def _validate_rows(frame, which, lines, files, outlet):
    """Check every row; return (articles or None, rejected records)."""
    n = len(frame)
    problems = _Problems(n)
    lacks = {c: np.zeros(n, dtype=bool) for c in ("outlet", "text")}
    for column in lacks:
        if column not in frame:
            frame[column] = None
        for i, file in enumerate(files):
            if len(file.frame) and column not in file.frame.columns:
                lacks[column][which == i] = True
    if outlet is not None:
        # The constant outlet stands in for files without an outlet column only: in a file
        # that has one, an empty outlet is a bad row, not a cue to guess.
        frame.loc[lacks["outlet"], "outlet"] = outlet
        lacks["outlet"][:] = False

    has_id = _ID in frame
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
    problems.add(repeated, lambda i: (
        f"duplicate article_id {ids[i]!r} (first at {files[which[first_of[i]]].source} "
        f"line {lines[first_of[i]]})"))

    bad = problems.bad
    rejected = [_reject(files[which[i]].source, int(lines[i]), problems.reason(i),
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
    return articles, rejected


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
        see :mod:`framing.datasets._report`), ``coerced`` (empty), ``n_source_rows`` (always
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
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError) as err:
        raise ValueError(f"unknown encoding {encoding!r}") from err
    if outlet is not None:
        if not isinstance(outlet, str) or not normalize_outlet(outlet):
            raise ValueError(f"outlet must be an outlet name with letters or digits, got "
                             f"{outlet!r}")
    mapping = _check_mapping(columns, id_column)

    paths, skipped = _expand(path_or_paths, skipped_listed_in="attrs['skipped_files']")
    files = [_read(path, kind, encoding) for path, kind in paths]
    for file in files:
        _rename(file, mapping, id_column)
    unused = sorted(set(mapping) - {c for f in files for c in f.raw_columns})
    if unused and any(f.raw_columns for f in files):
        warn_at_caller(f"columns names {unused} but no file has such a column")

    frame, which, lines = _concat(files)
    if len(frame):
        articles, rejected = _validate_rows(frame, which, lines, files, outlet)
    else:
        articles, rejected = empty_articles(), []
    order = {f.source: i for i, f in enumerate(files)}
    rejected += [r for f in files for r in f.rejected]
    rejected.sort(key=lambda r: (order[r["source"]], r["line"]))
    if errors == "raise" and rejected:
        first = rejected[0]
        more = f" ({len(rejected)} bad rows in all)" if len(rejected) > 1 else ""
        raise ValueError(f"{first['source']}, line {first['line']}: {first['reason']}{more}. "
                         "Pass errors='report' to load the good rows and list the bad ones "
                         "in attrs['rejected'].")
    attach_report(articles, rejected=rejected, coerced=[],
                  n_source_rows=sum(f.n_rows for f in files))
    articles.attrs["sources"] = [f.source for f in files]
    articles.attrs["skipped_files"] = ReportTable(skipped, columns=["source", "reason"])
    return validate_articles(articles)
