"""highlight() on every scorer: offline HTML, and the category filter."""

from __future__ import annotations

import pytest

from framing.features import (
    FrameScorer,
    LoadedLanguageScorer,
    SentimentScorer,
    SourcingScorer,
    TermChoiceScorer,
)

TEXT = ('The sanctuary city policy was slammed by ICE officials, who said "illegal aliens '
        'were released onto our streets." Advocates insisted the undocumented families '
        "deserve protection, and the mayor claimed the surge was a disaster for the economy.")

SCORERS = [LoadedLanguageScorer, SentimentScorer, TermChoiceScorer,
           lambda: FrameScorer(method="lexicon"), SourcingScorer]


@pytest.fixture(scope="module", params=SCORERS, ids=lambda make: getattr(make, "__name__",
                                                                          "FrameScorer"))
def scorer(request):
    return request.param().fit()


def test_highlight_is_offline_html(scorer):
    html = scorer.highlight(TEXT)._repr_html_()
    assert "<mark" in html
    assert "<script" not in html and "http" not in html


@pytest.fixture(scope="module")
def allsides_texts(mirror_dir):
    from framing.datasets import fetch_allsides

    return fetch_allsides(progress=False)["text"].head(150).tolist()


def test_every_explained_category_is_a_known_filter(scorer, allsides_texts):
    known = set(scorer._span_categories())
    for text in allsides_texts:
        assert set(scorer.explain(text)["category"]) <= known


def test_categories_keeps_only_those_spans(scorer):
    spans = scorer.explain(TEXT)
    category = spans["category"].value_counts().index[0]
    kept = scorer.highlight(TEXT, categories=[category])
    assert len(kept.spans) == (spans["category"] == category).sum() > 0
    assert set(kept.spans["category"]) == {category}
    assert len(scorer.highlight(TEXT, categories=category).spans) == len(kept.spans)


def test_a_known_category_absent_from_the_text_gives_no_marks(scorer):
    absent = sorted(set(scorer._span_categories()) - set(scorer.explain(TEXT)["category"]))
    if not absent:
        pytest.skip("every category occurs in the text")
    assert scorer.highlight(TEXT, categories=absent[:1]).spans.empty


def test_unknown_category_is_a_clear_error(scorer):
    with pytest.raises(ValueError, match="unknown categories \\['no_such_thing'\\]"):
        scorer.highlight(TEXT, categories=["no_such_thing"])
