"""BASIL (Fan et al. 2019): 100 events, each covered by NYT, Fox News and HuffPost, with
lexical and informational bias spans."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .._fetch import cached_dataset, select
from ..schema import normalize_outlet, validate_articles
from ._parsing import Report, blank, check_table, parse_int, parse_utc_day

__all__ = ["fetch_basil"]

_VERSION = "basil-1"
TABLES = ("articles", "spans", "sentences")
#: BASIL's outlet codes and the outlet names whose normalised keys ``outlet`` holds.
OUTLETS = {"nyt": "New York Times", "fox": "Fox News", "hpo": "HuffPost"}
IMMIGRATION_PATTERN = re.compile(
    r"immigra|border wall|birthright|DACA|Dreamer|deport|asylum|sanctuary|amnesty|migrant",
    re.IGNORECASE)
_SPAN_ID = re.compile(r"^p(\d+)$")
_SPAN_FIELDS = ("txt", "bias", "polarity", "target", "aim", "indirect-target-name",
                "indirect-ally-opponent-sentiment", "quote", "speaker", "notes")
def _load_json(path: Path):
    try:
        return json.loads(path.read_bytes()), None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        return None, f"not valid JSON: {err}"


def _paragraphs(item) -> list[list[str]] | None:
    paragraphs = item.get("body-paragraphs")
    if not isinstance(paragraphs, list) or not all(
            isinstance(p, list) and all(isinstance(s, str) for s in p) for p in paragraphs):
        return None
    return paragraphs


def _article_problem(item) -> str | None:
    if not isinstance(item, dict):
        return f"expected a JSON object, got {type(item).__name__}"
    problems = []
    if _paragraphs(item) is None:
        problems.append("body-paragraphs is not a list of lists of sentences")
    if blank(item.get("source")) or not normalize_outlet(item.get("source")):
        problems.append("no source (outlet)")
    if blank(item.get("triplet-uuid")):
        problems.append("no triplet-uuid")
    return "; ".join(problems) or None


def _outlet(item) -> str:
    source = str(item["source"])
    return normalize_outlet(OUTLETS.get(source.strip().lower(), source))


def join_body(paragraphs: list[list[str]]) -> tuple[str, list[tuple[int, int, int, int]]]:
    """Join sentences with ``" "`` and paragraphs with ``"\\n\\n"``.

    Returns the text and, per sentence in reading order, ``(paragraph_index,
    sentence_index, start, end)`` with ``text[start:end]`` the sentence.

    Examples
    --------
    >>> join_body([["A b.", "C d."], ["E."]])
    ('A b. C d.\\n\\nE.', [(0, 0, 0, 4), (0, 1, 5, 9), (1, 2, 11, 13)])
    """
    pieces, offsets, position, k = [], [], 0, 0
    for p, sentences in enumerate(paragraphs):
        if p:
            pieces.append("\n\n")
            position += 2
        for s, sentence in enumerate(sentences):
            if s:
                pieces.append(" ")
                position += 1
            pieces.append(sentence)
            offsets.append((p, k, position, position + len(sentence)))
            position += len(sentence)
            k += 1
    return "".join(pieces), offsets


def _read(paths: list[Path]):
    """Pair article and annotation files; return {article_id: entry} and per-file problems."""
    entries: dict[str, dict] = {}
    for path in sorted(paths, key=lambda p: (p.parent.name, p.name)):
        year = path.parent.name
        if path.name.endswith("_ann.json"):
            article_id = path.name[: -len("_ann.json")]
            entry = entries.setdefault(article_id, {"year": year})
            entry["ann_source"] = f"annotations/{year}/{path.name}"
            entry["ann"], entry["ann_problem"] = _load_json(path)
            if entry["ann_problem"] is None and not (
                    isinstance(entry["ann"], dict)
                    and isinstance(entry["ann"].get("phrase-level-annotations", []), list)):
                entry["ann"], entry["ann_problem"] = None, "not a BASIL annotation object"
        elif path.suffix == ".json":
            article_id = path.stem
            entry = entries.setdefault(article_id, {"year": year})
            entry["source"] = f"articles/{year}/{path.name}"
            entry["item"], entry["problem"] = _load_json(path)
            if entry["problem"] is None:
                entry["problem"] = _article_problem(entry["item"])
    for entry in entries.values():
        if entry.get("problem") is None and "item" in entry:
            entry["text"], entry["offsets"] = join_body(_paragraphs(entry["item"]))
    return entries


def _immigration_triplets(entries) -> set[str]:
    found = set()
    for entry in entries.values():
        if entry.get("problem") is None and "item" in entry:
            item = entry["item"]
            haystack = f"{item.get('title') or ''}\n{item.get('main-event') or ''}"
            if IMMIGRATION_PATTERN.search(haystack):
                found.add(item["triplet-uuid"])
    return found


def _spans(entries, report: Report) -> tuple[list[dict], int]:
    """Every span of every readable annotation file, located in its article."""
    rows, n_rows = [], 0
    immigration = _immigration_triplets(entries)
    for article_id, entry in sorted(entries.items()):
        if "ann_source" not in entry:
            continue
        source = entry["ann_source"]
        if entry["ann"] is None:
            n_rows += 1
            report.reject(source, None, article_id, entry["ann_problem"])
            continue
        for k, span in enumerate(entry["ann"].get("phrase-level-annotations", [])):
            n_rows += 1
            span_id = f"{article_id}-{k:03d}"
            row, why = _locate(span, entry, article_id)
            if row is None:
                report.reject(source, None, span_id, why)
                continue
            if why:
                report.coerce(source, None, span_id, "text_start", span.get("start"), why)
            row["span_id"] = span_id
            row["immigration_event"] = entry["item"]["triplet-uuid"] in immigration
            rows.append(row)
    return rows, n_rows


def _locate(span, entry, article_id) -> tuple[dict | None, str | None]:
    """The span's row, or (None, reason) when it cannot be placed in its article."""
    if not isinstance(span, dict):
        return None, "span is not a JSON object"
    if entry.get("problem") is not None or "item" not in entry:
        return None, f"its article is unusable ({entry.get('problem') or 'no article file'})"
    item, annotation_id = entry["item"], str(span.get("id"))
    start, bad_start = parse_int(span.get("start"))
    end, bad_end = parse_int(span.get("end"))
    if start is None or end is None:
        return None, f"start/end not integers: {bad_start or bad_end or 'missing'}"
    match = _SPAN_ID.match(annotation_id)
    if annotation_id == "title":
        unit, located = str(item.get("title") or ""), None
    elif match and int(match.group(1)) < len(entry["offsets"]):
        located = entry["offsets"][int(match.group(1))]
        unit = entry["text"][located[2]:located[3]]
    else:
        return None, f"id {annotation_id!r} names no sentence of the article"
    if not 0 <= start <= end <= len(unit):
        return None, f"offsets {start}:{end} outside the {len(unit)}-character unit"
    txt = span.get("txt")
    row = {
        "article_id": article_id,
        "triplet_uuid": item["triplet-uuid"],
        "outlet": _outlet(item),
        "annotation_id": annotation_id,
        "in_title": located is None,
        "paragraph_index": None if located is None else located[0],
        "sentence_index": None if located is None else located[1],
        "start": start,
        "end": end,
        "text_start": None if located is None else located[2] + start,
        "text_end": None if located is None else located[2] + end,
        **{f.replace("-", "_"): span.get(f) for f in _SPAN_FIELDS},
    }
    if unit[start:end] != txt:
        row["text_start"] = row["text_end"] = None
        return row, f"offsets give {unit[start:end]!r}, not txt {txt!r}"
    return row, None


