"""The Narrative Frames Corpus (Frermann et al. 2023): climate-change news with gold generic
frames and hero/villain/victim entities."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pandas as pd

from .._fetch import cached_dataset, select
from ..schema import normalize_outlet, validate_articles
from ._parsing import (
    Report,
    as_record,
    blank,
    check_table,
    parse_bool,
    parse_int,
    parse_utc_day,
    read_delimited,
)

__all__ = ["fetch_narrative_frames"]

_VERSION = "narrative-frames-1"
TABLES = ("articles", "entity_roles")
_METADATA = "data/articles_metadata.tsv"
_ROLES = "data/role_and_frame_annoations.tsv"  # sic
_ANNOTATIONS = "data/full_annotations.json"
#: Source frame codes and the ``label_frame_*`` columns that hold them.
FRAMES = {"RE": "resolution", "HI": "human_interest", "CO": "conflict", "MO": "moral",
          "EC": "economic"}
_ROLES_ALLOWED = ("hero", "villain", "victim")
#: The source spells most outlets two ways (``thedailycaller`` and ``The Daily Caller``).
#: Both are looked up here by their letters and digits only, lower-cased, and replaced by
#: the display name, whose :func:`~framing.schema.normalize_outlet` key ``outlet`` holds.
OUTLET_NAMES = {
    "bbc": "BBC", "bipartisanreport": "Bipartisan Report", "breitbart": "Breitbart",
    "buzzfeed": "BuzzFeed", "cbsnews": "CBS News", "cnbc": "CNBC", "cnn": "CNN",
    "dailykos": "Daily Kos", "dailymail": "Daily Mail", "drudgereport": "Drudge Report",
    "foxnews": "Fox News", "fusion": "Fusion", "motherjones": "Mother Jones",
    "nationalreview": "National Review", "newsbusters": "NewsBusters", "npr": "NPR",
    "palmerreport": "Palmer Report", "pbs": "PBS", "politicususa": "Politicus USA",
    "redstate": "RedState", "rt": "RT", "shareblue": "Shareblue", "slate": "Slate",
    "talkingpointsmemo": "Talking Points Memo", "theblaze": "TheBlaze",
    "thedailycaller": "The Daily Caller", "theduran": "The Duran",
    "theguardian": "The Guardian", "thehill": "The Hill",
    "thehuffingtonpost": "The Huffington Post", "thenewyorktimes": "The New York Times",
    "thepoliticalinsider": "The Political Insider", "therightscoop": "The Right Scoop",
    "usatoday": "USA Today", "vox": "Vox", "yahoonews": "Yahoo News",
}


def outlet_key(source: str) -> str:
    """The normalised outlet key for a source spelling of this corpus.

    Examples
    --------
    >>> outlet_key("thedailycaller"), outlet_key("The Daily Caller")
    ('the-daily-caller', 'the-daily-caller')
    >>> outlet_key("MotherJones"), outlet_key("motherjones")
    ('mother-jones', 'mother-jones')
    """
    compact = re.sub(r"[^0-9a-z]", "", str(source).casefold())
    return normalize_outlet(OUTLET_NAMES.get(compact, source))


def _article_id(number: int) -> str:
    return f"narrative-frames-{number:04d}"


def _frame_label(value) -> tuple[bool | None, str | None]:
    if isinstance(value, str) and value.strip() == "False)":
        return False, "typo 'False)' read as False"
    flag, why = parse_bool(value)
    return flag, why


def _opinions(path: Path | None, report: Report) -> dict[int, bool | None]:
    """Article number -> opinion flag (``_opinion``) from full_annotations.json."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{_ANNOTATIONS}: not valid JSON: {err}") from err
    flags = {}
    for key, entry in data.items() if isinstance(data, dict) else ():
        number, _ = parse_int(key)
        if number is not None and isinstance(entry, dict):
            flags[number], why = parse_bool(entry.get("_opinion"))
            if why:
                report.coerce(_ANNOTATIONS, None, _article_id(number), "meta_opinion",
                              entry.get("_opinion"), why)
    return flags


