"""The lexicon matcher: hand-worked cases for every rule, and properties on random text."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.lexicons import Lexicon, LexiconMatcher

TERMS = Lexicon(name="terms", entries=pd.DataFrame(
    [("illegal alien", "restrictionist", True), ("illegals", "restrictionist", False),
     ("open borders", "restrictionist", True), ("undocumented immigrant", "pro", True),
     ("ICE", "agency", False), ("alien", "generic", True), ("immigrant", "generic", True)],
    columns=["term", "category", "inflect"]).assign(case_sensitive=lambda d: d.term == "ICE"))
SENTIMENT = Lexicon.from_dict(
    {"positive": ["good", "fair"], "negative": ["bad", "cruel"]},
    name="sentiment", inflect=False,
    negation_flips={"positive": "negative", "negative": "positive"},
)


def spans(matcher, text):
    table = matcher.spans(text)
    return list(zip(table["text"], table["category"], strict=True))


def test_inflections_match_and_exact_terms_do_not_inflect():
    lex = Lexicon.from_dict({"r": ["illegal alien"]}, name="a")
    exact = Lexicon.from_dict({"r": ["illegals"]}, name="b", inflect=False)
    matcher = LexiconMatcher([lex, exact])
    assert spans(matcher, "Two illegal aliens and one illegal alien.") == [
        ("illegal aliens", "a.r"), ("illegal alien", "a.r")]
    assert spans(matcher, "It is illegal.") == []
    assert spans(matcher, "The illegals left.") == [("illegals", "b.r")]


def test_acronyms_are_case_sensitive():
    matcher = LexiconMatcher(TERMS)
    assert spans(matcher, "ICE agents") == [("ICE", "agency")]
    assert spans(matcher, "ice on the road, Ice cream") == []


def test_phrases_do_not_cross_punctuation():
    matcher = LexiconMatcher(TERMS)
    assert [c for _, c in spans(matcher, "It was illegal. Alien forms were filed.")] == [
        "generic"]
    assert spans(matcher, "open-borders policy") == [("open-borders", "restrictionist")]


def test_longest_match_wins_within_a_lexicon_but_not_across():
    matcher = LexiconMatcher(TERMS)
    assert spans(matcher, "an undocumented immigrant") == [
        ("undocumented immigrant", "pro")]
    other = Lexicon.from_dict({"noun": ["immigrant"]}, name="other")
    both = LexiconMatcher([TERMS, other])
    assert spans(both, "an undocumented immigrant") == [
        ("undocumented immigrant", "terms.pro"), ("immigrant", "other.noun")]
    keep_all = LexiconMatcher(TERMS, overlap="all")
    assert sorted(c for _, c in spans(keep_all, "an undocumented immigrant")) == [
        "generic", "pro"]


def test_negation_flips_polarity_within_window_and_clause():
    matcher = LexiconMatcher(SENTIMENT)
    table = matcher.spans("This is not good. It is good.")
    assert table[["text", "category", "negated"]].values.tolist() == [
        ["good", "negative", True], ["good", "positive", False]]
    assert matcher.spans("It isn't a very fair deal")["category"].tolist() == ["negative"]
    # Scope ends after three words, and at punctuation.
    assert matcher.spans("not one of the good ones")["category"].tolist() == ["positive"]
    assert matcher.spans("No, it is good")["negated"].tolist() == [False]
    counts, _ = matcher.count(["not bad at all", "bad"])
    assert counts.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_negation_can_be_switched_off():
    matcher = LexiconMatcher(SENTIMENT, negation=False)
    assert matcher.spans("not good")[["category", "negated"]].values.tolist() == [
        ["positive", False]]


def test_wildcards_match_prefixes_and_explain_the_whole_word():
    lex = Lexicon.from_dict({"harm.vice": ["abus*"]}, name="mfd")
    matcher = LexiconMatcher(lex)
    table = matcher.spans("Abusive and abused, not abs.")
    assert table["text"].tolist() == ["Abusive", "abused"]


def test_possessives_and_typographic_apostrophes():
    lex = Lexicon.from_dict({"person": ["Trump"], "neg": ["don't"]}, name="p",
                            case_sensitive=False)
    matcher = LexiconMatcher(lex, negation=False)
    assert spans(matcher, "Trump’s wall and Trump's plan; I don’t know") == [
        ("Trump", "person"), ("Trump", "person"), ("don’t", "neg")]


def test_offsets_survive_non_ascii_and_astral_characters():
    lex = Lexicon.from_dict({"x": ["café", "naïve policy"]}, name="u")
    matcher = LexiconMatcher(lex)
    text = "🙂🙂 移民 Un café — naïve policy «ok»"
    table = matcher.spans(text)
    assert [text[s:e] for s, e in zip(table["start"], table["end"], strict=True)] == [
        "café", "naïve policy"]


def test_terms_with_symbols_are_reported_not_matched():
    # "a+" is one word to the tokenizer (matched as written); the "&" of "AT&T" is split
    # off as punctuation, so that term cannot be matched faithfully and is reported.
    lex = Lexicon.from_dict({"positive": ["a+", "good"], "firm": ["AT&T"]}, name="s")
    matcher = LexiconMatcher(lex)
    assert matcher.skipped_terms_["term"].tolist() == ["AT&T"]
    assert "splits off: &" in matcher.skipped_terms_["reason"].iloc[0]
    assert spans(matcher, "a good grade, an A+ at AT&T") == [("good", "positive"),
                                                             ("A+", "positive")]


def test_weights_are_summed_and_duplicate_inflections_count_once():
    lex = Lexicon(name="w", entries=pd.DataFrame({
        "term": ["reform", "reforms", "surge"], "category": ["x", "x", "y"],
        "weight": [1.0, 1.0, 2.5]}))
    counts, n_words = LexiconMatcher(lex).count(["Reforms and a surge, another surge"])
    assert counts.tolist() == [[1.0, 5.0]]
    assert n_words.tolist() == [6]


def test_empty_and_missing_texts():
    matcher = LexiconMatcher(TERMS)
    counts, n_words = matcher.count(["", None, float("nan"), "   "])
    assert counts.shape == (4, len(matcher.categories_)) and not counts.any()
    assert n_words.tolist() == [0, 0, 0, 0]
    counts, n_words = matcher.count([])
    assert counts.shape == (0, len(matcher.categories_))


def test_results_do_not_depend_on_batching():
    texts = ["ICE detained illegal aliens.", "", "not an undocumented immigrant",
             "open borders, open borders"] * 7
    matcher = LexiconMatcher([TERMS, SENTIMENT])
    whole, words = matcher.count(texts)
    for size in (1, 3, 256):
        counts, n_words = matcher.count(texts, batch_size=size)
        assert np.array_equal(counts, whole) and np.array_equal(n_words, words)
    one_by_one = np.vstack([matcher.count([t])[0] for t in texts])
    assert np.array_equal(one_by_one, whole)


def test_pickle_round_trip_gives_identical_matches():
    matcher = LexiconMatcher([TERMS, SENTIMENT])
    text = "ICE said the illegals were not good"
    restored = pickle.loads(pickle.dumps(matcher))
    assert restored.spans(text).equals(matcher.spans(text))


def test_invalid_arguments():
    with pytest.raises(ValueError, match="overlap"):
        LexiconMatcher(TERMS, overlap="shortest")
    with pytest.raises(ValueError, match="unique"):
        LexiconMatcher([TERMS, TERMS])
    with pytest.raises(ValueError, match="no lexicon"):
        LexiconMatcher([])


words = st.sampled_from(["illegal", "alien", "aliens", "ICE", "ice", "not", "good", "bad",
                         "undocumented", "immigrant", "open", "borders", "café", "移民", "🙂"])
separators = st.sampled_from([" ", "  ", ", ", ". ", "\n", "—", "'", "’s "])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(words, separators), max_size=25), st.text(max_size=40))
def test_spans_are_within_bounds_and_match_the_text(pieces, noise):
    text = "".join(w + s for w, s in pieces) + noise
    matcher = LexiconMatcher([TERMS, SENTIMENT])
    table = matcher.spans(text)
    for start, end, matched in zip(table["start"], table["end"], table["text"], strict=True):
        assert 0 <= start < end <= len(text)
        assert text[start:end] == matched
    counts, n_words = matcher.count([text, text])
    assert np.array_equal(counts[0], counts[1])
    assert counts[0].sum() == pytest.approx(len(table))
