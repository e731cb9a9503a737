"""Readers for the file formats of lexicons, each with a full report of what it read.

Every reader takes a local path and the ``source`` name to report (a file's path, or its path
in its upstream repository) and returns a :class:`~framing.io.Parsed`: the
records it read, plus the rejected entries (left out, with line and reason) and the coerced
values (kept, but changed or set missing, with line and reason). ``n_entries`` counts what the
source proposed, so that ``n_entries == len(records) + len(rejected)`` always holds. Each record
has ``term``, ``category``, ``weight``, ``wildcard`` and ``line``, plus the fields its format
adds.

Formats
    * plain word lists (one entry per line, comment lines skipped): :func:`parse_word_list`
    * MPQA ``.tff`` (``key=value`` tokens per line): :func:`parse_tff`
    * LIWC ``.dic`` (``%`` header block of category ids, then ``term<ws>id [id ...]``):
      :func:`parse_liwc_dic`
    * the eMFD scoring CSV (one row per word, a probability and a sentiment per
      foundation): :func:`parse_emfd_csv`
    * one column of words in an ``.xlsx`` sheet: :func:`parse_xlsx_words`

:meth:`framing.lexicons.Lexicon.from_liwc`, :meth:`~framing.lexicons.Lexicon.from_tff` and
:meth:`~framing.lexicons.Lexicon.from_word_list` read a user's file with these readers;
:func:`framing.lexicons.fetch_lexicon` reads the pinned public files with them.

Line numbers are 1-based and count ``\\n`` characters, as ``wc -l`` and ``sed -n`` do
(a stray ``\\r`` inside a line does not start a new one). Blank lines are not entries.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

from ..io import Parsed, TextLine, iter_text_lines, merge_duplicates, read_csv_records

__all__ = [
    "LexiconFormatError",
    "MPQA_RESOLVE",
    "merge_clues",
    "parse_emfd_csv",
    "parse_liwc_dic",
    "parse_tff",
    "parse_word_list",
    "parse_xlsx_words",
]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DIC_ENTRY = re.compile(r"^(?P<term>.+?)\s+(?P<ids>\d+(?:\s+\d+)*)$")
_DIC_CATEGORY = re.compile(r"^(?P<id>\d+)\s+(?P<name>\S(?:.*\S)?)$")
_MPQA_TYPES = ("strongsubj", "weaksubj")
_MPQA_POS = ("adj", "adverb", "anypos", "noun", "verb")
_MPQA_POLARITIES = ("both", "negative", "neutral", "positive")
_MPQA_REQUIRED = ("type", "word1", "pos1", "stemmed1", "priorpolarity")
_MPQA_KNOWN = frozenset(_MPQA_REQUIRED) | {"len"}
_EMFD_FOUNDATIONS = ("care", "fairness", "loyalty", "authority", "sanctity")


class LexiconFormatError(ValueError):
    """A lexicon file that cannot be read as the format it is read as.

    Parameters
    ----------
    source : str
        The file (its path, or its path in its upstream repository).
    line : int or None
        The 1-based line (or sheet row) at fault; ``None`` when the file as a whole is.
    reason : str
        What is wrong.

    Examples
    --------
    >>> print(LexiconFormatError("moral.dic", 7, "expected a term followed by category ids"))
    moral.dic, line 7: expected a term followed by category ids
    """

    def __init__(self, source: str, line: int | None, reason: str):
        self.source = source
        self.line = line
        self.reason = reason
        where = source if line is None else f"{source}, line {line}"
        super().__init__(f"{where}: {reason}")


def _squash(text: str) -> str:
    """Strip and collapse runs of whitespace to single spaces."""
    return " ".join(text.split())


def _control_reason(text: str) -> str | None:
    found = _CONTROL.search(text)
    if found:
        return f"control character {found.group()!r} in the entry"
    return None


def _entry(term: str, category: str, line: int, *, weight: float = 1.0,
           wildcard: bool = False, **extra) -> dict:
    return {"term": term, "category": category, "weight": weight, "wildcard": wildcard,
            "line": line, **extra}


def parse_word_list(path: str | Path, *, source: str, category: str,
                    comment_prefixes: Sequence[str] = ("#",), lowercase: bool = False,
                    wildcards: bool = False) -> Parsed:
    """Read a word list: one entry (a word or a multiword phrase) per line.

    Lines starting with one of ``comment_prefixes`` (after leading whitespace) and blank
    lines are skipped. Whitespace is stripped and runs of it collapsed to one space. By
    default a ``*`` is kept literally (published word lists have no wildcard syntax: Hu &
    Liu's ``f**k`` is a word), so ``wildcard`` is always False; with ``wildcards=True`` a
    trailing ``*`` marks a prefix entry, as in LIWC (``immigra*``), and a ``*`` anywhere else
    rejects the line. A line holding a control character (a tab, a stray carriage return) is
    rejected: it is not a single entry.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "list.txt")
    >>> _ = open(path, "w").write("# header\\nkind of\\nsort\\tof\\n")
    >>> parsed = parse_word_list(path, source="list.txt", category="hedge")
    >>> [r["term"] for r in parsed.records], parsed.rejected[0]["line"], parsed.n_entries
    (['kind of'], 3, 2)
    """
    parsed = Parsed()
    for number, text, raw, note in iter_text_lines(path):
        stripped = text.strip()
        if not stripped or stripped.startswith(tuple(comment_prefixes)):
            continue
        parsed.n_lines += 1
        parsed.n_entries += 1
        reason = _control_reason(stripped)
        if reason:
            parsed.reject(source, number, stripped, reason)
            continue
        term = _squash(stripped)
        if lowercase:
            term = term.lower()
        wildcard = False
        if wildcards:
            term, wildcard, reason = _split_wildcard(term)
            if reason:
                parsed.reject(source, number, stripped, reason)
                continue
        parsed.records.append(_entry(term, category, number, wildcard=wildcard))
        if note:
            parsed.coerce(source, number, term, "term", raw, note)
    return parsed


# -- MPQA .tff ---------------------------------------------------------------------------------


def _tff_fields(tokens: list[str], parsed: Parsed, source: str, number: int, word: str
                ) -> tuple[dict[str, str], str | None]:
    """Split ``key=value`` tokens; report stray tokens, repeats and unknown keys."""
    fields: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep:
            parsed.coerce(source, number, word, "line", token,
                          f"stray token {token!r} (not key=value) ignored")
        elif key in fields and fields[key] != value:
            return fields, f"conflicting values for {key!r}: {fields[key]!r}, {value!r}"
        elif key in fields:
            parsed.coerce(source, number, word, key, token, f"repeated token {token!r} ignored")
        elif key not in _MPQA_KNOWN:
            parsed.coerce(source, number, word, key, token, f"unknown key {key!r} ignored")
        else:
            fields[key] = value
    return fields, None


def _tff_polarity(fields: dict, tokens: list[str]) -> tuple[str | None, str | None]:
    """Return (polarity or None, reason when the source value was not used as is)."""
    value = fields["priorpolarity"]
    if value in _MPQA_POLARITIES:
        return value, None
    if value == "weakneg" and "polarity=negative" in tokens:
        return "negative", ("'weakneg' is not an MPQA prior polarity; read as 'negative' "
                            "(the line also says polarity=negative)")
    if value == "weakneg":
        return "negative", "'weakneg' is not an MPQA prior polarity; read as 'negative'"
    return None, f"unknown prior polarity {value!r}: set missing"


def _tff_record(fields: dict, tokens: list[str], parsed: Parsed, source: str, number: int
                ) -> dict:
    word = fields["word1"]
    pos = fields["pos1"] if fields["pos1"] in _MPQA_POS else None
    if pos is None:
        parsed.coerce(source, number, word, "pos", fields["pos1"],
                      f"unknown part of speech {fields['pos1']!r}: set missing")
    stemmed = {"y": True, "n": False}.get(fields["stemmed1"])
    if stemmed is None:
        parsed.coerce(source, number, word, "stemmed", fields["stemmed1"],
                      f"stemmed1 must be y or n, got {fields['stemmed1']!r}: set missing")
    polarity, why = _tff_polarity(fields, tokens)
    if why:
        parsed.coerce(source, number, word, "polarity", fields["priorpolarity"], why)
    return _entry(word, fields["type"], number, pos=pos, stemmed=stemmed, polarity=polarity)


def parse_tff(path: str | Path, *, source: str) -> Parsed:
    """Read the MPQA subjectivity clues (``type=... len=1 word1=... pos1=... stemmed1=...
    priorpolarity=...``, one clue per line).

    ``category`` is ``type`` (``strongsubj``/``weaksubj``), ``term`` is ``word1`` as in the
    source, ``pos`` is ``pos1``, ``stemmed`` is ``stemmed1`` as a boolean (True: the clue
    matches every inflection of the stem), ``polarity`` is ``priorpolarity``. Known quirks are
    kept and reported in ``coerced``: stray tokens without ``=`` (``pervasive ... m``),
    repeated tokens (``len=1 len=1``), unknown keys (``polarity=``, ``mpqapolarity=``), the
    non-standard ``weakneg`` (read as ``negative``), a ``stemmed1`` that is not y/n (set
    missing). A line missing a required key, with an unknown ``type``, a ``len`` other than 1
    or contradicting itself is rejected.
    """
    parsed = Parsed()
    for number, text, raw, note in iter_text_lines(path):
        tokens = text.split()
        if not tokens or text.lstrip().startswith("#"):
            continue
        parsed.n_lines += 1
        parsed.n_entries += 1
        word = next((t[6:] for t in tokens if t.startswith("word1=")), text.strip())
        fields, conflict = _tff_fields(tokens, parsed, source, number, word)
        missing = [k for k in _MPQA_REQUIRED if not fields.get(k)]
        if conflict or missing:
            parsed.reject(source, number, word,
                          conflict or f"missing key(s): {', '.join(missing)}")
        elif fields["type"] not in _MPQA_TYPES:
            parsed.reject(source, number, word, f"unknown clue type {fields['type']!r}")
        elif fields.get("len", "1") != "1":
            parsed.reject(source, number, word, f"len={fields['len']} (only len=1 is read)")
        else:
            parsed.records.append(_tff_record(fields, tokens, parsed, source, number))
            if note:
                parsed.coerce(source, number, word, "term", raw, note)
    return parsed


def _merge_stemmed(a, b):
    """A stemmed MPQA clue matches the word and its inflections: it subsumes an unstemmed one."""
    return True if {a, b} == {True, False} else None


def _merge_polarity(a, b):
    """MPQA's own name for a clue that is both positive and negative is ``both``."""
    return "both" if {a, b} == {"positive", "negative"} else None