def _articles(entries, report: Report) -> tuple[list[dict], int]:
    rows, n_rows = [], 0
    immigration = _immigration_triplets(entries)
    for article_id, entry in sorted(entries.items()):
        if "source" not in entry:
            continue
        n_rows += 1
        source = entry["source"]
        if entry["problem"] is not None:
            report.reject(source, None, article_id, entry["problem"])
            continue
        item = entry["item"]
        date, why = parse_utc_day(item.get("date"))
        if why:
            report.coerce(source, None, article_id, "date", item.get("date"), why)
        word_count, why = parse_int(item.get("word-count"))
        if why:
            report.coerce(source, None, article_id, "meta_word_count", item.get("word-count"),
                          why)
        row = {
            "article_id": article_id,
            "outlet": _outlet(item),
            "date": date,
            "title": str(item.get("title") or ""),
            "text": entry["text"],
            "url": None if blank(item.get("url")) else str(item["url"]),
            "meta_source": item["source"],
            "meta_year": parse_int(entry["year"])[0],
            "meta_uuid": item.get("uuid"),
            "meta_triplet_uuid": item["triplet-uuid"],
            "meta_main_event": item.get("main-event"),
            "meta_main_entities": _str_list(item.get("main-entities")),
            "meta_keywords": None if item.get("keywords") is None else str(item["keywords"]),
            "meta_word_count": word_count,
            "meta_immigration_event": item["triplet-uuid"] in immigration,
            "meta_n_paragraphs": len(item["body-paragraphs"]),
            "meta_n_sentences": len(entry["offsets"]),
        }
        row.update(_article_annotations(entry, article_id, report))
        rows.append(row)
    return rows, n_rows