def _articles(paths: dict[str, Path], report: Report) -> tuple[list[dict], int]:
    header, records = read_delimited(paths[_METADATA], delimiter="\t", encoding="utf-8")
    opinions = _opinions(paths.get(_ANNOTATIONS), report)
    n_fixed = header.index("RE") if "RE" in header else len(header)
    rows, seen = [], set()
    for position, (line, fields) in enumerate(records):
        number, _ = parse_int(fields[0] if fields else None)
        row_id = _article_id(number) if number is not None else f"row {position}"
        if not n_fixed <= len(fields) <= len(header):
            report.reject(_METADATA, line, row_id,
                          f"expected {len(header)} fields, found {len(fields)}")
            continue
        record = dict(zip(header, fields, strict=False))
        problem = ("ID is not an integer" if number is None
                   else f"duplicate ID {number}" if number in seen
                   else "no source (outlet)" if not outlet_key(record.get("source", ""))
                   else "no text" if blank(record.get("text")) else None)
        if problem:
            report.reject(_METADATA, line, row_id, problem)
            continue
        seen.add(number)
        date, why = parse_utc_day(record.get("date"))
        if why:
            report.coerce(_METADATA, line, row_id, "date", record.get("date"), why)
        row = {"article_id": row_id, "outlet": outlet_key(record["source"]), "date": date,
               "title": "", "text": record["text"]}
        for code, name in FRAMES.items():
            column = f"label_frame_{name}"
            if code not in record:
                row[column] = None
                report.coerce(_METADATA, line, row_id, column, None,
                              f"no {code} field: the row has {len(fields)} of "
                              f"{len(header)} fields")
                continue
            row[column], why = _frame_label(record[code])
            if why or row[column] is None:
                report.coerce(_METADATA, line, row_id, column, record[code],
                              why or f"no {code} label in the source")
        row["meta_mbfc"] = None if blank(record.get("mbfc")) else record["mbfc"]
        row["meta_source"] = record["source"]
        row["meta_opinion"] = opinions.get(number)
        if _ANNOTATIONS in paths and number not in opinions:
            report.coerce(_ANNOTATIONS, None, row_id, "meta_opinion", None,
                          "article missing from full_annotations.json")
        rows.append(row)
    return rows, len(records)


def _entity_roles(paths: dict[str, Path], report: Report) -> tuple[list[dict], int]:
    header, records = read_delimited(paths[_ROLES], delimiter="\t", encoding="utf-8")
    rows, per_article = [], {}
    for line, fields in records:
        record, why = as_record(header, fields)
        number, _ = parse_int(record.get("ID") if record else None)
        if record is None or number is None or blank(record.get("entity")):
            report.reject(_ROLES, line, None, why or (
                "ID is not an integer" if number is None else "no entity"))
            continue
        k = per_article[number] = per_article.get(number, -1) + 1
        role_id = f"{_article_id(number)}-{k:02d}"
        role = record.get("role")
        if role not in _ROLES_ALLOWED:
            report.coerce(_ROLES, line, role_id, "role", role,
                          f"not one of {list(_ROLES_ALLOWED)}")
            role = None
        rows.append({"role_id": role_id, "article_id": _article_id(number),
                     "entity": record["entity"], "group": record.get("group") or None,
                     "role": role, "mbfc": record.get("mbfc") or None})
    return rows, len(records)


def _parse(paths: list[Path], table: str = "articles") -> pd.DataFrame:
    by_name = {}
    for path in paths:
        for name in (_METADATA, _ROLES, _ANNOTATIONS):
            if path.name == Path(name).name:
                by_name[name] = path
    report = Report()
    if table == "entity_roles":
        rows, n_rows = _entity_roles(by_name, report)
        frame = pd.DataFrame.from_records(
            rows, columns=["role_id", "article_id", "entity", "group", "role", "mbfc"])
        frame = frame.set_index("role_id").sort_index()
        frame["role"] = pd.Categorical(frame["role"], categories=list(_ROLES_ALLOWED))
        report.attach(frame, n_rows)
        return check_table(frame, index="role_id", non_empty=("article_id", "entity"),
                           strings=("group", "mbfc"), what="entity-roles table")
    rows, n_rows = _articles(by_name, report)
    frame = pd.DataFrame.from_records(rows).set_index("article_id").sort_index()
    frame["date"] = pd.to_datetime(frame["date"], utc=True)
    for name in [*(f"label_frame_{n}" for n in FRAMES.values()), "meta_opinion"]:
        frame[name] = pd.array(frame[name].to_numpy(dtype=object), dtype="boolean")
    report.attach(frame, n_rows)
    return validate_articles(frame)


