"""The AllSides article corpus of Baly et al. (2020): immigration and sanctuary-policy subset."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .._fetch import cached_dataset, select
from ..io import attach_report
from ..schema import normalize_outlet, validate_articles
from ._sanctuary_flags import FLAG_COLUMNS, sanctuary_flags

__all__ = ["fetch_allsides"]

_VERSION = "allsides-1"
_LEANS = ["left", "center", "right"]
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2})$")
# The corpus was crawled in 2020; an ISO year outside this window is a crawl artefact.
_PLAUSIBLE_YEARS = range(2000, 2022)


def _parse_date(value) -> tuple[pd.Timestamp, str | None]:
    """Return (UTC midnight of the publication date or NaT, reason when NaT from a value)."""
    text = "" if value is None else str(value).strip()
    if not text:
        return pd.NaT, None
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        if year not in _PLAUSIBLE_YEARS:
            return pd.NaT, f"implausible year {year}"
    else:
        match = _US_DATE.match(text)
        if not match:
            return pd.NaT, "unrecognised date format"
        month, day, year = (int(g) for g in match.groups())
        year += 2000
    try:
        return pd.Timestamp(year=year, month=month, day=day, tz="UTC"), None
    except ValueError as err:
        return pd.NaT, f"invalid date: {err}"


def _read_split(path: Path) -> dict[str, str]:
    """Map article ID -> split name ('train', 'valid', 'test') for one split file."""
    table = pd.read_csv(path, sep="\t", dtype=str)
    return dict.fromkeys(table["ID"].dropna(), path.stem)


def _flag_duplicates(frame: pd.DataFrame) -> pd.Series:
    """ID of an earlier article (by sorted ID) with the same URL or the same body, else NA."""
    ordered = frame.sort_index()
    duplicate_of = pd.Series(pd.NA, index=ordered.index, dtype=object)
    for column in ("url", "text"):
        values = ordered[column].where(ordered[column].fillna("").str.strip() != "")
        first = values.dropna().groupby(values.dropna()).transform(lambda s: s.index[0])
        candidates = first[first != first.index]
        unset = duplicate_of.loc[candidates.index].isna()
        duplicate_of.loc[candidates.index[unset.to_numpy()]] = candidates[unset.to_numpy()]
    return duplicate_of.reindex(frame.index)


def _parse(paths: list[Path]) -> pd.DataFrame:
    json_paths = [p for p in paths if p.suffix == ".json"]
    split_paths = [p for p in paths if p.suffix == ".tsv"]
    splits = {"random": {}, "media": {}}
    for path in split_paths:
        splits[path.parent.name].update(_read_split(path))

    records, rejected, coerced = [], [], []
    for path in json_paths:
        source = f"data/jsons/{path.name}"
        try:
            item = json.loads(path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            rejected.append({"source": source, "row_id": path.stem,
                             "reason": f"not valid JSON: {err}"})
            continue
        if not isinstance(item, dict):
            rejected.append({"source": source, "row_id": path.stem,
                             "reason": f"expected a JSON object, got {type(item).__name__}"})
            continue
        article_id = str(item.get("ID") or "").strip()
        problems = []
        if article_id != path.stem:
            problems.append(f"ID {article_id!r} differs from the file name")
        if not str(item.get("source") or "").strip():
            problems.append("no source (outlet)")
        if item.get("bias_text") not in _LEANS:
            problems.append(f"bias_text {item.get('bias_text')!r} is not left/center/right")
        if not isinstance(item.get("content_original"), str):
            problems.append("no content_original (body text)")
        if problems:
            rejected.append({"source": source, "row_id": path.stem,
                             "reason": "; ".join(problems)})
            continue
        date, why = _parse_date(item.get("date"))
        if why:
            coerced.append({"source": source, "row_id": article_id, "column": "date",
                            "value": item.get("date"), "reason": why})
        records.append({
            "article_id": article_id,
            "outlet": normalize_outlet(item["source"]),
            "date": date,
            "title": str(item.get("title") or ""),
            "text": item["content_original"],
            "url": item.get("url") or None,
            "topic": item.get("topic") or None,
            "authors": item.get("authors") or None,
            "label_allsides": item["bias_text"],
            "meta_source": item["source"],
            "meta_source_url": item.get("source_url") or None,
        })

    frame = pd.DataFrame.from_records(records).set_index("article_id").sort_index()
    frame["date"] = pd.to_datetime(frame["date"], utc=True)
    frame["label_allsides"] = pd.Categorical(frame["label_allsides"], categories=_LEANS,
                                             ordered=True)
    for name, members in splits.items():
        frame[f"meta_split_{name}"] = frame.index.map(members).astype(object)
    frame["meta_duplicate_of"] = _flag_duplicates(frame)
    frame["meta_is_topic_immigration"] = frame["topic"].eq("immigration")
    flags = sanctuary_flags(frame["title"] + "\n" + frame["text"])
    for column in FLAG_COLUMNS:
        frame[f"meta_{column}"] = flags[column].to_numpy()
    frame["meta_n_sanctuary_mentions"] = frame["meta_n_sanctuary_mentions"].astype(np.int64)
    attach_report(frame, rejected=rejected, coerced=coerced, n_source_rows=len(json_paths))
    return validate_articles(frame)


def fetch_allsides(*, data_home=None, refresh: bool = False, progress: bool = True
                   ) -> pd.DataFrame:
    """Fetch the AllSides immigration and sanctuary-policy articles (Baly et al. 2020).

    **Dataset card**

    Source
        ``ramybaly/Article-Bias-Prediction`` at commit ``ced8111a``: one JSON file per
        article (``data/jsons/<ID>.json``) and the paper's split files
        (``data/splits/{random,media}/{train,valid,test}.tsv``), each pinned by sha256.
    Selection
        The 2,027 articles of the corpus (37,554 in all) listed under the AllSides topic
        ``immigration`` or mentioning sanctuary policy, ICE detainers, the California
        Values Act, 287(g), Secure Communities or ICE. The pinned file list *is* the
        selection; all 2,027 are returned, none dropped.
    Licence
        Apache-2.0 (repository). Article texts are copyright of their publishers: research
        use.
    Citation
        Ramy Baly, Giovanni Da San Martino, James Glass, Preslav Nakov. 2020. *We Can
        Detect Your Bias: Predicting the Political Ideology of News Articles.* EMNLP 2020,
        4982-4991.
    Fields
        Articles contract (:mod:`framing.schema`): ``outlet`` (normalised AllSides source
        name, for example ``new-york-times-news``), ``date`` (publication day at 00:00 UTC;
        NaT when missing or implausible, listed in ``attrs["coerced"]``), ``title``,
        ``text`` (``content_original``, the newspaper3k body), ``url``, ``topic``
        (AllSides topic), ``authors``;
        ``label_allsides``: the outlet's AllSides rating collapsed to left/center/right and
        propagated to its articles (an *outlet-level* label);
        ``meta_source``, ``meta_source_url``: the outlet as AllSides names it;
        ``meta_split_random``, ``meta_split_media``: membership in the paper's random and
        media (outlet-disjoint) splits (``train``/``valid``/``test``, missing when in
        none);
        ``meta_duplicate_of``: ``article_id`` of an earlier article (by sorted ID) with the
        same URL or identical body, else missing (flagged, never dropped);
        ``meta_is_topic_immigration`` and the sanctuary-policy keyword flags
        ``meta_mentions_sanctuary_policy``, ``meta_n_sanctuary_mentions``,
        ``meta_mentions_ice``, ``meta_mentions_detainer``, ``meta_mentions_ca_values_act``,
        ``meta_mentions_287g``, ``meta_mentions_secure_communities``,
        ``meta_sanctuary_related`` (recomputed from the text by keyword heuristics,
        "Second Amendment sanctuary" excluded; not gold labels).
    Known biases
        Labels are outlet-level, so a classifier learns outlet identity and house style as
        much as ideology: evaluate on outlets unseen in training. A few outlets dominate
        (Washington Times 256 articles, Fox News and Politico 126 each). Bodies carry
        newspaper3k boilerplate (related links, captions, bylines) that identifies outlets.
        About 14% of articles have no usable date. AllSides ratings date from 2019-2020.

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
        2,027 validated articles. ``attrs["rejected"]`` lists source files that could not
        be used (none for the pinned release) and ``attrs["coerced"]`` values set missing.

    Examples
    --------
    >>> from framing.datasets import fetch_allsides
    >>> articles = fetch_allsides(progress=False)  # doctest: +SKIP
    >>> len(articles), articles["outlet"].nunique()  # doctest: +SKIP
    (2027, 121)
    """
    files = select("allsides", "data/jsons/*.json") + select("allsides", "data/splits/*.tsv")
    return cached_dataset("allsides", files, _parse, version=_VERSION, data_home=data_home,
                          refresh=refresh, progress=progress)
