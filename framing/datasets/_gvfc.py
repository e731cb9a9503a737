"""The Gun Violence Frame Corpus (Liu et al. 2019): frame-labelled US news headlines, and the
1,300-article extension with lead images (Tourni et al. 2021)."""

from __future__ import annotations

import functools
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from .._fetch import cached_dataset, select
from ..schema import normalize_domain, normalize_outlet, validate_articles
from ._parsing import Report, as_record, blank, nat_dates, parse_int, read_delimited, read_sheet

__all__ = ["GVFC_TO_POLICY_FRAMES", "fetch_gvfc"]

_VERSION = "gvfc-1"
TABLES = ("headlines", "articles")
_HEADLINES = "data/GVFC_headlines_and_annotations.xlsx"
_EXTENSION = "data/GVFC_extension_multimodal.csv"
#: Frame codes of ``Q3 Theme1``/``Q3 Theme2`` (Liu et al. 2019); 99 means none.
FRAMES = {1: "Gun or 2nd Amendment rights", 2: "Gun control/regulation", 3: "Politics",
          4: "Mental health", 5: "School or public space safety", 6: "Race/ethnicity",
          7: "Public opinion", 8: "Society/culture", 9: "Economic consequences"}
_NONE = 99
#: GVFC frame code -> the policy frame of the Media Frames Corpus codebook (Boydstun et al.
#: 2014) that covers it, as the key of :class:`framing.features.FrameScorer`'s ``policy``
#: typology; for comparing policy-frame scores with GVFC's gold. Read-only.
#:
#: ====  =============================  =======================  ==========================
#: code  GVFC frame                     policy frame             why
#: ====  =============================  =======================  ==========================
#: 1     Gun or 2nd Amendment rights    ``legality``             a constitutional right
#: 2     Gun control/regulation         ``policy_prescription``  policies proposed or enacted
#: 3     Politics                       ``political``            same frame
#: 4     Mental health                  ``health_safety``        the codebook's health frame
#:                                                               includes mental health
#: 5     School or public space safety  ``health_safety``        physical safety and the
#:                                                               prevention of violence
#: 6     Race/ethnicity                 ``fairness_equality``    treatment of groups
#: 7     Public opinion                 ``public_opinion``       same frame
#: 8     Society/culture                ``cultural_identity``    norms and culture
#: 9     Economic consequences          ``economic``             same frame
#: ====  =============================  =======================  ==========================
#:
#: Eight policy frames are reachable; GVFC has no code for the other six (capacity and
#: resources, morality, crime and punishment, security and defence, quality of life,
#: external regulation), so a headline a policy-frame scorer reads as crime counts against
#: it here.
GVFC_TO_POLICY_FRAMES = MappingProxyType({
    1: "legality", 2: "policy_prescription", 3: "political", 4: "health_safety",
    5: "health_safety", 6: "fairness_equality", 7: "public_opinion", 8: "cultural_identity",
    9: "economic"})
_CODES = {  # source column -> (label column, allowed codes)
    "Q1 Relevant": ("label_relevant", {1, 2}),
    "Q2 Focus": ("label_focus", {1, 2, _NONE}),
    "Q3 Theme1": ("label_theme1", {*FRAMES, _NONE}),
    "Q3 Theme2": ("label_theme2", {*FRAMES, _NONE}),
}
_IMAGE_CODES = {"V1image": "label_image_v1", "V2ethnicity": "label_image_v2_ethnicity",
                "V3relevance": "label_image_v3_relevance",
                "V4relevance": "label_image_v4_relevance", "Q4 Image1": "label_image_frame1",
                "Q4 Image2": "label_image_frame2"}
#: Sites of the extension's article URLs (sub-domains merged) and their outlet names.
SITES = {
    "abcnews.go.com": "ABC News", "buzzfeednews.com": "BuzzFeed News", "cbsnews.com": "CBS News",
    "chicagotribune.com": "Chicago Tribune", "cnn.com": "CNN", "foxnews.com": "Fox News",
    "latimes.com": "Los Angeles Times", "nbcnews.com": "NBC News", "newsweek.com": "Newsweek",
    "nytimes.com": "New York Times", "pbs.org": "PBS", "politico.com": "Politico",
    "slate.com": "Slate", "theatlantic.com": "The Atlantic", "theblaze.com": "TheBlaze",
    "thehill.com": "The Hill", "usatoday.com": "USA Today", "vox.com": "Vox",
    "washingtonpost.com": "Washington Post", "wsj.com": "Wall Street Journal",
    "yahoo.com": "Yahoo",
}
UNKNOWN_OUTLET = "unknown"


