"""``framing cache info`` and ``framing cache clear``: the sentence-embedding cache on disk.

Encoding sentences is the slow part of every embedding-based scorer and model; framing keeps
each vector it computes in the data home (see :func:`framing.features.embedding_cache_info`),
so a second run over the same sentences skips the model. These subcommands show how large
the cache is and empty it.
"""

from __future__ import annotations

import argparse

from . import UsageError, _Parser

__all__ = ["configure"]


def configure(parser: argparse.ArgumentParser, parents: list) -> None:
    """Add ``cache info`` and ``cache clear`` to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``cache`` subcommand's parser.
    parents : list of argparse.ArgumentParser
        Options every parser takes (``--debug``), passed on to the nested parsers.
    """
    sub = parser.add_subparsers(dest="cache_command", metavar="ACTION", parser_class=_Parser)
    for name, handler, help_text in (
            ("info", _info, "show where the embedding cache is, its size and its models"),
            ("clear", _clear, "delete every cached sentence embedding")):
        action = sub.add_parser(name, parents=parents, help=help_text, description=help_text)
        action.add_argument("--data-home", metavar="DIR", default=None,
                            help="data folder (default: FRAMING_DATA_HOME or the per-user cache)")
        action.set_defaults(handler=handler)


def _checked_home(args) -> None:
    """An explicit ``--data-home`` must exist: a typo would otherwise report an empty cache."""
    from pathlib import Path

    if args.data_home is not None and not Path(args.data_home).is_dir():
        raise UsageError(f"--data-home {args.data_home}: no such folder")


def _info(args) -> int:
    from ..features import embedding_cache_info

    _checked_home(args)
    info = embedding_cache_info(args.data_home)
    state = "on" if info["enabled"] else "off (FRAMING_EMBEDDING_CACHE=0)"
    print(f"embedding cache: {info['path']} ({state})")
    print(f"  {info['entries']:,} vectors, {info['size_bytes'] / 2**20:.1f} MiB")
    for model in info["models"]:
        print(f"  {model['entries']:>10,}  {model['source']} (max_length {model['max_length']}, "
              f"{model['dimension']} dimensions)")
    return 0


def _clear(args) -> int:
    from ..features import clear_embedding_cache_on_disk

    _checked_home(args)
    removed = clear_embedding_cache_on_disk(args.data_home)
    print(f"removed {removed:,} cached sentence embeddings")
    return 0