#: How :func:`~framing.io.merge_duplicates` settles two MPQA clues for one
#: (word, type, part of speech) that disagree.
MPQA_RESOLVE = {"stemmed": _merge_stemmed, "polarity": _merge_polarity}


def merge_clues(records: list[dict], source: str) -> tuple[list[dict], list[dict]]:
    """Merge MPQA clues repeated for one (word, type, part of speech) into the first.

    Returns the kept records and the values changed by a disagreement (``coerced`` rows:
    ``stemmed`` with unstemmed is stemmed, ``positive`` with ``negative`` is ``both``, any
    other disagreement is set missing). A repeat itself is not an error and is not returned.
    """
    merged = Parsed()
    for record in records:
        record["source"] = source
    kept = merge_duplicates(records, ["term", "category", "pos"], merged,
                            resolve=MPQA_RESOLVE)
    return kept, merged.coerced


# -- LIWC .dic ---------------------------------------------------------------------------------


def _dic_header(lines: list[TextLine], source: str
                ) -> tuple[dict[int, str], int]:
    """Return ({category id: name}, index of the first entry line) of a LIWC .dic file."""
    marks = [i for i, line in enumerate(lines) if line.text.strip() == "%"]
    content = [i for i, line in enumerate(lines) if line.text.strip()]
    if len(marks) < 2 or not content or content[0] != marks[0]:
        raise LexiconFormatError(source, None, "not a LIWC .dic file (expected a '%' line, "
                                 "the category list and a closing '%' line)")
    categories = {}
    for number, text, _, _ in lines[marks[0] + 1:marks[1]]:
        if not text.strip():
            continue
        match = _DIC_CATEGORY.match(text.strip())
        if not match:
            raise LexiconFormatError(source, number, "expected '<id> <category name>' in the "
                                     f"header, got {text.strip()!r}")
        categories[int(match["id"])] = match["name"]
    return categories, marks[1] + 1


