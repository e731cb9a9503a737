"""Sanctuary relevance rules on short news items: headlines, leads and single sentences.

Run from the repository root::

    FRAMING_MIRROR=/work/shared/data/mirror python -m experiments.validation.relevance_short_items

A feed or search stub is a headline, maybe with a lead or a snippet: one or two sentences.
The article rule of :func:`framing.collect.is_relevant` (a score of 2: one headline mention
or two in the body) judges such an item relevant only when the headline names the policy,
and never when the same text comes as one plain string. This script measures precision and
recall of the rules before and after the short-item rule (``short_item_chars`` and
``short_item`` in the recipe) on hand-labelled short items from real corpora:

* labels: ``tests/data/relevance_short_items.csv`` (the labelling rule, the sample and the
  columns are in ``tests/data/README.md``); the file holds no corpus text, only where each
  item comes from (``dataset``, ``row_id``, ``part``, ``start``/``end`` of the body part),
  and ``item_sha1`` to check that the text read back is the text that was labelled;
* texts: read back through ``fetch_allsides()``, ``fetch_gvfc()`` and ``fetch_babe("SG2")``
  (from ``FRAMING_MIRROR``), and the AllSides control sample and headline table of
  ``shared/data/allsides_article_bias/`` (``FRAMING_SHARED_DATA``, default
  ``../shared/data``), which no fetcher serves;
* rules: *old* is ``tests/data/sanctuary_recipe_v1.toml`` (the sanctuary recipe as it was
  before the short-item rule; the current code applies it exactly as the old code did),
  *new* is the recipe shipped in the package.

Each item is judged in two presentations: ``fields`` (headline in ``title``, the body part
in ``text``, as a collected stub) and ``plain`` (one string, headline and body part joined
by a blank line, as ``is_relevant(pd.Series(texts))``).

Printed: per rule and presentation, precision, recall and F1 with their counts, on all
items and on the ``dev`` and ``test`` halves (the new signals were written looking at
``dev`` errors only), then the new rule's errors. Written:
``experiments/results/relevance_short_items.json`` (the counts and scores, the sha256 of the
labels and of both recipes), which ``tests/collect/test_relevance_short_items.py`` checks
against a fresh evaluation.

``--draw PATH`` writes the candidate items (without labels) as the sample was drawn.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
LABELS = REPO / "tests" / "data" / "relevance_short_items.csv"
OLD_RECIPE = REPO / "tests" / "data" / "sanctuary_recipe_v1.toml"
RESULTS = REPO / "experiments" / "results" / "relevance_short_items.json"
DATASETS = ("allsides", "allsides_control", "allsides_titles", "gvfc_headlines", "babe_sg2",
            "mbic")
PARTS = ("headline", "headline+lead", "headline+sentence", "sentence")
PRESENTATIONS = ("fields", "plain")
SPLITS = ("all", "dev", "test")
DRAW_SEED = 20240615
SPLIT_SEED = 20240616

# A sentence ends at . ! or ? (and any closing quotes or brackets) before white space and
# an opening quote, bracket, capital or digit; a line break always ends one.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)\]]*[ \t]+(?=[\"'“‘(\[]?[A-Z0-9])|\n+")
# Words that end in a period without ending the sentence: titles before names, month and
# state abbreviations, initials and dotted abbreviations such as "U.S." (a sentence that
# ends in "U.S." is then joined to the next one, the safer error for leads).
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gov|Sen|Sens|Rep|Reps|Gen|Lt|Col|Sgt|Capt|Cmdr|Adm|St|Jr|Sr|Prof|"
    r"Rev|Atty|Supt|Pres|No|Nos|Mt|Ft|Inc|Co|Corp|Ltd|vs|v|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|"
    r"Nov|Dec|Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|"
    r"Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Tenn|Tex|Va|Vt|Wash|Wis|Wyo)|\b[A-Z]|(?:\b[A-Za-z]\.)+"
    r"[A-Za-z])\.$")
# A lead is the first sentence of at least this many words (skips bylines and datelines).
_MIN_LEAD_WORDS = 12
# Words of the signals, for drawing candidates (not the rules under test).
_SIGNAL_WORDS = re.compile(
    r"sanctuar|detainer|287\s?\(g\)|\bS\.?\s?B\.?\s?54\b|Values Act|TRUST Act", re.IGNORECASE)
_POLICY_NOUN = re.compile(
    r"sanctuar(?:y|ies)['’\"”]?[ -]+(?:cit|state|count|jurisd|law|polic|status|bill|ordin|"
    r"movement|campus|congreg|designation|protection|measure|legislation|provision|"
    r"declaration|resolution|municip|communit|town|area|place|region|rule)", re.IGNORECASE)


def shared_data_dir() -> Path:
    """``FRAMING_SHARED_DATA``, or ``shared/data`` beside the repository."""
    return Path(os.environ.get("FRAMING_SHARED_DATA", REPO.parent / "shared" / "data"))


def packaged_recipe() -> Path:
    """The sanctuary recipe shipped in the package (the rules under test)."""
    import framing.collect

    return Path(framing.collect.__file__).resolve().parent / "_recipes" / "sanctuary"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, white space trimmed.

    Examples
    --------
    >>> text = "Gov. Jerry Brown signed it. Mr. Trump objected.\\nA new paragraph."
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['Gov. Jerry Brown signed it.', 'Mr. Trump objected.', 'A new paragraph.']
    """
    spans, start = [], 0
    for match in _SENTENCE_BREAK.finditer(text):
        end = match.start() + len(match.group(0).rstrip(" \t\n"))
        if "\n" not in match.group(0) and _ABBREVIATION.search(
                text[max(0, match.start() - 12):match.start()]):
            continue
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def lead_span(text: str) -> tuple[int, int]:
    """The first sentence of at least ``_MIN_LEAD_WORDS`` words (else the first one)."""
    spans = sentence_spans(text)
    for start, end in spans:
        if len(text[start:end].split()) >= _MIN_LEAD_WORDS:
            return start, end
    return spans[0] if spans else (0, 0)


