"""``framing collect RECIPE --out corpus.parquet``: build a corpus from a topic recipe.

The ``framing`` command registers :func:`configure`; ``python -m framing.collect RECIPE
--out corpus.parquet`` runs the same thing through :func:`main`, and :func:`add_parser` adds
the subcommand to any other ``argparse`` program.
"""

from __future__ import annotations

import argparse
import sys

from . import UsageError, _error_line, _run_alone

__all__ = ["add_parser", "configure", "main", "run"]

_DESCRIPTION = """\
Search the sources a topic recipe names (GDELT, Media Cloud, RSS), optionally fetch each
article's full text, keep the articles the recipe's relevance rules accept, flag near-duplicate
bodies, and write a validated articles parquet. Everything found and not kept goes to
<name>.dropped.parquet with the reason. Rerunning skips the search windows and the articles
already handled (pages that could not be fetched are tried again).
"""


def _add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("recipe", help="recipe name (e.g. sanctuary) or path to a recipe.toml")
    parser.add_argument("--out", required=True, help="output parquet file (corpus.parquet)")
    parser.add_argument("--sources", default=None,
                        help="comma-separated: gdelt,mediacloud,rss (default: those the "
                             "recipe configures)")
    parser.add_argument("--fetch-text", action="store_true",
                        help="download each new article's page and extract its main text")
    parser.add_argument("--start", default=None, help="first day, YYYY-MM-DD (default: recipe)")
    parser.add_argument("--end", default=None, help="last day, YYYY-MM-DD, included "
                                                    "(default: recipe)")
    parser.add_argument("--mediacloud-api-key", default=None,
                        help="Media Cloud API key (default: $MEDIACLOUD_API_KEY)")
    parser.add_argument("--gdelt-url", default=None, help="GDELT DOC API address (a mirror)")
    parser.add_argument("--gdelt-min-interval", type=float, default=None,
                        help="seconds between GDELT requests (default 5, as GDELT asks)")
    parser.add_argument("--mediacloud-url", default=None, help="Media Cloud API address")
    parser.add_argument("--workers", type=int, default=8, help="parallel page downloads (8)")
    parser.add_argument("--min-interval", type=float, default=1.0,
                        help="seconds between two requests to one website (1.0)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds to wait for a page to answer (30)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def configure(parser: argparse.ArgumentParser, parents: list) -> None:
    """Add ``framing collect``'s arguments to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``collect`` subcommand's parser.
    parents : list of argparse.ArgumentParser
        Options every parser takes (``--debug``); ``collect`` has no nested parsers.
    """
    parser.description = _DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    _add_arguments(parser)
    parser.set_defaults(handler=run)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``collect`` subcommand to another program's ``argparse`` subparsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The new subparser. Its ``func`` default runs the collection and returns the exit
        status, printing a usage error as one line on stderr (exit status 2).
    """
    parser = subparsers.add_parser("collect", help="build a corpus from a topic recipe",
                                   description=_DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_arguments(parser)
    parser.set_defaults(func=_run_embedded)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``framing collect``; return the exit status.

    Parameters
    ----------
    args : argparse.Namespace
        The arguments :func:`configure` defines.

    Returns
    -------
    int
        0: the corpus was written and every search answered; 1: written, but a source
        failed or some searches failed (listed in the summary; a rerun retries them).

    Raises
    ------
    UsageError
        Nothing was done: a bad recipe, arguments or missing key, or ``FRAMING_OFFLINE``
        set while the run needs the network. The ``framing`` command prints it as one line
        and exits with status 2.
    """
    # Imported when called, not at module level: the pipeline loads pandas, and a test may
    # replace framing.collect.pipeline.collect_corpus.
    from .._config import OfflineError
    from ..collect import RecipeError
    from ..collect.pipeline import collect_corpus

    sources = [s.strip() for s in args.sources.split(",") if s.strip()] if args.sources else None
    source_options: dict = {"gdelt": {}, "mediacloud": {}}
    if args.gdelt_url:
        source_options["gdelt"]["base_url"] = args.gdelt_url
    if args.gdelt_min_interval is not None:
        source_options["gdelt"]["min_interval"] = args.gdelt_min_interval
    if args.mediacloud_url:
        source_options["mediacloud"]["base_url"] = args.mediacloud_url
    fetch_options = {"max_workers": args.workers, "min_interval": args.min_interval,
                     "timeout": (min(10.0, args.timeout), args.timeout)}
    try:
        summary = collect_corpus(
            args.recipe, args.out, sources=sources, fetch_text=args.fetch_text,
            start=args.start, end=args.end, mediacloud_api_key=args.mediacloud_api_key,
            source_options=source_options, fetch_options=fetch_options,
            progress=not args.no_progress, echo=print)
    except (RecipeError, ValueError, OfflineError) as err:
        raise UsageError(str(err)) from err
    return 1 if summary["failed_sources"] or summary["incomplete"] else 0


def _run_embedded(args: argparse.Namespace) -> int:
    # Another program's parser has no framing error path around it: report a usage error
    # here, as one line and status 2, and let anything else propagate to that program.
    try:
        return run(args)
    except UsageError as err:
        print(_error_line("framing collect", err), file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m framing.collect``: ``framing collect`` as a program of its own.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        The exit status, as :func:`framing.cli.main` gives it for ``framing collect``.
    """
    return _run_alone("collect", argv, prog="python -m framing.collect")
