"""Outlet-level bias ratings: AllSides (2019, 2022) and Media Bias/Fact Check, joined per outlet."""

from __future__ import annotations

import hashlib
import html
import io
import math
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from .._fetch import RemoteFile, cached_dataset, select
from .._tables import ReportTable
from ..io import Parsed, attach_report, merge_duplicates, read_csv_records
from ..schema import (
    OUTLET_COLUMNS,
    normalize_domain,
    normalize_outlet,
    outlet_crosswalk,
    validate_outlets,
)

__all__ = ["fetch_outlet_ratings"]

_VERSION = "outlets-1"
_CROSSWALK = "outlet_crosswalk.csv"
_TABLES = ("allsides_2019", "allsides_2022", "mbfc")
#: Upstream file name -> table it feeds (``mbfc_raw`` adds columns to ``mbfc`` rows).
_FILE_TABLES = {"allsides_data.csv": "allsides_2019", "allsides.csv": "allsides_2022",
                "mbfc.csv": "mbfc", "mbfc_raw.csv": "mbfc_raw"}

_SCALE_2019 = {"left": -2.0, "left-center": -1.0, "center": 0.0, "right-center": 1.0,
               "right": 2.0, "allsides": math.nan}
_SCALE_2022 = {"Left": -2.0, "Lean Left": -1.0, "Center": 0.0, "Lean Right": 1.0,
               "Right": 2.0, "Mixed": math.nan}
_SCALE_MBFC = {"left": -2.0, "left-center": -1.0, "neutral": 0.0, "right-center": 1.0,
               "right": 2.0}
_MBFC_FACTUAL = ("high", "mixed", "low")
_LEANS = ["left", "center", "right"]
#: Rows of the 2019 table that are not outlets.
_NOT_OUTLETS = {"Test Source": "AllSides placeholder entry 'Test Source', not an outlet"}
_R_MISSING = {"", "NA"}

_EXTRA_COLUMNS = (
    "allsides_2019_num", "allsides_2022_num", "mbfc_bias_num", "lean_source", "sources",
    "allsides_2019_name", "allsides_2022_name", "allsides_2019_confidence",
    "allsides_2022_confidence", "mbfc_domain", "mbfc_bias_raw", "mbfc_factual_raw",
    "mbfc_country", "mbfc_credibility",
)
_LICENCES = {
    "allsides_2019": "GPL-3 (favstats/AllSideR); the ratings are AllSides'",
    "allsides_2022": "AllSides data CC BY-NC 4.0 (LMeynent/allsides-scraper README)",
    "mbfc": "Apache-2.0 (idiap repository); MBFC's terms apply to MBFC's content",
}
_CITATIONS = {
    "allsides_2019": "AllSides Media Bias Ratings, snapshot of 2019-10-18, via Fabio Votta's "
                     "AllSideR R package (favstats/AllSideR).",
    "allsides_2022": "AllSides Media Bias Ratings, pages collected 2022-09-28 "
                     "(LMeynent/allsides-scraper).",
    "mbfc": "Dairazalia Sánchez-Cortés, Sergio Burdisso, Esaú Villatoro-Tello, Petr Motlicek. "
            "2024. Mapping the Media Landscape: Predicting Factual Reporting and Political "
            "Bias Through Web Interactions. CLEF 2024 (LNCS).",
}


# -- reading the three tables ------------------------------------------------------------------


def _value(text: str) -> str | None:
    """Strip; R's ``NA`` and empty strings are missing."""
    text = " ".join(str(text).split())
    return None if text in _R_MISSING else text


def _rows(path: Path, source: str, required: tuple[str, ...], parsed: Parsed,
          rename_first: str | None = None):
    """Yield (line, row dict) of a CSV file; reject rows with the wrong number of fields."""
    header, records = read_csv_records(path)
    header = [h.strip() for h in header]
    if rename_first is not None and header and header[0] == "":
        header[0] = rename_first
    missing = [c for c in required if c not in header]
    if missing:
        raise ValueError(f"{source}: missing column(s) {missing} (have {header})")
    for line, fields in records:
        parsed.n_entries += 1
        if len(fields) != len(header):
            parsed.reject(source, line, fields[0] if fields else "",
                          f"expected {len(header)} fields, got {len(fields)}")
            continue
        yield line, dict(zip(header, fields, strict=True))


