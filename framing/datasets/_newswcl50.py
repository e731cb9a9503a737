"""NewsWCL50 (Hamborg et al. 2019): bias by word choice and labeling, as coded mentions."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from .._fetch import cached_dataset, select
from ..schema import SchemaError, normalize_outlet, validate_articles
from ._parsing import Report, as_record, blank, nat_dates, parse_int, read_delimited

__all__ = ["fetch_newswcl50", "validate_mentions"]

_VERSION = "newswcl50-1"
TABLES = ("mentions", "articles")
_ANNOTATIONS = "Annotations.csv"
_URLS = "urls.tsv"
#: Publisher codes (from ``urls.tsv``, far left to far right) and the outlets they name.
PUBLISHERS = {"LL": "HuffPost", "L": "New York Times", "M": "USA Today", "R": "Fox News",
              "RR": "Breitbart"}
_INTS = ("event_id", "paragraph", "sentence", "start", "end")
MENTION_COLUMNS = ("article_id", "event_id", "publisher_id", "outlet", "code_type",
                   "code_name", "code_mention", "target_concept", *_INTS[1:])


def _article_id(event_id: int, publisher_id: str) -> str:
    return f"newswcl50-{event_id}-{publisher_id}"


def validate_mentions(df: pd.DataFrame) -> pd.DataFrame:
    """Check a NewsWCL50 mentions table; return it unchanged.

    The index is a unique, non-empty string ``mention_id``; every column of
    :data:`MENTION_COLUMNS` is present; ``article_id``, ``outlet``, ``code_type``,
    ``code_name`` and ``code_mention`` are non-empty strings; ``publisher_id`` is a key of
    :data:`PUBLISHERS`; the token positions are non-negative integers with
    ``start <= end``.

    Raises
    ------
    SchemaError
        Naming the column, the row and the reason of the first violation.
    """
    if df.index.name != "mention_id":
        raise SchemaError(f"the index must be named 'mention_id', not {df.index.name!r}",
                          column="index")
    ids = df.index.to_numpy(dtype=object)
    bad = np.fromiter((not (isinstance(v, str) and v.strip()) for v in ids), bool,
                      count=len(ids)) | df.index.duplicated()
    _raise_first(bad, ids, "index", "mention_id must be a unique, non-empty string")
    for column in MENTION_COLUMNS:
        if column not in df.columns:
            raise SchemaError(f"required column missing (have {list(df.columns)})",
                              column=column)
    for column in ("article_id", "outlet", "code_type", "code_name", "code_mention"):
        values = df[column].to_numpy(dtype=object, na_value=None)
        bad = np.fromiter((not (isinstance(v, str) and v.strip()) for v in values), bool,
                          count=len(values))
        _raise_first(bad, ids, column, "missing or empty string")
    _raise_first(~df["publisher_id"].isin(list(PUBLISHERS)).to_numpy(), ids, "publisher_id",
                 f"not one of {list(PUBLISHERS)}")
    for column in _INTS:
        if not pd.api.types.is_integer_dtype(df[column]):
            raise SchemaError(f"expected integers, got dtype {df[column].dtype}",
                              column=column)
        _raise_first(df[column].isna().to_numpy() | (df[column] < 0).fillna(True).to_numpy(),
                     ids, column, "missing or negative")
    _raise_first((df["start"] > df["end"]).to_numpy(), ids, "start", "start after end")
    return df


def _raise_first(bad: np.ndarray, ids: np.ndarray, column: str, reason: str) -> None:
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise SchemaError(reason, column=column, row=ids[pos], position=pos)


def _mention(record: dict) -> tuple[dict | None, str | None]:
    values = {}
    for column in _INTS:
        values[column], why = parse_int(record.get(column))
        if values[column] is None or values[column] < 0:
            return None, f"{column} is not a non-negative integer: {record.get(column)!r}"
    if values["start"] > values["end"]:
        return None, f"start {values['start']} after end {values['end']}"
    publisher = record.get("publisher_id", "")
    if publisher not in PUBLISHERS:
        return None, f"publisher_id {publisher!r} is not one of {list(PUBLISHERS)}"
    for column in ("code_type", "code_name", "code_mention"):
        if blank(record.get(column)):
            return None, f"no {column}"
    return {
        "article_id": _article_id(values["event_id"], publisher),
        "event_id": values["event_id"],
        "publisher_id": publisher,
        "outlet": normalize_outlet(PUBLISHERS[publisher]),
        "code_type": record["code_type"],
        "code_name": record["code_name"],
        "code_mention": record["code_mention"],
        "target_concept": None if blank(record.get("target_concept"))
        else record["target_concept"],
        **{c: values[c] for c in _INTS[1:]},
    }, None


def _mentions(path: Path, report: Report) -> tuple[pd.DataFrame, int]:
    header, records = read_delimited(path, delimiter=",", encoding="utf-8-sig",
                                     skip_if=lambda line: line.startswith("sep="))
    rows, seen = [], set()
    for line, fields in records:
        record, why = as_record(header, fields)
        mention_id = (record or {}).get("id") or None
        if record is not None:
            if blank(mention_id):
                why = "no id"
            elif mention_id in seen:
                why = f"duplicate id {mention_id!r}"
            else:
                row, why = _mention(record)
        if why:
            report.reject(_ANNOTATIONS, line, mention_id, why)
            continue
        seen.add(mention_id)
        rows.append({"mention_id": mention_id, **row})
    frame = pd.DataFrame.from_records(rows, columns=["mention_id", *MENTION_COLUMNS])
    frame = frame.set_index("mention_id").sort_index()
    for column in _INTS:
        frame[column] = frame[column].astype(np.int64)
    return frame, len(records)


def _articles(path: Path, report: Report) -> tuple[pd.DataFrame, int]:
    header, records = read_delimited(path, delimiter="\t", encoding="utf-8-sig")
    rows, seen = [], set()
    for line, fields in records:
        record, why = as_record(header, fields)
        event, _ = parse_int((record or {}).get("Event ID"))
        publisher = (record or {}).get("Outlet", "")
        article_id = _article_id(event, publisher) if event is not None else None
        why = why or ("Event ID is not an integer" if event is None
                      else f"unknown publisher code {publisher!r}" if publisher not in PUBLISHERS
                      else f"duplicate article {article_id}" if article_id in seen
                      else None)
        if why:
            report.reject(_URLS, line, article_id, why)
            continue
        seen.add(article_id)
        rows.append({"article_id": article_id, "outlet": normalize_outlet(PUBLISHERS[publisher]),
                     "title": "", "text": "", "url": record["URL"].strip() or None,
                     "meta_event_id": event, "meta_publisher_id": publisher})
    frame = pd.DataFrame.from_records(rows).set_index("article_id").sort_index()
    frame.insert(1, "date", nat_dates(frame.index))
    frame["meta_event_id"] = frame["meta_event_id"].astype(np.int64)
    return frame, len(records)


def _parse(paths: list[Path], table: str = "mentions") -> pd.DataFrame:
    wanted = _URLS if table == "articles" else _ANNOTATIONS
    (path,) = [p for p in paths if p.name == wanted]
    report = Report()
    if table == "articles":
        frame, n_rows = _articles(path, report)
        report.attach(frame, n_rows)
        return validate_articles(frame)
    frame, n_rows = _mentions(path, report)
    report.attach(frame, n_rows)
    return validate_mentions(frame)


def fetch_newswcl50(table: str = "mentions", *, data_home=None, refresh: bool = False,
                    progress: bool = True) -> pd.DataFrame:
    """Fetch NewsWCL50, coded mentions for bias by word choice and labeling (Hamborg 2019).

    **Dataset card**

    Source
        ``fhamborg/NewsWCL50`` at commit ``f9513ae7``: ``Annotations.csv`` (first line
        ``sep=``, an Excel hint, skipped; CRLF line ends) and ``urls.tsv``, pinned by
        sha256. The article texts are **not** distributed (copyright).
    Design
        10 events of April 2018, each covered by 5 US outlets across the spectrum (50
        articles). Coders marked every mention of the salient concepts (actors, groups,
        countries, events, properties...) and coded the concept it refers to, so mentions
        coded to the same ``code_name`` can be compared across outlets (event 6, the 2018
        migrant caravan: "the caravan", "asylum-seekers", "immigrants"...).
    Licence
        CC BY-SA 4.0 (repository README and ``LICENSE``), (c) 2018-2019 the NewsWCL50 team.
    Citation
        Felix Hamborg, Anastasia Zhukova, Bela Gipp. 2019. *Automated Identification of
        Media Bias by Word Choice and Labeling in News Articles.* JCDL 2019.
    Fields, ``table="mentions"`` (8,694 rows; **not** an articles table)
        Index ``mention_id`` (source ``id``, ``<event>_<publisher>_<n>``); ``article_id``
        (``newswcl50-<event>-<publisher>``, the row of ``table="articles"``); ``event_id``
        (0-9); ``publisher_id`` (``LL``, ``L``, ``M``, ``R``, ``RR``); ``outlet``
        (``huffpost``, ``new-york-times``, ``usa-today``, ``fox-news``, ``breitbart``: see
        :data:`PUBLISHERS`); ``code_type`` (ACTOR, ACTOR-I, GROUP, COUNTRY, EVENT, ACTION,
        OBJECT, PROPERTY, MISC); ``code_name`` (the concept; ``\\``-separated hierarchy,
        e.g. ``USA\\Trump``); ``code_mention`` (the phrase as written); ``target_concept``
        (set for PROPERTY rows and 6 others, else missing); ``paragraph``, ``sentence``,
        ``start``, ``end`` (int64 token positions in the original article). Checked by
        :func:`validate_mentions`.
    Fields, ``table="articles"`` (50 rows, a validated articles table)
        Index ``article_id``; ``outlet``; ``date`` NaT; ``title`` and ``text`` ``""`` (not
        distributed: fetch them yourself from ``url`` if your use allows); ``url``;
        ``meta_event_id``; ``meta_publisher_id``.
    Known biases
        Five outlets, ten events in one month; the publisher codes order outlets from far
        left to far right as the authors see them. Mentions are coded by a few coders with
        a codebook (``Codebook.pdf`` upstream) whose sub-codes (``-I``, ``-Misc``) need it
        to be read.

    Parameters
    ----------
    table : {"mentions", "articles"}, default "mentions"
        Which table to return.
    data_home : path-like, optional
        Cache folder; see :func:`framing._config.get_data_home`.
    refresh : bool, default False
        Parse the cached raw files again instead of using the parsed cache.
    progress : bool, default True
        Show a progress bar while downloading.

    Returns
    -------
    pandas.DataFrame
        The table, sorted by its index, with ``attrs["rejected"]`` (line = line of the
        file, the ``sep=`` line counted), ``attrs["coerced"]`` and
        ``attrs["n_source_rows"]``.

    Examples
    --------
    >>> from framing.datasets import fetch_newswcl50
    >>> mentions = fetch_newswcl50(progress=False)  # doctest: +SKIP
    >>> caravan = mentions[(mentions["event_id"] == 6)
    ...                    & (mentions["code_name"] == "Migrant caravan")]  # doctest: +SKIP
    >>> caravan.groupby("outlet")["code_mention"].agg(set)  # doctest: +SKIP
    """
    if table not in TABLES:
        raise ValueError(f"table must be one of {TABLES}, not {table!r}")
    files = select("newswcl50", _URLS if table == "articles" else _ANNOTATIONS)
    return cached_dataset(f"newswcl50-{table}", files, functools.partial(_parse, table=table),
                          version=_VERSION, data_home=data_home, refresh=refresh,
                          progress=progress)
