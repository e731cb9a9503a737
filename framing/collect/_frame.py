"""Shared plumbing: build validated articles frames and failure tables from plain records.

Every collector returns an articles DataFrame (:mod:`framing.schema`) and attaches a
``failures`` table to ``frame.attrs``: one row per input (URL, page, feed, query window) that
did not become an article, with the stage where it failed and why. Nothing is dropped
silently; a warning says how many failed and where to look.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .._tables import ReportTable
from .._warnings import warn_at_caller
from ..schema import ARTICLE_COLUMNS, OPTIONAL_ARTICLE_COLUMNS, validate_articles

__all__ = ["FAILURE_COLUMNS", "attach_failures", "build_articles", "failures_frame", "to_utc"]

#: Columns of ``attrs["failures"]``: what failed, at which stage, the HTTP status (missing when
#: there was no response), why, and after how many attempts.
FAILURE_COLUMNS = ("url", "stage", "status", "reason", "attempts")


def failures_frame(records: Iterable[dict] = ()) -> ReportTable:
    """Return the failures table for ``records`` (dicts with some of ``FAILURE_COLUMNS``).

    A :class:`framing._tables.ReportTable` (it lives in ``attrs``; ``.to_frame()`` gives a
    DataFrame).
    """
    return ReportTable(records, columns=FAILURE_COLUMNS)


def to_utc(value) -> pd.Timestamp:
    """Parse a date or datetime (string, ``datetime``, ``date``, epoch-free) to a UTC Timestamp.

    Naive values are taken to be UTC; unparseable or empty values give ``NaT``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return pd.NaT
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    if stamp is pd.NaT:
        return pd.NaT
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def build_articles(records: list[dict]) -> tuple[pd.DataFrame, list[dict]]:
    """Build a validated articles frame from records keyed like its columns (plus ``article_id``).

    A record whose ``article_id`` repeats an earlier one is left out and returned as a
    failure (stage ``"input"``), so that every input is accounted for.

    Returns
    -------
    (pandas.DataFrame, list of dict)
        The articles, in input order, and the failure records of repeated IDs.
    """
    seen: dict[str, str] = {}
    kept, repeated = [], []
    for record in records:
        article_id = record["article_id"]
        if article_id in seen:
            repeated.append({"url": record.get("url") or seen[article_id], "stage": "input",
                             "reason": f"same article as {article_id!r} (same canonical URL "
                                       "or identical page)", "attempts": 0})
            continue
        seen[article_id] = record.get("url") or ""
        kept.append(record)
    columns = ["article_id", *ARTICLE_COLUMNS, *OPTIONAL_ARTICLE_COLUMNS]
    extra = sorted({k for r in kept for k in r if k.startswith(("meta_", "label_"))})
    frame = pd.DataFrame.from_records(kept, columns=columns + extra)
    frame = frame.set_index("article_id")
    frame.index = frame.index.astype(object)
    stamps = pd.Series([to_utc(v) for v in frame["date"]], index=frame.index, dtype=object)
    frame["date"] = pd.to_datetime(stamps, utc=True)
    for column in ("outlet", "title", "text"):
        frame[column] = frame[column].fillna("").astype(str).astype(object)
    for column in OPTIONAL_ARTICLE_COLUMNS:
        values = [v if isinstance(v, str) and v.strip() else None for v in frame[column]]
        if column == "topic" and all(v is None for v in values):
            frame = frame.drop(columns=column)  # collectors never set a topic
        else:
            frame[column] = pd.Series(values, index=frame.index, dtype=object)
    return validate_articles(frame), repeated


def attach_failures(frame: pd.DataFrame, failures: list[dict] | pd.DataFrame, *, what: str
                    ) -> pd.DataFrame:
    """Attach the failures table to ``frame.attrs["failures"]``; warn when it is not empty."""
    table = (ReportTable.from_frame(failures) if isinstance(failures, pd.DataFrame)
             else failures_frame(failures))
    frame.attrs["failures"] = table
    if len(table):
        reasons = table["stage"].value_counts().to_dict()
        warn_at_caller(f"{what}: {len(table)} input(s) did not become articles "
                       f"(by stage: {reasons}); see .attrs['failures']")
    return frame
