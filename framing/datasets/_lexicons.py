"""What ``framing.datasets.fetch_lexicon`` and ``framing.datasets.list_lexicons`` return.

Lexicons live in :mod:`framing.lexicons`: :func:`framing.lexicons.fetch_lexicon` fetches a
public one as a tidy table and :func:`framing.lexicons.list_lexicons` lists the public and
the authored ones. The old names in :mod:`framing.datasets` still work and emit a
:class:`DeprecationWarning` (see the package's ``__getattr__``); this module gives them
their old results.
"""

from __future__ import annotations

import pandas as pd

from ..lexicons import fetch_lexicon

__all__ = ["fetch_lexicon", "list_lexicons"]

#: Columns of the old ``framing.datasets.list_lexicons`` table, in order.
_OLD_COLUMNS = ["name", "description", "citation", "licence", "case", "source"]


def list_lexicons() -> pd.DataFrame:
    """The public lexicons only, as ``framing.datasets.list_lexicons`` listed them.

    Returns
    -------
    pandas.DataFrame
        The ``kind == "public"`` rows of :func:`framing.lexicons.list_lexicons`, sorted by
        ``name``, without the ``kind`` column: ``name``, ``description``, ``citation``,
        ``licence``, ``case`` and ``source`` (``owner/repo@commit/path`` of each pinned file,
        separated by a semicolon).

    Examples
    --------
    >>> table = list_lexicons()
    >>> table["name"].tolist()[:4]
    ['assertives', 'babe', 'emfd', 'entailment']
    """
    from ..lexicons import list_lexicons as list_all

    table = list_all()
    public = table.loc[table["kind"] == "public", _OLD_COLUMNS]
    return public.sort_values("name", kind="stable").reset_index(drop=True)