def _checked(value: str | None, allowed, record: dict, column: str, parsed: Parsed,
             what: str) -> str | None:
    """Return ``value`` when allowed (or missing); otherwise report it and return None."""
    if value is None or value in allowed:
        return value
    parsed.coerce(record["source"], record["line"], record["name"], column, value,
                  f"unknown {what} {value!r}: set missing")
    return None


def _named(name_raw: str, line: int, source: str, parsed: Parsed) -> str | None:
    """Return the cleaned outlet name, or None after rejecting an unusable one."""
    name = " ".join(html.unescape(name_raw).split())
    if not normalize_outlet(name):
        parsed.reject(source, line, name_raw, "no outlet name")
        return None
    if name in _NOT_OUTLETS:
        parsed.reject(source, line, name, _NOT_OUTLETS[name])
        return None
    if html.unescape(name_raw) != name_raw:
        parsed.coerce(source, line, name, "name", name_raw, "HTML entity decoded")
    return name


def _read_allsides_2019(path: Path, source: str) -> Parsed:
    """AllSides 2019 (AllSideR): one record per outlet key, duplicates merged."""
    parsed = Parsed()
    for line, row in _rows(path, source, ("news_source", "rating", "type", "confidence_level"),
                           parsed):
        name = _named(row["news_source"], line, source, parsed)
        if name is None:
            continue
        record = {"key": normalize_outlet(name), "name": name, "line": line,
                  "source": source, "type": _value(row["type"]),
                  "confidence": _value(row["confidence_level"])}
        record["rating"] = _checked(_value(row["rating"]), _SCALE_2019, record, "rating",
                                    parsed, "AllSides rating")
        parsed.records.append(record)
    parsed.records = merge_duplicates(parsed.records, ["key"], parsed, label="name",
                                      keep_first=["name"])
    return parsed


def _site(url: str | None) -> tuple[str | None, bool]:
    """Return (normalised host or None, whether the URL is a site's home page)."""
    if not url:
        return None, False
    host = normalize_domain(url) or None
    parts = urlsplit(url if "://" in url else f"http://{url}")
    return host, parts.path in ("", "/") and not parts.query


def _read_allsides_2022(path: Path, source: str) -> Parsed:
    """AllSides 2022 (allsides-scraper): one record per outlet key, duplicates merged."""
    parsed = Parsed()
    required = ("name", "bias", "type", "url", "confidence")
    for line, row in _rows(path, source, required, parsed, rename_first="name"):
        name = _named(row["name"], line, source, parsed)
        if name is None:
            continue
        domain, home = _site(_value(row["url"]))
        record = {"key": normalize_outlet(name), "name": name, "line": line,
                  "source": source, "type": _value(row["type"]),
                  "confidence": _value(row["confidence"]), "domain": domain, "home": home}
        record["rating"] = _checked(_value(row["bias"]), _SCALE_2022, record, "bias", parsed,
                                    "AllSides rating")
        parsed.records.append(record)
    parsed.records = merge_duplicates(parsed.records, ["key"], parsed, label="name",
                                      keep_first=["name"])
    return parsed


def _read_mbfc(path: Path, source: str) -> Parsed:
    """MBFC, as normalised by the idiap authors: one record per domain, duplicates merged."""
    parsed = Parsed()
    for line, row in _rows(path, source, ("source", "bias", "factual_reporting"), parsed):
        domain = normalize_domain(row["source"])
        if not domain:
            parsed.reject(source, line, row["source"], "no domain")
            continue
        record = {"domain": domain, "name": domain, "line": line, "source": source}
        record["bias"] = _checked(_value(row["bias"]), _SCALE_MBFC, record, "bias", parsed,
                                  "MBFC bias")
        record["factual"] = _checked(_value(row["factual_reporting"]), _MBFC_FACTUAL, record,
                                     "factual_reporting", parsed, "MBFC factual rating")
        parsed.records.append(record)
    parsed.records = merge_duplicates(parsed.records, ["domain"], parsed, label="domain",
                                      keep_first=["name"])
    return parsed


