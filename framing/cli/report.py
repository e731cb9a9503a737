"""``framing report``: one self-contained, offline HTML report on a corpus, compared by a column.

See :func:`framing.report.report` for what the page holds. Module-level imports stay light
(the ``framing`` command imports this module only when ``report`` is the subcommand).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import UsageError, column_mapping

__all__ = ["configure", "run"]

_EPILOG = """\
The page is one HTML file: figures are inline images, nothing is fetched from the network.
Rows of ARTICLES that cannot be read are listed in the report (and counted here); a corpus
with no readable row is an error.

examples:
  framing report corpus.jsonl --by label_allsides --out report.html
  framing report export.csv --by label_rating --columns body=text,source=outlet
  framing report corpus/ --by label_allsides --n-boot 200 --out quick.html
"""


def configure(parser: argparse.ArgumentParser, parents: list) -> None:
    """Add ``framing report``'s arguments to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``report`` subcommand's parser.
    parents : list of argparse.ArgumentParser
        Options every parser takes (``--debug``); ``report`` has no nested parsers.
    """
    parser.description = ("Write one self-contained HTML report on the articles of ARTICLES\n"
                          "(JSONL, CSV, TSV, their .gz, parquet; files or folders): their\n"
                          "outlets, and their groups compared by --by.")
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("input", nargs="+", metavar="ARTICLES", help="files or folders")
    parser.add_argument("--by", required=True, metavar="COLUMN",
                        help="the column to compare groups by, e.g. label_allsides")
    parser.add_argument("--out", default="report.html", metavar="REPORT.html",
                        help="the HTML file to write (default report.html)")
    parser.add_argument("--title", default=None, help="the page title")
    parser.add_argument("--columns", default=None, metavar="FILE=ARTICLES,...",
                        help="rename file columns, e.g. body=text,source=outlet,id=article_id")
    parser.add_argument("--id-column", default=None, metavar="NAME",
                        help="the file column holding article ids")
    parser.add_argument("--outlet", default=None, help="outlet of files without an outlet column")
    parser.add_argument("--encoding", default="utf-8", help="text encoding (default utf-8)")
    parser.add_argument("--n-boot", type=int, default=1000, metavar="N",
                        help="bootstrap draws per interval (default 1000; fewer is faster)")
    parser.add_argument("--n-perm", type=int, default=100, metavar="N",
                        help="outlet permutations for fightin' words (default 100; 0: none)")
    parser.add_argument("--min-articles", type=int, default=5, metavar="N",
                        help="outlets and year cells with fewer articles are not drawn "
                             "(default 5)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Load the articles, write the report, print where it went; return the exit status.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments (see :func:`configure`).

    Returns
    -------
    int
        0 when the report was written.

    Raises
    ------
    UsageError
        A path that does not exist, a bad option value, a ``--by`` column the articles do
        not have, or too few or too many groups (exit status 2).
    """
    import sys

    from ..datasets import load_articles
    from ..report import MAX_GROUPS, report

    missing = [p for p in args.input if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    for name in ("n_boot", "min_articles"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
    if args.n_perm < 0:
        raise UsageError("--n-perm must be 0 or more")
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UsageError(f"--out: folder {str(out.parent)!r} does not exist")
    articles = load_articles(args.input, columns=column_mapping(args.columns), errors="report",
                             id_column=args.id_column, outlet=args.outlet,
                             encoding=args.encoding)
    rejected = articles.attrs.get("rejected")
    n_rejected = 0 if rejected is None else len(rejected)
    if articles.empty:
        hint = ""
        if n_rejected:
            first = rejected.iloc[0]
            hint = (f" (e.g. {first['source']}, line {first['line']}: {first['reason']}); if "
                    "the file names its columns differently, map them with --columns, e.g. "
                    "--columns body=text,source=outlet")
        raise UsageError(f"no article to report on: {n_rejected} rows rejected{hint}")
    if args.by not in articles.columns:
        labels = [c for c in articles.columns if str(c).startswith("label_")]
        raise UsageError(f"--by {args.by!r} is not a column of the articles; label columns: "
                         f"{labels or 'none'} (columns: {list(map(str, articles.columns))})")
    groups = articles[args.by].dropna().unique()
    if not 2 <= len(groups) <= MAX_GROUPS:
        raise UsageError(f"--by {args.by!r} has {len(groups)} groups; a report compares 2 to "
                         f"{MAX_GROUPS}")
    if n_rejected:
        print(f"framing report: {n_rejected} rows rejected (listed in the report)",
              file=sys.stderr)
    path = report(articles, by=args.by, out=out, title=args.title, n_boot=args.n_boot,
                  n_perm=args.n_perm, min_articles=args.min_articles, random_state=args.seed,
                  progress=not args.no_progress)
    print(f"wrote {path} ({len(articles):,} articles by {args.by})")
    return 0
