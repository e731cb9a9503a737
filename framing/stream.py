"""Score a corpus larger than memory: read, check and score it in chunks, resumably.

:func:`score_corpus` (and the ``framing score`` command built on it) reads JSONL, CSV, TSV
(also gzipped) or parquet files a chunk of rows at a time, checks every row against the
articles contract exactly as :func:`framing.datasets.load_articles` does, scores the good
rows with :func:`framing.features.extract_features`, and writes one parquet row group per
chunk. Memory holds one chunk (plus 28 bytes per article for finding duplicate ids across
chunks), whatever the size of the corpus.

Nothing is dropped silently: every source row is either in the output or in the rejected
file (``OUTPUT.rejected.jsonl``: ``source, line, row_id, reason`` per line), and the
summary says ``rows read = scored + rejected``.

Resume: while it runs, finished chunks are kept in ``OUTPUT.parts/`` and its progress in
``OUTPUT.state.json``. Run the same command again after an interruption and it continues
after the last complete chunk; it refuses if the input files (size, modification time, or
their first and last MiB) or the options changed, unless told to start over
(``overwrite=True``, ``--overwrite``). When all chunks are done they are joined into
``OUTPUT`` and the parts and state are removed.

Examples
--------
>>> import json, tempfile
>>> from pathlib import Path
>>> import pandas as pd
>>> from framing.features import LexiconScorer
>>> from framing.lexicons import Lexicon
>>> from framing.stream import score_corpus
>>> lexicon = Lexicon.from_dict({"enforcement": ["ice", "deport"]}, name="toy")
>>> rows = [{"article_id": "a1", "outlet": "Fox News", "text": "ICE will deport them."},
...         {"article_id": "a2", "outlet": "CNN", "text": ""},
...         {"article_id": "a3", "outlet": "CNN", "text": "A council vote."}]
>>> with tempfile.TemporaryDirectory() as folder:
...     source = Path(folder) / "corpus.jsonl"
...     _ = source.write_text("\\n".join(json.dumps(r) for r in rows), encoding="utf-8")
...     summary = score_corpus(source, Path(folder) / "scores.parquet",
...                            scorers=[LexiconScorer(lexicon)], chunk_size=2)
...     scores = pd.read_parquet(Path(folder) / "scores.parquet")
>>> summary["rows_read"], summary["rows_scored"], summary["rows_rejected"]
(3, 2, 1)
>>> scores["lexicon__enforcement"].round(1).tolist()
[500.0, 0.0]
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["SCORER_NAMES", "StateMismatch", "score_corpus"]

#: ``--scorers`` names and the scorer each stands for (default settings).
SCORER_NAMES = ("loaded", "sentiment", "term_choice", "frames", "sourcing")
_STATE_VERSION = 1
_FINGERPRINT_BYTES = 1 << 20  # first and last MiB of each file
_LONE_CR = re.compile(r"\r(?!\n)")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


class StateMismatch(ValueError):
    """An interrupted run's state does not match this run (input or options changed)."""


# --------------------------------------------------------------------------------------
# Input: files, fingerprints, chunks
# --------------------------------------------------------------------------------------