def load_sources(shared: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every dataset of the sample: ``title`` and ``text`` on the row id, by dataset name."""
    from framing.datasets import fetch_allsides, fetch_babe, fetch_gvfc, fetch_mbic

    folder = (shared or shared_data_dir()) / "allsides_article_bias"
    with gzip.open(folder / "control_sample_other_topics.jsonl.gz", "rt",
                   encoding="utf-8") as handle:
        control = pd.DataFrame.from_records(
            [{"row_id": r["ID"], "title": r["title"], "text": r["content_original"]}
             for r in map(json.loads, handle)]).set_index("row_id")
    titles = pd.read_csv(folder / "all_articles_metadata.csv.gz", usecols=["ID", "title"],
                         dtype=str, keep_default_na=False).set_index("ID")
    titles["text"] = ""
    mbic = fetch_mbic(progress=False)
    # MBIC rows are sentences; their whole articles (headline on the first line) are the texts
    articles = mbic["meta_article"].dropna()
    articles = pd.DataFrame({"title": "", "text": articles[~articles.duplicated()]})
    return {"allsides": fetch_allsides(progress=False),
            "allsides_control": control,
            "allsides_titles": titles,
            "gvfc_headlines": fetch_gvfc("headlines", progress=False),
            "babe_sg2": fetch_babe("SG2", progress=False),
            "mbic": articles}


def item_sha1(title: str, body: str) -> str:
    """First 12 hex digits of the sha1 of ``title + "\\n\\n" + body`` (UTF-8)."""
    return hashlib.sha1(f"{title}\n\n{body}".encode()).hexdigest()[:12]


def _span(row) -> tuple[int, int] | None:
    if row["part"] == "headline":
        return None
    return int(row["start"]), int(row["end"])


def read_labels(path: Path = LABELS) -> pd.DataFrame:
    """The labels file, checked: a ``ValueError`` names the line and what is wrong."""
    labels = pd.read_csv(path, dtype={"row_id": str, "reason": str}, keep_default_na=False)
    expected = ["dataset", "row_id", "part", "start", "end", "item_sha1", "label", "reason",
                "stratum", "split"]
    if list(labels.columns) != expected:
        raise ValueError(f"{path}: columns {list(labels.columns)}, expected {expected}")
    for number, row in labels.iterrows():
        line = number + 2  # 1-based, after the header
        problems = []
        if row["dataset"] not in DATASETS:
            problems.append(f"unknown dataset {row['dataset']!r}")
        if row["part"] not in PARTS:
            problems.append(f"unknown part {row['part']!r}")
        elif row["part"] != "headline" and not (str(row["start"]).isdigit()
                                                and str(row["end"]).isdigit()):
            problems.append("a body part needs start and end")
        if str(row["label"]) not in ("0", "1"):
            problems.append(f"label {row['label']!r} is not 0 or 1")
        if not row["reason"].strip():
            problems.append("no reason")
        if row["split"] not in ("dev", "test"):
            problems.append(f"split {row['split']!r} is not dev or test")
        if problems:
            raise ValueError(f"{path}, line {line}: " + "; ".join(problems))
    key = labels[["dataset", "row_id", "part", "start", "end"]].astype(str).agg("|".join, axis=1)
    if key.duplicated().any():
        line = int(key.index[key.duplicated()][0]) + 2
        raise ValueError(f"{path}, line {line}: the same item twice")
    labels["label"] = labels["label"].astype(int)
    return labels


def item_texts(labels: pd.DataFrame, sources: dict[str, pd.DataFrame],
               path: Path = LABELS) -> pd.DataFrame:
    """``title`` and ``text`` (the body part) of every labelled item, checked by sha1."""
    titles, bodies = [], []
    for number, row in labels.iterrows():
        where = f"{path}, line {number + 2} ({row['dataset']} {row['row_id']})"
        source = sources[row["dataset"]]
        if row["row_id"] not in source.index:
            raise ValueError(f"{where}: no such row in the dataset")
        record = source.loc[row["row_id"]]
        span = _span(row)
        title = str(record["title"]) if row["part"].startswith("headline") else ""
        body = ""
        if span is not None:
            text = str(record["text"])
            if not 0 <= span[0] < span[1] <= len(text):
                raise ValueError(f"{where}: span {span} is outside the text "
                                 f"({len(text)} characters)")
            body = text[span[0]:span[1]]
        if item_sha1(title, body) != row["item_sha1"]:
            raise ValueError(f"{where}: the text read back is not the text labelled "
                             f"(sha1 {item_sha1(title, body)}, expected {row['item_sha1']})")
        titles.append(title)
        bodies.append(body)
    return pd.DataFrame({"title": titles, "text": bodies}, index=labels.index)


def presentations(items: pd.DataFrame) -> dict[str, pd.DataFrame | pd.Series]:
    """The items as a stub table (``fields``) and as plain strings (``plain``)."""
    joined = [f"{t}\n\n{b}" if t and b else t or b
              for t, b in zip(items["title"], items["text"], strict=True)]
    return {"fields": items[["title", "text"]],
            "plain": pd.Series(joined, index=items.index, dtype=object)}


def metrics(truth: pd.Series, predicted: pd.Series) -> dict:
    """Counts, precision, recall and F1 (``None`` where undefined), rounded to 4 places."""
    truth, predicted = truth.astype(bool), predicted.astype(bool)
    tp = int((truth & predicted).sum())
    fp = int((~truth & predicted).sum())
    fn = int((truth & ~predicted).sum())
    tn = int((~truth & ~predicted).sum())
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (2 * precision * recall / (precision + recall)
          if precision is not None and recall is not None and precision + recall else None)

    def rounded(value):
        return None if value is None else round(value, 4)

    return {"n": len(truth), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": rounded(precision), "recall": rounded(recall), "f1": rounded(f1)}


def evaluate(labels: pd.DataFrame, items: pd.DataFrame, recipes: dict) -> tuple[dict, dict]:
    """Metrics per rule, presentation and split; and each rule's reports."""
    from framing.collect import relevance_report

    truth = labels["label"].astype(bool)
    scores, reports = {}, {}
    for rule, recipe in recipes.items():
        scores[rule], reports[rule] = {}, {}
        for name, data in presentations(items).items():
            report = relevance_report(data, recipe)
            reports[rule][name] = report
            scores[rule][name] = {
                split: metrics(truth[rows], report.loc[rows[rows].index, "relevant"])
                for split, rows in (("all", labels["split"].notna()),
                                    ("dev", labels["split"] == "dev"),
                                    ("test", labels["split"] == "test"))}
    return scores, reports


def summary(labels: pd.DataFrame, items: pd.DataFrame, scores: dict, recipes: dict) -> dict:
    """The results file's content."""
    has_word = (items["title"] + " " + items["text"]).str.contains("sanctuar", case=False)
    return {
        "labels": {"path": str(LABELS.relative_to(REPO)),
                   "sha256": hashlib.sha256(LABELS.read_bytes()).hexdigest(),
                   "n_items": len(labels), "n_relevant": int(labels["label"].sum()),
                   "n_not_relevant_with_sanctuary": int((has_word & (labels["label"] == 0))
                                                        .sum()),
                   "by_part": labels["part"].value_counts().sort_index().to_dict(),
                   "by_dataset": labels["dataset"].value_counts().sort_index().to_dict()},
        "recipes": {rule: {"path": _shown(recipe.path), "version": recipe.version,
                           "sha256": recipe.sha256} for rule, recipe in recipes.items()},
        "scores": scores,
    }


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def run(shared: Path | None = None) -> tuple[dict, pd.DataFrame, pd.DataFrame, dict]:
    """Read labels and texts, evaluate both rules; return (summary, labels, items, reports)."""
    from framing.collect import load_recipe

    labels = read_labels()
    items = item_texts(labels, load_sources(shared))
    recipes = {"old": load_recipe(OLD_RECIPE), "new": load_recipe(packaged_recipe())}
    scores, reports = evaluate(labels, items, recipes)
    return summary(labels, items, scores, recipes), labels, items, reports


def draw_candidates(sources: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The candidate items, drawn as the labelled sample was (see tests/data/README.md)."""
    import numpy as np

    rng = np.random.default_rng(DRAW_SEED)
    rows = []

    def add(stratum, dataset, row_id, part, span=None):
        start, end = span if span else ("", "")
        rows.append({"dataset": dataset, "row_id": row_id, "part": part, "start": start,
                     "end": end, "stratum": stratum})

    def pick(ids, n):
        ids = sorted(ids)
        return ids if len(ids) <= n else sorted(rng.choice(ids, size=n, replace=False).tolist())

    articles = sources["allsides"]
    title_hit = articles["title"].str.contains("sanctuar", case=False)
    for i in articles.index[title_hit]:
        add("allsides_headline_sanctuary", "allsides", i, "headline")
    immigration = articles.index[articles["meta_is_topic_immigration"]
                                 & ~articles["title"].str.contains(_SIGNAL_WORDS)]
    for i in pick(immigration, 20):
        add("allsides_headline_immigration_no_signal", "allsides", i, "headline")
    titles = sources["allsides_titles"]
    for i in titles.index[titles["title"].str.contains("sanctuar", case=False)
                          & ~titles.index.isin(articles.index)]:
        add("allsides_titles_sanctuary", "allsides_titles", i, "headline")

    leads = {i: lead_span(t) for i, t in articles["text"].items()}
    lead_text = pd.Series({i: articles.at[i, "text"][s:e] for i, (s, e) in leads.items()})
    lead_hit = lead_text.str.contains(_SIGNAL_WORDS)
    title_hit_ = title_hit.reindex(lead_text.index)
    for stratum, rows_, n in (
            ("allsides_lead_signal_title_not", lead_hit & ~title_hit_, 50),
            ("allsides_lead_signal_title_too", lead_hit & title_hit_, 10),
            ("allsides_lead_immigration_no_signal", ~lead_hit & ~title_hit_
             & articles["meta_is_topic_immigration"].reindex(lead_text.index), 20)):
        for i in pick(lead_text.index[rows_], n):
            add(stratum, "allsides", i, "headline+lead", leads[i])

    other_sense, policy_once = [], []
    for i, text in articles["text"].items():
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            mentions = len(re.findall("sanctuar", sentence, re.IGNORECASE))
            if (start, end) == leads[i] or not mentions:
                continue
            if not _POLICY_NOUN.search(sentence):
                other_sense.append((i, start, end))
            elif mentions == 1:
                policy_once.append((i, start, end))
    for i, start, end in other_sense:
        add("allsides_sentence_sanctuary_no_policy_noun", "allsides", i, "sentence",
            (start, end))
    for k in pick(range(len(policy_once)), 30):
        i, start, end = policy_once[k]
        add("allsides_sentence_sanctuary_policy_noun", "allsides", i, "sentence", (start, end))

    first_hit = {}
    for i, text in articles["text"].items():
        if title_hit[i]:
            continue
        for start, end in sentence_spans(text):
            if (start, end) != leads[i] and _SIGNAL_WORDS.search(text[start:end]):
                first_hit[i] = (start, end)
                break
    for i in pick(first_hit, 30):
        add("allsides_headline_first_signal_sentence", "allsides", i, "headline+sentence",
            first_hit[i])

    control = sources["allsides_control"]
    for i, text in control["text"].items():
        for start, end in sentence_spans(text):
            if re.search("sanctuar", text[start:end], re.IGNORECASE):
                add("control_sentence_sanctuary", "allsides_control", i, "sentence",
                    (start, end))
    for i in pick(control.index, 15):
        add("control_headline_lead", "allsides_control", i, "headline+lead",
            lead_span(control.at[i, "text"]))

    gvfc = sources["gvfc_headlines"]
    hit = gvfc["title"].str.contains("sanctuar", case=False)
    for i in gvfc.index[hit]:
        add("gvfc_headline_sanctuary", "gvfc_headlines", i, "headline")
    for i in pick(gvfc.index[~hit], 10):
        add("gvfc_headline_random", "gvfc_headlines", i, "headline")

    babe = sources["babe_sg2"]
    for i in pick(babe.index[babe["topic"].fillna("").str.contains("immigra")], 15):
        add("babe_immigration_sentence", "babe_sg2", i, "sentence", (0, len(babe.at[i, "text"])))

    drawn = pd.DataFrame(rows)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(drawn))
    split = np.empty(len(drawn), dtype=object)
    split[order[0::2]], split[order[1::2]] = "dev", "test"
    drawn["split"] = split

    # Added after the rules were written (the MBIC articles hold most of the real gun-sense
    # sentences), so all of them are held out.
    rows = []
    for i, text in sources["mbic"]["text"].items():
        for start, end in sentence_spans(text):
            if re.search("sanctuar", text[start:end], re.IGNORECASE):
                add("mbic_sentence_sanctuary", "mbic", i, "sentence", (start, end))
    late = pd.DataFrame(rows, columns=drawn.columns.drop("split"))
    late["split"] = "test"
    drawn = pd.concat([drawn, late], ignore_index=True)
    texts = item_texts_unchecked(drawn, sources)
    drawn["item_sha1"] = [item_sha1(t, b) for t, b in zip(texts["title"], texts["text"],
                                                          strict=True)]
    # The same sentence twice in one article (a repeated caption) is one item.
    return drawn[~drawn.duplicated(["dataset", "row_id", "part", "item_sha1"])]


def item_texts_unchecked(drawn: pd.DataFrame, sources: dict) -> pd.DataFrame:
    """``title`` and body part of drawn items (no sha1 to check yet)."""
    titles, bodies = [], []
    for _, row in drawn.iterrows():
        record = sources[row["dataset"]].loc[row["row_id"]]
        span = _span(row)
        titles.append(str(record["title"]) if row["part"].startswith("headline") else "")
        bodies.append("" if span is None else str(record["text"])[span[0]:span[1]])
    return pd.DataFrame({"title": titles, "text": bodies}, index=drawn.index)


def _format(m: dict) -> str:
    def show(value):
        return "  n/a" if value is None else f"{value:.3f}"

    return (f"P {show(m['precision'])}  R {show(m['recall'])}  F1 {show(m['f1'])}  "
            f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']}, tn {m['tn']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS, help="results JSON to write")
    parser.add_argument("--draw", type=Path, help="write the drawn candidates here and stop")
    args = parser.parse_args(argv)
    if args.draw:
        draw_candidates(load_sources()).to_csv(args.draw, index=False)
        print(f"wrote {args.draw}")
        return 0
    result, labels, items, reports = run()
    info = result["labels"]
    print(f"{info['n_items']} items ({info['n_relevant']} relevant; "
          f"{info['n_not_relevant_with_sanctuary']} not relevant but containing 'sanctuary'), "
          f"by part {info['by_part']}")
    for rule, recipe in result["recipes"].items():
        print(f"{rule}: {recipe['path']} (version {recipe['version']})")
    for rule in ("old", "new"):
        for name in PRESENTATIONS:
            for split in SPLITS:
                print(f"{rule:>3} {name:<6} {split:<4} "
                      f"{_format(result['scores'][rule][name][split])}")
    print("\nnew rule, plain presentation: errors")
    report = reports["new"]["plain"]
    wrong = labels[labels["label"].astype(bool) != report["relevant"]]
    for number, row in wrong.iterrows():
        text = " | ".join(p for p in (items.at[number, "title"], items.at[number, "text"]) if p)
        print(f"  [{row['split']}] label {row['label']} {row['part']}: {text[:110]!r}\n"
              f"      label: {row['reason']}; rules: {report.at[number, 'reason']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\nwrote {_shown(args.out.resolve())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
