"""``framing collect RECIPE --out corpus.parquet``: build a corpus from a topic recipe.

The ``framing`` command registers :func:`configure`; ``python -m framing.collect RECIPE
--out corpus.parquet`` runs the same thing, and :func:`add_parser` adds the subcommand to any
other ``argparse`` program.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "configure", "main", "run"]

_DESCRIPTION = """\
Search the sources a topic recipe names (GDELT, Media Cloud, RSS), optionally fetch each
article's full text, keep the articles the recipe's relevance rules accept, flag near-duplicate
bodies, and write a validated articles parquet. Everything found and not kept goes to
<name>.dropped.parquet with the reason. Rerunning skips the search windows and the articles
already handled (pages that could not be fetched are tried again).
"""


def _configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
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
    parser.set_defaults(func=run)
    return parser


def configure(parser: argparse.ArgumentParser, parents: list) -> None:
    """Hook of the ``framing`` command (see :mod:`framing.cli`)."""
    parser.description = _DESCRIPTION
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    _configure(parser)
    parser.set_defaults(handler=run)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``collect`` subcommand to an ``argparse`` subparsers object; return it."""
    parser = subparsers.add_parser("collect", help="build a corpus from a topic recipe",
                                   description=_DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    return _configure(parser)


def run(args: argparse.Namespace) -> int:
    """Run ``framing collect``; return the exit status.

    0: the corpus was written and every search answered; 1: written, but a source failed or
    some searches failed (listed in the summary; a rerun retries them); 2: nothing was done
    (bad recipe, arguments or missing key, or ``FRAMING_OFFLINE`` set while the run needs
    the network). Errors are one line on stderr, not a traceback.
    """
    from .._config import OfflineError
    from .pipeline import collect_corpus
    from .recipes import RecipeError

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
        print(f"framing collect: error: {err}", file=sys.stderr)
        return 2
    return 1 if summary["failed_sources"] or summary["incomplete"] else 0


def main(argv=None) -> int:
    """Entry point of ``python -m framing.collect``."""
    parser = _configure(argparse.ArgumentParser(
        prog="python -m framing.collect", description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter))
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
