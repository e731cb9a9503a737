"""framing.explore: keyword in context and the sentences behind a score, on hand-made articles.

Every expected row below was worked out by hand from the texts.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from framing.explore import Concordance, kwic, sentences_behind
from framing.features import FrameScorer, LoadedLanguageScorer, TermChoiceScorer

TEXTS = {
    # offsets: "Illegal aliens" 0-14; "illegal\naliens" 39-53
    "a1": "Illegal aliens crossed. Officials said illegal\naliens wait.",
    # "alien" is not "aliens"; "ALIENS" in "Aliens-only" is a whole word before "-"
    "b1": "An alien film. ALIENS-only screening tonight.",
    "c1": "Nothing to see here.",
}


@pytest.fixture
def articles():
    return pd.DataFrame(
        {"outlet": ["fox", "cnn", "npr"], "label_allsides": ["right", "left", "center"],
         "text": [TEXTS["a1"], TEXTS["b1"], TEXTS["c1"]]},
        index=pd.Index(["a1", "b1", "c1"], name="article_id"))


# -- kwic --------------------------------------------------------------------------------------

def test_kwic_finds_a_phrase_case_insensitively_across_a_line_break(articles):
    table = kwic(articles, "illegal aliens", window=9)
    assert isinstance(table, Concordance)
    assert table.columns.tolist() == ["article_id", "outlet", "left", "keyword", "right",
                                      "start", "end"]
    assert table.values.tolist() == [
        ["a1", "fox", "", "Illegal aliens", " crossed.", 0, 14],
        # window 9 before offset 39 starts inside "Officials": the cut word is left out.
        ["a1", "fox", " said ", "illegal aliens", " wait.", 39, 53],
    ]
    assert TEXTS["a1"][39:53] == "illegal\naliens"


def test_kwic_matches_whole_words_only(articles):
    table = kwic(articles, "aliens", by=None, window=5)
    assert table.columns.tolist() == ["article_id", "left", "keyword", "right", "start", "end"]
    assert table[["article_id", "keyword", "start"]].values.tolist() == [
        ["a1", "aliens", 8], ["a1", "aliens", 47], ["b1", "ALIENS", 15]]
    assert kwic(articles, "alien", window=5)[["article_id", "start"]].values.tolist() == [
        ["b1", 3]]


def test_kwic_takes_several_terms_and_prefers_the_longest(articles):
    table = kwic(articles, ["illegal", "illegal aliens", "film"], window=3)
    assert table["keyword"].tolist() == ["Illegal aliens", "illegal\naliens".replace("\n", " "),
                                         "film"]


def test_kwic_regex_is_explicit(articles):
    # As a term, the pattern's characters are literal: no match.
    assert kwic(articles, r"alien\w*").empty
    table = kwic(articles, r"alien\w*", regex=True, window=0)
    assert table["keyword"].tolist() == ["aliens", "aliens", "alien", "ALIENS"]
    assert kwic(articles, r"ALIENS", regex=True, case_sensitive=True)["start"].tolist() == [15]


def test_kwic_keeps_a_categorical_group_and_the_corpus_order(articles):
    articles = articles.assign(label_allsides=pd.Categorical(
        articles["label_allsides"], categories=["left", "center", "right"]))
    table = kwic(articles, "aliens", by="label_allsides")
    assert table["label_allsides"].dtype == articles["label_allsides"].dtype
    assert table["article_id"].tolist() == ["a1", "a1", "b1"]


def test_kwic_limit_stops_the_search_and_says_so(articles):
    table = kwic(articles, "aliens", limit=2)
    assert len(table) == 2 and table.attrs["limited"] is True
    assert kwic(articles, "aliens", limit=3).attrs["limited"] is False


def test_kwic_html_view_is_aligned_and_escaped():
    articles = pd.DataFrame({"outlet": ["x"], "text": ["<b>Tom & Jerry</b> said amnesty now."]},
                            index=pd.Index(["x1"], name="article_id"))
    table = kwic(articles, "amnesty", window=30)
    page = table._repr_html_()
    assert "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;" in page
    assert "<b>Tom" not in page
    assert "font-weight:bold;text-align:center\">amnesty</td>" in page
    assert "1 matches in 1 articles for <code>amnesty</code>" in page
    # A slice is still a concordance; a slice without the context columns is a plain table.
    assert "framing-kwic" in table.head(1)._repr_html_()
    assert "framing-kwic" not in table[["article_id"]]._repr_html_()


def test_kwic_names_missing_columns(articles):
    with pytest.raises(ValueError, match=r"no column\(s\) \['label_x'\]; the columns are "
                                         r"\['outlet', 'label_allsides', 'text'\]"):
        kwic(articles, "aliens", by="label_x")
    with pytest.raises(ValueError, match=r"no column\(s\) \['body'\]"):
        kwic(articles, "aliens", text_column="body")


def test_kwic_refuses_empty_terms_bad_patterns_and_bad_windows(articles):
    with pytest.raises(ValueError, match="non-empty term"):
        kwic(articles, "  ")
    with pytest.raises(ValueError, match="invalid regular expression"):
        kwic(articles, "(unclosed", regex=True)
    with pytest.raises(ValueError, match="window must be"):
        kwic(articles, "aliens", window=-1)


def test_kwic_reads_a_missing_text_as_empty_and_refuses_other_types(articles):
    articles = articles.astype({"text": object})
    articles.loc["c1", "text"] = None
    assert kwic(articles, "here").empty
    articles.loc["c1", "text"] = 42
    with pytest.raises(TypeError, match="'text' of article 'c1' is int"):
        kwic(articles, "here")


# -- sentences_behind --------------------------------------------------------------------------

SENTENCE_TEXTS = [
    # a1: the restrictionist label sits in the second sentence (offsets 17-63).
    "The bill passed. Critics called it amnesty for illegal aliens.\nMore later.",
    # a2: two restrictionist labels in one sentence outrank a2's other sentence.
    "Illegals and illegal aliens were named. Then illegals again.",
    # b1: only a pro-immigrant label.
    "Undocumented immigrants waited. Nothing else.",
]


@pytest.fixture
def labelled():
    return pd.DataFrame({"outlet": ["fox", "fox", "cnn"], "text": SENTENCE_TEXTS},
                        index=pd.Index(["a1", "a2", "b1"], name="article_id"))


def test_sentences_behind_lists_the_sentences_carrying_a_feature(labelled):
    table = sentences_behind(labelled, TermChoiceScorer(), "restrictionist_label", top=5)
    assert table.columns.tolist() == ["article_id", "outlet", "rank", "score", "n_spans",
                                      "terms", "sentence", "start", "end"]
    assert table.values.tolist() == [
        ["a2", "fox", 1, 2.0, 2, "Illegals; illegal aliens",
         "Illegals and illegal aliens were named.", 0, 39],
        ["a1", "fox", 2, 1.0, 1, "illegal aliens",
         "Critics called it amnesty for illegal aliens.", 17, 62],
        ["a2", "fox", 3, 1.0, 1, "illegals", "Then illegals again.", 40, 60],
    ]
    assert table.attrs["features"] == ["term_choice__restrictionist_label"]
    assert table.attrs["n_articles"] == 3 and table.attrs["n_articles_with_evidence"] == 2


def test_sentences_behind_takes_top_per_group(labelled):
    # Every span counts: a1's second sentence (amnesty, illegal aliens) ties a2's first
    # (two labels) at 2.0, and the tie goes to the article first in the corpus.
    table = sentences_behind(labelled, TermChoiceScorer(), by="outlet", top=1)
    assert table[["article_id", "outlet", "rank", "score", "terms"]].values.tolist() == [
        ["a1", "fox", 1, 2.0, "amnesty; illegal aliens"],
        ["b1", "cnn", 1, 1.0, "Undocumented"],
    ]
    overall = sentences_behind(labelled, TermChoiceScorer(), by=None, top=2)
    assert "outlet" not in overall.columns
    assert overall["rank"].tolist() == [1, 2]


def test_sentences_behind_accepts_full_feature_names_and_a_fitted_scorer(labelled):
    scorer = TermChoiceScorer().fit()
    table = sentences_behind(labelled, scorer, ["term_choice__pro_immigrant_label"])
    assert table[["article_id", "sentence"]].values.tolist() == [
        ["b1", "Undocumented immigrants waited."]]


def test_sentences_behind_maps_frame_spans_to_their_sentence():
    articles = pd.DataFrame({"outlet": ["x"],
                             "text": ["The weather was fine. The court ruled the law "
                                      "unconstitutional."]},
                            index=pd.Index(["x1"], name="article_id"))
    table = sentences_behind(articles, FrameScorer(typologies="policy"), "policy_legality")
    assert table["sentence"].tolist() == ["The court ruled the law unconstitutional."]
    assert table["start"].tolist() == [22]


def test_sentences_behind_refuses_unknown_features_and_weights(labelled):
    with pytest.raises(ValueError, match="'nope' is not a feature of TermChoiceScorer"):
        sentences_behind(labelled, TermChoiceScorer(), "nope")
    with pytest.raises(ValueError, match="weight='missing' is not a column"):
        sentences_behind(labelled, TermChoiceScorer(), weight="missing")
    with pytest.raises(ValueError, match=r"no column\(s\) \['label_x'\]"):
        sentences_behind(labelled, TermChoiceScorer(), by="label_x")
    with pytest.raises(ValueError, match="top must be"):
        sentences_behind(labelled, TermChoiceScorer(), top=0)


def test_sentences_behind_warns_when_no_span_feeds_a_composite_score(labelled):
    with pytest.warns(UserWarning, match="no span of LoadedLanguageScorer feeds "
                                         r"\['loaded__loaded_index'\].*its parts"):
        table = sentences_behind(labelled, LoadedLanguageScorer(), "loaded_index")
    assert table.empty
    # Its parts' contributions are the index_weight of every span.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parts = sentences_behind(labelled, LoadedLanguageScorer(), weight="index_weight",
                                 by=None, top=3)
    assert len(parts) == 3 and parts["score"].is_monotonic_decreasing
