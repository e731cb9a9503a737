"""The :class:`Lexicon` type: terms, multiword phrases, categories, weights and a citation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Lexicon"]

_ENTRY_COLUMNS = ("term", "category", "weight", "inflect", "case_sensitive", "wildcard")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]+$")


def _auto_case(term: str) -> bool:
    """Acronyms written in capitals (``ICE``, ``DHS``, ``CBP``) match case-sensitively."""
    return any(_ACRONYM.match(word) for word in term.split())


@dataclass(frozen=True, eq=False)
class Lexicon:
    """A word list with categories and weights, and where it comes from.

    Build one with :meth:`from_dict` or :meth:`from_frame`, load a public or built-in one
    with :func:`framing.lexicons.load_lexicon`, and match it with
    :class:`framing.lexicons.LexiconMatcher`.

    Parameters
    ----------
    name : str
        Short identifier, used in feature names.
    entries : pandas.DataFrame
        One row per (term, category) with columns ``term`` (a word or a multiword phrase),
        ``category``, ``weight`` (float), ``inflect`` (match inflected forms: ``alien``
        matches ``aliens``), ``case_sensitive`` (``ICE`` the agency is not ``ice``) and
        ``wildcard`` (the term's last word is a prefix: ``abus`` for ``abus*``). Extra
        columns (``note``, ``evidence``, ``polarity``) are kept.
    citation : str
        How to cite the list (or the evidence behind an authored list).
    licence : str
        The list's licence as its source states it.
    description : str
        One line on what the list measures.
    negation_flips : mapping of str to str
        Categories that change meaning under negation, and what they become (for example
        ``{"positive": "negative", "negative": "positive"}``). Used by the matcher when
        negation handling is on.

    Examples
    --------
    >>> lex = Lexicon.from_dict(
    ...     {"restrictionist": ["illegal alien", "illegals"], "agency": ["ICE"]},
    ...     name="demo", inflect=True)
    >>> lex.categories
    ('restrictionist', 'agency')
    >>> lex.entries[["term", "case_sensitive"]].values.tolist()
    [['illegal alien', False], ['illegals', False], ['ICE', True]]
    """

    name: str
    entries: pd.DataFrame
    citation: str = ""
    licence: str = ""
    description: str = ""
    negation_flips: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        missing = [c for c in ("term", "category") if c not in self.entries.columns]
        if missing:
            raise ValueError(f"lexicon {self.name!r}: entries need columns {missing}")
        entries = self.entries.copy()
        entries["term"] = entries["term"].astype(str).str.strip().str.replace(r"\s+", " ",
                                                                             regex=True)
        entries["category"] = entries["category"].astype(str)
        if (entries["term"] == "").any():
            row = int((entries["term"] == "").to_numpy().argmax())
            raise ValueError(f"lexicon {self.name!r}: empty term in entry {row}")
        defaults = {"weight": 1.0, "inflect": True, "case_sensitive": False, "wildcard": False}
        for column, default in defaults.items():
            if column not in entries.columns:
                entries[column] = default
        entries["weight"] = pd.to_numeric(entries["weight"], errors="raise").astype("float64")
        for column in ("inflect", "case_sensitive", "wildcard"):
            entries[column] = entries[column].fillna(defaults[column]).astype(bool)
        entries = entries.drop_duplicates(subset=["term", "category", "case_sensitive",
                                                  "inflect", "wildcard"])
        extra = [c for c in entries.columns if c not in _ENTRY_COLUMNS]
        entries = entries[list(_ENTRY_COLUMNS) + extra].reset_index(drop=True)
        unknown = set(self.negation_flips) | set(self.negation_flips.values())
        unknown -= set(entries["category"])
        if unknown:
            raise ValueError(f"lexicon {self.name!r}: negation_flips names unknown categories "
                             f"{sorted(unknown)}")
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "negation_flips", dict(self.negation_flips))

    @classmethod
    def from_dict(cls, terms: Mapping[str, Iterable[str]], *, name: str, inflect: bool = True,
                  case_sensitive: bool | str = "auto", weight: float = 1.0, **kwargs
                  ) -> Lexicon:
        """Build a lexicon from ``{category: [term, ...]}``.

        ``case_sensitive="auto"`` makes terms containing an all-capitals word (an acronym
        such as ``ICE``) case-sensitive and the rest case-insensitive. A term ending in
        ``*`` is a wildcard (prefix) term.
        """
        rows = []
        for category, words in terms.items():
            for term in words:
                wildcard = term.endswith("*")
                term = term.rstrip("*")
                rows.append({
                    "term": term, "category": category, "weight": weight,
                    "inflect": inflect and not wildcard,
                    "case_sensitive": _auto_case(term) if case_sensitive == "auto"
                    else bool(case_sensitive),
                    "wildcard": wildcard,
                })
        return cls(name=name, entries=pd.DataFrame(rows, columns=list(_ENTRY_COLUMNS)), **kwargs)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, name: str, inflect: bool = True,
                   case_sensitive: bool | str = "auto", **kwargs) -> Lexicon:
        """Build a lexicon from a tidy table (``term``, ``category``, optional columns).

        Columns ``inflect``, ``case_sensitive``, ``weight`` and ``wildcard`` in ``frame`` win
        over the keyword defaults. ``citation`` and ``licence`` default to
        ``frame.attrs`` entries of those names (as returned by
        :func:`framing.datasets.fetch_lexicon`).
        """
        entries = frame.copy()
        if "inflect" not in entries:
            entries["inflect"] = inflect
        if "case_sensitive" not in entries:
            entries["case_sensitive"] = (entries["term"].astype(str).map(_auto_case)
                                         if case_sensitive == "auto" else bool(case_sensitive))
        if "wildcard" in entries:
            entries["inflect"] = entries["inflect"] & ~entries["wildcard"].astype(bool)
        kwargs.setdefault("citation", frame.attrs.get("citation", ""))
        kwargs.setdefault("licence", frame.attrs.get("licence", ""))
        entries.attrs = {}
        return cls(name=name, entries=entries, **kwargs)

    @property
    def categories(self) -> tuple[str, ...]:
        """Categories in order of first appearance."""
        return tuple(dict.fromkeys(self.entries["category"]))

    def subset(self, categories: Iterable[str], *, name: str | None = None) -> Lexicon:
        """A lexicon with only the entries of ``categories``."""
        keep = list(categories)
        unknown = set(keep) - set(self.categories)
        if unknown:
            raise KeyError(f"lexicon {self.name!r} has no categories {sorted(unknown)}")
        flips = {k: v for k, v in self.negation_flips.items() if k in keep and v in keep}
        return Lexicon(name=name or self.name,
                       entries=self.entries[self.entries["category"].isin(keep)],
                       citation=self.citation, licence=self.licence,
                       description=self.description, negation_flips=flips)

    def without(self, terms: Iterable[str]) -> tuple[Lexicon, pd.DataFrame]:
        """This lexicon without the entries whose term is one of ``terms``.

        For words a lexicon lists that mean something else in the text at hand: a name
        (``trump``), a policy's name (``dream`` in "DREAM Act"), a topic word.

        Parameters
        ----------
        terms : iterable of str
            Terms to drop, compared case-insensitively with each entry's whole term.

        Returns
        -------
        lexicon : Lexicon
            The remaining entries (``self`` when none is dropped).
        dropped : pandas.DataFrame
            The dropped entries: ``lexicon``, ``term``, ``category``.

        Raises
        ------
        TypeError
            If ``terms`` is a single string rather than a sequence of them.

        Examples
        --------
        >>> lexicon = Lexicon.from_dict({"human_interest": ["dream", "family"]}, name="demo")
        >>> kept, dropped = lexicon.without(["Dream"])
        >>> kept.entries["term"].tolist(), dropped.values.tolist()
        (['family'], [['demo', 'dream', 'human_interest']])
        """
        if isinstance(terms, str):
            raise TypeError("terms must be a sequence of terms, not one string")
        wanted = {str(term).strip().lower() for term in terms}
        drop = self.entries["term"].str.lower().isin(wanted).to_numpy()
        dropped = self.entries.loc[drop, ["term", "category"]].assign(lexicon=self.name)
        dropped = dropped[["lexicon", "term", "category"]].reset_index(drop=True)
        if not drop.any():
            return self, dropped
        kept = Lexicon(name=self.name, entries=self.entries.loc[~drop], citation=self.citation,
                       licence=self.licence, description=self.description,
                       negation_flips=self.negation_flips)
        return kept, dropped

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return (f"Lexicon(name={self.name!r}, entries={len(self)}, "
                f"categories={list(self.categories)})")