def _fingerprint(path: Path) -> dict:
    """Path, size, modification time and the sha256 of the first and last MiB."""
    stat = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        digest.update(handle.read(_FINGERPRINT_BYTES))
        if stat.st_size > _FINGERPRINT_BYTES:
            handle.seek(max(_FINGERPRINT_BYTES, stat.st_size - _FINGERPRINT_BYTES))
            digest.update(handle.read())
    return {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
            "sha256_ends": digest.hexdigest()}


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


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
    decoded on its own (an undecodable line is one bad row); blank lines are not records.
    """
    from .datasets._load import _JSON_TYPES, _encoding_hint, _is_utf8, _reject

    decode_error = _encoding_hint(encoding)
    ascii_compatible = "\n".encode(encoding) == b"\n"

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
            rejected.append(_reject(source, number, decode_error))
        elif text.strip():
            try:
                item = json.loads(text)
            except json.JSONDecodeError as err:
                rejected.append(_reject(source, number,
                                        f"not valid JSON: {err.msg} (column {err.colno})"))
            else:
                if isinstance(item, dict):
                    records.append(item)
                    numbers.append(number)
                else:
                    kind = _JSON_TYPES.get(type(item), type(item).__name__)
                    rejected.append(_reject(source, number,
                                            f"expected a JSON object, got a JSON {kind}"))
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
    from .datasets._load import _BigCsvFields, _encoding_hint, _is_utf8, _reject

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

    reader = csv.reader(physical_lines(), delimiter=delimiter, strict=True)
    header, header_line = None, 0
    rows, numbers, rejected = [], [], []
    previous = 0
    with _BigCsvFields():
        while True:
            start = previous + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                previous = reader.line_num
                if start > skip:
                    reason = f"malformed CSV: {err}"
                    if "end of data" in str(err):
                        reason += (" (a quoted field opened in this record is never closed, "
                                   "so it ran to the end of the file)")
                    rejected.append(_reject(source, start, reason))
            else:
                previous = reader.line_num
                if not row:
                    continue
                if header is None:
                    header, header_line = restore(row), start
                    continue
                if start <= skip:
                    continue
                if len(row) != len(header):
                    rejected.append(_reject(
                        source, start, f"expected {len(header)} fields (as in the header on "
                        f"line {header_line}), got {len(row)}"))
                else:
                    rows.append(restore(row))
                    numbers.append(start)
            if len(rows) + len(rejected) >= chunk_size:
                yield rows, numbers, rejected, previous, header
                rows, numbers, rejected = [], [], []
    if rows or rejected or previous > skip:
        yield rows, numbers, rejected, previous, header or []


def _parquet_chunks(path: Path, source: str, chunk_size: int, skip: int
                    ) -> Iterator[tuple[pd.DataFrame, np.ndarray, int]]:
    """(frame, row numbers, last row) per chunk of a parquet file, one batch at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(path)
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
    from .datasets._load import _File

    source = str(path)
    if kind == "jsonl":
        for records, lines, rejected, end in _jsonl_chunks(path, source, encoding, chunk_size,
                                                           skip):
            frame = pd.DataFrame(records, dtype=object) if records else pd.DataFrame()
            columns = tuple(dict.fromkeys(k for r in records for k in r))
            yield _Chunk(_File(source, frame, np.asarray(lines, np.int64), rejected, columns),
                         index, end)
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


# --------------------------------------------------------------------------------------
# Duplicate ids across chunks
# --------------------------------------------------------------------------------------

