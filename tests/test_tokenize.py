"""framing.tokenize: one tokenizer for the matcher, explain, fightin' words and sentences."""

from __future__ import annotations

import numpy as np
import pytest

from framing import tokenize
from framing.tokenize import sentence_spans, split_sentences, token_spans, word_spans, words


def test_abbreviations_are_one_word_and_contractions_split():
    assert words("The U.S. border is open.") == ["The", "U.S.", "border", "is", "open"]
    assert words("Sen. Smith didn't say.") == ["Sen.", "Smith", "did", "n't", "say"]
    # "U.S." ending a sentence keeps its full stop; "deal." does not
    assert words("He left the U.S. It was a deal. Then") == [
        "He", "left", "the", "U.S.", "It", "was", "a", "deal", "Then"]
    assert words("Made in the U.S.") == ["Made", "in", "the", "U.S."]
    assert tokens_of("No. 1 or no. The") == ["No.", "1", "or", "no", ".", "The"]


def tokens_of(text):
    return [text[s:e] for s, e in token_spans(text)]


def test_unicode_apostrophes_and_quotes_split_like_ascii_and_spans_point_at_the_text():
    text = "“Don’t” say Trump’s ‘plan’ — it's «so-called»."
    found = tokens_of(text)
    assert found[:6] == ["“", "Do", "n’t", "”", "say", "Trump"]
    assert "’s" in found and "so-called" in found and "—" in found
    # Treebank rewrites quotes as `` and ''; the spans still point at the marks as written
    ascii_text = 'He said "no" again.'
    assert tokens_of(ascii_text) == ["He", "said", '"', "no", '"', "again", "."]
    for sample in (text, ascii_text):
        spans = token_spans(sample)
        assert all(sample[s:e] and not sample[s:e].isspace() for s, e in spans)
        assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))
        # nothing but white space is left between the tokens
        covered = np.zeros(len(sample), dtype=bool)
        for s, e in spans:
            covered[s:e] = True
        assert all(ch.isspace() for ch, c in zip(sample, covered) if not c)


def test_hyphens_keep_compounds_and_words_drop_punctuation():
    assert words("An anti-immigrant, so-called plan -- U.S.-Mexico talks.") == [
        "An", "anti-immigrant", "so-called", "plan", "U.S.-Mexico", "talks"]


def test_bad_input_is_refused_and_empty_text_has_no_tokens():
    for function in (token_spans, word_spans, words, sentence_spans, split_sentences):
        with pytest.raises(TypeError, match="text must be a str, got NoneType"):
            function(None)
        with pytest.raises(TypeError, match="got float"):
            function(float("nan"))
        assert function("") == [] and function("  \n ") == []


def test_cached_arrays_are_read_only():
    start, _, _ = tokenize.span_arrays("A cached text.")
    with pytest.raises(ValueError):
        start[0] = 3


def test_us_at_a_sentence_end_splits_before_a_function_word_only():
    assert split_sentences("It grew in the U.S. The report said so.") == [
        "It grew in the U.S.", "The report said so."]
    assert split_sentences("The U.S. Border Patrol and Sen. Warren met on Jan. 5.") == [
        "The U.S. Border Patrol and Sen. Warren met on Jan. 5."]
    assert split_sentences("Gov. Abbott, R-Tex., spoke. He left.") == [
        "Gov. Abbott, R-Tex., spoke.", "He left."]


def test_explain_never_matches_s_inside_us():
    """Regression: the bias lexicon's "s" matched inside "U.S." (punctuation was a space)."""
    from framing.features import LoadedLanguageScorer

    spans = LoadedLanguageScorer().fit().explain("The U.S. border is open.")
    assert not spans.empty
    assert "S" not in spans["text"].tolist() and "s" not in spans["term"].tolist()
    assert set(spans["text"]) <= {"The", "U.S.", "border", "is", "open"}


def test_negation_still_works_with_split_contractions():
    from framing.lexicons import Lexicon, LexiconMatcher

    lex = Lexicon.from_dict({"positive": ["fair"], "negative": ["cruel"]}, name="s",
                            inflect=False, negation_flips={"positive": "negative"})
    table = LexiconMatcher(lex).spans("It isn’t fair. It is fair.")
    assert table["negated"].tolist() == [True, False]
    assert table["category"].tolist() == ["negative", "positive"]
    # a lexicon term with an apostrophe is cut like the text: "don't" is "do" + "n't"
    lex = Lexicon.from_dict({"x": ["don't", "u.s."]}, name="d", inflect=False)
    found = LexiconMatcher(lex, negation=False).spans("We don’t in the U.S. or US.")
    assert found["text"].tolist() == ["don’t", "U.S."]


def test_abbreviation_terms_and_hyphen_prefixes_follow_the_tokenizer():
    from framing.lexicons import Lexicon, LexiconMatcher

    lex = Lexicon.from_dict({"title": ["Sen"], "anti": ["anti-"], "p": ["open borders"]},
                            name="t", inflect=False)
    found = LexiconMatcher(lex, negation=False).spans(
        "Sen. Cruz, an anti-immigrant voice, wants no open-borders policy; anti- what?")
    assert found["text"].tolist() == ["Sen.", "anti-immigrant", "open-borders", "anti-"]


@pytest.mark.slow
def test_matcher_words_are_the_tokenizer_words_on_allsides():
    from framing.datasets import fetch_allsides
    from framing.lexicons import LexiconMatcher, load_lexicon

    texts = fetch_allsides()["text"].sample(100, random_state=0).tolist()
    matcher = LexiconMatcher([load_lexicon("immigration_terms")])
    batch = matcher._layout(texts)
    for i, text in enumerate(texts):
        mine = batch.word_doc == i
        offset = batch.doc_start[i]
        got = list(zip((batch.word_start[mine] - offset).tolist(),
                       (batch.word_end[mine] - offset).tolist(), strict=True))
        assert got == word_spans(text)
    # and the counts' denominators are the tokenizer's word counts
    _, n_words = matcher.count(texts)
    assert n_words.tolist() == [len(word_spans(t)) for t in texts]


def test_plain_terms_are_cut_as_the_tokenizer_cuts_them(mirror_dir):
    # Lexicon terms of letters and spaces skip the tokenizer; every public and authored
    # term (and a few made to trip the shortcut) must come out exactly as the tokenizer cuts.
    from framing.lexicons import list_lexicons, load_lexicon
    from framing.lexicons._normalize import codes_to_text, term_words, token_codes

    terms = {"cannot stop", "gonna", "Wanna go", "U.S.", "don't", "anti-", "a+", "straße"}
    for name in list_lexicons()["name"]:
        terms.update(load_lexicon(name).entries["term"])
    for term in sorted(terms):
        start, end, is_word = tokenize.span_arrays(term, cache=False)
        pieces = [term[s:e] for s, e in zip(start.tolist(), end.tolist(), strict=True)]
        for case_sensitive in (True, False):
            words, punctuation = term_words(term, case_sensitive=case_sensitive)
            expected = [codes_to_text(token_codes(p, lower=not case_sensitive))
                        for p, w in zip(pieces, is_word.tolist(), strict=True) if w]
            assert words == expected, term
            assert punctuation == [p for p, w in zip(pieces, is_word.tolist(), strict=True)
                                   if not w], term


def test_uncached_arrays_leave_the_cache_alone():
    tokenize._cached_arrays.cache_clear()
    tokenize.span_arrays("seen once", cache=False)
    assert tokenize._cached_arrays.cache_info().currsize == 0
    assert tokenize.has_contraction("They cannot.") and not tokenize.has_contraction("can")