def site_of(url: str) -> str:
    """The site of an article URL: its host without ``www.``, sub-domains of :data:`SITES` merged.

    Examples
    --------
    >>> site_of("https://sg.news.yahoo.com/x"), site_of("http://beta.latimes.com/y")
    ('yahoo.com', 'latimes.com')
    """
    host = normalize_domain(url)
    for site in SITES:
        if host == site or host.endswith("." + site):
            return site
    return host


def _labels(record: dict, columns: dict, report: Report, where) -> dict:
    row = {}
    for source_column, (column, allowed) in columns.items():
        value, why = parse_int(record.get(source_column))
        if value is not None and allowed is not None and value not in allowed:
            why = f"code {value} not in {sorted(allowed)}"
        if why:
            report.coerce(*where, column, record.get(source_column), why)
            value = None
        row[column] = value
    if "label_theme1" in row:
        row["label_frame"] = FRAMES.get(row["label_theme1"])
    return row


def _extension(path: Path, report: Report) -> tuple[list[dict], int]:
    header, records = read_delimited(path, delimiter=",", encoding="utf-8")
    rows, seen = [], set()
    image_codes = {k: (v, None) for k, v in _IMAGE_CODES.items()}
    for line, fields in records:
        record, why = as_record(header, fields)
        number, _ = parse_int(record.get("id") if record else None)
        article_id = f"gvfc-ext-{number:04d}" if number is not None else None
        why = why or ("id is not an integer" if number is None
                      else f"duplicate id {number}" if number in seen
                      else "no headline" if blank(record.get("headline")) else None)
        if why:
            report.reject(_EXTENSION, line, article_id, why)
            continue
        seen.add(number)
        url = record.get("article_url", "").strip()
        site = site_of(url) if url else ""
        where = (_EXTENSION, line, article_id)
        rows.append({
            "article_id": article_id,
            "outlet": normalize_outlet(SITES.get(site, site)) or UNKNOWN_OUTLET,
            "title": record["headline"],
            "text": record.get("lead_3_sentences_summary_of_full_article_text", ""),
            "url": url or None,
            **_labels(record, _CODES, report, where),
            **_labels(record, image_codes, report, where),
            "meta_site": site or None,
            "meta_image_entities": record.get(
                "google_visual_api_web_entities_detection_on_lead_image") or None,
            "meta_image_caption": record.get(
                "automatically_generated_caption_of_lead_image") or None,
            "meta_summary": record.get("presum_summary_of_full_article_text") or None,
        })
    return rows, len(records)


def _headlines(paths: dict[str, Path], report: Report) -> tuple[list[dict], int]:
    header, sheet = read_sheet(paths[_HEADLINES])
    missing = [c for c in ("news_title", *_CODES) if c not in header]
    if missing:
        raise ValueError(f"{_HEADLINES}: columns {missing} missing from the header {header}")
    linked = {}  # headline -> extension row, only where the headline names one row
    if _EXTENSION in paths:
        extension, _ = _extension(paths[_EXTENSION], Report())
        counts = pd.Series([r["title"] for r in extension]).value_counts()
        linked = {r["title"]: r for r in extension if counts[r["title"]] == 1}
    rows = []
    for data_row, record in sheet:
        article_id = f"gvfc-{data_row - 1:04d}"
        headline = record.get("news_title")
        if blank(headline):
            report.reject(_HEADLINES, data_row, article_id, "no headline")
            continue
        headline = str(headline)
        match = linked.get(headline)
        rows.append({
            "article_id": article_id,
            "outlet": match["outlet"] if match else UNKNOWN_OUTLET,
            "title": headline,
            "text": headline,
            "url": match["url"] if match else None,
            **_labels(record, _CODES, report, (_HEADLINES, data_row, article_id)),
            "meta_extension_id": match["article_id"] if match else None,
        })
    return rows, len(sheet)


def _parse(paths: list[Path], table: str = "headlines") -> pd.DataFrame:
    by_name = {name: p for p in paths for name in (_HEADLINES, _EXTENSION)
               if p.name == Path(name).name}
    report = Report()
    if table == "articles":
        rows, n_rows = _extension(by_name[_EXTENSION], report)
    else:
        rows, n_rows = _headlines(by_name, report)
    frame = pd.DataFrame.from_records(rows).set_index("article_id").sort_index()
    frame.insert(1, "date", nat_dates(frame.index))
    for column in frame.columns:
        if column.startswith("label_") and column != "label_frame":
            frame[column] = pd.array(frame[column].to_numpy(dtype=object), dtype="Int64")
    report.attach(frame, n_rows)
    return validate_articles(frame)