class _SeenIds:
    """Every article id written so far, as sorted 128-bit hashes with where each was seen.

    16 bytes of hash and 12 of position per article: a million ids take 28 MB. A 128-bit
    hash makes a false duplicate practically impossible (about 1e-21 for 1e9 ids).
    """

    def __init__(self):
        self.keys = np.zeros(0, dtype="S16")
        self.files = np.zeros(0, dtype=np.int32)
        self.lines = np.zeros(0, dtype=np.int64)

    @staticmethod
    def hashes(ids) -> np.ndarray:
        return np.array([hashlib.blake2b(str(i).encode("utf-8", "surrogatepass"),
                                         digest_size=16).digest() for i in ids], dtype="S16")

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Position of each key among the seen ones, or -1."""
        if not self.keys.size or not keys.size:
            return np.full(keys.size, -1)
        where = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
        return np.where(self.keys[where] == keys, where, -1)

    def add(self, keys: np.ndarray, file_index: int, lines: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        keys, lines = keys[order], np.asarray(lines, np.int64)[order]
        at = np.searchsorted(self.keys, keys)
        self.keys = np.insert(self.keys, at, keys)
        self.files = np.insert(self.files, at, np.int32(file_index))
        self.lines = np.insert(self.lines, at, lines)


# --------------------------------------------------------------------------------------
# State, parts and output
# --------------------------------------------------------------------------------------

def _write_json(path: Path, value) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _resolve_scorers(scorers):
    from .features import default_scorers
    from .features._extract import _fitted

    if scorers is None:
        chosen = default_scorers()
    elif all(isinstance(s, str) for s in scorers):
        by_name = {s.name: s for s in default_scorers()}
        unknown = [s for s in scorers if s not in by_name]
        if unknown:
            raise ValueError(f"unknown scorer(s) {unknown}; choose from {list(SCORER_NAMES)}")
        chosen = [by_name[s] for s in dict.fromkeys(scorers)]
    else:
        chosen = list(scorers)
    return [_fitted(s) for s in chosen]


def _output_frame(articles: pd.DataFrame, features: pd.DataFrame, keep) -> pd.DataFrame:
    """The kept article columns (as text; ``date`` as a UTC timestamp) then the features."""
    out = pd.DataFrame(index=pd.Index(articles.index.astype(object), name="article_id"))
    for column in keep:
        if column == "date":
            out[column] = pd.to_datetime(articles[column], utc=True).dt.as_unit("ns")
        elif column in articles:
            values = articles[column].astype(object)
            out[column] = pd.Series([None if v is None or (not isinstance(v, str)
                                                           and pd.isna(v)) else str(v)
                                     for v in values], index=out.index, dtype=object)
        else:
            out[column] = pd.Series(None, index=out.index, dtype=object)
    return pd.concat([out, features.set_axis(out.index)], axis=1)


def _arrow_schema(keep, names):
    """The output schema, with pandas metadata so that ``article_id`` reads back as index."""
    import pyarrow as pa

    sample = pd.DataFrame(index=pd.Index(["id"], dtype=object, name="article_id"))
    for column in keep:
        sample[column] = (pd.Series(pd.Timestamp(0, tz="UTC"), index=sample.index,
                                    dtype="datetime64[ns, UTC]") if column == "date"
                          else pd.Series("x", index=sample.index, dtype=object))
    for name in names:
        sample[name] = np.float64(0)
    return pa.Schema.from_pandas(sample, preserve_index=True)


def _to_table(frame: pd.DataFrame, schema):
    import pyarrow as pa

    arrays = []
    for field in schema:
        if field.name == "article_id":
            arrays.append(pa.array(frame.index.to_numpy(dtype=object), type=field.type))
            continue
        values = frame[field.name]
        arrays.append(pa.array(values.to_numpy() if field.type == pa.float64()
                               else values, type=field.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema)


def _join_parts(parts: list[Path], output: Path, schema) -> None:
    """Write the parts into ``output``, one row group per part, then move it into place."""
    import pyarrow.parquet as pq

    tmp = output.with_name(output.name + ".tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        for part in parts:
            table = pq.read_table(part, schema=schema)
            if table.num_rows:
                writer.write_table(table, row_group_size=max(1, table.num_rows))
    os.replace(tmp, output)


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------

def score_corpus(input_path, output, *, scorers=None, chunk_size: int = 2000,
                 keep=("outlet", "date"), columns=None, id_column=None, outlet=None,
                 encoding: str = "utf-8", errors: str = "report", overwrite: bool = False,
                 progress: bool = False, batch_size: int = 2000) -> dict:
    """Score every article of one or more files in chunks; write one parquet file.

    Parameters
    ----------
    input_path : path-like or list of path-like
        Files or folders as :func:`framing.datasets.load_articles` takes them (JSONL, CSV,
        TSV, their ``.gz``, parquet).
    output : path-like
        The parquet file to write: ``article_id`` (the index when read with pandas), the
        ``keep`` columns, then the features (float64 ``<scorer>__<feature>``).
    scorers : list of str or of scorers, optional
        Names from :data:`SCORER_NAMES` or scorer objects; default: every default scorer.
    chunk_size : int, default 2000
        Source rows per chunk (and per output row group).
    keep : sequence of str, default ("outlet", "date")
        Article columns copied to the output, written as text (``date`` as a UTC
        timestamp); a column an input lacks is written as missing.
    columns, id_column, outlet, encoding
        As in :func:`framing.datasets.load_articles`.
    errors : {"report", "raise"}, default "report"
        ``"report"``: bad rows go to ``OUTPUT.rejected.jsonl``. ``"raise"``: stop at the
        first chunk with a bad row, naming its file, line and reason (chunks already done
        stay done: fix the input and start over with ``overwrite``).
    overwrite : bool, default False
        Start over, discarding an interrupted run's parts and an existing output.
    progress : bool, default False
        Show a progress bar (rows) on stderr.
    batch_size : int, default 2000
        Articles scored at a time inside a chunk.

    Returns
    -------
    dict
        ``rows_read`` (source rows: records and bad lines), ``rows_scored``,
        ``rows_rejected`` (``rows_read == rows_scored + rows_rejected``), ``chunks``,
        ``resumed_chunks`` (chunks kept from an interrupted run), ``output``,
        ``rejected_path``, ``features`` (names).

    Raises
    ------
    StateMismatch
        An interrupted run's state exists but the input or the options differ.
    FileExistsError
        ``output`` exists and there is no interrupted run to resume (pass ``overwrite``).
    ValueError
        A whole-file problem (damaged parquet or gzip, undecodable CSV) or, with
        ``errors="raise"``, a bad row.
    """
    from .datasets._load import (
        _check_mapping,
        _concat,
        _expand,
        _rename,
        _validate_rows,
    )
    from .features._extract import _score
    from .schema import normalize_outlet, validate_articles

    if errors not in ("report", "raise"):
        raise ValueError(f"errors must be 'report' or 'raise', got {errors!r}")
    chunk_size = int(chunk_size)
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be positive, got {chunk_size}")
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError) as err:
        raise ValueError(f"unknown encoding {encoding!r}") from err
    if outlet is not None and (not isinstance(outlet, str) or not normalize_outlet(outlet)):
        raise ValueError(f"outlet must be an outlet name with letters or digits, got "
                         f"{outlet!r}")
    mapping = _check_mapping(columns, id_column)
    keep = [keep] if isinstance(keep, str) else list(keep)
    output = Path(output)
    parts_dir = output.with_name(output.name + ".parts")
    state_path = output.with_name(output.name + ".state.json")
    rejected_path = output.with_name(output.name + ".rejected.jsonl")

    files, _ = _expand(input_path)
    fitted = _resolve_scorers(scorers)
    names = [n for s in fitted for n in s.get_feature_names_out()]
    if len(set(names)) != len(names):
        raise ValueError("two scorers produce the same feature name; give them distinct names")
    options = {"chunk_size": chunk_size, "keep": keep, "columns": mapping,
               "id_column": id_column, "outlet": outlet, "encoding": encoding,
               "features": names,
               "scorers": [f"{type(s).__module__}.{type(s).__name__}" for s in fitted]}
    fingerprints = [_fingerprint(p) for p, _ in files]

    if overwrite:
        shutil.rmtree(parts_dir, ignore_errors=True)
        for path in (state_path, rejected_path, output):
            path.unlink(missing_ok=True)
    state = None
    if state_path.exists():
        state = json.loads(state_path.read_text(encoding="utf-8"))
        _check_state(state, fingerprints, options, state_path)
    elif output.exists():
        raise FileExistsError(f"{output} exists (pass overwrite=True / --overwrite to "
                              "replace it)")
    if state is None:
        shutil.rmtree(parts_dir, ignore_errors=True)
        parts_dir.mkdir(parents=True)
        rejected_path.write_bytes(b"")
        state = {"version": _STATE_VERSION, "inputs": fingerprints, "options": options,
                 "chunks": [], "rejected_bytes": 0}
        _write_json(state_path, state)

    schema = _arrow_schema(keep, names)
    seen = _SeenIds()
    for chunk in state["chunks"]:
        if chunk["part"]:
            ids = np.load(parts_dir / f"{chunk['part']}.ids.npz")
            seen.add(ids["keys"], int(ids["file_index"]), ids["lines"])
    with open(rejected_path, "r+b") as handle:  # drop lines of an unfinished chunk
        handle.truncate(state["rejected_bytes"])
    start = ((state["chunks"][-1]["file"], state["chunks"][-1]["end"]) if state["chunks"]
             else (0, 0))
    resumed = len(state["chunks"])

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(desc="scoring", unit="rows",
                   initial=sum(c["rows_read"] for c in state["chunks"]))
    try:
        for chunk in _chunks(files, encoding, chunk_size, start):
            file = chunk.file
            _rename(file, mapping, id_column)
            frame, which, lines = _concat([file])
            if len(frame):
                articles, rejected = _validate_rows(frame, which, lines, [file], outlet)
                # Each raw row has its own line: the kept ones are those not rejected.
                bad = {r["line"] for r in rejected}
                kept_lines = np.array([n for n in lines if n not in bad], dtype=np.int64)
            else:
                articles, rejected, kept_lines = None, [], np.zeros(0, np.int64)
            rejected += file.rejected
            if articles is not None and len(articles):
                articles, kept_lines, rejected = _drop_seen(articles, kept_lines, rejected,
                                                            seen, files, file)
            n_out = 0 if articles is None else len(articles)
            if n_out + len(rejected) != len(frame) + len(file.rejected):  # never silent
                raise RuntimeError(f"{file.source}: {len(frame) + len(file.rejected)} rows "
                                   f"in, {n_out} scored and {len(rejected)} rejected")
            rejected.sort(key=lambda r: r["line"])
            if errors == "raise" and rejected:
                first = rejected[0]
                raise ValueError(f"{first['source']}, line {first['line']}: "
                                 f"{first['reason']}")
            part = ""
            if articles is not None and len(articles):
                validate_articles(articles)
                features = _score(articles["text"], fitted, names, batch_size)
                table = _to_table(_output_frame(articles, features, keep),
                                  schema)
                part = f"part-{len(state['chunks']):06d}"
                _write_part(parts_dir, part, table, articles, seen, chunk.file_index,
                            kept_lines)
            with open(rejected_path, "ab") as handle:
                for record in rejected:
                    # ASCII escapes: a reason quoting U+2028 or U+0085 must not split the
                    # line for readers that treat those as line ends.
                    handle.write(json.dumps(record).encode("ascii") + b"\n")
                state["rejected_bytes"] = handle.tell()
            state["chunks"].append({"part": part, "file": chunk.file_index, "end": chunk.end,
                                    "rows_read": n_out + len(rejected), "rows_out": n_out,
                                    "rows_rejected": len(rejected)})
            _write_json(state_path, state)
            if bar is not None:
                bar.update(n_out + len(rejected))
    finally:
        if bar is not None:
            bar.close()

    parts = [parts_dir / f"{c['part']}.parquet" for c in state["chunks"] if c["part"]]
    _join_parts(parts, output, schema)
    shutil.rmtree(parts_dir, ignore_errors=True)
    state_path.unlink(missing_ok=True)
    totals = {k: sum(c[k] for c in state["chunks"])
              for k in ("rows_read", "rows_out", "rows_rejected")}
    assert totals["rows_read"] == totals["rows_out"] + totals["rows_rejected"]
    return {"rows_read": totals["rows_read"], "rows_scored": totals["rows_out"],
            "rows_rejected": totals["rows_rejected"], "chunks": len(state["chunks"]),
            "resumed_chunks": resumed, "output": str(output),
            "rejected_path": str(rejected_path), "features": names}


def _check_state(state, fingerprints, options, state_path) -> None:
    if state.get("version") != _STATE_VERSION:
        raise StateMismatch(f"{state_path} was written by another version of framing; "
                            "start over with --overwrite")
    if state["inputs"] != fingerprints:
        old = {f["path"]: f for f in state["inputs"]}
        changed = [f["path"] for f in fingerprints if old.get(f["path"]) != f]
        changed += [p for p in old if p not in {f["path"] for f in fingerprints}]
        raise StateMismatch(f"the input changed since the interrupted run ({changed[0]} "
                            "differs in size, modification time or content): refusing to "
                            "resume; start over with --overwrite")
    if state["options"] != json.loads(json.dumps(options)):
        differ = sorted(k for k in options
                        if json.loads(json.dumps(options))[k] != state["options"].get(k))
        raise StateMismatch(f"the options differ from the interrupted run's ({differ}): "
                            "rerun with the same options, or start over with --overwrite")


def _drop_seen(articles, lines, rejected, seen: _SeenIds, files, file):
    """Move articles whose id an earlier chunk already wrote to ``rejected``."""
    from .datasets._load import _reject

    hits = seen.find(seen.hashes(articles.index))
    if not (hits >= 0).any():
        return articles, lines, rejected
    for position in np.flatnonzero(hits >= 0):
        first = hits[position]
        rejected.append(_reject(
            file.source, int(lines[position]),
            f"duplicate article_id {articles.index[position]!r} (first at "
            f"{files[int(seen.files[first])][0]} line {int(seen.lines[first])})",
            articles.index[position]))
    fresh = np.flatnonzero(hits < 0)
    return articles.iloc[fresh], lines[fresh], rejected


def _write_part(parts_dir: Path, part: str, table, articles, seen: _SeenIds, file_index,
                lines) -> None:
    """Write a chunk's rows and ids atomically (a crash leaves no half-written part)."""
    import pyarrow.parquet as pq

    tmp = parts_dir / f"{part}.parquet.tmp"
    pq.write_table(table, tmp)
    keys = seen.hashes(articles.index)
    with open(parts_dir / f"{part}.ids.tmp", "wb") as handle:
        np.savez(handle, keys=keys, file_index=np.int32(file_index), lines=lines)
    os.replace(parts_dir / f"{part}.ids.tmp", parts_dir / f"{part}.ids.npz")
    os.replace(tmp, parts_dir / f"{part}.parquet")
    seen.add(keys, file_index, lines)
