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
    normalize_text,
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


def test_normalize_text_is_what_the_matcher_matches_against():
    text = "ICE’s agents shield “illegal aliens”. Illegal.  Aliens, they said."
    normalized = normalize_text(text)
    assert normalized == "ice   agents shield  illegal aliens   illegal   aliens  they said "
    matches = LexiconMatcher([load_lexicon("immigration_terms")]).find([text])
    found = sorted(normalized[start:end] for start, end in zip(matches.start, matches.end,
                                                                strict=True))
    # the phrase is found where the copy has it (once), never across the clause break
    assert found.count("illegal aliens") == 1 and "ice" in found
    assert not [span for span in found if "  " in span]


def test_normalize_text_keeps_case_when_asked_and_refuses_non_strings():
    assert normalize_text("ICE's", lower=False) == "ICE  "
    assert normalize_text("") == ""
    with pytest.raises(TypeError, match="text must be a str, got NoneType"):
        normalize_text(None)
