"""fetch_lexicon and list_lexicons on the mirror's upstream files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.lexicons import fetch_lexicon, list_lexicons, load_lexicon
from framing.lexicons._load import LIST_COLUMNS, PUBLIC_MATCHING
from framing.lexicons._public import public_lexicons

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


def test_public_lexicons_names_every_fetchable_lexicon():
    table = public_lexicons()
    assert table["name"].tolist() == sorted(EXPECTED) == sorted(PUBLIC_MATCHING)
    for column in ("description", "citation", "licence", "case", "source"):
        assert table[column].str.len().gt(0).all(), column
    pattern = r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}/\S+$"
    sources = table["source"].str.split("; ").explode()
    assert sources.str.match(pattern).all()


def test_list_lexicons_source_always_says_where_the_entries_come_from():
    """One list_lexicons: ``source`` is a location for every row, ``kind`` says public or
    authored (``source`` used to be "public"/"authored" here and a file location in
    framing.datasets.list_lexicons)."""
    table = list_lexicons()
    assert tuple(table.columns) == LIST_COLUMNS
    assert set(table["kind"]) == {"public", "authored"}
    public = table[table["kind"] == "public"].reset_index(drop=True)
    pd.testing.assert_frame_equal(public.drop(columns="kind"),
                                  public_lexicons()[public.columns.drop("kind")])
    authored = table[table["kind"] == "authored"]
    assert len(authored) >= 5 and authored["name"].is_monotonic_increasing
    assert (authored["source"] == "framing/lexicons/data/" + authored["name"] + ".csv").all()
    assert not table["source"].isin(["public", "authored"]).any()
    for column in ("description", "citation", "licence", "case"):
        assert table[column].str.len().gt(0).all(), column
    for name in authored["name"]:  # every listed authored lexicon loads, with that metadata
        row = authored.set_index("name").loc[name]
        assert load_lexicon(name).citation == row["citation"]


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
