"""The run: read the corpus chunk by chunk; check, score and write each chunk; join them.

:func:`score_corpus` is the public entry (see :mod:`framing.stream`); each step of a chunk is
a function here or in a sibling module, so that the loop reads as the steps it takes.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from .._progress import progress_bar
from ..features import score_texts
from ..io import (
    Chunk,
    UndecodableFile,
    check_reading_options,
    find_files,
    read_chunks,
    suggest_column_mapping,
    validate_rows,
)
from ._lock import _output_lock
from ._output import _arrow_schema, _join_parts, _output_frame, _to_table, _write_part
from ._resume import (
    _clean_up,
    _commit_chunk,
    _fingerprint,
    _leave_out_run_files,
    _open_state,
    _resume_point,
    _RunFiles,
)
from ._seen import _drop_seen, _SeenIds

#: ``--scorers`` names and the scorer each stands for (default settings).
SCORER_NAMES = ("loaded", "sentiment", "term_choice", "frames", "sourcing")


def score_corpus(input_path, output, *, scorers=None, chunk_size: int = 2000,
                 keep=("outlet", "date"), columns=None, id_column=None, outlet=None,
                 encoding: str = "utf-8", errors: str = "report", overwrite: bool = False,
                 progress: bool = False, batch_size: int = 2000) -> dict:
    """Score every article of one or more files in chunks; write one parquet file.

    Parameters
    ----------
    input_path : path-like or list of path-like
        Files or folders as :func:`framing.datasets.load_articles` takes them (JSONL, CSV,
        TSV, their ``.gz``, parquet). The output and the files the run keeps beside it are
        left out of an input folder that holds them.
    output : path-like
        The parquet file to write: ``article_id`` (the index when read with pandas), the
        ``keep`` columns, then the features (float64 ``<scorer>__<feature>``). One run at
        a time writes it: the run holds ``OUTPUT.lock`` until it ends.
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
        ``rejected_path``, ``features`` (names); from the rows this call read (not those
        of chunks kept from an interrupted run): ``columns`` (the input's column names),
        ``top_reason`` (the most common reason a row was rejected, or None) and
        ``suggested_columns`` (a ``columns`` mapping for the ``text`` and ``outlet``
        columns the input lacks, guessed from usual names such as ``body`` or ``source``,
        ``"TEXT_COLUMN"`` or ``"OUTLET_COLUMN"`` where none fits; empty when none is
        lacking).

    Raises
    ------
    StateMismatch
        An interrupted run's state exists but the input or the options differ.
    OutputConflict
        An input is the output or one of the files beside it (the run would overwrite or
        delete it), or a file at the output path in an input folder was not written by
        framing score. Nothing has been written or deleted.
    OutputLocked
        Another run is writing the same output (a subclass of ``OutputConflict``).
    FileExistsError
        ``output`` exists and there is no interrupted run to resume (pass ``overwrite``).
    ValueError
        A whole-file problem (damaged parquet or gzip, undecodable CSV) or, with
        ``errors="raise"``, a bad row.
    """
    chunk_size, mapping, keep = _check_arguments(errors, chunk_size, encoding, outlet,
                                                 columns, id_column, keep)
    run = _RunFiles.beside(Path(output))
    files = _list_inputs(input_path, run)
    fitted, names = _resolve_scorers(scorers)
    options = {"chunk_size": chunk_size, "keep": keep, "columns": mapping,
               "id_column": id_column, "outlet": outlet, "encoding": encoding,
               "features": names,
               "scorers": [f"{type(s).__module__}.{type(s).__name__}" for s in fitted]}
    with _output_lock(run.lock_path, run.output):
        state = _open_state(run, [_fingerprint(p) for p, _ in files], options, overwrite)
        schema = _arrow_schema(keep, names)
        seen, start = _resume_point(run, state)
        resumed = len(state["chunks"])

        bar = progress_bar(desc="scoring", unit="rows", enabled=progress,
                           initial=sum(c["rows_read"] for c in state["chunks"]))
        # What this run read, for the hint when no row can be scored.
        seen_columns: dict[str, None] = {}
        reasons: Counter = Counter()
        try:
            for chunk in _chunks(files, encoding, chunk_size, start):
                articles, lines, rejected = _check_chunk(chunk, mapping, id_column, outlet,
                                                         seen, files)
                seen_columns.update(dict.fromkeys(chunk.rows.raw_columns))
                reasons.update(r["reason"] for r in rejected)
                if errors == "raise" and rejected:
                    first = rejected[0]
                    raise ValueError(f"{first['source']}, line {first['line']}: "
                                     f"{first['reason']}")
                part = ""
                if articles is not None:
                    table = _score_chunk(articles, fitted, names, batch_size, keep, schema)
                    part = f"part-{len(state['chunks']):06d}"
                    _write_part(run.parts_dir, part, table, articles, seen, chunk.file_index,
                                lines)
                rows_out = 0 if articles is None else len(articles)
                _commit_chunk(run, state, chunk, part, rows_out, rejected)
                bar.update(rows_out + len(rejected))
        finally:
            bar.close()

        _join_parts([run.parts_dir / f"{c['part']}.parquet" for c in state["chunks"]
                     if c["part"]], run.output, schema)
        _clean_up(run)
    summary = _summary(state, resumed, run, names)
    summary["columns"] = list(seen_columns)
    summary["top_reason"] = reasons.most_common(1)[0][0] if reasons else None
    summary["suggested_columns"] = suggest_column_mapping(summary["columns"], reasons, mapping)
    return summary


def _list_inputs(input_path, run: _RunFiles) -> list[tuple[Path, str]]:
    """The files to read, as ``load_articles`` lists them, less the run's own files.

    The listing warns of the files it skips (not a supported format); the run's own files
    beside the output (state, lock, ids of the parts) are left out of that warning too.
    """
    import warnings

    from .._warnings import warn_at_caller

    # A list, so that an iterator of paths is read once, by find_files, and kept for the
    # check.
    given = [input_path] if isinstance(input_path, str | os.PathLike) else input_path
    if isinstance(given, Iterable) and not isinstance(given, bytes):
        given = list(given)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # record now; the user's filters apply when re-issued
        files, skipped = find_files(given)
    files = _leave_out_run_files(given, files, run)
    own_skipped = any(run.role(Path(s["source"])) for s in skipped)
    for warning in caught:
        if not (own_skipped and str(warning.message).startswith("skipped ")):
            warn_at_caller(str(warning.message), warning.category)
    visible = [s for s in skipped if not s["reason"].startswith("hidden")
               and run.role(Path(s["source"])) is None]
    if own_skipped and visible:  # the listing's warning, less the run's own files
        shown = "; ".join(f"{s['source']} ({s['reason']})" for s in visible[:3])
        more = "; ..." if len(visible) > 3 else ""
        warn_at_caller(f"skipped {len(visible)} file(s) or folder(s): {shown}{more}")
    return files


def _check_arguments(errors, chunk_size, encoding, outlet, columns, id_column, keep):
    """The checked options: (chunk size, file column -> articles column, kept columns)."""
    if errors not in ("report", "raise"):
        raise ValueError(f"errors must be 'report' or 'raise', got {errors!r}")
    chunk_size = int(chunk_size)
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be positive, got {chunk_size}")
    mapping = check_reading_options(encoding=encoding, outlet=outlet, columns=columns,
                                    id_column=id_column)
    keep = [keep] if isinstance(keep, str) else list(keep)
    return chunk_size, mapping, keep


def _resolve_scorers(scorers):
    """The fitted scorers and their feature names (which must be distinct)."""
    from ..features import default_scorers, fitted_scorer

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
    fitted = [fitted_scorer(s) for s in chosen]
    names = [n for s in fitted for n in s.get_feature_names_out()]
    if len(set(names)) != len(names):
        raise ValueError("two scorers produce the same feature name; give them distinct names")
    return fitted, names


def _chunks(files, encoding: str, chunk_size: int, start: tuple[int, int]) -> Iterator[Chunk]:
    """The input's chunks from ``start``, as :func:`framing.io.read_chunks` reads them."""
    try:
        yield from read_chunks(files, encoding=encoding, chunk_size=chunk_size, start=start)
    except UndecodableFile as err:
        # The reader's message says the file was not loaded; a run scores, it does not load.
        raise ValueError(f"{err.source}: the file is {err.problem}") from err


def _check_chunk(chunk: Chunk, mapping, id_column, outlet, seen: _SeenIds, files):
    """(articles or None, their lines, rejected rows by line) of one chunk.

    The rows are checked as :func:`framing.datasets.load_articles` checks them, and against
    the ids earlier chunks wrote; every row is either an article or rejected.
    """
    articles, rejected, lines, n_rows = validate_rows([chunk.rows], mapping=mapping,
                                                      id_column=id_column, outlet=outlet)
    if len(articles):
        articles, lines, rejected = _drop_seen(articles, lines, rejected, seen, files,
                                               chunk.rows)
    if len(articles) + len(rejected) != n_rows:  # never silent
        raise RuntimeError(f"{chunk.rows.source}: {n_rows} rows in, {len(articles)} scored "
                           f"and {len(rejected)} rejected")
    rejected.sort(key=lambda r: r["line"])
    return (articles if len(articles) else None), lines, rejected


def _score_chunk(articles, fitted, names, batch_size, keep, schema):
    """The arrow table of a chunk's articles: their kept columns and their scores."""
    from ..schema import validate_articles

    validate_articles(articles)
    # Looked up in this module at each call, so a test can replace it to interrupt a run.
    features = score_texts(articles["text"], fitted, batch_size=batch_size)
    if list(features.columns) != list(names):
        raise RuntimeError(f"the scorers gave features {list(features.columns)}, the run "
                           f"expects {list(names)}")
    return _to_table(_output_frame(articles, features, keep), schema)


def _summary(state, resumed, run: _RunFiles, names) -> dict:
    """score_corpus's return value, from the chunks the state records."""
    totals = {k: sum(c[k] for c in state["chunks"])
              for k in ("rows_read", "rows_out", "rows_rejected")}
    assert totals["rows_read"] == totals["rows_out"] + totals["rows_rejected"]
    return {"rows_read": totals["rows_read"], "rows_scored": totals["rows_out"],
            "rows_rejected": totals["rows_rejected"], "chunks": len(state["chunks"]),
            "resumed_chunks": resumed, "output": str(run.output),
            "rejected_path": str(run.rejected_path), "features": names}
