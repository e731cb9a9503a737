"""fetch_lexicon and list_lexicons on the mirror's upstream files; each parser on broken input."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from framing.datasets import fetch_lexicon
from framing.datasets._lexicon_formats import (
    merge_duplicates,
    parse_emfd_csv,
    parse_liwc_dic,
    parse_tff,
    parse_word_list,
    parse_xlsx_words,
)
from framing.datasets._lexicons import list_lexicons

# name -> (rows returned, entries in the source as counted by lexicons/README.md, categories)
EXPECTED = {
    "recasens_bias": (654, 654, {"bias"}),
    "hedges": (100, 100, {"hedge"}),
    "factives": (27, 27, {"factive"}),
    "assertives": (66, 66, {"assertive"}),
    "implicatives": (32, 32, {"implicative"}),
    "report_verbs": (181, 181, {"report_verb"}),
    "strong_subjectives": (4747, 4747, {"strongsubj"}),
    "weak_subjectives": (2191, 2191, {"weaksubj"}),
    "entailment": (4680, 1178 + 1162 + 1178 + 1162,
                   {"entailed", "entailed_arg", "entailing", "entailing_arg"}),
    "hu_liu": (6789, 2006 + 4783, {"positive", "negative"}),
    # 8,222 clue lines; 20 repeat an earlier (word, type, pos) and are merged
    "mpqa": (8202, 8222, {"strongsubj", "weaksubj"}),
    # 2,103 lines of one category each
    "mfd2": (2103, 2103, {f"{f}.{v}" for f in ("care", "fairness", "loyalty", "authority",
                                              "sanctity") for v in ("virtue", "vice")}),
    # 324 lines, some with several categories: 359 (term, category) pairs
    "mfd_original": (359, 359, {f"{f}.{v}" for f in ("care", "fairness", "loyalty",
                                                     "authority", "sanctity")
                                for v in ("virtue", "vice")} | {"moral"}),
    # 3,270 words x 5 foundations
    "emfd": (16350, 3270 * 5, {"care", "fairness", "loyalty", "authority", "sanctity"}),
    # 2,130 words, 8 of them twice
    "babe": (2122, 2130, {"biased"}),
}

# curated copies whose non-comment lines are the entries (README: "Entry counts exclude comment
# lines"), to check the parsed counts against
CURATED_LISTS = {
    "recasens_bias": ["bias_lexicons_recasens2013/npov_lexicon.txt"],
    "hedges": ["bias_lexicons_recasens2013/hedges_hyland2005.txt"],
    "factives": ["bias_lexicons_recasens2013/factives_hooper1975.txt"],
    "assertives": ["bias_lexicons_recasens2013/assertives_hooper1975.txt"],
    "implicatives": ["bias_lexicons_recasens2013/implicatives_karttunen1971.txt"],
    "report_verbs": ["bias_lexicons_recasens2013/report_verbs.txt"],
    "strong_subjectives": ["bias_lexicons_recasens2013/strong_subjectives_riloff2003.txt"],
    "weak_subjectives": ["bias_lexicons_recasens2013/weak_subjectives_riloff2003.txt"],
    "entailment": [f"bias_lexicons_recasens2013/{s}_berant2012.txt"
                   for s in ("entailed", "entailed_arg", "entailing", "entailing_arg")],
    "hu_liu": ["opinion_lexicon_hu_liu2004/positive_liu2005.txt",
               "opinion_lexicon_hu_liu2004/negative_liu2005.txt"],
}


@pytest.fixture(scope="module")
def lexicons(mirror_dir):
    return {name: fetch_lexicon(name, progress=False) for name in EXPECTED}


def test_list_lexicons_names_every_fetchable_lexicon():
    table = list_lexicons()
    assert table["name"].tolist() == sorted(EXPECTED)
    for column in ("description", "citation", "licence", "case", "source"):
        assert table[column].str.len().gt(0).all(), column
    pattern = r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}/\S+$"
    sources = table["source"].str.split("; ").explode()
    assert sources.str.match(pattern).all()


def test_unknown_lexicon_name_raises():
    with pytest.raises(ValueError, match="unknown lexicon 'nrc'"):
        fetch_lexicon("nrc", progress=False)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts_match_readme_and_reconcile(lexicons, name):
    table = lexicons[name]
    rows, entries, categories = EXPECTED[name]
    assert len(table) == rows
    assert table.attrs["n_source_rows"] == entries
    assert len(table) + len(table.attrs["rejected"]) == entries
    assert set(table["category"]) == categories


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_tidy_contract(lexicons, name):
    table = lexicons[name]
    assert list(table.columns[:4]) == ["term", "category", "weight", "wildcard"]
    assert table["weight"].dtype == np.float64
    assert table["wildcard"].dtype == bool
    terms = table["term"]
    assert terms.map(lambda t: isinstance(t, str) and t == " ".join(t.split()) and t != "").all()
    assert not table.duplicated(table.attrs["key"]).any()
    if name != "mpqa":
        assert not table.duplicated(["term", "category"]).any()
    assert table.index.equals(pd.RangeIndex(len(table)))
    ordered = table.sort_values(table.attrs["key"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(table, ordered)
    for key in ("name", "citation", "licence", "source", "case"):
        assert table.attrs[key], key
    assert table.attrs["name"] == name


@pytest.mark.parametrize("name", sorted(CURATED_LISTS))
def test_word_list_counts_match_curated_copies(lexicons, shared_data, name):
    expected = 0
    for relative in CURATED_LISTS[name]:
        lines = (shared_data / "lexicons" / relative).read_bytes().split(b"\n")
        expected += sum(1 for line in lines
                        if line.strip() and not line.strip().startswith((b"#", b";")))
    assert lexicons[name].attrs["n_source_rows"] == expected


def test_babe_counts_match_curated_copy(lexicons, shared_data):
    words = (shared_data / "babe" / "bias_word_lexicon.txt").read_text("utf-8").splitlines()
    table = lexicons["babe"]
    assert table.attrs["n_source_rows"] == len(words) == 2130
    assert set(table["term"]) == set(words)
    assert "slavishness" in set(table["term"])  # the word in the header cell is kept
    rejected = table.attrs["rejected"]
    assert len(rejected) == 8 and rejected["reason"].str.startswith("duplicate of").all()


def test_weights_of_emfd_are_the_foundation_probabilities(lexicons, shared_data):
    table = lexicons["emfd"]
    source = pd.read_csv(shared_data / "lexicons" / "moral_foundations" / "emfd_scoring.csv")
    row = source.set_index("word").loc["brought"]
    mine = table[table["term"] == "brought"].set_index("category")
    for foundation in ("care", "fairness", "loyalty", "authority", "sanctity"):
        assert mine.loc[foundation, "weight"] == pytest.approx(row[f"{foundation}_p"])
        assert mine.loc[foundation, "sentiment"] == pytest.approx(row[f"{foundation}_sent"])
    assert table["weight"].between(0, 1).all()
    assert table["sentiment"].dtype == np.float64


def test_hu_liu_latin1_byte_is_decoded_and_reported(lexicons):
    table = lexicons["hu_liu"]
    assert "naïve" in set(table.loc[table["category"] == "negative", "term"])
    coerced = table.attrs["coerced"]
    assert len(coerced) == 1
    entry = coerced.iloc[0]
    assert entry["source"] == "src/lexicons/negative_liu2005.txt"
    assert entry["line"] == 3039 and entry["value"] == "na\\xefve"
    # a '*' in a Hu & Liu word is literal, not a wildcard
    assert not table.loc[table["term"].str.contains("*", regex=False), "wildcard"].any()
    assert {"f**k", "a+"} <= set(table["term"])


def test_multiword_entries_keep_single_spaces(lexicons):
    assert "in my opinion" in set(lexicons["hedges"]["term"])
    assert "civil rights" in set(lexicons["mfd2"]["term"])
    assert "find out" in set(lexicons["factives"]["term"])


def test_mpqa_quirks_are_reported(lexicons):
    table = lexicons["mpqa"]
    assert list(table.columns) == ["term", "category", "weight", "wildcard", "pos", "stemmed",
                                   "polarity"]
    assert str(table["stemmed"].dtype) == "boolean"
    coerced = table.attrs["coerced"]
    by_line = coerced.groupby("line")["reason"].apply(" | ".join)
    assert "stray token 'm'" in by_line[5549] and "stray token 'm'" in by_line[5550]
    assert "weakneg" in by_line[3749]
    assert "stemmed1 must be y or n" in by_line[4715]
    assert "repeated token 'len=1'" in by_line[2757]
    assert "unknown key 'mpqapolarity'" in by_line[7079]

    def clue(word, pos):
        return table[(table["term"] == word) & (table["pos"] == pos)].iloc[0]

    assert clue("impassive", "adj")["polarity"] == "negative"
    assert pd.isna(clue("lugubrious", "adj")["stemmed"])
    assert clue("boast", "verb")["polarity"] == "both"  # positive + negative lines merged
    assert pd.isna(clue("large", "adj")["polarity"])  # neutral vs positive: unresolved
    rejected = table.attrs["rejected"]
    assert len(rejected) == 20 and rejected["reason"].str.startswith("duplicate of").all()
    assert {"anti-US", "pro-Cuba"} <= set(table["term"])  # case as in the source


def test_dic_wildcards_and_multi_category_entries(lexicons):
    original = lexicons["mfd_original"]
    assert original.attrs["n_source_lines"] == 324
    wild = original[original["wildcard"]]
    assert len(wild) > 150 and not wild["term"].str.contains("*", regex=False).any()
    preserve = original[original["term"] == "preserve"]
    assert set(preserve["category"]) == {"care.virtue", "authority.virtue", "sanctity.virtue"}
    mfd2 = lexicons["mfd2"]
    assert mfd2["term"].duplicated().sum() == 63  # terms in two categories: one row each
    assert not mfd2["wildcard"].any()


# -- each parser on broken input ---------------------------------------------------------------


def _reconciles(parsed):
    return parsed.n_entries == len(parsed.records) + len(parsed.rejected)


def test_word_list_reports_a_broken_line(tmp_path):
    path = tmp_path / "hedges.txt"
    path.write_bytes(b"# comment\r\nkind  of\r\n\r\nsort\tof\r\nna\xefve\r\n")
    parsed = parse_word_list(path, source="hedges.txt", category="hedge")
    assert [r["term"] for r in parsed.records] == ["kind of", "naïve"]
    assert parsed.rejected == [{"source": "hedges.txt", "line": 4, "row_id": "sort\tof",
                                "reason": "control character '\\t' in the entry"}]
    assert parsed.coerced[0]["line"] == 5 and "not valid UTF-8" in parsed.coerced[0]["reason"]
    assert parsed.n_entries == 3 and _reconciles(parsed)


def test_tff_reports_broken_lines(tmp_path):
    path = tmp_path / "clues.tff"
    path.write_text(
        "type=weaksubj len=1 word1=abandon pos1=verb stemmed1=y priorpolarity=negative\n"
        "type=weaksubj len=1 word1=able pos1=adj stemmed1=n\n"
        "type=strongsubj len=1 word1=abhor pos1=verb stemmed1=y priorpolarity=negative "
        "pos1=noun\n"
        "type=subj len=1 word1=abide pos1=verb stemmed1=y priorpolarity=positive\n"
        "type=weaksubj len=2 word1=ably pos1=adverb stemmed1=n priorpolarity=positive\n")
    parsed = parse_tff(path, source="clues.tff")
    assert [r["term"] for r in parsed.records] == ["abandon"]
    reasons = {r["line"]: r["reason"] for r in parsed.rejected}
    assert reasons == {2: "missing key(s): priorpolarity",
                       3: "conflicting values for 'pos1': 'verb', 'noun'",
                       4: "unknown clue type 'subj'",
                       5: "len=2 (only len=1 is read)"}
    assert _reconciles(parsed)


def test_dic_reports_broken_lines(tmp_path):
    path = tmp_path / "mini.dic"
    path.write_text("%\n1\tcare.virtue\n2\tcare.vice\n%\n"
                    "kind*\t1\nharm\t2 1\nnot an entry\ncru*el\t2\nbogus\t7\n")
    parsed = parse_liwc_dic(path, source="mini.dic")
    assert [(r["term"], r["category"], r["wildcard"]) for r in parsed.records] == [
        ("kind", "care.virtue", True), ("harm", "care.vice", False),
        ("harm", "care.virtue", False)]
    reasons = {r["line"]: r["reason"] for r in parsed.rejected}
    assert reasons == {7: "expected a term followed by category ids",
                       8: "'*' (wildcard) is only allowed at the end of a term",
                       9: "category id 7 is not in the header"}
    assert parsed.n_entries == 6 and _reconciles(parsed)


def test_dic_without_header_raises(tmp_path):
    path = tmp_path / "bad.dic"
    path.write_text("kind\t1\n")
    with pytest.raises(ValueError, match="not a LIWC .dic file"):
        parse_liwc_dic(path, source="bad.dic")


def test_emfd_reports_broken_rows(tmp_path):
    header = ("word,care_p,fairness_p,loyalty_p,authority_p,sanctity_p,care_sent,"
              "fairness_sent,loyalty_sent,authority_sent,sanctity_sent\n")
    path = tmp_path / "emfd.csv"
    path.write_text(header
                    + "brought,0.18,0.11,0.08,0.09,0.05,-0.2,-0.3,-0.1,-0.4,-0.1\n"
                    + "close,0.07,0.03\n"
                    + "recruit,0.05,1.5,0.06,0.2,0.1,0.0,x,0.3,0.2,0.1\n")
    parsed = parse_emfd_csv(path, source="emfd.csv")
    assert len(parsed.records) == 5 + 4
    reasons = [(r["line"], r["reason"]) for r in parsed.rejected]
    assert reasons == [(3, "expected 11 fields, got 3"),
                       (4, "fairness_p is not a probability: '1.5'")]
    assert _reconciles(parsed) and parsed.n_entries == 5 + 1 + 5


def test_xlsx_words_reports_a_non_word_cell(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "top100_10times"
    for value in ("slavishness", 12, "  bemoaning ", None, "derisive"):
        sheet.append([value])
    path = tmp_path / "lexicon.xlsx"
    workbook.save(path)
    parsed = parse_xlsx_words(path, source="lexicon.xlsx", sheet="top100_10times",
                              category="biased")
    assert [r["term"] for r in parsed.records] == ["slavishness", "bemoaning", "derisive"]
    assert parsed.rejected == [{"source": "lexicon.xlsx", "line": 2, "row_id": "12",
                                "reason": "not a word: 12"}]
    assert _reconciles(parsed)


def test_merge_duplicates_never_settles_a_conflict_by_file_order(tmp_path):
    path = tmp_path / "clues.tff"
    path.write_text(
        "type=weaksubj len=1 word1=large pos1=adj stemmed1=n priorpolarity=neutral\n"
        "type=weaksubj len=1 word1=large pos1=adj stemmed1=n priorpolarity=positive\n"
        "type=weaksubj len=1 word1=large pos1=adj stemmed1=n priorpolarity=neutral\n")
    parsed = parse_tff(path, source="clues.tff")
    for record in parsed.records:
        record["source"] = "clues.tff"
    kept = parsed.records = merge_duplicates(parsed.records, ["term", "category", "pos"], parsed)
    assert len(kept) == 1 and kept[0]["polarity"] is None
    assert [r["line"] for r in parsed.rejected] == [2, 3]
    assert re.search("conflicts with clues.tff line 2", parsed.coerced[0]["reason"])
    assert _reconciles(parsed)
