"""The public lexicons framing fetches: their pinned files, how to read them, and their card.

One :class:`_Spec` per lexicon says which upstream files hold it (pinned to a commit and a
sha256 in the shared file registry), which reader of :mod:`framing.lexicons._formats` reads
them, and its description, citation, licence and case convention.
:func:`fetch_lexicon` returns one as a tidy table; :func:`framing.lexicons.load_lexicon`
turns that table into a :class:`~framing.lexicons.Lexicon`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .._fetch import RemoteFile, cached_dataset, select
from ..io import Parsed, attach_report, merge_duplicates
from ._formats import (
    MPQA_RESOLVE,
    parse_emfd_csv,
    parse_liwc_dic,
    parse_tff,
    parse_word_list,
    parse_xlsx_words,
)

__all__ = ["fetch_lexicon", "public_lexicons"]

_VERSION = "lexicons-1"
_BASE_COLUMNS = ("term", "category", "weight", "wildcard")

_RECASENS_LICENCE = ("MIT (rpryzant/neutralizing-bias, the repository that distributes the "
                     "list); the list's own terms are not stated")
_RECASENS_2013 = ("Marta Recasens, Cristian Danescu-Niculescu-Mizil, Dan Jurafsky. 2013. "
                  "Linguistic Models for Analyzing and Detecting Biased Language. ACL 2013.")
_HOOPER_1975 = ("Joan B. Hooper. 1975. On assertive predicates. In J. Kimball (ed.), Syntax "
                "and Semantics, vol. 4. (List as used by Recasens et al. 2013.)")
_RILOFF_2003 = ("Ellen Riloff, Janyce Wiebe. 2003. Learning extraction patterns for "
                "subjective expressions. EMNLP 2003. (Words of the MPQA clues, as used by "
                "Recasens et al. 2013.)")
_MORAL_LICENCE = ("GPL-3.0, non-commercial use; commercial use requires an application "
                  "(medianeuroscience/emfdscore README)")
_LOWER = "lower-case in the source; kept as is (match case-insensitively)"
_AS_SOURCE = ("as in the source: lower-case except a few proper-noun compounds such as "
              "'anti-US', 'pro-Cuba'")


@dataclass(frozen=True)
class _Spec:
    """How to fetch and read one lexicon."""

    name: str
    group: str
    files: tuple[tuple[str, str], ...]  # (upstream path, category; "" when in the file)
    reader: str  # "words", "tff", "dic", "emfd", "xlsx"
    description: str
    citation: str
    licence: str
    case: str
    comment: str = "#"
    extra: tuple[str, ...] = ()

    @property
    def key(self) -> list[str]:
        """Columns that identify a row (unique in the returned table)."""
        return ["term", "category", "wildcard"] + (["pos"] if "pos" in self.extra else [])


def _recasens(name: str, file: str, category: str, description: str, citation: str,
              case: str = _LOWER) -> _Spec:
    return _Spec(name, "recasens", ((f"src/lexicons/{file}", category),), "words",
                 description, citation, _RECASENS_LICENCE, case)


_SPECS = {spec.name: spec for spec in (
    _recasens("recasens_bias", "npov_lexicon.txt", "bias",
              "654 words frequently removed or changed in Wikipedia NPOV edits",
              _RECASENS_2013),
    _recasens("hedges", "hedges_hyland2005.txt", "hedge",
              "100 hedges, multiword phrases included ('kind of')",
              "Ken Hyland. 2005. Metadiscourse: Exploring Interaction in Writing. "
              "Continuum, London. (List as used by Recasens et al. 2013.)"),
    _recasens("factives", "factives_hooper1975.txt", "factive", "27 factive verbs",
              _HOOPER_1975),
    _recasens("assertives", "assertives_hooper1975.txt", "assertive", "66 assertive verbs",
              _HOOPER_1975),
    _recasens("implicatives", "implicatives_karttunen1971.txt", "implicative",
              "32 implicative verbs",
              "Lauri Karttunen. 1971. Implicative verbs. Language 47(2):340-358. (List as "
              "used by Recasens et al. 2013.)"),
    _recasens("report_verbs", "report_verbs.txt", "report_verb", "181 report verbs",
              _RECASENS_2013),
    _recasens("strong_subjectives", "strong_subjectives_riloff2003.txt", "strongsubj",
              "4,747 strong subjective clues (words only)", _RILOFF_2003, _AS_SOURCE),
    _recasens("weak_subjectives", "weak_subjectives_riloff2003.txt", "weaksubj",
              "2,191 weak subjective clues (words only)", _RILOFF_2003, _AS_SOURCE),
    _Spec("entailment", "recasens",
          tuple((f"src/lexicons/{stem}_berant2012.txt", stem)
                for stem in ("entailed", "entailed_arg", "entailing", "entailing_arg")),
          "words", "verbs of the four entailment-rule lists (category = list)",
          "Berant et al. (2012), entailment rules between verbs, as used by Recasens et al. "
          "(2013). " + _RECASENS_2013, _RECASENS_LICENCE, _LOWER),
    _Spec("hu_liu", "recasens",
          (("src/lexicons/negative_liu2005.txt", "negative"),
           ("src/lexicons/positive_liu2005.txt", "positive")),
          "words", "opinion lexicon: 2,006 positive and 4,783 negative words",
          "Minqing Hu, Bing Liu. 2004. Mining and Summarizing Customer Reviews. KDD 2004. "
          "Bing Liu, Minqing Hu, Junsheng Cheng. 2005. Opinion Observer: Analyzing and "
          "Comparing Opinions on the Web. WWW 2005.",
          "none stated in the files (distributed from Bing Liu's UIC page; cite the papers)",
          _LOWER + "; a '*' is literal (masked swear words such as 'f**k'), never a wildcard",
          comment=";"),
    _Spec("mpqa", "mpqa", (("subjclueslen1-HLTEMNLP05.tff", ""),), "tff",
          "MPQA subjectivity clues: type, part of speech, stemming and prior polarity",
          "Theresa Wilson, Janyce Wiebe, Paul Hoffmann. 2005. Recognizing Contextual Polarity "
          "in Phrase-Level Sentiment Analysis. HLT/EMNLP 2005.",
          "GNU GPL (stated by the MPQA project; the copying repository "
          "cindithompson/semeval has no licence file)", _AS_SOURCE,
          extra=("pos", "stemmed", "polarity")),
    _Spec("mfd2", "moral_foundations", (("emfdscore/dictionaries/mfd2.0.dic", ""),), "dic",
          "Moral Foundations Dictionary 2.0: foundation x virtue/vice",
          "Jeremy A. Frimer, Reihane Boghrati, Jonathan Haidt, Jesse Graham, Morteza "
          "Dehghani. 2019. Moral Foundations Dictionary for Linguistic Analyses 2.0. OSF, "
          "https://osf.io/xakyw", _MORAL_LICENCE,
          "lower-cased (LIWC dictionaries are case-insensitive)"),
    _Spec("mfd_original", "moral_foundations",
          (("emfdscore/dictionaries/mft_original.dic", ""),), "dic",
          "original Moral Foundations Dictionary with '*' prefix wildcards; categories "
          "renamed foundation.virtue/vice plus 'moral' in this copy",
          "Jesse Graham, Jonathan Haidt, Brian A. Nosek. 2009. Liberals and conservatives "
          "rely on different sets of moral foundations. Journal of Personality and Social "
          "Psychology 96(5):1029-1046.", _MORAL_LICENCE,
          "lower-cased (LIWC dictionaries are case-insensitive)"),
    _Spec("emfd", "moral_foundations", (("emfdscore/dictionaries/emfd_scoring.csv", ""),),
          "emfd", "extended Moral Foundations Dictionary: per word and foundation, a "
          "probability (weight) and a sentiment",
          "Frederic R. Hopp, Jacob T. Fisher, Devin Cornell, Richard Huskey, René Weber. "
          "2021. The extended Moral Foundations Dictionary (eMFD). Behavior Research Methods "
          "53:232-246. doi:10.3758/s13428-020-01433-0", _MORAL_LICENCE, _LOWER,
          extra=("sentiment",)),
    _Spec("babe", "babe", (("data/bias_word_lexicon.xlsx", "biased"),), "xlsx",
          "BABE's dictionary of biased words (sheet top100_10times)",
          "Timo Spinde, Manuel Plank, Jan-David Krieger, Terry Ruas, Bela Gipp, Akiko "
          "Aizawa. 2021. Neural Media Bias Detection Using Distant Supervision With BABE - "
          "Bias Annotations By Experts. Findings of EMNLP 2021, 1166-1177.",
          "AGPL-3.0 (repository LICENSE; no separate data licence)",
          "as in the source (all lower-case)"),
)}


def _source_label(remote: RemoteFile) -> str:
    return f"{remote.owner}/{remote.repo}@{remote.commit}/{remote.path}"


def _read(spec: _Spec, upstream: str, category: str, path: Path) -> Parsed:
    if spec.reader == "words":
        return parse_word_list(path, source=upstream, category=category,
                               comment_prefixes=(spec.comment,))
    if spec.reader == "tff":
        return parse_tff(path, source=upstream)
    if spec.reader == "dic":
        return parse_liwc_dic(path, source=upstream)
    if spec.reader == "emfd":
        return parse_emfd_csv(path, source=upstream)
    if spec.reader == "xlsx":
        return parse_xlsx_words(path, source=upstream, sheet="top100_10times",
                                category=category)
    raise ValueError(f"unknown reader {spec.reader!r}")


def _frame(records: list[dict], spec: _Spec) -> pd.DataFrame:
    columns = list(_BASE_COLUMNS) + list(spec.extra)
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["weight"] = frame["weight"].astype(np.float64)
    frame["wildcard"] = frame["wildcard"].astype(bool)
    if "stemmed" in frame:
        frame["stemmed"] = pd.array(frame["stemmed"].tolist(), dtype="boolean")
    if "sentiment" in frame:
        frame["sentiment"] = frame["sentiment"].astype(np.float64)
    order = spec.key + [c for c in columns if c not in spec.key]
    frame = frame.sort_values(order, kind="stable", na_position="last")
    return frame.reset_index(drop=True)


def _parse(spec: _Spec, files: list[RemoteFile], paths: list[Path]) -> pd.DataFrame:
    categories = dict(spec.files)
    parsed = Parsed()
    for remote, path in zip(files, paths, strict=True):
        part = _read(spec, remote.path, categories[remote.path], Path(path))
        for record in part.records:
            record["source"] = remote.path
        parsed.extend(part)
    records = merge_duplicates(parsed.records, spec.key, parsed, resolve=MPQA_RESOLVE)
    frame = _frame(records, spec)
    attach_report(frame, rejected=parsed.rejected, coerced=parsed.coerced,
                  n_source_rows=parsed.n_entries)
    frame.attrs.update({
        "name": spec.name,
        "description": spec.description,
        "citation": spec.citation,
        "licence": spec.licence,
        "source": "; ".join(_source_label(f) for f in files),
        "case": spec.case,
        "key": spec.key,
        "n_source_lines": parsed.n_lines,
    })
    return frame


def _spec(name: str) -> _Spec:
    try:
        return _SPECS[name]
    except KeyError:
        raise ValueError(f"unknown lexicon {name!r}; choose one of {sorted(_SPECS)}") from None


def _files(spec: _Spec) -> list[RemoteFile]:
    return [f for path, _ in spec.files for f in select(spec.group, path)]


def public_lexicons() -> pd.DataFrame:
    """Describe the lexicons :func:`fetch_lexicon` can fetch, without fetching anything.

    :func:`framing.lexicons.list_lexicons` lists these beside the authored ones.

    Returns
    -------
    pandas.DataFrame
        One row per lexicon, sorted by ``name``, with columns ``name``, ``description``,
        ``citation``, ``licence``, ``case`` (the case convention of its terms) and ``source``
        (``owner/repo@commit/path`` of each pinned file, separated by a semicolon).

    Examples
    --------
    >>> table = public_lexicons()
    >>> table["name"].tolist()[:4]
    ['assertives', 'babe', 'emfd', 'entailment']
    >>> len(table)
    15
    """
    rows = [{"name": s.name, "description": s.description, "citation": s.citation,
             "licence": s.licence, "case": s.case,
             "source": "; ".join(_source_label(f) for f in _files(s))}
            for s in _SPECS.values()]
    return pd.DataFrame(rows).sort_values("name", kind="stable").reset_index(drop=True)


def fetch_lexicon(name: str, *, data_home=None, refresh: bool = False,
                  progress: bool = True) -> pd.DataFrame:
    """Fetch a public lexicon as a tidy table: one row per (term, category) entry.

    **Lexicons** (entries = rows of the returned table; the README of the curated copies is
    ``lexicons/README.md``)

    ======================  ======  ================================  ==============================
    name                    rows    categories                        citation; licence
    ======================  ======  ================================  ==============================
    ``recasens_bias``       654     ``bias``                          Recasens, Danescu-Niculescu-
                                                                      Mizil & Jurafsky 2013 (ACL);
                                                                      MIT (repository)
    ``hedges``              100     ``hedge``                         Hyland 2005, *Metadiscourse*;
                                                                      MIT (repository)
    ``factives``            27      ``factive``                       Hooper 1975; MIT (repository)
    ``assertives``          66      ``assertive``                     Hooper 1975; MIT (repository)
    ``implicatives``        32      ``implicative``                   Karttunen 1971 (*Language*);
                                                                      MIT (repository)
    ``report_verbs``        181     ``report_verb``                   Recasens et al. 2013; MIT
                                                                      (repository)
    ``strong_subjectives``  4,747   ``strongsubj``                    Riloff & Wiebe 2003 (EMNLP);
                                                                      MIT (repository)
    ``weak_subjectives``    2,191   ``weaksubj``                      Riloff & Wiebe 2003 (EMNLP);
                                                                      MIT (repository)
    ``entailment``          4,680   ``entailed``, ``entailed_arg``,   Berant et al. 2012 as used by
                                    ``entailing``, ``entailing_arg``  Recasens et al. 2013; MIT
                                                                      (repository)
    ``hu_liu``              6,789   ``positive`` (2,006),             Hu & Liu 2004 (KDD); Liu, Hu &
                                    ``negative`` (4,783)              Cheng 2005 (WWW); none stated
    ``mpqa``                8,202   ``strongsubj``, ``weaksubj``      Wilson, Wiebe & Hoffmann 2005
                                                                      (HLT/EMNLP); GNU GPL (MPQA
                                                                      project)
    ``mfd2``                2,103   ``care.virtue`` ...               Frimer et al. 2019 (OSF
                                    ``sanctity.vice`` (10)            xakyw); GPL-3.0, non-
                                                                      commercial
    ``mfd_original``        359     as ``mfd2``, plus ``moral``       Graham, Haidt & Nosek 2009
                                                                      (JPSP); GPL-3.0, non-
                                                                      commercial
    ``emfd``                16,350  ``care``, ``fairness``,           Hopp et al. 2021 (*Behavior
                                    ``loyalty``, ``authority``,       Research Methods*); GPL-3.0,
                                    ``sanctity``                      non-commercial
    ``babe``                2,122   ``biased``                        Spinde et al. 2021 (Findings
                                                                      of EMNLP); AGPL-3.0
                                                                      (repository)
    ======================  ======  ================================  ==============================

    The first ten come from ``rpryzant/neutralizing-bias`` (``src/lexicons/``, the
    repository of Pryzant et al. 2020, MIT), ``mpqa`` from ``cindithompson/semeval``, the
    moral-foundations dictionaries from ``medianeuroscience/emfdscore`` and ``babe`` from
    the BABE repository (``data/bias_word_lexicon.xlsx``), each pinned to a commit and a
    sha256. :func:`framing.lexicons.list_lexicons` gives the full citation and licence of
    each.

    Where a table differs from the README's entry count, duplicates were merged: ``mpqa``
    has 8,222 clue lines, 20 of which repeat an earlier (word, type, part of speech): 13
    identical, 5 differing only in ``stemmed`` (merged as stemmed: a stemmed clue also
    matches the bare word), ``boast`` (verb) positive and negative (merged as MPQA's
    ``both``) and ``large`` (adj) neutral and positive (polarity set missing); ``babe`` has
    2,130 words, 8 of them twice. ``mfd2`` has 2,103 lines of one category each,
    ``mfd_original`` 324 lines giving 359 (term, category) pairs, ``emfd`` 3,270 words x 5
    foundations.

    Parameters
    ----------
    name : str
        One of the names above.
    data_home : path-like, optional
        Cache folder; see :func:`framing._config.get_data_home`.
    refresh : bool, default False
        Parse the cached raw files again instead of using the parsed cache.
    progress : bool, default True
        Show a progress bar while downloading.

    Returns
    -------
    pandas.DataFrame
        Sorted by ``attrs["key"]``, with columns

        ``term``
            The entry as in the source, whitespace stripped and collapsed (multiword phrases
            keep single spaces). Lower-cased only where the source is case-insensitive (the
            LIWC ``.dic`` files); ``attrs["case"]`` states each source's convention. Most
            lists are lower-case; the Riloff lists and MPQA keep a few capitalised entries
            (``anti-US``), so match case-insensitively unless you mean otherwise.
        ``category`` (str)
            See the table.
        ``weight`` (float64)
            1.0, except ``emfd``: the foundation's probability (0.0 rows are kept: the word
            was annotated but never for that foundation).
        ``wildcard`` (bool)
            True when the source entry is a prefix pattern (``abus*``); ``term`` then holds
            the prefix without ``*``. Only the ``.dic`` dictionaries have wildcards; a ``*``
            inside a Hu & Liu word (``f**k``) is literal.
        ``pos``, ``stemmed`` (nullable boolean), ``polarity`` (``mpqa`` only)
            MPQA's ``pos1`` (``adj``, ``adverb``, ``anypos``, ``noun``, ``verb``),
            ``stemmed1`` (True: the clue matches all inflections of the word) and
            ``priorpolarity`` (``positive``, ``negative``, ``neutral``, ``both``).
        ``sentiment`` (float64, ``emfd`` only)
            The word's mean sentiment in contexts annotated for that foundation.

        Rows are unique by ``attrs["key"]``: ``term, category, wildcard``, plus ``pos`` for
        ``mpqa``, whose clues are per part of speech (``abuse`` is a noun and a verb clue).
        In every pinned source but ``mpqa``, ``term, category`` alone is unique; for
        ``mpqa``, ``drop_duplicates(["term", "category"])`` gives one row per word and type.

        ``attrs``: ``name``, ``description``, ``citation``, ``licence``, ``source``
        (``owner/repo@commit/path``; several files are separated by a semicolon), ``case``,
        ``key``; ``rejected`` (entries left out: malformed lines and merged duplicates, each
        with its file, line and reason) and ``coerced`` (entries kept with a value changed or
        set missing: the Latin-1 byte of Hu & Liu's ``naïve``, MPQA's stray ``m`` tokens,
        ``weakneg``, repeated ``len=1`` ...); ``n_source_rows`` (entries the source proposed,
        ``= len(table) + len(rejected)``; a ``.dic`` line with several categories proposes
        one entry per category, an eMFD row one per foundation) and ``n_source_lines``.
        Comment lines (``#``, or ``;`` in Hu & Liu) and blank lines are not entries.

    Raises
    ------
    ValueError
        If ``name`` is not a known lexicon.

    Examples
    --------
    >>> from framing.lexicons import fetch_lexicon
    >>> hedges = fetch_lexicon("hedges", progress=False)  # doctest: +SKIP
    >>> hedges.head(2)  # doctest: +SKIP
         term category  weight  wildcard
    0   about    hedge     1.0     False
    1  almost    hedge     1.0     False
    >>> mfd = fetch_lexicon("mfd_original", progress=False)  # doctest: +SKIP
    >>> mfd[mfd["wildcard"]].head(1)  # doctest: +SKIP
          term   category  weight  wildcard
    0  abandon  care.vice     1.0      True
    >>> emfd = fetch_lexicon("emfd", progress=False)  # doctest: +SKIP
    >>> emfd[emfd["term"] == "brought"].head(2)  # doctest: +SKIP
             term   category    weight  wildcard  sentiment
    1750  brought  authority  0.096552     False  -0.402207
    1751  brought       care  0.180000     False  -0.235404
    """
    spec = _spec(name)
    files = _files(spec)
    return cached_dataset(f"lexicon_{name}", files, partial(_parse, spec, files),
                          version=_VERSION, data_home=data_home, refresh=refresh,
                          progress=progress)
