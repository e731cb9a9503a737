"""The :class:`Lexicon` type: terms, multiword phrases, categories, weights and a citation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import pandas as pd

__all__ = ["Lexicon"]

_ENTRY_COLUMNS = ("term", "category", "weight", "inflect", "case_sensitive", "wildcard")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]+$")
_ERRORS = ("raise", "skip")
#: Report lines shown in one warning or error before "and N more".
_SHOWN = 5


def _auto_case(term: str) -> bool:
    """Acronyms written in capitals (``ICE``, ``DHS``, ``CBP``) match case-sensitively."""
    return any(_ACRONYM.match(word) for word in term.split())


@dataclass(frozen=True, eq=False)
class Lexicon:
    """A word list with categories and weights, and where it comes from.

    Build one with :meth:`from_dict` or :meth:`from_frame`, read a file with
    :meth:`from_liwc` (LIWC ``.dic``), :meth:`from_tff` (MPQA ``.tff``) or
    :meth:`from_word_list`, load a public or built-in one with
    :func:`framing.lexicons.load_lexicon`, and match it with
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
        :func:`framing.lexicons.fetch_lexicon`).
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

    @classmethod
    def from_liwc(cls, path: str | PathLike, *, name: str | None = None, inflect: bool = False,
                  errors: str = "raise", **kwargs) -> Lexicon:
        """Read a dictionary in LIWC format (``.dic``), such as a licensed LIWC dictionary or
        the Moral Foundations Dictionary.

        The file opens with a header block between two ``%`` lines that numbers the
        categories (``1<tab>care.virtue``); every line after it is a term followed by one or
        more category numbers, separated by tabs or spaces (``harm<tab>2``,
        ``civil rights<tab>3``, ``preserve* 01 07``). A term may be a multiword phrase; a
        trailing ``*`` makes it a prefix (wildcard) term. LIWC matches case-insensitively,
        so terms are lower-cased. A line that is not valid UTF-8 is read as Windows-1252
        and reported in a warning.

        Parameters
        ----------
        path : path-like
            The ``.dic`` file.
        name : str, optional
            The lexicon's name; the file name without its suffix by default.
        inflect : bool, default False
            Also match inflected forms of each (non-wildcard) term. LIWC dictionaries list
            the forms they mean (or use a wildcard), so the default matches terms as written.
        errors : {"raise", "skip"}, default "raise"
            What a malformed entry line does (not ``term id [id ...]``, a ``*`` inside a
            term, a category number missing from the header): raise, or be skipped with a
            warning naming each skipped line.
        **kwargs
            ``citation``, ``licence``, ``description``, ``negation_flips`` (see the class).

        Returns
        -------
        Lexicon
            One entry per (term, category); the extra column ``line`` is the file line the
            entry comes from.

        Raises
        ------
        framing.lexicons.LexiconFormatError
            With the file and line: the header block is missing or malformed, an entry line
            is malformed (with ``errors="raise"``), or the file has no entries.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "moral.dic"
        >>> _ = path.write_text("%\\n1\\tcare\\n2\\tharm\\n%\\n"
        ...                     "Nurtur*\\t1\\nhurt\\t2\\nsafe\\t1 2\\n")
        >>> lexicon = Lexicon.from_liwc(path)
        >>> lexicon.name, lexicon.categories
        ('moral', ('care', 'harm'))
        >>> lexicon.entries[["term", "category", "wildcard"]].values.tolist()[:3]
        [['nurtur', 'care', True], ['hurt', 'harm', False], ['safe', 'care', False]]
        >>> lexicon.entries.loc[lexicon.entries["term"] == "safe", "category"].tolist()
        ['care', 'harm']
        """
        from ._formats import parse_liwc_dic

        _check_errors(errors)
        source = str(path)
        parsed = parse_liwc_dic(path, source=source)
        records = _checked_records(parsed, source, errors)
        frame = pd.DataFrame.from_records(records, columns=["term", "category", "weight",
                                                             "wildcard", "line"])
        return cls.from_frame(frame, name=_name_from(path, name), inflect=inflect,
                              case_sensitive=False, **kwargs)

    @classmethod
    def from_tff(cls, path: str | PathLike, *, name: str | None = None,
                 categories: str = "type", errors: str = "raise", **kwargs) -> Lexicon:
        """Read subjectivity clues in the MPQA ``.tff`` format.

        One clue per line, as ``key=value`` tokens: ``type=strongsubj len=1 word1=abuse
        pos1=verb stemmed1=y priorpolarity=negative``. ``type`` is ``strongsubj`` or
        ``weaksubj``; ``stemmed1=y`` means the clue matches every inflection of the word, so
        it gives the entry's ``inflect``; ``priorpolarity`` is ``positive``, ``negative``,
        ``neutral`` or ``both``. Terms keep their case and match case-insensitively.

        Quirks of the published file are read and reported in a warning with their lines: a
        stray token without ``=``, a repeated token, an unknown key, ``weakneg`` (read as
        ``negative``), a ``stemmed1`` that is not ``y``/``n``. Repeated clues (same word,
        type and part of speech) are merged; where they disagree, a stemmed clue wins over
        an unstemmed one, ``positive`` with ``negative`` becomes ``both``, and any other
        disagreement is set missing and reported (never settled by file order).

        Parameters
        ----------
        path : path-like
            The ``.tff`` file.
        name : str, optional
            The lexicon's name; the file name without its suffix by default.
        categories : {"type", "polarity"}, default "type"
            What the entries' ``category`` is: the clue's type (``strongsubj``,
            ``weaksubj``) or its prior polarity (``positive``, ``negative``, ``neutral``,
            ``both``). With ``"polarity"``, a clue without a usable polarity is left out and
            reported in a warning, and ``negation_flips`` defaults to swapping ``positive``
            and ``negative`` when both occur.
        errors : {"raise", "skip"}, default "raise"
            What a malformed line does (a required key missing, an unknown type, ``len``
            other than 1, a key given two values): raise, or be skipped with a warning naming
            each skipped line.
        **kwargs
            ``citation``, ``licence``, ``description``, ``negation_flips`` (see the class).

        Returns
        -------
        Lexicon
            Extra columns: ``type``, ``pos``, ``stemmed`` (nullable), ``polarity`` and
            ``line`` (the file line the clue comes from).

        Raises
        ------
        framing.lexicons.LexiconFormatError
            With the file and line: a malformed line (with ``errors="raise"``), or a file
            with no clues.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "clues.tff"
        >>> _ = path.write_text(
        ...     "type=strongsubj len=1 word1=sneer pos1=verb stemmed1=y priorpolarity=negative\\n"
        ...     "type=weaksubj len=1 word1=sturdy pos1=adj stemmed1=n priorpolarity=positive\\n")
        >>> clues = Lexicon.from_tff(path)
        >>> clues.entries[["term", "category", "inflect", "polarity"]].values.tolist()
        [['sneer', 'strongsubj', True, 'negative'], ['sturdy', 'weaksubj', False, 'positive']]
        >>> Lexicon.from_tff(path, categories="polarity").negation_flips
        {'positive': 'negative', 'negative': 'positive'}
        """
        from ._formats import merge_clues, parse_tff

        _check_errors(errors)
        if categories not in ("type", "polarity"):
            raise ValueError(f"categories must be 'type' or 'polarity', got {categories!r}")
        source = str(path)
        parsed = parse_tff(path, source=source)
        records = _checked_records(parsed, source, errors)
        # a repeated clue is not a malformed line: it is merged, and only a disagreement is
        # worth a warning
        records, changed = merge_clues(records, source)
        _warn_changed(changed, source)
        frame = pd.DataFrame.from_records(
            records, columns=["term", "category", "weight", "wildcard", "pos", "stemmed",
                              "polarity", "line"])
        frame.insert(4, "type", frame["category"])
        frame["stemmed"] = pd.array(frame["stemmed"].tolist(), dtype="boolean")
        frame["inflect"] = frame["stemmed"].fillna(False).astype(bool)
        if categories == "polarity":
            frame = _by_polarity(frame, source)
            present = set(frame["category"])
            if {"positive", "negative"} <= present:
                kwargs.setdefault("negation_flips",
                                  {"positive": "negative", "negative": "positive"})
        return cls.from_frame(frame, name=_name_from(path, name), case_sensitive=False,
                              **kwargs)

    @classmethod
    def from_word_list(cls, path: str | PathLike, *, category: str, name: str | None = None,
                       inflect: bool = True, case_sensitive: bool | str = "auto",
                       weight: float = 1.0, comment_prefixes: Sequence[str] = ("#",),
                       wildcards: bool = False, errors: str = "raise", **kwargs) -> Lexicon:
        """Read a word list: one entry (a word or a multiword phrase) per line, one category.

        Blank lines and lines starting with one of ``comment_prefixes`` are skipped;
        whitespace is stripped and runs of it become one space. A line that is not valid
        UTF-8 is read as Windows-1252 and reported in a warning.

        Parameters
        ----------
        path : path-like
            The text file.
        category : str
            The category of every entry (``"hedge"``, ``"positive"``).
        name : str, optional
            The lexicon's name; the file name without its suffix by default.
        inflect : bool, default True
            Also match inflected forms (``alien`` matches ``aliens``). Pass False for a list
            that already enumerates its forms.
        case_sensitive : bool or "auto", default "auto"
            As in :meth:`from_dict`: ``"auto"`` makes acronyms (``ICE``) case-sensitive.
        weight : float, default 1.0
            The weight of every entry.
        comment_prefixes : sequence of str, default ("#",)
            Lines starting with one of these are comments (Hu & Liu's lists use ``;``).
        wildcards : bool, default False
            Read a trailing ``*`` as a prefix (wildcard) entry, as LIWC does. By default a
            ``*`` is part of the word (published lists hold words such as ``f**k``).
        errors : {"raise", "skip"}, default "raise"
            What a malformed line does (a tab or other control character inside the entry,
            or with ``wildcards=True`` a ``*`` that does not end it): raise, or be skipped
            with a warning naming each skipped line.
        **kwargs
            ``citation``, ``licence``, ``description``, ``negation_flips`` (see the class).

        Returns
        -------
        Lexicon
            The extra column ``line`` is the file line each entry comes from.

        Raises
        ------
        framing.lexicons.LexiconFormatError
            With the file and line: a malformed line (with ``errors="raise"``), or a file
            with no entries.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "hedges.txt"
        >>> _ = path.write_text("# hedges\\nperhaps\\nkind   of\\nseemingly\\n")
        >>> hedges = Lexicon.from_word_list(path, category="hedge", inflect=False)
        >>> hedges.entries[["term", "category", "line"]].values.tolist()
        [['perhaps', 'hedge', 2], ['kind of', 'hedge', 3], ['seemingly', 'hedge', 4]]
        """
        from ._formats import parse_word_list

        _check_errors(errors)
        source = str(path)
        parsed = parse_word_list(path, source=source, category=category,
                                 comment_prefixes=tuple(comment_prefixes), wildcards=wildcards)
        records = _checked_records(parsed, source, errors)
        frame = pd.DataFrame.from_records(records, columns=["term", "category", "weight",
                                                             "wildcard", "line"])
        frame["weight"] = float(weight)
        return cls.from_frame(frame, name=_name_from(path, name), inflect=inflect,
                              case_sensitive=case_sensitive, **kwargs)

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