def _read_mbfc_raw(path: Path, source: str, domains: set[str]) -> Parsed:
    """MBFC raw scrape: extra fields for the domains of ``mbfc.csv``; others rejected."""
    parsed = Parsed()
    required = ("source", "country", "bias", "factual_reporting", "mbfc_credibility_rating")
    for line, row in _rows(path, source, required, parsed):
        domain = normalize_domain(row["source"])
        if not domain:
            parsed.reject(source, line, row["source"], "no domain")
            continue
        parsed.records.append({
            "domain": domain, "line": line, "source": source,
            "bias_raw": _value(row["bias"]), "factual_raw": _value(row["factual_reporting"]),
            "country": _value(row["country"]),
            "credibility": _value(row["mbfc_credibility_rating"]),
        })
    kept = merge_duplicates(parsed.records, ["domain"], parsed, label="domain")
    parsed.records = [r for r in kept if r["domain"] in domains]
    for record in kept:
        if record["domain"] not in domains:
            parsed.reject(source, record["line"], record["domain"],
                          "domain not in data/mbfc.csv (no normalised bias/factual rating)")
    return parsed


# -- the crosswalk -----------------------------------------------------------------------------


def _crosswalk_text() -> str:
    """The packaged crosswalk as CSV text (checked and owned by :mod:`framing.schema`)."""
    return outlet_crosswalk().reset_index().to_csv(index=False, lineterminator="\n")


def _read_crosswalk(text: str | None) -> list[dict]:
    """The crosswalk's rows (``text``, or the packaged file when None), checked by
    :func:`framing.schema.outlet_crosswalk`; an empty cell is None."""
    table = outlet_crosswalk(None if text is None else io.StringIO(text))
    return table.reset_index().to_dict("records")


# -- the join ----------------------------------------------------------------------------------


@dataclass
class _Outlet:
    key: str
    name: str
    domain: str | None = None
    rows: dict = field(default_factory=dict)  # table -> record
    methods: dict = field(default_factory=dict)  # table -> how it was joined
    crosswalk: bool = False

    def link(self, table: str, record: dict, method: str) -> None:
        self.rows[table] = record
        self.methods[table] = method


def _index(parsed: Parsed, column: str) -> dict[str, dict]:
    return {r[column]: r for r in parsed.records}


def _lookup(index: dict, value: str, table: str, outlet: str) -> dict:
    try:
        return index[value]
    except KeyError:
        raise ValueError(f"{_CROSSWALK}: {outlet!r} names {value!r}, which is not in the "
                         f"{table} table") from None


def _from_crosswalk(rows: list[dict], tables: dict[str, dict[str, dict]]) -> dict[str, _Outlet]:
    """Outlets fixed by the crosswalk; a blank cell means: no match in that table."""
    outlets = {}
    for row in rows:
        outlet = _Outlet(row["outlet"], row["name"], row["domain"] or None, crosswalk=True)
        for table, column in (("allsides_2019", "allsides_2019_name"),
                              ("allsides_2022", "allsides_2022_name")):
            if row[column]:
                record = _lookup(tables[table], row[column], table, outlet.key)
                outlet.link(table, record,
                            "exact" if record["key"] == outlet.key else "crosswalk")
        if row["mbfc_domain"]:
            outlet.link("mbfc", _lookup(tables["mbfc"], row["mbfc_domain"], "mbfc", outlet.key),
                        "crosswalk")
        outlets[outlet.key] = outlet
    return outlets


def _claimed(outlets: dict[str, _Outlet], table: str) -> set[int]:
    return {id(o.rows[table]) for o in outlets.values() if table in o.rows}


def _add_allsides(outlets: dict[str, _Outlet], table: str, records: list[dict]) -> None:
    """Join the AllSides rows no crosswalk row names, by exact normalised name."""
    claimed = _claimed(outlets, table)
    for record in records:
        if id(record) in claimed:
            continue
        outlet = outlets.setdefault(record["key"], _Outlet(record["key"], record["name"]))
        if outlet.crosswalk or table in outlet.rows:
            raise ValueError(f"{_CROSSWALK}: {table} row {record['name']!r} has the key of "
                             f"{outlet.key!r} but is not the row the crosswalk names for it")
        outlet.link(table, record, "exact")