def _str_list(value) -> list[str] | None:
    return [str(v) for v in value] if isinstance(value, list) else None


def _article_annotations(entry, article_id, report: Report) -> dict:
    """Article-level stance and span counts from the annotation file (missing without one)."""
    ann = entry.get("ann")
    if ann is None:
        where = entry.get("ann_source", entry["source"])
        report.coerce(where, None, article_id, "meta_n_spans", None,
                      entry.get("ann_problem") or "no annotation file for this article")
        return {}
    triplet = ann.get("triplet-uuid", ann.get("pair-uuid"))
    if triplet is not None and triplet != entry["item"]["triplet-uuid"]:
        report.coerce(entry["ann_source"], None, article_id, "meta_triplet_uuid", triplet,
                      "the annotation file names another triplet; the article's is kept")
    level = ann.get("article-level-annotations")
    level = level if isinstance(level, dict) else {}
    spans = [s for s in ann.get("phrase-level-annotations", []) if isinstance(s, dict)]
    return {
        "meta_relative_stance": level.get("relative_stance"),
        "meta_author_feeling_main_event": level.get("author_feeling_main_event"),
        "meta_n_spans": len(spans),
        "meta_n_lex_spans": sum(s.get("bias") == "lex" for s in spans),
        "meta_n_inf_spans": sum(s.get("bias") == "inf" for s in spans),
    }


def _sentences(entries, spans: list[dict], report: Report) -> tuple[list[dict], int]:
    rows, n_rows = [], 0
    immigration = _immigration_triplets(entries)
    flags: dict[tuple[str, int], list[str]] = {}
    for span in spans:
        if not span["in_title"]:
            flags.setdefault((span["article_id"], span["sentence_index"]), []).append(
                span["bias"])
    for article_id, entry in sorted(entries.items()):
        if "source" not in entry:
            continue
        if entry["problem"] is not None:
            n_rows += 1
            report.reject(entry["source"], None, article_id, entry["problem"])
            continue
        item = entry["item"]
        for p, k, start, end in entry["offsets"]:
            n_rows += 1
            biases = flags.get((article_id, k), [])
            rows.append({
                "sentence_id": f"{article_id}-{k:03d}",
                "article_id": article_id,
                "triplet_uuid": item["triplet-uuid"],
                "outlet": _outlet(item),
                "paragraph_index": p,
                "sentence_index": k,
                "text": entry["text"][start:end],
                "text_start": start,
                "text_end": end,
                "has_lexical_bias": "lex" in biases,
                "has_informational_bias": "inf" in biases,
                "n_spans": len(biases),
                "immigration_event": item["triplet-uuid"] in immigration,
            })
    return rows, n_rows


_INTS = {
    "articles": ("meta_year", "meta_word_count", "meta_n_paragraphs", "meta_n_sentences",
                 "meta_n_spans", "meta_n_lex_spans", "meta_n_inf_spans"),
    "spans": ("paragraph_index", "sentence_index", "start", "end", "text_start", "text_end"),
    "sentences": ("paragraph_index", "sentence_index", "text_start", "text_end", "n_spans"),
}
_INDEX = {"articles": "article_id", "spans": "span_id", "sentences": "sentence_id"}


