"""``framing score``: score a corpus of any size into a parquet file, in chunks, resumably.

See :mod:`framing.stream` for what is read, checked, written and resumed. Module-level
imports stay light (the ``framing`` command imports this module only when ``score`` is the
subcommand).
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager

from . import UsageError, column_mapping

__all__ = ["configure", "run"]

_EPILOG = """\
Every source row is either scored or listed in OUTPUT.rejected.jsonl with its file, line and
reason. Interrupted? Run the same command again: it continues after the last complete chunk
(and refuses if the input or the options changed; --overwrite starts over).

OUTPUT may be in an input folder: the output and the files beside it are not read as input.
One run at a time writes OUTPUT: a second one is refused while the first holds OUTPUT.lock
(a lock left by a killed run is taken over).

examples:
  framing score corpus.jsonl --out scores.parquet
  framing score corpus/ --out scores.parquet --scorers loaded,term_choice --chunk-size 5000
  framing score export.csv --out scores.parquet --columns body=text,source=outlet
"""


def configure(parser: argparse.ArgumentParser, parents: list) -> None:
    """Add ``framing score``'s arguments to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``score`` subcommand's parser.
    parents : list of argparse.ArgumentParser
        Options every parser takes (``--debug``); ``score`` has no nested parsers.
    """
    from ..stream import SCORER_NAMES

    parser.description = ("Score every article of INPUT (JSONL, CSV, TSV, their .gz, parquet; "
                          "files or folders) with framing's scorers, a chunk at a time, into "
                          "one parquet file.")
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("input", nargs="+", metavar="INPUT", help="files or folders to score")
    parser.add_argument("--out", required=True, metavar="OUTPUT.parquet",
                        help="the parquet file to write")
    parser.add_argument("--scorers", default=",".join(SCORER_NAMES), metavar="NAMES",
                        help=f"comma-separated, from {','.join(SCORER_NAMES)} (default: all)")
    parser.add_argument("--chunk-size", type=int, default=2000, metavar="N",
                        help="source rows per chunk and per output row group (default 2000)")
    parser.add_argument("--keep", default="outlet,date", metavar="COLUMNS",
                        help="article columns copied to the output (default outlet,date)")
    parser.add_argument("--columns", default=None, metavar="FILE=ARTICLES,...",
                        help="rename file columns, e.g. body=text,source=outlet,id=article_id")
    parser.add_argument("--id-column", default=None, metavar="NAME",
                        help="the file column holding article ids")
    parser.add_argument("--outlet", default=None, help="outlet of files without an outlet column")
    parser.add_argument("--encoding", default="utf-8", help="text encoding (default utf-8)")
    parser.add_argument("--errors", choices=("report", "raise"), default="report",
                        help="report bad rows (default) or stop at the first one")
    parser.add_argument("--overwrite", action="store_true",
                        help="start over: discard an interrupted run and an existing output")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


class _Terminated(BaseException):
    """SIGTERM, raised in the run so that it unwinds (releasing its lock) as after Ctrl-C.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` swallows it.
    """


@contextmanager
def _sigterm_unwinds():
    """Turn SIGTERM into :class:`_Terminated` inside the block, then die of SIGTERM.

    Without a handler SIGTERM ends the process at once and leaves ``OUTPUT.lock`` behind
    (harmless, as the next run takes it over, but misleading to a reader). The run's files
    are written so that stopping at any point resumes the same, so unwinding is safe. A
    handler someone else installed, or a thread other than the main one, is left alone.
    """
    import signal
    import threading

    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL):
        yield
        return

    def stop(signum, frame):
        raise _Terminated

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    except _Terminated:
        # End as SIGTERM ends a process, so that a shell or scheduler sees the signal.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        sys.stdout.flush()
        sys.stderr.flush()
        signal.raise_signal(signal.SIGTERM)
        raise  # only reached where SIGTERM is blocked
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def run(args) -> int:
    """Run ``framing score``; print the counts; return the exit status.

    Parameters
    ----------
    args : argparse.Namespace
        The arguments :func:`configure` defines.

    Returns
    -------
    int
        0 when the corpus was scored (rejected rows are listed, not an error).

    Raises
    ------
    NothingScored
        When every row was rejected (exit status 1); the message names the columns the
        input has and the ``--columns`` that would map them.
    UsageError
        For an unknown scorer, a bad ``--chunk-size`` or ``--columns``, or an input or
        output that cannot be used as given (a changed input when resuming, for example).
    """
    from ..stream import SCORER_NAMES, OutputConflict, StateMismatch, score_corpus

    scorers = [s.strip() for s in args.scorers.split(",") if s.strip()]
    unknown = [s for s in scorers if s not in SCORER_NAMES]
    if unknown or not scorers:
        raise UsageError(f"unknown scorer(s) {unknown or scorers}; choose from "
                         f"{','.join(SCORER_NAMES)}")
    if args.chunk_size < 1:
        raise UsageError(f"--chunk-size must be positive, got {args.chunk_size}")
    keep = [c.strip() for c in args.keep.split(",") if c.strip()]
    try:
        with _sigterm_unwinds():
            summary = score_corpus(args.input, args.out, scorers=scorers,
                                   chunk_size=args.chunk_size, keep=keep,
                                   columns=column_mapping(args.columns), id_column=args.id_column,
                                   outlet=args.outlet, encoding=args.encoding,
                                   errors=args.errors, overwrite=args.overwrite,
                                   progress=not args.no_progress)
    except (StateMismatch, OutputConflict, FileExistsError, FileNotFoundError,
            TypeError) as err:
        raise UsageError(str(err)) from err
    resumed = (f" ({summary['resumed_chunks']} chunk(s) kept from the interrupted run)"
               if summary["resumed_chunks"] else "")
    print(f"read {summary['rows_read']:,} rows: {summary['rows_scored']:,} scored, "
          f"{summary['rows_rejected']:,} rejected{resumed}")
    print(f"scores: {summary['output']} ({len(summary['features'])} features)")
    if summary["rows_rejected"]:
        print(f"rejected rows: {summary['rejected_path']}")
    sys.stdout.flush()
    if summary["rows_rejected"] and not summary["rows_scored"]:
        raise NothingScored(_nothing_scored_message(summary))
    return 0


class NothingScored(Exception):
    """Every row of the input was rejected: the run failed (exit status 1)."""


def _nothing_scored_message(summary: dict) -> str:
    """One line: why no row was scored and, for unmapped columns, the ``--columns`` to pass."""
    message = (f"every row was rejected ({summary['rows_rejected']:,}, listed in "
               f"{summary['rejected_path']})")
    suggested = summary.get("suggested_columns") or {}
    if suggested:
        lacking = " or ".join(repr(target) for target in suggested.values())
        pairs = ",".join(f"{column}={target}" for column, target in suggested.items())
        found = ", ".join(summary.get("columns") or []) or "none"
        message += (f": the input has no {lacking} column (its columns: {found}); "
                    f"map them with --columns {pairs}")
        if "outlet" in suggested.values():
            message += " (or give every file one outlet with --outlet NAME)"
    elif summary.get("top_reason"):
        message += f"; most common reason: {summary['top_reason']}"
    return message