def _add_mbfc_by_domain(outlets: dict[str, _Outlet], mbfc: dict[str, dict]) -> None:
    """Give AllSides outlets outside the crosswalk their 2022 site and its MBFC rating.

    Only a 2022 row that is not an author's and whose URL is a site's home page claims the
    MBFC rating of exactly that host: a parent domain is not enough (``*.blogspot.com``,
    ``*.house.gov`` and ``news.google.com`` are not the sites MBFC rates).
    """
    for outlet in outlets.values():
        record = outlet.rows.get("allsides_2022")
        if outlet.crosswalk or record is None or record["type"] == "Authors":
            continue
        if not record["domain"] or record["domain"] == "allsides.com":
            continue
        outlet.domain = record["domain"]
        if record["home"] and record["domain"] in mbfc:
            outlet.link("mbfc", mbfc[record["domain"]], "domain")


def _add_mbfc_only(outlets: dict[str, _Outlet], records: list[dict], parsed: Parsed) -> None:
    """MBFC domains no AllSides outlet claims become outlets keyed by the domain."""
    claimed = _claimed(outlets, "mbfc")
    for record in records:
        if id(record) in claimed:
            continue
        key = normalize_outlet(record["domain"])
        outlet = outlets.get(key)
        if outlet is None:
            outlet = outlets[key] = _Outlet(key, record["domain"], record["domain"])
            outlet.link("mbfc", record, "mbfc_only")
        elif not outlet.crosswalk and "mbfc" not in outlet.rows:
            outlet.link("mbfc", record, "name")  # the AllSides name is this domain
            outlet.domain = outlet.domain or record["domain"]
        else:
            parsed.reject(record["source"], record["line"], record["domain"],
                          f"its key {key!r} is taken by an outlet rated under another MBFC "
                          f"domain ({outlet.rows.get('mbfc', {}).get('domain')})")


# -- the table ---------------------------------------------------------------------------------


def _lean(rows: dict) -> tuple[str | None, str | None]:
    """Three-class lean from AllSides 2019, else 2022 (Mixed/allsides: missing)."""
    for table, scale in (("allsides_2019", _SCALE_2019), ("allsides_2022", _SCALE_2022)):
        rating = rows.get(table, {}).get("rating")
        if rating is not None:
            number = scale[rating]
            if math.isnan(number):
                return None, None
            return _LEANS[int(np.sign(number)) + 1], table
    return None, None


def _row(outlet: _Outlet, raw: dict[str, dict]) -> dict:
    r19 = outlet.rows.get("allsides_2019", {})
    r22 = outlet.rows.get("allsides_2022", {})
    mb = outlet.rows.get("mbfc", {})
    extra = raw.get(mb.get("domain"), {})
    lean, lean_source = _lean(outlet.rows)
    return {
        "outlet": outlet.key, "name": outlet.name, "domain": outlet.domain,
        "allsides_2019": r19.get("rating"), "allsides_2019_type": r19.get("type"),
        "allsides_2022": r22.get("rating"), "allsides_2022_type": r22.get("type"),
        "mbfc_bias": mb.get("bias"), "mbfc_factual": mb.get("factual"), "lean": lean,
        "allsides_2019_num": _SCALE_2019.get(r19.get("rating"), math.nan),
        "allsides_2022_num": _SCALE_2022.get(r22.get("rating"), math.nan),
        "mbfc_bias_num": _SCALE_MBFC.get(mb.get("bias"), math.nan),
        "lean_source": lean_source,
        "sources": ";".join(t for t in _TABLES if t in outlet.rows),
        "allsides_2019_name": r19.get("name"), "allsides_2022_name": r22.get("name"),
        "allsides_2019_confidence": r19.get("confidence"),
        "allsides_2022_confidence": r22.get("confidence"),
        "mbfc_domain": mb.get("domain"), "mbfc_bias_raw": extra.get("bias_raw"),
        "mbfc_factual_raw": extra.get("factual_raw"), "mbfc_country": extra.get("country"),
        "mbfc_credibility": extra.get("credibility"),
    }


def _frame(outlets: dict[str, _Outlet], raw: dict[str, dict]) -> pd.DataFrame:
    rows = [_row(o, raw) for o in sorted(outlets.values(), key=lambda o: o.key)]
    columns = ["outlet", *OUTLET_COLUMNS, *_EXTRA_COLUMNS]
    frame = pd.DataFrame.from_records(rows, columns=columns).set_index("outlet")
    for column in ("allsides_2019_num", "allsides_2022_num", "mbfc_bias_num"):
        frame[column] = frame[column].astype(np.float64)
    frame["lean"] = pd.Categorical(frame["lean"], categories=_LEANS, ordered=True)
    return frame