def _parse(paths: list[Path], table: str = "articles") -> pd.DataFrame:
    entries = _read(paths)
    report = Report()
    if table == "articles":
        rows, n_rows = _articles(entries, report)
    elif table == "spans":
        rows, n_rows = _spans(entries, report)
    else:
        spans, _ = _spans(entries, Report())  # the spans report belongs to table="spans"
        rows, n_rows = _sentences(entries, spans, report)
    frame = pd.DataFrame.from_records(rows).set_index(_INDEX[table]).sort_index()
    for column in _INTS[table]:
        if column in frame:
            frame[column] = pd.array(frame[column].to_numpy(dtype=object), dtype="Int64")
    if table == "articles":
        frame["date"] = pd.to_datetime(frame["date"], utc=True)
        frame["meta_immigration_event"] = frame["meta_immigration_event"].astype(bool)
        report.attach(frame, n_rows)
        return validate_articles(frame)
    for column in ("in_title", "has_lexical_bias", "has_informational_bias",
                   "immigration_event"):
        if column in frame:
            frame[column] = frame[column].astype(np.bool_)
    report.attach(frame, n_rows)
    strings = ("txt", "bias") if table == "spans" else ("text",)
    return check_table(frame, index=_INDEX[table], non_empty=("article_id", "outlet"),
                       strings=strings, integers=_INTS[table], what=f"BASIL {table} table")