def _dic_term(raw: str) -> tuple[str, bool, str | None]:
    """Return (term, wildcard, reason when unusable) for a .dic term field."""
    return _split_wildcard(_squash(raw).lower())


def _split_wildcard(term: str) -> tuple[str, bool, str | None]:
    """Return (term without a trailing ``*``, wildcard, reason when unusable)."""
    wildcard = term.endswith("*")
    if wildcard:
        term = term[:-1].rstrip()
    if "*" in term:
        return term, wildcard, "'*' (wildcard) is only allowed at the end of a term"
    if not term:
        return term, wildcard, "empty term"
    return term, wildcard, None


def parse_liwc_dic(path: str | Path, *, source: str) -> Parsed:
    """Read a LIWC-format dictionary: one row per (term, category) pair.

    The header block between two ``%`` lines maps category ids to names (``1 care.virtue``);
    each entry line is a term (a word, a multiword phrase, or a prefix ending in ``*``)
    followed by one or more category ids, separated by tabs or spaces. LIWC matching is
    case-insensitive, so terms are lower-cased. A term ending in ``*`` gives ``wildcard=True``
    and ``term`` without the ``*``. An entry line that is not ``term id [id ...]`` is
    rejected (one entry); an id missing from the header rejects that pair only.

    Raises
    ------
    LexiconFormatError
        If the header block is missing or malformed (nothing in the file can be read).
    """
    lines = list(iter_text_lines(path))
    categories, start = _dic_header(lines, source)
    parsed = Parsed()
    for number, text, raw, note in lines[start:]:
        stripped = text.strip()
        if not stripped:
            continue
        parsed.n_lines += 1
        match = _DIC_ENTRY.match(stripped)
        if not match:
            parsed.n_entries += 1
            parsed.reject(source, number, stripped,
                          "expected a term followed by category ids")
            continue
        term, wildcard, reason = _dic_term(match["term"])
        ids = [int(i) for i in match["ids"].split()]
        parsed.n_entries += len(ids)
        for cid in ids:
            if reason or cid not in categories:
                parsed.reject(source, number, match["term"],
                              reason or f"category id {cid} is not in the header")
                continue
            parsed.records.append(_entry(term, categories[cid], number, wildcard=wildcard))
            if note:
                parsed.coerce(source, number, term, "term", raw, note)
    return parsed