def fetch_narrative_frames(table: str = "articles", *, data_home=None, refresh: bool = False,
                           progress: bool = True) -> pd.DataFrame:
    """Fetch the Narrative Frames Corpus of climate-change news (Frermann et al. 2023).

    **Dataset card**

    Source
        ``phenixace/narrative-framing`` at commit ``197314df``:
        ``data/articles_metadata.tsv`` (428 articles with their gold frames),
        ``data/full_annotations.json`` (per-question annotations; only the opinion flag is
        used) and ``data/role_and_frame_annoations.tsv`` (sic; entity roles), pinned by
        sha256.
    Licence
        MIT (repository ``LICENSE``, "Copyright (c) 2023 Lea Frermann"). Article texts are
        copyright of their publishers.
    Citation
        Lea Frermann, Jiatong Li, Shima Khanehzar, Gosia Mikolajczak. 2023. *Conflicts,
        Villains, Resolutions: Towards models of Narrative Media Framing.* ACL 2023,
        https://aclanthology.org/2023.acl-long.486/
    Fields, ``table="articles"`` (428 rows, a validated articles table)
        Index ``article_id`` (``narrative-frames-NNNN``, NNNN the source ``ID``);
        ``outlet`` (the source name, spelled two ways for most outlets, e.g.
        ``thedailycaller`` and ``The Daily Caller``: both are mapped through the explicit
        table :data:`OUTLET_NAMES` to one display name and normalised, giving
        ``the-daily-caller``; the source spelling is kept in ``meta_source``); ``date``
        (publication day, 00:00 UTC); ``title`` (``""``: the source prepends the headline
        to the text without a separator, and it is not split off); ``text`` (as in the
        source, headline first); the five generic frames of Semetko & Valkenburg as
        nullable booleans, aggregated by the authors from annotators' answers:
        ``label_frame_resolution`` (RE), ``label_frame_human_interest`` (HI),
        ``label_frame_conflict`` (CO), ``label_frame_moral`` (MO),
        ``label_frame_economic`` (EC); ``meta_mbfc`` (the outlet's Media Bias/Fact Check
        rating: ``left_bias``, ``left_center_bias``, ``right_bias``,
        ``questionable_source``, an *outlet-level* label); ``meta_source``;
        ``meta_opinion`` (nullable boolean: opinion piece, from ``_opinion`` in
        ``full_annotations.json``; 18 articles). Two source defects are reported in
        ``attrs["coerced"]``: article 405 has no frame fields (its five labels are NA) and
        article 716 has ``EC`` = ``False)``, read as False.
    Fields, ``table="entity_roles"`` (1,944 rows, one per entity role)
        Index ``role_id`` (``<article_id>-NN``, NN the row's order within its article);
        ``article_id`` (join to the articles table); ``entity`` (surface string);
        ``group`` (stakeholder category, e.g. ``GOVERNMENTS_POLITICIANS_POLIT.ORGS``);
        ``role`` (categorical ``hero``/``villain``/``victim``); ``mbfc``.
    Known biases
        Climate change only, 2017-2019, US and UK outlets picked by MBFC rating: outlet
        and rating are confounded with each outlet's house style. Frames are article-level
        majority answers to binary questions; conflict dominates (268 of 428).

    Parameters
    ----------
    table : {"articles", "entity_roles"}, default "articles"
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
        The table, sorted by its index, with ``attrs["rejected"]`` (line = line of the TSV
        file), ``attrs["coerced"]`` and ``attrs["n_source_rows"]``.

    Examples
    --------
    >>> from framing.datasets import fetch_narrative_frames
    >>> nf = fetch_narrative_frames(progress=False)  # doctest: +SKIP
    >>> nf.groupby("meta_mbfc")["label_frame_conflict"].mean()  # doctest: +SKIP
    >>> roles = fetch_narrative_frames("entity_roles", progress=False)  # doctest: +SKIP
    >>> roles["role"].value_counts().to_dict()  # doctest: +SKIP
    {'villain': 754, 'victim': 642, 'hero': 548}
    """
    if table not in TABLES:
        raise ValueError(f"table must be one of {TABLES}, not {table!r}")
    names = [_ROLES] if table == "entity_roles" else [_METADATA, _ANNOTATIONS]
    files = [f for name in names for f in select("narrative_frames", name)]
    return cached_dataset(f"narrative-frames-{table}", files,
                          functools.partial(_parse, table=table), version=_VERSION,
                          data_home=data_home, refresh=refresh, progress=progress)
