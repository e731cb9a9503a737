"""BABE (Bias Annotations By Experts) and MBIC: sentence-level media bias with biased words."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._fetch import cached_dataset, select
from ..schema import normalize_outlet, validate_articles
from ._parsing import (
    Report,
    as_record,
    blank,
    nat_dates,
    parse_int,
    parse_str_list,
    read_delimited,
    read_sheet,
)

__all__ = ["fetch_babe", "fetch_mbic"]

_VERSION = "babe-1"
_FILES = {
    "SG1": "data/final_labels_SG1.csv",
    "SG2": "data/final_labels_SG2.csv",
    "MBIC": "data/final_labels_MBIC.xlsx",
}
#: Values of ``label_bias``, as in the source.
BIAS_LABELS = ("Biased", "Non-biased", "No agreement")
#: Values of ``label_opinion``, as in the source (note the typographic apostrophe).
OPINION_LABELS = ("Entirely factual", "Somewhat factual but also opinionated",
                  "Expresses writer\u2019s opinion", "No agreement")
_LEANS = ("left", "center", "right")
_COLUMNS = ("text", "news_link", "outlet", "topic", "type", "label_bias", "label_opinion",
            "biased_words")
_MBIC_COLUMNS = ("group_id", "num_sent", "article")
_CATEGORIES = {"label_bias": BIAS_LABELS, "label_opinion": OPINION_LABELS,
               "meta_outlet_type": _LEANS}


def _rows(path: Path, kind: str):
    """Yield (line, 0-based source row, record or None, reason) for every source row."""
    if kind == "MBIC":
        header, rows = read_sheet(path)
        _check_header(header, _COLUMNS + _MBIC_COLUMNS, path)
        for data_row, record in rows:
            yield data_row, data_row - 1, record, None
    else:
        header, records = read_delimited(path, delimiter=";")
        _check_header(header, _COLUMNS, path)
        for position, (line, fields) in enumerate(records):
            record, why = as_record(header, fields)
            yield line, position, record, why


def _check_header(header, expected, path) -> None:
    missing = [c for c in expected if c not in header]
    if missing:
        raise ValueError(f"{path.name}: columns {missing} missing from the header {header}")


def _choice(record, column, allowed, report, where) -> str | None:
    value = record.get(column)
    if blank(value):
        return None
    if value in allowed:
        return value
    report.coerce(*where, column, value, f"not one of {list(allowed)}")
    return None


def _parse(paths: list[Path]) -> pd.DataFrame:
    (path,) = paths
    kind = next(k for k, name in _FILES.items() if Path(name).name == path.name)
    source = _FILES[kind]
    prefix = "mbic" if kind == "MBIC" else f"babe-{kind.lower()}"
    report, records = Report(), []
    n_rows = 0
    for line, position, record, why in _rows(path, kind):
        n_rows += 1
        article_id = f"{prefix}-{position:04d}"
        if record is None:
            report.reject(source, line, article_id, why)
            continue
        if blank(record["text"]):
            report.reject(source, line, article_id, "no sentence text")
            continue
        outlet = normalize_outlet(record["outlet"]) if not blank(record["outlet"]) else ""
        if not outlet:
            report.reject(source, line, article_id, "no outlet")
            continue
        where = (source, line, article_id)
        words, why = parse_str_list(record["biased_words"])
        if why:
            report.coerce(*where, "meta_biased_words", record["biased_words"], why)
        row = {
            "article_id": article_id,
            "outlet": outlet,
            "title": "",
            "text": str(record["text"]),
            "url": None if blank(record["news_link"]) else str(record["news_link"]).strip(),
            "topic": None if blank(record["topic"]) else str(record["topic"]),
            "label_bias": _choice(record, "label_bias", BIAS_LABELS, report, where),
            "label_opinion": _choice(record, "label_opinion", OPINION_LABELS, report, where),
            "meta_biased_words": words,
            "meta_outlet_type": _choice(record, "type", _LEANS, report, where),
            "meta_source_outlet": str(record["outlet"]),
        }
        if kind == "MBIC":
            for column in ("group_id", "num_sent"):
                row[f"meta_{column}"], why = parse_int(record[column])
                if why:
                    report.coerce(*where, f"meta_{column}", record[column], why)
            row["meta_article"] = None if blank(record["article"]) else str(record["article"])
        records.append(row)

    frame = pd.DataFrame.from_records(records, columns=list(records[0]) if records else None)
    frame = frame.set_index("article_id").sort_index()
    frame.insert(1, "date", nat_dates(frame.index))
    for column, categories in _CATEGORIES.items():
        frame[column] = pd.Categorical(frame[column], categories=list(categories))
    for column in ("meta_group_id", "meta_num_sent"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    report.attach(frame, n_rows)
    return validate_articles(frame)


def fetch_babe(subset: str = "SG2", *, data_home=None, refresh: bool = False,
               progress: bool = True) -> pd.DataFrame:
    """Fetch BABE, the expert sentence-level media-bias labels (Spinde et al. 2021).

    **Dataset card**

    Source
        ``Media-Bias-Group/Neural-Media-Bias-Detection-Using-Distant-Supervision-With-BABE``
        at commit ``fb79f646``: ``data/final_labels_SG2.csv`` (3,674 sentences, majority
        vote of 5 trained expert annotators) or ``data/final_labels_SG1.csv`` (the 1,700
        MBIC sentences, majority vote of 8 experts), pinned by sha256. The files are
        UTF-8 with a byte-order mark and ``;`` separators.
    Licence
        AGPL-3.0 (repository ``LICENSE``; no separate data licence). Sentences are short
        excerpts of news articles, copyright of their publishers.
    Citation
        Timo Spinde, Manuel Plank, Jan-David Krieger, Terry Ruas, Bela Gipp, Akiko Aizawa.
        2021. *Neural Media Bias Detection Using Distant Supervision With BABE — Bias
        Annotations By Experts.* Findings of EMNLP 2021, 1166-1177.
    Fields
        One row per sentence. Articles contract (:mod:`framing.schema`): index
        ``article_id`` (``babe-sg2-NNNN`` or ``babe-sg1-NNNN``, NNNN the 0-based data row of
        the source file, so ids are stable), ``outlet`` (:func:`~framing.schema.normalize_outlet`
        of the source's outlet: SG1 slugs such as ``fox-news`` and SG2 display names such
        as ``Fox News`` both give ``fox-news``; likewise ``usa-today``, ``huffpost``,
        ``msnbc``), ``date`` (NaT: the source gives none), ``title`` (``""``), ``text``
        (the sentence exactly as in the source, trailing spaces included), ``url``
        (``news_link``), ``topic`` (as in the source; SG2 spells some topics two ways, e.g.
        ``blm`` and ``black lives matter``);
        ``label_bias`` (categorical ``Biased``/``Non-biased``/``No agreement``, kept as in
        the source: no row is dropped; most users filter out ``No agreement``);
        ``label_opinion`` (categorical ``Entirely factual``, ``Somewhat factual but also
        opinionated``, ``Expresses writer’s opinion``, ``No agreement``);
        ``meta_biased_words`` (list of str: the words annotators marked as biased, parsed
        from the source's Python-list string without evaluating it; missing, and listed in
        ``attrs["coerced"]``, when a cell is malformed);
        ``meta_outlet_type`` (categorical left/center/right: the outlet's lean per
        mediacloud.org, an *outlet-level* label; missing where the source has none);
        ``meta_source_outlet`` (the outlet as the source spells it).
        A label value outside the lists above is set missing and listed in
        ``attrs["coerced"]``; a row without text or outlet, or with the wrong number of
        fields, is listed in ``attrs["rejected"]``.
    Known biases
        Bias label and outlet are strongly confounded (SG2: Reuters 73 biased / 688
        non-biased, Alternet 578 / 195): a classifier can score well by recognising the
        outlet, so also evaluate on outlets unseen in training. ``outlet`` does not always
        match the domain of ``url`` (SG1 ``msnbc`` mostly links to nbcnews.com; many links
        are feed proxies). Sentences were found by keyword search on a fixed list of topics
        in 2017-2020 US outlets. SG2 ``meta_outlet_type`` is missing for the 1,000
        sentences of the later-added topics. SG2 has one ``No agreement`` bias label, SG1
        154.

    Parameters
    ----------
    subset : {"SG2", "SG1"}, default "SG2"
        SG2 is BABE proper; SG1 the smaller first expert round on the MBIC sentences.
    data_home : path-like, optional
        Cache folder; see :func:`framing._config.get_data_home`.
    refresh : bool, default False
        Parse the cached raw files again instead of using the parsed cache.
    progress : bool, default True
        Show a progress bar while downloading.

    Returns
    -------
    pandas.DataFrame
        A validated articles table, one row per sentence (3,674 for SG2, 1,700 for SG1).
        ``attrs["rejected"]`` lists unusable source rows (line = line of the CSV file) and
        ``attrs["coerced"]`` values set missing; ``attrs["n_source_rows"]`` reconciles.

    Examples
    --------
    >>> from framing.datasets import fetch_babe
    >>> babe = fetch_babe(progress=False)  # doctest: +SKIP
    >>> babe["label_bias"].value_counts().to_dict()  # doctest: +SKIP
    {'Non-biased': 1863, 'Biased': 1810, 'No agreement': 1}
    >>> labelled = babe[babe["label_bias"] != "No agreement"]  # doctest: +SKIP
    """
    key = str(subset).upper()
    if key not in ("SG1", "SG2"):
        raise ValueError(f"subset must be 'SG1' or 'SG2', not {subset!r}")
    return cached_dataset(f"babe-{key.lower()}", select("babe", _FILES[key]), _parse,
                          version=_VERSION, data_home=data_home, refresh=refresh,
                          progress=progress)


def fetch_mbic(*, data_home=None, refresh: bool = False, progress: bool = True
               ) -> pd.DataFrame:
    """Fetch MBIC, crowd-sourced sentence-level media-bias labels (Spinde et al. 2021).

    **Dataset card**

    Source
        ``Media-Bias-Group/Neural-Media-Bias-Detection-Using-Distant-Supervision-With-BABE``
        at commit ``fb79f646``: ``data/final_labels_MBIC.xlsx`` (sheet ``Sheet1``), pinned
        by sha256: the 1,700 MBIC sentences with the majority labels of the MTurk crowd
        (10 workers per sentence), plus each sentence's article.
    Licence
        AGPL-3.0 (repository ``LICENSE``). Sentences and articles are copyright of their
        publishers. The per-worker labels (with worker demographics) are not fetched.
    Citation
        Timo Spinde, Lada Rudnitckaia, Kanishka Sinha, Felix Hamborg, Bela Gipp, Karsten
        Donnay. 2021. *MBIC — A Media Bias Annotation Dataset Including Annotator
        Characteristics.* iConference 2021.
    Fields
        As in :func:`fetch_babe` (outlets are slugs such as ``fox-news``, normalised to the
        same keys), with index ``mbic-NNNN`` (NNNN the 0-based data row of the sheet), and
        ``meta_group_id``, ``meta_num_sent`` (Int64: the sentence group and the sentence's
        number in it, as in the source) and ``meta_article`` (the full article text
        collected by the MBIC authors; missing for 100 sentences in the source).
    Known biases
        As in :func:`fetch_babe`. Crowd workers call far more sentences biased than experts
        do on the same sentences (1,018 vs 746 in ``fetch_babe(subset="SG1")``).

    Parameters
    ----------
    data_home : path-like, optional
        Cache folder; see :func:`framing._config.get_data_home`.
    refresh : bool, default False
        Parse the cached raw files again instead of using the parsed cache.
    progress : bool, default True
        Show a progress bar while downloading.

    Returns
    -------
    pandas.DataFrame
        A validated articles table, one row per sentence (1,700). ``attrs["rejected"]``
        (line = 1-based data row below the header) and ``attrs["coerced"]`` as in
        :func:`fetch_babe`.

    Examples
    --------
    >>> from framing.datasets import fetch_mbic
    >>> mbic = fetch_mbic(progress=False)  # doctest: +SKIP
    >>> mbic["label_bias"].value_counts().to_dict()  # doctest: +SKIP
    {'Biased': 1018, 'Non-biased': 533, 'No agreement': 149}
    """
    return cached_dataset("mbic", select("babe", _FILES["MBIC"]), _parse, version=_VERSION,
                          data_home=data_home, refresh=refresh, progress=progress)