# -- eMFD CSV -----------------------------------------------------------------------------------


def _float(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _emfd_row(fields: list[str], parsed: Parsed, source: str, number: int) -> None:
    row = dict(zip(_emfd_header(), fields, strict=True))
    word = row["word"].strip()
    for foundation in _EMFD_FOUNDATIONS:
        parsed.n_entries += 1
        probability = _float(row[f"{foundation}_p"])
        if not word:
            parsed.reject(source, number, word, "empty word")
            continue
        if probability is None or not 0.0 <= probability <= 1.0:
            parsed.reject(source, number, word, f"{foundation}_p is not a probability: "
                                                f"{row[f'{foundation}_p']!r}")
            continue
        sentiment = _float(row[f"{foundation}_sent"])
        if sentiment is None:
            parsed.coerce(source, number, word, "sentiment", row[f"{foundation}_sent"],
                          f"{foundation}_sent is not a number: set missing")
        parsed.records.append(_entry(word, foundation, number, weight=probability,
                                     sentiment=math.nan if sentiment is None else sentiment))


def _emfd_header() -> list[str]:
    return ["word"] + [f"{f}_p" for f in _EMFD_FOUNDATIONS] + \
        [f"{f}_sent" for f in _EMFD_FOUNDATIONS]


def parse_emfd_csv(path: str | Path, *, source: str) -> Parsed:
    """Read the eMFD scoring table: one row per (word, foundation).

    ``category`` is the foundation (``care``, ``fairness``, ``loyalty``, ``authority``,
    ``sanctity``), ``weight`` the word's ``<foundation>_p`` (the share of its annotated
    contexts highlighted for that foundation; 0.0 rows are kept), ``sentiment`` its
    ``<foundation>_sent``. Terms are as in the source (all lower-case). A row with the wrong
    number of fields is rejected as one entry; a probability that is not a number in [0, 1]
    rejects that (word, foundation) pair; a sentiment that is not a number is set missing.

    Raises
    ------
    LexiconFormatError
        If the header is not the eMFD scoring header.
    """
    header, records = read_csv_records(path)
    if [h.strip() for h in header] != _emfd_header():
        raise LexiconFormatError(source, 1, f"unexpected header {header!r}")
    parsed = Parsed()
    for number, fields in records:
        parsed.n_lines += 1
        if len(fields) != len(header):
            parsed.n_entries += 1
            parsed.reject(source, number, fields[0] if fields else "",
                          f"expected {len(header)} fields, got {len(fields)}")
            continue
        _emfd_row(fields, parsed, source, number)
    return parsed


# -- xlsx --------------------------------------------------------------------------------------


def parse_xlsx_words(path: str | Path, *, source: str, sheet: str, category: str) -> Parsed:
    """Read a one-column word list from the sheet ``sheet`` of an ``.xlsx`` workbook.

    Every non-empty cell of the first column is an entry, the first row included (BABE's
    lexicon has no header: its first word sits in the header cell). ``line`` is the sheet
    row. A cell that is not text (a number, a date) is rejected; non-empty cells beyond the
    first column are reported in ``coerced`` and ignored.
    """
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet not in workbook.sheetnames:
            raise LexiconFormatError(source, None,
                                     f"no sheet {sheet!r} (have {workbook.sheetnames})")
        rows = list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    parsed = Parsed()
    for number, cells in enumerate(rows, 1):
        value = cells[0] if cells else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        parsed.n_lines += 1
        parsed.n_entries += 1
        if not isinstance(value, str):
            parsed.reject(source, number, str(value), f"not a word: {value!r}")
            continue
        term = _squash(value)
        reason = _control_reason(value.strip())
        if reason:
            parsed.reject(source, number, value, reason)
            continue
        parsed.records.append(_entry(term, category, number))
        for extra in cells[1:]:
            if extra is not None and str(extra).strip():
                parsed.coerce(source, number, term, "cell", str(extra),
                              "extra cell beyond the first column ignored")
    return parsed