def fetch_basil(table: str = "articles", *, data_home=None, refresh: bool = False,
                progress: bool = True) -> pd.DataFrame:
    """Fetch BASIL, sentence- and span-level lexical and informational bias (Fan et al. 2019).

    **Dataset card**

    Source
        ``launchnlp/BASIL`` (the authors' 2nd release, with corrected annotations; its
        ``annotation_changes.txt`` lists the corrections) at commit ``4fdbc4f6``:
        ``articles/<year>/<triplet-uuid>_<n>.json`` (300) and
        ``annotations/<year>/<triplet-uuid>_<n>_ann.json`` (300), pinned by sha256.
    Design
        100 news events from 2010-2019 (10 a year), each covered by one article from each of
        New York Times, Fox News and HuffPost: a *triplet* sharing ``meta_triplet_uuid``, so
        the three outlets can be compared on the same event. Annotators marked spans of
        **lexical** bias (``lex``: biased wording) and **informational** bias (``inf``:
        selected facts, quotes, framing through content), with target, polarity, aim and
        quote/speaker, and judged each article's stance.
    Licence
        None stated (no ``LICENSE`` file; the README asks for a citation). Article texts are
        copyright of their publishers: research use only.
    Citation
        Lisa Fan, Marshall White, Eva Sharma, Ruisi Su, Prafulla Kumar Choubey, Ruihong
        Huang, Lu Wang. 2019. *In Plain Sight: Media Bias Through the Lens of Factual
        Reporting.* EMNLP-IJCNLP 2019.
    Fields, ``table="articles"`` (300 rows, a validated articles table)
        Index ``article_id`` (the source file stem ``<triplet-uuid>_<n>``); ``outlet``
        (``new-york-times``, ``fox-news`` or ``huffpost``, from the source codes ``nyt``,
        ``fox``, ``hpo``, which 12 files spell in upper case: kept in ``meta_source``);
        ``date`` (publication day, 00:00 UTC); ``title``; ``text`` (the body's sentences
        joined with ``" "`` and its paragraphs with ``"\\n\\n"``; sentences are kept
        exactly as in the source, including 7 blank ones); ``url``; ``meta_year`` (the
        event year folder); ``meta_uuid``; ``meta_triplet_uuid``; ``meta_main_event``;
        ``meta_main_entities`` (list); ``meta_keywords`` (comma-separated, as in the
        source; present in 53 articles, 25 of them empty); ``meta_word_count`` (missing
        in 29); ``meta_relative_stance`` (annotators' article-level stance, vocabulary
        exactly as in the source: ``center``, ``left``, ``liberal``, ``right``,
        ``conservative``); ``meta_author_feeling_main_event``;
        ``meta_n_paragraphs``, ``meta_n_sentences``, ``meta_n_spans``,
        ``meta_n_lex_spans``, ``meta_n_inf_spans``; ``meta_immigration_event`` (derived:
        true for every article of a triplet in which any article's title or main event
        matches :data:`IMMIGRATION_PATTERN`, case-insensitive: 8 triplets, 24 articles).
    Fields, ``table="spans"`` (1,726 rows, one per annotated span)
        Index ``span_id`` (``<article_id>-NNN``, NNN the span's position in its annotation
        file); ``article_id``, ``triplet_uuid``, ``outlet``; ``annotation_id`` (source
        ``id``: ``p<k>`` = k-th sentence of the body, or ``title``); ``in_title`` (3
        spans); ``paragraph_index``, ``sentence_index`` (missing for title spans);
        ``start``, ``end`` (offsets into the sentence, or into the title, as in the
        source); ``text_start``, ``text_end`` (offsets into the article's ``text``:
        ``text[text_start:text_end] == txt`` for every body span; missing for title
        spans); ``txt``, ``bias`` (``lex``/``inf``), ``polarity`` (``neg``/``pos``),
        ``target``, ``aim`` (``dir``, ``ind_pro``, ``ind_anti``, ``ind_general``),
        ``indirect_target_name`` (missing in 93 source records),
        ``indirect_ally_opponent_sentiment``, ``quote`` (``yes``/``no``), ``speaker``,
        ``notes`` (source values, ``""`` kept as ``""``); ``immigration_event``. 44
        annotation files name the triplet key ``pair-uuid``: its value equals the
        article's ``triplet-uuid``, which ``triplet_uuid`` holds.
    Fields, ``table="sentences"`` (7,984 rows, one per body sentence)
        Index ``sentence_id`` (``<article_id>-NNN``, NNN = k as in ``p<k>``);
        ``article_id``, ``triplet_uuid``, ``outlet``, ``paragraph_index``,
        ``sentence_index``, ``text`` (the sentence), ``text_start``/``text_end`` (its place
        in the article's ``text``), ``has_lexical_bias``, ``has_informational_bias``,
        ``n_spans`` (from the spans table; title spans are not counted),
        ``immigration_event``.
    Known biases
        Three outlets only, one article each per event, chosen by the authors; 100 events.
        Span annotation reflects annotators' judgement of each outlet's slant relative to
        the others; ``relative_stance`` mixes ``left``/``liberal`` and
        ``right``/``conservative``. Informational-bias spans outnumber lexical ones 2.6 to
        1, and quotes make up 42% of spans.

    Parameters
    ----------
    table : {"articles", "spans", "sentences"}, default "articles"
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
        The table, sorted by its index. ``attrs["rejected"]`` lists unusable files or
        spans (``line`` missing: JSON files), ``attrs["coerced"]`` values set missing, and
        ``attrs["n_source_rows"]`` counts source articles, spans or sentences.

    Examples
    --------
    >>> from framing.datasets import fetch_basil
    >>> articles = fetch_basil(progress=False)  # doctest: +SKIP
    >>> articles.pivot(index="meta_triplet_uuid", columns="outlet",
    ...                values="meta_n_inf_spans").mean()  # doctest: +SKIP
    >>> spans = fetch_basil("spans", progress=False)  # doctest: +SKIP
    >>> span = spans.iloc[0]  # doctest: +SKIP
    >>> text = articles.loc[span["article_id"], "text"]  # doctest: +SKIP
    >>> text[span["text_start"]:span["text_end"]] == span["txt"]  # doctest: +SKIP
    True
    """
    if table not in TABLES:
        raise ValueError(f"table must be one of {TABLES}, not {table!r}")
    files = select("basil", "articles/*.json") + select("basil", "annotations/*_ann.json")
    return cached_dataset(f"basil-{table}", files, functools.partial(_parse, table=table),
                          version=_VERSION, data_home=data_home, refresh=refresh,
                          progress=progress)
