"""The lexicon file readers: each parser on broken input, and the Lexicon.from_* loaders.

Every file here is hand-made in tmp_path (a few invented or common entries), never a copy of
a real lexicon.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import framing
from framing.io import merge_duplicates
from framing.lexicons import Lexicon, LexiconFormatError, LexiconMatcher
from framing.lexicons._formats import (
    parse_emfd_csv,
    parse_liwc_dic,
    parse_tff,
    parse_word_list,
    parse_xlsx_words,
)

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


# -- Lexicon.from_liwc -------------------------------------------------------------------------

# LIWC .dic in the Moral Foundations Dictionary 2.0 style (tab-separated, numbered header) and
# in the original MFD style (zero-padded ids, '%' lines followed by tabs, ids after tabs)
LIWC_TABS = ("%\n1\tkindness\n2\tcruelty\n%\n\n"
             "Gentle\t1\nnurtur*\t1\nhurt\t2\ncivil rights\t1\nsafe\t1 2\n")
LIWC_PADDED = ("%\t\t\n01                    kindness\n02                    cruelty\n%\t\t\n"
               "\t\t\nnurtur*\t\t\t01\nhurt\t\t\t02\n")


def spans(matcher, text):
    table = matcher.spans(text)
    return list(zip(table["text"], table["category"], strict=True))


def test_from_liwc_reads_categories_wildcards_phrases_and_several_ids(tmp_path):
    path = tmp_path / "kind.dic"
    path.write_text(LIWC_TABS, encoding="utf-8")
    lexicon = Lexicon.from_liwc(path, citation="hand-made", licence="CC0")
    assert lexicon.name == "kind" and lexicon.categories == ("kindness", "cruelty")
    assert (lexicon.citation, lexicon.licence) == ("hand-made", "CC0")
    entries = lexicon.entries
    assert entries[["term", "category", "wildcard", "line"]].values.tolist() == [
        ["gentle", "kindness", False, 6], ["nurtur", "kindness", True, 7],
        ["hurt", "cruelty", False, 8], ["civil rights", "kindness", False, 9],
        ["safe", "kindness", False, 10], ["safe", "cruelty", False, 10]]
    assert not entries["case_sensitive"].any() and not entries["inflect"].any()
    matcher = LexiconMatcher(lexicon, negation=False)
    assert spans(matcher, "Nurturing, GENTLE civil rights; it hurts.") == [
        ("Nurturing", "kindness"), ("GENTLE", "kindness"), ("civil rights", "kindness")]
    inflected = LexiconMatcher(Lexicon.from_liwc(path, inflect=True), negation=False)
    assert spans(inflected, "it hurts") == [("hurts", "cruelty")]


def test_from_liwc_reads_the_padded_original_mfd_layout(tmp_path):
    path = tmp_path / "padded.dic"
    path.write_text(LIWC_PADDED, encoding="utf-8")
    lexicon = Lexicon.from_liwc(path, name="mfd_like")
    assert lexicon.name == "mfd_like"
    assert lexicon.entries[["term", "category", "wildcard"]].values.tolist() == [
        ["nurtur", "kindness", True], ["hurt", "cruelty", False]]


def test_from_liwc_malformed_line_raises_naming_file_and_line(tmp_path):
    path = tmp_path / "broken.dic"
    path.write_text("%\n1\tkindness\n%\ngentle\t1\nno ids here\nbogus\t9\n", encoding="utf-8")
    with pytest.raises(LexiconFormatError) as caught:
        Lexicon.from_liwc(path)
    error = caught.value
    assert (error.source, error.line) == (str(path), 5)
    assert str(error).startswith(f"{path}, line 5: expected a term followed by category ids")
    assert "1 more malformed line(s); errors='skip'" in str(error)
    assert isinstance(error, ValueError)


def test_from_liwc_errors_skip_keeps_the_rest_and_warns_each_skipped_line(tmp_path):
    path = tmp_path / "broken.dic"
    path.write_text("%\n1\tkindness\n%\ngentle\t1\nno ids here\nbogus\t9\nwar*m\t1\n",
                    encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        lexicon = Lexicon.from_liwc(path, errors="skip")
    assert lexicon.entries["term"].tolist() == ["gentle"]
    message = str(caught[0].message)
    assert message.startswith(f"{path}: skipped 3 malformed")
    assert "line 5: expected a term" in message
    assert "line 6: category id 9 is not in the header" in message
    assert "line 7: '*' (wildcard) is only allowed at the end" in message


def test_from_liwc_without_header_or_entries_raises(tmp_path):
    no_header = tmp_path / "no_header.dic"
    no_header.write_text("gentle\t1\n", encoding="utf-8")
    with pytest.raises(LexiconFormatError, match=re.escape(f"{no_header}: not a LIWC .dic")):
        Lexicon.from_liwc(no_header)
    bad_header = tmp_path / "bad_header.dic"
    bad_header.write_text("%\nkindness\n%\ngentle\t1\n", encoding="utf-8")
    with pytest.raises(LexiconFormatError, match=re.escape(f"{bad_header}, line 2: expected")):
        Lexicon.from_liwc(bad_header)
    empty = tmp_path / "empty.dic"
    empty.write_text("%\n1\tkindness\n%\n", encoding="utf-8")
    with pytest.raises(LexiconFormatError, match=re.escape(f"{empty}: no entries")):
        Lexicon.from_liwc(empty)


def test_from_liwc_line_in_windows_1252_is_read_and_reported(tmp_path):
    path = tmp_path / "latin.dic"
    path.write_bytes(b"%\r\n1\tkindness\r\n%\r\nna\xefve\t1\r\ngentle\t1\r\n")
    with pytest.warns(UserWarning, match=r"line 4: not valid UTF-8: decoded as Windows-1252"):
        lexicon = Lexicon.from_liwc(path)
    assert lexicon.entries["term"].tolist() == ["naïve", "gentle"]


def test_from_liwc_rejects_an_unknown_errors_mode_before_reading(tmp_path):
    with pytest.raises(ValueError, match="errors must be one of"):
        Lexicon.from_liwc(tmp_path / "absent.dic", errors="ignore")


# -- Lexicon.from_tff --------------------------------------------------------------------------

TFF = (
    "type=strongsubj len=1 word1=sneer pos1=verb stemmed1=y priorpolarity=negative\n"
    "type=weaksubj len=1 word1=sturdy pos1=adj stemmed1=n priorpolarity=positive\n"
    "type=weaksubj len=1 word1=brag pos1=verb stemmed1=y priorpolarity=positive\n"
    "type=weaksubj len=1 word1=brag pos1=verb stemmed1=y priorpolarity=negative\n"
    "type=weaksubj len=1 word1=plain pos1=adj stemmed1=n priorpolarity=neutral\n"
)


def test_from_tff_reads_type_stemming_and_polarity(tmp_path):
    path = tmp_path / "clues.tff"
    path.write_text(TFF, encoding="utf-8")
    with pytest.warns(UserWarning, match="1 value"):  # brag: positive + negative -> both
        lexicon = Lexicon.from_tff(path)
    assert lexicon.name == "clues" and lexicon.categories == ("strongsubj", "weaksubj")
    entries = lexicon.entries
    assert entries[["term", "category", "type", "pos", "inflect", "polarity"]].values.tolist() == [
        ["sneer", "strongsubj", "strongsubj", "verb", True, "negative"],
        ["sturdy", "weaksubj", "weaksubj", "adj", False, "positive"],
        ["brag", "weaksubj", "weaksubj", "verb", True, "both"],
        ["plain", "weaksubj", "weaksubj", "adj", False, "neutral"]]
    assert str(entries["stemmed"].dtype) == "boolean"
    matcher = LexiconMatcher(lexicon, negation=False)
    assert spans(matcher, "They sneered at sturdier boats") == [("sneered", "strongsubj")]


def test_from_tff_by_polarity_flips_under_negation_and_reports_clues_left_out(tmp_path):
    path = tmp_path / "clues.tff"
    path.write_text(TFF + "type=weaksubj len=1 word1=odd pos1=adj stemmed1=n "
                          "priorpolarity=sideways\n", encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        lexicon = Lexicon.from_tff(path, categories="polarity")
    messages = " | ".join(str(w.message) for w in caught)
    assert "line 6: no usable prior polarity for 'odd': left out" in messages
    assert "line 6: unknown prior polarity 'sideways'" in messages
    assert lexicon.categories == ("negative", "positive", "both", "neutral")
    assert lexicon.negation_flips == {"positive": "negative", "negative": "positive"}
    table = LexiconMatcher(lexicon).spans("not sturdy")
    assert table[["text", "category", "negated"]].values.tolist() == [
        ["sturdy", "negative", True]]


def test_from_tff_malformed_line_raises_naming_file_and_line(tmp_path):
    path = tmp_path / "clues.tff"
    path.write_text(TFF + "type=weaksubj len=1 word1=able pos1=adj stemmed1=n\n",
                    encoding="utf-8")
    with pytest.raises(LexiconFormatError,
                       match=re.escape(f"{path}, line 6: missing key(s): priorpolarity")):
        Lexicon.from_tff(path)
    with pytest.warns(UserWarning) as caught:
        assert len(Lexicon.from_tff(path, errors="skip")) == 4
    assert "skipped 1 malformed entr(y/ies): line 6" in str(caught[0].message)
    with pytest.raises(ValueError, match="categories must be 'type' or 'polarity'"):
        Lexicon.from_tff(path, categories="pos")


# -- Lexicon.from_word_list --------------------------------------------------------------------


def test_from_word_list_reads_words_phrases_and_comments(tmp_path):
    path = tmp_path / "hedges.txt"
    path.write_text("; a hand-made list\n\nperhaps\n  kind   of \nseemingly\nICE\n",
                    encoding="utf-8")
    lexicon = Lexicon.from_word_list(path, category="hedge", comment_prefixes=(";",),
                                     weight=0.5, description="demo hedges")
    assert lexicon.name == "hedges" and lexicon.description == "demo hedges"
    entries = lexicon.entries
    assert entries[["term", "category", "weight", "line"]].values.tolist() == [
        ["perhaps", "hedge", 0.5, 3], ["kind of", "hedge", 0.5, 4],
        ["seemingly", "hedge", 0.5, 5], ["ICE", "hedge", 0.5, 6]]
    assert entries.set_index("term")["case_sensitive"].to_dict() == {
        "perhaps": False, "kind of": False, "seemingly": False, "ICE": True}
    assert entries["inflect"].all() and not entries["wildcard"].any()


def test_from_word_list_star_is_literal_unless_wildcards_are_asked_for(tmp_path):
    path = tmp_path / "stars.txt"
    path.write_text("immigra*\nf**k\n", encoding="utf-8")
    literal = Lexicon.from_word_list(path, category="w")
    assert literal.entries[["term", "wildcard"]].values.tolist() == [
        ["immigra*", False], ["f**k", False]]
    with pytest.raises(LexiconFormatError, match=re.escape(
            f"{path}, line 2: '*' (wildcard) is only allowed at the end of a term")):
        Lexicon.from_word_list(path, category="w", wildcards=True)
    path.write_text("immigra*\n", encoding="utf-8")
    wild = Lexicon.from_word_list(path, category="w", wildcards=True)
    assert wild.entries[["term", "wildcard", "inflect"]].values.tolist() == [
        ["immigra", True, False]]
    assert spans(LexiconMatcher(wild), "Immigration and immigrants") == [
        ("Immigration", "w"), ("immigrants", "w")]


def test_from_word_list_malformed_line_raises_or_is_skipped_with_a_warning(tmp_path):
    path = tmp_path / "hedges.txt"
    path.write_text("perhaps\nsort\tof\nmaybe\n", encoding="utf-8")
    with pytest.raises(LexiconFormatError,
                       match=re.escape(f"{path}, line 2: control character '\\t'")):
        Lexicon.from_word_list(path, category="hedge")
    with pytest.warns(UserWarning, match=re.escape("skipped 1 malformed entr(y/ies): line 2")):
        lexicon = Lexicon.from_word_list(path, category="hedge", errors="skip")
    assert lexicon.entries["term"].tolist() == ["perhaps", "maybe"]
    path.write_text("# only a comment\n\n", encoding="utf-8")
    with pytest.raises(LexiconFormatError, match="no entries"):
        Lexicon.from_word_list(path, category="hedge")


def test_many_skipped_lines_are_counted_not_all_listed(tmp_path):
    path = tmp_path / "tabs.txt"
    path.write_text("".join(f"bad\tline{i}\n" for i in range(8)) + "fine\n", encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        Lexicon.from_word_list(path, category="w", errors="skip")
    message = str(caught[0].message)
    assert "skipped 8 malformed" in message and message.endswith("; and 3 more")
    assert "line 5:" in message and "line 6:" not in message


# -- where the readers live ----------------------------------------------------------------------

FRAMING = Path(framing.__file__).parent


def _imported_modules(path):
    """Absolute names of the framing modules a source file imports (at any depth)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            package = ".".join(path.relative_to(FRAMING.parent).with_suffix("").parts[:-1])
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(filter(None, [base, node.module or ""]))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("framing.")}


def test_lexicons_import_no_private_module_of_datasets():
    """framing.lexicons used to import the private framing.datasets._lexicons, then the fetch
    and reading machinery that now lives in framing._fetch and framing.io."""
    for path in sorted((FRAMING / "lexicons").glob("*.py")):
        private = {name for name in _imported_modules(path)
                   if name.startswith("framing.datasets._")}
        private = {".".join(name.split(".")[:3]) for name in private}
        assert not private, (path.name, private)


def test_outlet_ratings_are_not_read_through_lexicon_modules():
    imported = _imported_modules(FRAMING / "datasets" / "_outlets.py")
    assert not any("lexicon" in name for name in imported), imported
