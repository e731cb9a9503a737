"""``framing datasets list`` and ``framing datasets fetch NAME``: the public datasets.

Module-level imports stay light: pandas and the dataset catalog are imported when a
subcommand runs, not when ``framing --help`` lists it.
"""

from __future__ import annotations

import argparse

from . import UsageError, _Parser

__all__ = ["configure"]


def configure(parser: argparse.ArgumentParser, parents: list) -> None:
    """Add ``datasets list`` and ``datasets fetch`` to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``datasets`` subcommand's parser.
    parents : list of argparse.ArgumentParser
        Options every parser takes (``--debug``), passed on to the nested parsers.
    """
    sub = parser.add_subparsers(dest="datasets_command", metavar="ACTION",
                                parser_class=_Parser)
    listing = sub.add_parser("list", parents=parents, help="list the public datasets",
                             description="List the public datasets framing can fetch: name, "
                                         "rows, licence and citation.")
    listing.set_defaults(handler=_list)
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
    fetch.set_defaults(handler=_fetch)


def _catalog():
    """The catalog DataFrame from :func:`framing.datasets.list_datasets`."""
    from .. import datasets

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


def _list(args) -> int:
    catalog = _catalog()
    # What a row is (articles, sentences, codes...) when the catalog says: rows differ.
    header = ["name", "rows", *(["unit"] if "unit" in catalog.columns else []), "licence",
              "citation"]
    rows = [[_cell(v) for v in record]
            for record in catalog[header].itertuples(index=False, name=None)]
    print(_table(rows, header, right={1}))
    return 0


def _fetch(args) -> int:
    catalog = _catalog()
    names = [str(n) for n in catalog["name"]]
    if args.name not in names:
        raise UsageError(f"unknown dataset {args.name!r}; choose from: {', '.join(names)}")
    entry = catalog.iloc[names.index(args.name)]
    fetcher = entry["fetcher"]
    if isinstance(fetcher, str):
        from .. import datasets

        fetcher = getattr(datasets, fetcher)
    # Several catalog entries share a fetcher with different arguments (a subset, a table).
    kwargs = entry.get("kwargs")
    kwargs = dict(kwargs) if isinstance(kwargs, dict) else {}
    if args.refresh:
        kwargs["refresh"] = True
    from .._config import get_data_home

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
