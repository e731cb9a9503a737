"""The ``framing`` command.

Usage::

    framing --version
    framing datasets list
    framing datasets fetch allsides [--data-home DIR] [--no-progress]
    framing collect sanctuary --out corpus.parquet
    framing score corpus.jsonl --out scores.parquet
    framing cache info
    python -m framing datasets list

Exit status: 0 on success, 2 for a usage error (a bad argument, an unknown dataset), 1 for a
failure while running (a download that fails, for example). Errors are one line on stderr;
``--debug`` (before or after the subcommand) shows the traceback instead. Every subcommand
reports its errors through :func:`main`, so they all behave alike.

Adding a subcommand
-------------------
Write a module ``framing/cli/<name>.py`` with a function ``configure(parser, parents)``
that adds the subcommand's arguments to ``parser`` (an :class:`argparse.ArgumentParser`;
pass ``parents=parents`` to any nested ``add_parser`` call so ``--debug`` works there too)
and sets ``handler`` with ``parser.set_defaults(handler=run)``. Then add
``Command("<name>", "one-line help")`` to :data:`COMMANDS`. ``run(args)`` returns the exit
status (``None`` means 0), prints results to stdout, and raises :class:`UsageError` for a
bad argument it could only detect at run time; any other exception is reported as a
runtime error.

Only the module of the subcommand being run is imported, so ``framing --help`` stays fast
and a subcommand whose optional dependencies are missing cannot break the others. Keep
module-level imports in a subcommand module light (no pandas, torch...): import inside
``run``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["COMMANDS", "Command", "UsageError", "build_parser", "main"]

PROG = "framing"


@dataclass(frozen=True)
class Command:
    """A ``framing`` subcommand: its name, one-line help, and where it is configured.

    Parameters
    ----------
    name : str
        What the user types after ``framing``.
    help : str
        One line for ``framing --help``.
    target : str, optional
        ``"module:function"`` of the function that configures the subcommand's parser;
        ``"framing.cli.<name>:configure"`` by default.
    """

    name: str
    help: str
    target: str | None = None

    @property
    def configure_target(self) -> str:
        """``"module:function"`` configuring the subcommand (the target or the default)."""
        return self.target or f"{__name__}.{self.name}:configure"


#: Subcommands, in the order ``framing --help`` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("datasets", "list and fetch the public datasets"),
    Command("collect", "build a corpus from a topic recipe (GDELT, Media Cloud, RSS)"),
    Command("score", "score a corpus of any size into parquet, in chunks, resumably"),
    Command("report", "write one offline HTML report comparing a corpus's groups and outlets"),
    Command("models", "list the default models and train one from its recipe (models/)"),
    Command("cache", "show or clear the sentence-embedding cache on disk"),
)


class UsageError(Exception):
    """A bad argument found while running a subcommand: exit status 2."""


class _ParseError(Exception):
    pass


def column_mapping(text: str | None) -> dict[str, str] | None:
    """The ``--columns FILE=ARTICLES,...`` option of the subcommands that read articles.

    Examples
    --------
    >>> column_mapping("body=text, source=outlet")
    {'body': 'text', 'source': 'outlet'}
    """
    if not text:
        return None
    mapping = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--columns expects FILE=ARTICLES pairs, got {item!r}")
        mapping[key.strip()] = value.strip()
    return mapping


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

    Parameters
    ----------
    argv : list of str, optional
        The arguments to be parsed; they say which subcommand to configure.

    Returns
    -------
    argparse.ArgumentParser
        The ``framing`` parser. Its errors raise instead of exiting: :func:`main`
        reports them.
    """
    from .. import __version__

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
            _resolve(command.configure_target)(sub, [common])
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
    return _run(lambda: build_parser(argv), argv, label=PROG)


def _run_alone(name: str, argv: list[str] | None, *, prog: str) -> int:
    """Run the subcommand ``name`` as a program of its own (``python -m framing.collect``).

    Its errors go through the same path as under :func:`main`, labelled ``framing <name>``.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    (command,) = [c for c in COMMANDS if c.name == name]

    def build() -> argparse.ArgumentParser:
        common = _common()
        parser = _Parser(prog=prog, parents=[common], description=command.help)
        _resolve(command.configure_target)(parser, [common])
        return parser

    return _run(build, argv, label=f"{PROG} {name}")


def _run(build: Callable[[], argparse.ArgumentParser], argv: list[str], *, label: str) -> int:
    """Parse ``argv`` with the parser ``build`` returns and run the handler it selects.

    The one error path of the command: a usage error is one line on stderr and status 2,
    any other failure one line and status 1, Ctrl-C status 130; ``--debug`` re-raises.
    """
    debug = "--debug" in argv  # known before parsing, for errors raised while parsing
    try:
        parser = build()
        args = parser.parse_args(argv)
    except _ParseError as err:
        print(_error_line(label, err), file=sys.stderr)
        return 2
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else 0
    except Exception as err:  # a subcommand module that fails to load
        if debug:
            raise
        print(_error_line(label, err), file=sys.stderr)
        return 1
    debug = getattr(args, "debug", False)
    handler = getattr(args, "handler", None)
    if handler is None:
        # "framing" or "framing datasets" alone: show what can follow.
        _subparser(parser, args).print_help(sys.stderr)
        return 2
    try:
        status = handler(args)
    except UsageError as err:
        if debug:
            raise
        print(_error_line(label, err), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{label}: interrupted", file=sys.stderr)
        return 130
    except Exception as err:
        if debug:
            raise
        print(_error_line(label, err), file=sys.stderr)
        return 1
    return 0 if status is None else int(status)


def _error_line(label: str, err: BaseException) -> str:
    """``"<label>: error: <err on one line>"``."""
    return f"{label}: error: {_one_line(err)}"


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


#: Public names that moved to a subcommand module: old name -> (module, new name).
_MOVED = {"configure_datasets": (f"{__name__}.datasets", "configure")}


def __getattr__(name: str):
    # Old imports keep working for a while, with a warning that says where the name went.
    if name in _MOVED:
        import warnings

        module, new_name = _MOVED[name]
        warnings.warn(f"{__name__}.{name} is deprecated; use {module}.{new_name}",
                      DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(module), new_name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
