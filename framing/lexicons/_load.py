"""Load lexicons by name: public ones (fetched and verified) and the ones framing authors.

Public lexicons come from :func:`framing.lexicons.fetch_lexicon` (pinned upstream files);
this module adds how each is matched: whether an entry also matches inflected forms (lists
of base forms such as Recasens et al.'s report verbs do; lists that already enumerate their
forms, such as Hu & Liu's, do not; MPQA says so per clue), and which categories flip under
negation.

Authored lexicons live in ``framing/lexicons/data/<name>.csv`` (columns ``term``,
``category`` and optionally ``weight``, ``inflect``, ``case_sensitive``, ``wildcard``,
``evidence``, ``note``) with ``<name>.json`` beside it (``description``, ``citation``,
``licence``, optional ``negation_flips``). Their word lists are facts the project authors,
each with its evidence or citation.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import pandas as pd

from .lexicon import Lexicon

__all__ = ["LIST_COLUMNS", "PUBLIC_MATCHING", "lexicon_metadata", "list_lexicons",
           "load_lexicon"]

#: How each public lexicon is matched: ``inflect`` (True, False, or "stemmed" for MPQA's
#: per-clue flag) and ``negation_flips``.
PUBLIC_MATCHING = {
    "recasens_bias": {"inflect": True},
    "hedges": {"inflect": False},
    "factives": {"inflect": True},
    "assertives": {"inflect": True},
    "implicatives": {"inflect": True},
    "report_verbs": {"inflect": True},
    "strong_subjectives": {"inflect": False},
    "weak_subjectives": {"inflect": False},
    "entailment": {"inflect": True},
    "hu_liu": {"inflect": False,
               "negation_flips": {"positive": "negative", "negative": "positive"}},
    "mpqa": {"inflect": "stemmed"},
    "mfd2": {"inflect": False},
    "mfd_original": {"inflect": False},
    "emfd": {"inflect": False},
    "babe": {"inflect": False},
}
_DATA = "data"


def _authored_names() -> list[str]:
    folder = resources.files(__package__).joinpath(_DATA)
    if not folder.is_dir():
        return []
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv"))


@lru_cache(maxsize=32)
def _load_authored(name: str) -> Lexicon:
    folder = resources.files(__package__).joinpath(_DATA)
    meta = _authored_meta(name)
    with folder.joinpath(f"{name}.csv").open("r", encoding="utf-8") as handle:
        entries = pd.read_csv(handle, dtype={"term": str, "category": str},
                              keep_default_na=False, comment=None)
    for column in ("inflect", "case_sensitive", "wildcard"):
        if column in entries:
            entries[column] = entries[column].astype(str).str.lower().map(
                {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False,
                 "": None})
    return Lexicon.from_frame(entries, name=name, citation=meta.get("citation", ""),
                              licence=meta.get("licence", ""),
                              description=meta.get("description", ""),
                              negation_flips=meta.get("negation_flips", {}))


def _load_public(name: str, data_home=None) -> Lexicon:
    from ._public import fetch_lexicon

    table = fetch_lexicon(name, data_home=data_home, progress=False)
    matching = PUBLIC_MATCHING[name]
    entries = table.copy()
    inflect = matching["inflect"]
    entries["inflect"] = (entries["stemmed"].fillna(False).astype(bool) if inflect == "stemmed"
                          else bool(inflect))
    entries["case_sensitive"] = False  # every public list here is case-insensitive
    return Lexicon.from_frame(entries, name=name,
                              citation=table.attrs.get("citation", ""),
                              licence=table.attrs.get("licence", ""),
                              description=table.attrs.get("description", ""),
                              negation_flips=matching.get("negation_flips", {}))


def load_lexicon(name: str, *, data_home=None) -> Lexicon:
    """Return a :class:`Lexicon` by name.

    Parameters
    ----------
    name : str
        A public lexicon (``hu_liu``, ``mpqa``, ``recasens_bias``, ``hedges``, ``mfd2``,
        ``babe``... see :func:`list_lexicons`) or one framing authors.
    data_home : path-like, optional
        Cache folder for public lexicons.

    Raises
    ------
    KeyError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> from framing.lexicons import load_lexicon
    >>> load_lexicon("hu_liu").categories  # doctest: +SKIP
    ('negative', 'positive')
    """
    if name in PUBLIC_MATCHING:
        return _load_public(name, data_home)
    if name in _authored_names():
        return _load_authored(name)
    known = sorted(PUBLIC_MATCHING) + _authored_names()
    raise KeyError(f"unknown lexicon {name!r}; known: {', '.join(known)}")


def _authored_meta(name: str) -> dict:
    folder = resources.files(__package__).joinpath(_DATA)
    return json.loads(folder.joinpath(f"{name}.json").read_text(encoding="utf-8"))


def lexicon_metadata(name: str) -> dict:
    """The record that describes a lexicon, without loading (or fetching) its entries.

    Other packages ask for a lexicon's description through this function instead of opening
    ``framing/lexicons/data/`` themselves, so the files can move without breaking them.

    Parameters
    ----------
    name : str
        A name :func:`list_lexicons` lists.

    Returns
    -------
    dict
        A fresh copy (changing it changes nothing here), with ``kind`` (``"authored"`` or
        ``"public"``, as in :func:`list_lexicons`). For an authored lexicon, the rest is its
        whole ``<name>.json`` record: ``description``, ``citation``, ``licence``, optional
        ``negation_flips``, and whatever else it carries (a frame typology's ``frames``
        with their definitions and prototype sentences, its ``presence`` thresholds). For a
        public lexicon, the rest of its row of :func:`list_lexicons` (``description``,
        ``citation``, ``licence``, ``case``, ``source``).

    Raises
    ------
    KeyError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> from framing.lexicons import lexicon_metadata
    >>> [frame["key"] for frame in lexicon_metadata("generic_frames")["frames"]][:2]
    ['conflict', 'human_interest']
    >>> lexicon_metadata("hu_liu")["kind"]
    'public'
    >>> lexicon_metadata("nope")
    Traceback (most recent call last):
    ...
    KeyError: "unknown lexicon 'nope'; known: ..."
    """
    if name in _authored_names():
        return {"kind": "authored", **_authored_meta(name)}
    if name in PUBLIC_MATCHING:
        from ._public import public_lexicons

        table = public_lexicons().set_index("name")
        return {"kind": "public", **table.loc[name].to_dict()}
    known = sorted(PUBLIC_MATCHING) + _authored_names()
    raise KeyError(f"unknown lexicon {name!r}; known: {', '.join(known)}")


#: Columns of :func:`list_lexicons`, in order.
LIST_COLUMNS = ("name", "kind", "description", "citation", "licence", "case", "source")
_AUTHORED_CASE = ("per entry, in the case_sensitive column (acronyms such as 'ICE' match "
                  "case-sensitively)")


def list_lexicons() -> pd.DataFrame:
    """Every lexicon :func:`load_lexicon` knows, public and authored, without downloading.

    Returns
    -------
    pandas.DataFrame
        One row per lexicon, the public ones first, each group sorted by name, with columns

        ``name``
            What :func:`load_lexicon` takes.
        ``kind``
            ``"public"`` (a published list, fetched from its pinned upstream files by
            :func:`fetch_lexicon`) or ``"authored"`` (a list framing ships, each entry
            with its evidence).
        ``description``, ``citation``, ``licence``
            As the list's source states them.
        ``case``
            The case convention of its terms.
        ``source``
            Where the entries come from: ``owner/repo@commit/path`` of each pinned upstream
            file (several separated by ``"; "``) for a public lexicon, the packaged file
            ``framing/lexicons/data/<name>.csv`` for an authored one.

    Examples
    --------
    >>> from framing.lexicons import list_lexicons
    >>> table = list_lexicons().set_index("name")
    >>> table.loc[["mpqa", "sourcing"], "kind"].tolist()
    ['public', 'authored']
    >>> table.loc["sourcing", "source"]
    'framing/lexicons/data/sourcing.csv'
    """
    from ._public import public_lexicons

    public = public_lexicons().assign(kind="public")
    rows = []
    for name in _authored_names():
        meta = _authored_meta(name)
        rows.append({"name": name, "kind": "authored",
                     "description": meta.get("description", ""),
                     "citation": meta.get("citation", ""), "licence": meta.get("licence", ""),
                     "case": _AUTHORED_CASE, "source": f"framing/lexicons/{_DATA}/{name}.csv"})
    authored = pd.DataFrame(rows, columns=list(LIST_COLUMNS))
    return pd.concat([public[list(LIST_COLUMNS)], authored], ignore_index=True)
