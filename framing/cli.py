"""The ``framing`` command.

Usage::

    framing --version
    framing datasets list
    framing datasets fetch allsides [--data-home DIR] [--no-progress]
    python -m framing datasets list

Exit status: 0 on success, 2 for a usage error (a bad argument, an unknown dataset), 1 for a
failure while running (a download that fails, for example). Errors are one line on stderr;
``--debug`` (before or after the subcommand) shows the traceback instead.

Adding a subcommand
-------------------
Add a :class:`Command` to :data:`COMMANDS`. Its ``target`` names, as ``"module:function"``,
a function ``configure(parser, parents)`` that adds the subcommand's arguments to
``parser`` (an :class:`argparse.ArgumentParser`; pass ``parents=parents`` to any nested
``add_parser`` call so ``--debug`` works there too) and sets ``handler`` with
``parser.set_defaults(handler=run)``. ``run(args)`` returns the exit status (``None``
means 0), prints results to stdout, and raises :class:`UsageError` for a bad argument it
could only detect at run time; any other exception is reported as a runtime error.

Only the module of the subcommand being run is imported, so ``framing --help`` stays fast
and a subcommand whose optional dependencies are missing cannot break the others. Keep
module-level imports in a subcommand module light (no pandas, torch...): import inside
``run``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from dataclasses import dataclass

__all__ = ["COMMANDS", "Command", "UsageError", "build_parser", "main"]

PROG = "framing"


@dataclass(frozen=True)
class Command:
    """A ``framing`` subcommand: its name, one-line help, and ``"module:function"``."""

    name: str
    help: str
    target: str


#: Subcommands, in the order ``framing --help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("datasets", "list and fetch the public datasets", "framing.cli:configure_datasets"),
    Command("collect", "build a corpus from a topic recipe (GDELT, Media Cloud, RSS)",
            "framing.collect.cli:configure"),
    Command("score", "score a corpus of any size into parquet, in chunks, resumably",
            "framing.score_cli:configure"),
)


class UsageError(Exception):
    """A bad argument found while running a subcommand: exit status 2."""


class _ParseError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that reports errors to :func:`main` instead of exiting."""

    def error(self, message):  # noqa: D102 - argparse's hook
        raise _ParseError(f"{message} (see '{self.prog} --help')")


def _common() -> argparse.ArgumentParser:
    # SUPPRESS: a subparser must not reset a --debug given before the subcommand to False.
    # The action is shared by every parser built with this parent, so never set_defaults it.
    common = _Parser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback when something fails")
    return common


def _selected(argv: list[str]) -> str | None:
    """The subcommand named in ``argv``: top-level options take no values, so the first
    token that is not an option is the subcommand."""
    for token in argv:
        if token == "--":
            return None
        if not token.startswith("-"):
            return token
    return None