def _links(outlets: dict[str, _Outlet]) -> pd.DataFrame:
    rows = [{"outlet": o.key, "table": table, "row_id": record["name"],
             "line": record["line"], "method": o.methods[table]}
            for o in outlets.values() for table, record in o.rows.items()]
    frame = pd.DataFrame(rows, columns=["outlet", "table", "row_id", "line", "method"])
    frame["line"] = frame["line"].astype(np.int64)
    return frame.sort_values(["outlet", "table"]).reset_index(drop=True)


def _join_stats(outlets: dict[str, _Outlet], links: pd.DataFrame) -> dict:
    stats = {"outlets": len(outlets),
             "crosswalk_rows": sum(o.crosswalk for o in outlets.values()),
             "mbfc_only": sum(o.methods.get("mbfc") == "mbfc_only" for o in outlets.values())}
    for table in _TABLES:
        stats[f"with_{table}"] = sum(table in o.rows for o in outlets.values())
    methods = links.groupby(["table", "method"]).size()
    stats["links"] = {t: {m: int(n) for m, n in methods[t].items()}
                      for t in methods.index.get_level_values(0).unique()}
    return stats


def _source_rows(parts: dict[str, Parsed], links: pd.DataFrame) -> dict:
    """Per input file: rows read = rows kept + rows rejected; kept rows shared by outlets."""
    counts = {}
    for table, part in parts.items():
        kept = len(part.records)
        counts[table] = {"rows": part.n_entries, "kept": kept,
                         "rejected": len(part.rejected)}
        if table in _TABLES:
            per_row = links[links["table"] == table].groupby("line").size()
            counts[table]["linked"] = int(len(per_row))
            counts[table]["shared"] = int((per_row > 1).sum())
    return counts


