"""What framing.lexicons offers other packages: a lexicon's record and the matching copy of a
text, so that they never open ``framing/lexicons/data`` or import the normaliser privately."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from framing.lexicons import (
    LexiconMatcher,
    lexicon_metadata,
    list_lexicons,
    load_lexicon,
    word_runs,
)


def test_authored_metadata_is_the_packaged_record():
    packaged = json.loads(resources.files("framing.lexicons").joinpath(
        "data", "policy_frames.json").read_text(encoding="utf-8"))
    assert lexicon_metadata("policy_frames") == {"kind": "authored", **packaged}


def test_metadata_is_a_fresh_copy():
    record = lexicon_metadata("generic_frames")
    record["frames"].clear()
    record["description"] = "changed"
    again = lexicon_metadata("generic_frames")
    assert again["frames"] and again["description"] != "changed"


def test_every_listed_lexicon_has_metadata_matching_the_listing():
    table = list_lexicons().set_index("name")
    for name, row in table.iterrows():
        record = lexicon_metadata(name)
        assert record["kind"] == row["kind"]
        assert (record["description"], record["citation"], record["licence"]) == (
            row["description"], row["citation"], row["licence"])


def test_unknown_lexicon_names_the_known_ones():
    with pytest.raises(KeyError, match="unknown lexicon 'nope'; known: .*sourcing"):
        lexicon_metadata("nope")


def test_word_runs_are_what_the_matcher_matches_against():
    text = "ICE’s agents shield “illegal aliens”. Illegal.  Aliens, they said in the U.S."
    runs = word_runs(text)
    assert runs == [["ice", "'s", "agents", "shield"], ["illegal", "aliens"], ["illegal"],
                    ["aliens"], ["they", "said", "in", "the", "u.s."]]
    matches = LexiconMatcher([load_lexicon("immigration_terms")]).find([text])
    found = [text[start:end].lower() for start, end in zip(matches.start, matches.end,
                                                            strict=True)]
    # the phrase is found where a run has it (once), never across punctuation
    assert found.count("illegal aliens") == 1 and "ice" in found
    phrases = {" ".join(run[i:i + 2]) for run in runs for i in range(len(run) - 1)}
    assert {f for f in found if " " in f} <= phrases


def test_word_runs_keep_case_when_asked_and_refuse_non_strings():
    assert word_runs("ICE's", lower=False) == [["ICE", "'s"]]
    assert word_runs("") == [] and word_runs("...") == []
    with pytest.raises(TypeError, match="text must be a str, got NoneType"):
        word_runs(None)