def fetch_gvfc(table: str = "headlines", *, data_home=None, refresh: bool = False,
               progress: bool = True) -> pd.DataFrame:
    """Fetch the Gun Violence Frame Corpus: frame-labelled headlines (Liu et al. 2019).

    **Dataset card**

    Source
        A **third-party copy**: ``arajshah/NLP_headline_body_sentiment`` at commit
        ``dbb115e4``: ``data/GVFC_headlines_and_annotations.xlsx`` (sheet
        ``gun_violence_master``, read with openpyxl through pandas) and
        ``data/GVFC_extension_multimodal.csv``, pinned by sha256. The authors distribute
        GVFC outside GitHub; this copy matches the published description but could not be
        checked against their files.
    Licence
        **Not stated** by the copying repository; the original terms could not be checked.
        Decide before publishing anything derived from it.
    Citation
        Siyi Liu, Lei Guo, Kate Mays, Margrit Betke, Derry Tanti Wijaya. 2019. *Detecting
        Frames in News Headlines and Its Application to Analyzing News Framing Trends
        Surrounding U.S. Gun Violence.* CoNLL 2019. Extension: Isidora Tourni et al. 2021.
        *Detecting Frames in News Headlines and Lead Images in U.S. Gun Violence Coverage.*
        Findings of EMNLP 2021.
    Fields, ``table="headlines"`` (2,990 rows, a validated articles table)
        Index ``article_id`` (``gvfc-NNNN``, NNNN the 0-based data row of the sheet);
        ``text`` and ``title``: the headline (the annotated unit); ``date`` NaT;
        ``label_relevant`` (1 about gun violence, 2 not), ``label_focus`` (1/2 as coded in
        the GVFC codebook, 99 when not relevant), ``label_theme1`` (primary frame) and
        ``label_theme2`` (secondary frame), Int64 codes as in the source (:data:`FRAMES`;
        99 = none); ``label_frame`` (the name of ``label_theme1``'s frame, missing for
        99). The sheet names no outlet: where a headline is the headline of exactly one
        extension article (1,296 rows), ``outlet``, ``url`` and ``meta_extension_id``
        come from that article; elsewhere ``outlet`` is the placeholder ``"unknown"``
        (the contract needs a key) and ``url`` is missing.
    Fields, ``table="articles"`` (1,300 rows, a validated articles table)
        Index ``gvfc-ext-NNNN`` (the source ``id``); ``title`` (headline); ``text`` (the
        source's ``lead_3_sentences_summary_of_full_article_text``: the first three
        sentences of the article body as scraped, often starting with the headline and
        byline); ``url``; ``outlet`` (from the URL's site, sub-domains of yahoo.com,
        cnn.com, usatoday.com and latimes.com merged, named through :data:`SITES`, e.g.
        ``fox-news``, ``yahoo``); ``meta_site``; the four codes and ``label_frame`` as
        above; the lead-image codes of Tourni et al. ``label_image_v1``,
        ``label_image_v2_ethnicity``, ``label_image_v3_relevance``,
        ``label_image_v4_relevance``, ``label_image_frame1``, ``label_image_frame2``
        (Int64, as in the source); ``meta_image_entities``, ``meta_image_caption``,
        ``meta_summary`` (automatic, not gold).
    Known biases
        Headlines only: frames are judged from a dozen words. Half the relevant
        headlines have no primary frame code in this copy: 1,308 of the 2,609 with
        ``label_relevant == 1`` have ``label_theme1 == 99`` (counted in the sheet's
        ``Q1 Relevant`` and ``Q3 Theme1`` columns), leaving 1,301 relevant headlines with
        a frame; with the 381 irrelevant ones, 1,689 rows are 99. The extension re-codes
        some headlines (e.g. Politics 373 vs 380). To compare policy-frame scores with the
        gold frames, see :data:`GVFC_TO_POLICY_FRAMES`. Yahoo (a news
        aggregator) supplies 27% of the extension. A code outside the codebook is set
        missing and listed in ``attrs["coerced"]``.

    Parameters
    ----------
    table : {"headlines", "articles"}, default "headlines"
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
        The table, sorted by its index, with ``attrs["rejected"]``, ``attrs["coerced"]``
        (line = 1-based data row of the sheet, or line of the CSV file) and
        ``attrs["n_source_rows"]``.

    Examples
    --------
    >>> from framing.datasets import fetch_gvfc
    >>> headlines = fetch_gvfc(progress=False)  # doctest: +SKIP
    >>> headlines["label_frame"].value_counts().head(3).to_dict()  # doctest: +SKIP
    {'Politics': 380, 'Public opinion': 237, 'Gun control/regulation': 215}
    """
    if table not in TABLES:
        raise ValueError(f"table must be one of {TABLES}, not {table!r}")
    files = select("gvfc", _EXTENSION)
    if table == "headlines":
        files = select("gvfc", _HEADLINES) + files
    return cached_dataset(f"gvfc-{table}", files, functools.partial(_parse, table=table),
                          version=_VERSION, data_home=data_home, refresh=refresh,
                          progress=progress)