def _name_from(path: str | PathLike, name: str | None) -> str:
    return name if name is not None else Path(path).stem


def _report(items: list[dict]) -> str:
    """``line 3: reason; line 7: reason`` for the first few items, then how many more."""
    shown = "; ".join(f"line {item['line']}: {item['reason']}" for item in items[:_SHOWN])
    more = len(items) - _SHOWN
    return shown + (f"; and {more} more" if more > 0 else "")


def _warn_changed(coerced: list[dict], source: str) -> None:
    """Warn about entries kept with a value changed (a decoded byte, a format quirk)."""
    if coerced:
        from .._warnings import warn_at_caller

        warn_at_caller(f"{source}: {len(coerced)} value(s) read differently from the file: "
                       f"{_report(coerced)}")


def _check_errors(errors: str) -> None:
    if errors not in _ERRORS:
        raise ValueError(f"errors must be one of {_ERRORS}, got {errors!r}")


def _checked_records(parsed, source: str, errors: str) -> list[dict]:
    """The records of a parsed lexicon file, after its malformed lines are raised or skipped.

    Nothing is dropped silently: with ``errors="skip"`` a warning names every skipped line
    (the first few, then how many more), and values the reader changed are always reported.
    """
    from .._warnings import warn_at_caller
    from ._formats import LexiconFormatError

    _check_errors(errors)
    rejected = parsed.rejected
    if rejected and errors == "raise":
        first = rejected[0]
        more = (f" ({len(rejected) - 1} more malformed line(s); errors='skip' skips them "
                "with a warning)" if len(rejected) > 1 else "")
        raise LexiconFormatError(source, first["line"], first["reason"] + more)
    if rejected:
        warn_at_caller(f"{source}: skipped {len(rejected)} malformed entr(y/ies): "
                       f"{_report(rejected)}")
    _warn_changed(parsed.coerced, source)
    if not parsed.records:
        raise LexiconFormatError(source, None, "no entries")
    return parsed.records


def _by_polarity(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """MPQA clues with their prior polarity as category; clues without one are reported."""
    from .._warnings import warn_at_caller

    missing = frame["polarity"].isna()
    if missing.any():
        left = [{"line": line, "reason": f"no usable prior polarity for {term!r}: left out"}
                for line, term in frame.loc[missing, ["line", "term"]].itertuples(index=False)]
        warn_at_caller(f"{source}: {len(left)} clue(s) left out: {_report(left)}")
    frame = frame.loc[~missing].copy()
    frame["category"] = frame["polarity"]
    if frame.empty:
        from ._formats import LexiconFormatError

        raise LexiconFormatError(source, None, "no clue has a usable prior polarity")
    return frame.reset_index(drop=True)