def _parse(paths: list[Path], crosswalk: str | None = None,
           labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Read the rating tables at ``paths`` and join them into the outlets table.

    ``crosswalk`` is the crosswalk CSV text (default: the packaged one); ``labels`` maps a
    table to its ``owner/repo@commit/path`` for ``attrs``.
    """
    by_table = {_FILE_TABLES[Path(p).name]: Path(p) for p in paths}
    parts = {
        "allsides_2019": _read_allsides_2019(by_table["allsides_2019"], "data/allsides_data.csv"),
        "allsides_2022": _read_allsides_2022(by_table["allsides_2022"], "allsides.csv"),
        "mbfc": _read_mbfc(by_table["mbfc"], "data/mbfc.csv"),
    }
    if "mbfc_raw" in by_table:
        domains = {r["domain"] for r in parts["mbfc"].records}
        parts["mbfc_raw"] = _read_mbfc_raw(by_table["mbfc_raw"], "data/mbfc_raw.csv", domains)
    tables = {"allsides_2019": _index(parts["allsides_2019"], "name"),
              "allsides_2022": _index(parts["allsides_2022"], "name"),
              "mbfc": _index(parts["mbfc"], "domain")}
    rows = _read_crosswalk(crosswalk)
    outlets = _from_crosswalk(rows, tables)
    _add_allsides(outlets, "allsides_2019", parts["allsides_2019"].records)
    _add_allsides(outlets, "allsides_2022", parts["allsides_2022"].records)
    _add_mbfc_by_domain(outlets, tables["mbfc"])
    before = len(parts["mbfc"].rejected)
    _add_mbfc_only(outlets, parts["mbfc"].records, parts["mbfc"])
    if len(parts["mbfc"].rejected) > before:  # rejected at the join: no longer kept
        linked = _claimed(outlets, "mbfc")
        parts["mbfc"].records = [r for r in parts["mbfc"].records if id(r) in linked]
    raw = _index(parts.get("mbfc_raw", Parsed()), "domain")
    frame = _frame(outlets, raw)
    links = _links(outlets)
    report = Parsed()
    for part in parts.values():
        report.extend(part)
    attach_report(frame, rejected=report.rejected, coerced=report.coerced)
    frame.attrs.update({
        "links": ReportTable.from_frame(links),
        "join": _join_stats(outlets, links),
        "source_rows": _source_rows(parts, links),
        "source_files": labels or {},
        "citations": _CITATIONS,
        "licences": _LICENCES,
    })
    return validate_outlets(frame)


def _label(remote: RemoteFile) -> str:
    return f"{remote.owner}/{remote.repo}@{remote.commit}/{remote.path}"


def fetch_outlet_ratings(*, data_home=None, refresh: bool = False, progress: bool = True
                         ) -> pd.DataFrame:
    """Fetch outlet-level bias ratings: AllSides 2019 and 2022, and Media Bias/Fact Check.

    **Dataset card**

    Source
        * AllSides Media Bias Ratings, snapshot of 2019-10-18: ``favstats/AllSideR`` at
          ``48ccaf44``, ``data/allsides_data.csv`` (547 rows).
        * AllSides Media Bias Ratings, collected 2022-09-28: ``LMeynent/allsides-scraper``
          at ``aab8480d``, ``allsides.csv`` (1,279 rows).
        * Media Bias/Fact Check labels scraped by Sánchez-Cortés et al. (2024):
          ``idiap/Factual-Reporting-and-Political-Bias-Web-Interactions`` at ``2474a4b1``,
          ``data/mbfc.csv`` (3,920 rows: normalised bias and factual rating per domain) and
          ``data/mbfc_raw.csv`` (4,497 rows: MBFC's own wording, country, credibility).
        * ``framing/data/outlet_crosswalk.csv``, shipped with framing
          (:func:`framing.schema.outlet_crosswalk`): a hand-checked crosswalk of the 121
          outlets of :func:`fetch_allsides` (and 8 AllSides outlets renamed between the
          snapshots) to their name in each table and their MBFC domain.
    Licence
        AllSideR: GPL-3 (the ratings are AllSides'). allsides-scraper: AllSides data under
        CC BY-NC 4.0 (research and non-commercial use, with attribution). idiap: Apache-2.0;
        MBFC's terms apply to MBFC's content. ``attrs["licences"]``.
    Citation
        AllSides Media Bias Ratings (https://www.allsides.com/media-bias), 2019 and 2022
        snapshots. Dairazalia Sánchez-Cortés, Sergio Burdisso, Esaú Villatoro-Tello, Petr
        Motlicek. 2024. *Mapping the Media Landscape: Predicting Factual Reporting and
        Political Bias Through Web Interactions.* CLEF 2024 (LNCS). ``attrs["citations"]``.
    Joining
        The index is the normalised ``outlet`` key (:func:`framing.schema.normalize_outlet`).
        For the article-corpus outlets it is the key of the AllSides source name used in the
        corpus (``new-york-times-news``, ``cnn-web-news``, ``fox-news``), so
        ``articles["outlet"]`` from :func:`fetch_allsides` joins directly. The crosswalk
        fixes those outlets: a row names the outlet's 2019 and 2022 AllSides entries and its
        MBFC domain, and a blank cell means "no honest match" (persons and AllSides'
        guest-writer categories have no MBFC rating). Other AllSides rows are joined across
        2019 and 2022 by exact normalised name; an AllSides 2022 row whose URL is a site's
        home page (not an author's) takes the MBFC rating of exactly that host. MBFC
        domains that no AllSides outlet claims become their own outlets, keyed
        ``normalize_outlet(domain)`` (``breitbart.com`` would be ``breitbart-com``). MBFC rates
        sites, so sections of one site (``new-york-times-news`` and
        ``new-york-times-opinion``) share its MBFC rating; AllSides rows renamed over time
        (``Fox News``, ``Fox Online News``, ``Fox News (Online)``) share one AllSides row.
    Fields
        ``name`` (the corpus spelling for corpus outlets, else the 2019, 2022 or MBFC name),
        ``domain`` (the outlet's site as :func:`~framing.schema.normalize_domain` gives it;
        missing for persons);
        ``allsides_2019`` (``left``, ``left-center``, ``center``, ``right-center``,
        ``right``, ``allsides`` = mixed), ``allsides_2019_type`` (``News Media``,
        ``Author``, ``Think Tank / Policy Group``);
        ``allsides_2022`` (``Left``, ``Lean Left``, ``Center``, ``Lean Right``, ``Right``,
        ``Mixed``), ``allsides_2022_type`` (``News``, ``Authors``, ``Think Tanks``,
        ``Reference``, ``Fact Check``);
        ``mbfc_bias`` (``left``, ``left-center``, ``neutral``, ``right-center``,
        ``right``: the idiap normalisation), ``mbfc_factual`` (``high``, ``mixed``, ``low``);
        ``lean``: ordered categorical ``left`` < ``center`` < ``right``, from AllSides 2019
        (the era of the article corpus's labels) or, without a 2019 rating, 2022; lean-left
        is left and lean-right is right; mixed (``allsides``/``Mixed``) is missing, without
        falling back to 2022; ``lean_source`` says which table gave it;
        ``allsides_2019_num``, ``allsides_2022_num``, ``mbfc_bias_num``: float64 on one scale
        from -2 (left) through 0 (center/neutral) to +2 (right), NaN for mixed or missing,
        for rank correlations;
        ``sources``: the tables that rate the outlet, ``;``-separated in the order
        ``allsides_2019;allsides_2022;mbfc`` (``""`` for a corpus outlet none rates);
        provenance and extras: ``allsides_2019_name``, ``allsides_2022_name`` (the row used),
        ``allsides_2019_confidence``, ``allsides_2022_confidence`` (AllSides' confidence in
        the rating), ``mbfc_domain``, ``mbfc_bias_raw``, ``mbfc_factual_raw`` (MBFC's own
        wording, e.g. ``right conspiracy-pseudoscience``, ``very high``), ``mbfc_country``,
        ``mbfc_credibility``.
    Report
        ``attrs["rejected"]`` and ``attrs["coerced"]`` (with ``source`` file, ``line`` and
        reason) account for every input row: duplicated names or domains are merged into
        their first row, and a field on which the duplicates disagree is set missing (MBFC's
        two ``bloomberg.com`` rows differ in factual rating; AllSides 2019 has two ``PJ
        Media`` rows rated right-center and right); AllSides' ``Test Source`` row is not an
        outlet; ``mbfc_raw.csv`` rows of domains absent from ``mbfc.csv`` are not used; HTML
        entities in 2022 names (``&amp;``) are decoded. ``attrs["source_rows"]`` gives per
        file ``rows = kept + rejected``, and for the rating tables how many kept rows are
        linked (all) and shared by several outlets. ``attrs["links"]`` lists each (outlet,
        table) link with the row used and how it was made (``exact``: same normalised name;
        ``crosswalk``; ``domain``: from the 2022 home-page URL; ``name``: the AllSides name is
        the MBFC domain; ``mbfc_only``), ``attrs["join"]`` counts them.
    Known biases
        AllSides rates US outlets by blind surveys, editorial review and community feedback;
        most ratings have low confidence (``allsides_*_confidence``), and ratings drift
        (ProPublica: Center in 2019, Lean Left in 2022). MBFC is one organisation's expert
        judgement of whole sites. Both are outlet-level: never read them as the lean of an
        article. Of the 121 corpus outlets, 116 have an AllSides rating (107 in 2019, 116 in
        2022), 115 a ``lean`` (The Flip Side is rated mixed) and 89 an MBFC rating; five
        (three persons, the generic ``Guest Writer`` byline and Metrocosm) have none.

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
        One row per outlet, indexed by ``outlet``, sorted, validated by
        :func:`framing.schema.validate_outlets`.

    Examples
    --------
    >>> from framing.datasets import fetch_allsides, fetch_outlet_ratings
    >>> outlets = fetch_outlet_ratings(progress=False)  # doctest: +SKIP
    >>> outlets.loc["new-york-times-news", ["allsides_2019", "allsides_2022", "mbfc_bias",
    ...                                     "lean"]].tolist()  # doctest: +SKIP
    ['left-center', 'Lean Left', 'left-center', 'left']
    >>> articles = fetch_allsides(progress=False)  # doctest: +SKIP
    >>> articles.join(outlets[["lean", "mbfc_factual"]], on="outlet")  # doctest: +SKIP
    """
    files = (select("allsides_ratings_2019") + select("allsides_ratings_2022")
             + select("mbfc"))
    labels = {_FILE_TABLES[f.name]: _label(f) for f in files}
    digest = hashlib.sha256(_crosswalk_text().encode("utf-8")).hexdigest()[:12]
    return cached_dataset("outlet_ratings", files, partial(_parse, labels=labels),
                          version=f"{_VERSION}+{digest}", data_home=data_home,
                          refresh=refresh, progress=progress)