def _resolve(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """Return the parser, with the subcommand named in ``argv`` fully configured.

    Other subcommands are listed (name and help) but their modules are not imported.
    """
    from . import __version__

    common = _common()
    parser = _Parser(prog=PROG, parents=[common],
                     description="Media-bias and framing analysis for news corpora.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND",
                                       parser_class=_Parser)
    chosen = _selected(argv or [])
    for command in COMMANDS:
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help,
                                    parents=[common])
        if command.name == chosen:
            _resolve(command.target)(sub, [common])
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``framing`` command; return its exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 on success, 1 when the command failed while running, 2 for a usage error.

    Examples
    --------
    >>> from framing.cli import main
    >>> main(["--version"])  # doctest: +ELLIPSIS
    framing ...
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv  # known before parsing, for errors raised while parsing
    try:
        parser = build_parser(argv)
        args = parser.parse_args(argv)
    except _ParseError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else 0
    except Exception as err:  # a subcommand module that fails to load
        if debug:
            raise
        print(f"{PROG}: error: {_one_line(err)}", file=sys.stderr)
        return 1
    debug = getattr(args, "debug", False)
    handler = getattr(args, "handler", None)
    if handler is None:
        # "framing" or "framing datasets" alone: show what can follow.
        parser_for = _subparser(parser, args)
        parser_for.print_help(sys.stderr)
        return 2
    try:
        status = handler(args)
    except UsageError as err:
        if debug:
            raise
        print(f"{PROG}: error: {_one_line(err)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as err:
        if debug:
            raise
        print(f"{PROG}: error: {_one_line(err)}", file=sys.stderr)
        return 1
    return 0 if status is None else int(status)


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    name = type(err).__name__
    # A bare KeyError('x') or OSError prints little on its own: name the type.
    if not text or isinstance(err, KeyError | LookupError | OSError | AttributeError):
        text = f"{name}: {text}" if text else name
    return text


def _subparser(parser: argparse.ArgumentParser, args) -> argparse.ArgumentParser:
    """The deepest parser the user reached, for help when a subcommand is missing."""
    for action in parser._actions:  # argparse has no public way to walk subparsers
        if isinstance(action, argparse._SubParsersAction):
            name = getattr(args, action.dest, None)
            if name in action.choices:
                return _subparser(action.choices[name], args)
    return parser


# --------------------------------------------------------------------------------------
# framing datasets
# --------------------------------------------------------------------------------------

def configure_datasets(parser: argparse.ArgumentParser, parents: list) -> None:
    """Add ``datasets list`` and ``datasets fetch`` to ``parser``."""
    sub = parser.add_subparsers(dest="datasets_command", metavar="ACTION",
                                parser_class=_Parser)
    listing = sub.add_parser("list", parents=parents, help="list the public datasets",
                             description="List the public datasets framing can fetch: name, "
                                         "rows, licence and citation.")
    listing.set_defaults(handler=_datasets_list)
    fetch = sub.add_parser("fetch", parents=parents, help="download, verify and cache a dataset",
                           description="Download a dataset's pinned files (or copy them from "
                                       "FRAMING_MIRROR), verify their sha256, parse and cache "
                                       "them, and summarise the result.")
    fetch.add_argument("name", help="dataset name, as 'framing datasets list' shows it")
    fetch.add_argument("--data-home", metavar="DIR", default=None,
                       help="cache folder (default: FRAMING_DATA_HOME or the per-user cache)")
    fetch.add_argument("--no-progress", action="store_true",
                       help="do not show a progress bar while downloading")
    fetch.add_argument("--refresh", action="store_true",
                       help="parse the cached files again instead of using the parsed cache")
    fetch.set_defaults(handler=_datasets_fetch)


def _catalog():
    """The catalog DataFrame from :func:`framing.datasets.list_datasets`."""
    from . import datasets

    try:
        list_datasets = datasets.list_datasets
    except ModuleNotFoundError as err:
        if err.name != "framing.datasets._catalog":
            raise
        raise RuntimeError("this version of framing has no dataset catalog "
                           "(framing.datasets.list_datasets)") from err
    catalog = list_datasets()
    missing = [c for c in ("name", "rows", "licence", "citation", "fetcher")
               if c not in catalog.columns]
    if "name" not in catalog.columns and catalog.index.name == "name":
        catalog = catalog.reset_index()
        missing.remove("name")
    if missing:
        raise RuntimeError(f"the dataset catalog lacks the column(s) {missing}")
    return catalog


def _cell(value) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                         and pd.isna(value)):
        return "-"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _cell(value.item())
    return " ".join(str(value).split())


def _table(rows: list[list[str]], header: list[str], right: set[int]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        out = [c.rjust(w) if i in right else c.ljust(w)
               for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(out).rstrip()

    return "\n".join([line(header), *(line(r) for r in rows)])


def _datasets_list(args) -> int:
    catalog = _catalog()
    # What a row is (articles, sentences, codes...) when the catalog says: rows differ.
    header = ["name", "rows", *(["unit"] if "unit" in catalog.columns else []), "licence",
              "citation"]
    rows = [[_cell(v) for v in record]
            for record in catalog[header].itertuples(index=False, name=None)]
    print(_table(rows, header, right={1}))
    return 0


def _datasets_fetch(args) -> int:
    catalog = _catalog()
    names = [str(n) for n in catalog["name"]]
    if args.name not in names:
        raise UsageError(f"unknown dataset {args.name!r}; choose from: {', '.join(names)}")
    entry = catalog.iloc[names.index(args.name)]
    fetcher = entry["fetcher"]
    if isinstance(fetcher, str):
        from . import datasets

        fetcher = getattr(datasets, fetcher)
    # Several catalog entries share a fetcher with different arguments (a subset, a table).
    kwargs = entry.get("kwargs")
    kwargs = dict(kwargs) if isinstance(kwargs, dict) else {}
    if args.refresh:
        kwargs["refresh"] = True
    from ._config import get_data_home

    result = fetcher(**kwargs, data_home=args.data_home, progress=not args.no_progress)
    unit = entry.get("unit")
    print(f"{args.name}: {_summary(result, unit if isinstance(unit, str) else 'rows')}")
    print(f"cache: {get_data_home(args.data_home)}")
    attrs = getattr(result, "attrs", {}) or {}
    counts = []
    for key, what in (("rejected", "rejected rows"), ("coerced", "coerced values")):
        if key in attrs:
            counts.append(f"{what}: {len(attrs[key]):,}")
    if counts:
        print(", ".join(counts))
    return 0


def _summary(result, unit: str = "rows") -> str:
    """'2,027 articles, 121 outlets' for an articles table; what can be said for others."""
    parts = []
    if hasattr(result, "__len__"):
        parts.append(f"{len(result):,} {unit}")
    columns = getattr(result, "columns", ())
    if "outlet" in columns:
        parts.append(f"{result['outlet'].nunique():,} outlets")
    elif getattr(getattr(result, "index", None), "name", None) == "outlet":
        parts.append(f"{result.index.nunique():,} outlets")
    return ", ".join(parts) or type(result).__name__
