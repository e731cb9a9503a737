"""The analyst's friction points: one parameter vocabulary, single-prefixed feature names,
progress that ticks per chunk, a readable default highlight, and lexicon terms never dropped
as outlet signatures (with the number dropped said)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from framing.compare import (
    OutletSignatureWarning,
    fightin_words,
    leave_out_partisanship,
    outlet_scores,
)
from framing.features import (
    LexiconScorer,
    LoadedLanguageScorer,
    SentimentScorer,
    extract_features,
    score_texts,
)
from framing.lexicons import Lexicon


def _articles():
    return pd.DataFrame({
        "outlet": ["a", "b", "c", "d", "e", "f"],
        "label_allsides": ["left"] * 3 + ["right"] * 3,
        "body": ["undocumented immigrants families", "undocumented workers fear",
                 "families of immigrants", "illegal aliens crime", "illegal aliens again",
                 "crime and aliens"]},
        index=pd.Index([f"id{i}" for i in range(6)], name="article_id"))


def _lexicon_scorer():
    return LexiconScorer(Lexicon.from_dict({"water": ["flood", "wave"]}, name="metaphor"))


@pytest.fixture(scope="module")
def allsides(mirror_dir):
    from framing.datasets import fetch_allsides

    return fetch_allsides(progress=False)


# -- one vocabulary ------------------------------------------------------------------------

@pytest.mark.parametrize("old", [{"group_col": "label_allsides"},
                                 {"text_col": "body"}, {"outlet_col": "outlet"}])
def test_fightin_words_accepts_the_old_names_with_a_deprecation_warning(old):
    new = {"by": "label_allsides", "text_column": "body"}
    expected = fightin_words(_articles(), **new, max_outlet_share=None, n_perm=0)
    renamed = {"group_col": "by", "text_col": "text_column", "outlet_col": "outlet_column"}
    call = {k: v for k, v in new.items() if k != renamed[next(iter(old))]} | old
    with pytest.warns(DeprecationWarning, match=rf"{next(iter(old))}= is deprecated; use "
                                                rf"{renamed[next(iter(old))]}="):
        got = fightin_words(_articles(), **call, max_outlet_share=None, n_perm=0)
    pd.testing.assert_frame_equal(got, expected)


def test_positional_grouping_column_still_works_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = fightin_words(_articles(), "label_allsides", text_column="body",
                              max_outlet_share=None, n_perm=0)
        partisanship = leave_out_partisanship(_articles(), "label_allsides",
                                              text_column="body", n_perm=5, n_boot=5,
                                              max_outlet_share=None)
    assert len(table) and len(partisanship) == 2


def test_leave_out_partisanship_accepts_the_old_names():
    with pytest.warns(DeprecationWarning, match="group_col= is deprecated; use by="):
        old = leave_out_partisanship(_articles(), group_col="label_allsides", text_col="body",
                                     n_perm=5, n_boot=5, max_outlet_share=None)
    new = leave_out_partisanship(_articles(), by="label_allsides", text_column="body",
                                 n_perm=5, n_boot=5, max_outlet_share=None)
    pd.testing.assert_frame_equal(old, new)


def test_same_event_takes_column_names_in_the_shared_vocabulary():
    from framing.compare import same_event

    articles = pd.DataFrame({"source": ["fox", "nyt"] * 4,
                             "story": ["e1", "e1", "e2", "e2", "e3", "e3", "e4", "e4"]})
    features = pd.Series([5.0, 1.0, 9.0, 6.0, 2.0, 0.0, 7.0, 3.0], name="loaded")
    new = same_event(features, articles, event_column="story", outlet_column="source",
                     n_boot=50)
    with pytest.warns(DeprecationWarning, match="event_col= is deprecated; use event_column="):
        old = same_event(features, articles, event_col="story", outlet_column="source",
                         n_boot=50)
    pd.testing.assert_frame_equal(old, new)
    with pytest.raises(KeyError, match="no column 'meta_triplet_uuid'.*'source', 'story'"):
        same_event(features, articles, outlet_column="source")


def test_both_spellings_a_missing_grouping_or_an_unknown_keyword_are_type_errors():
    with pytest.raises(TypeError, match="both by= and its old name group_col="):
        fightin_words(_articles(), "label_allsides", group_col="outlet", text_column="body")
    with pytest.raises(TypeError, match="missing the grouping column: pass by="):
        leave_out_partisanship(_articles(), text_column="body")
    with pytest.raises(TypeError, match="unexpected keyword argument 'text_colum'"):
        fightin_words(_articles(), "label_allsides", text_colum="body")


# -- feature names --------------------------------------------------------------------------

def test_names_inside_a_column_transformer_are_prefixed_once():
    from sklearn.compose import ColumnTransformer

    frame = pd.DataFrame({"text": ["A disaster, the mayor claimed.", "A calm day."]})
    transformer = ColumnTransformer([("loaded", LoadedLanguageScorer(), "text"),
                                     ("mood", SentimentScorer(), "text")])
    names = transformer.fit(frame).get_feature_names_out().tolist()
    assert "loaded__bias_lexicon" in names and "mood__positive_mean" in names
    assert not any(n.startswith(("loaded__loaded__", "mood__sentiment__")) for n in names)
    table = transformer.set_output(transform="pandas").fit_transform(frame)
    assert table.columns.tolist() == names
    # the library's own tables keep <scorer>__<feature>
    features = extract_features(frame, [LoadedLanguageScorer(), SentimentScorer()])
    assert "loaded__bias_lexicon" in features and "sentiment__positive_mean" in features
    np.testing.assert_array_equal(table.to_numpy(), features.to_numpy())


# -- progress ---------------------------------------------------------------------------------

class _Bar:
    """Records what a progress bar is told."""

    made: list = []

    def __init__(self, iterable=None, *, enabled=True, **kwargs):
        self.enabled, self.total, self.updates = enabled, kwargs.get("total"), []
        _Bar.made.append(self)

    def update(self, n=1):
        self.updates.append(n)

    def close(self):
        pass

    def set_description(self, text):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.fixture
def bars(monkeypatch):
    _Bar.made = []
    for module in ("framing._progress", "framing.compare._partisanship",
                   "framing.compare._bootstrap", "framing.compare._fightin"):
        monkeypatch.setattr(f"{module}.progress_bar", _Bar)
    return _Bar.made


def test_extract_features_ticks_per_chunk_of_articles(allsides, bars):
    features = extract_features(allsides, [_lexicon_scorer()], progress=True)
    bar, = [b for b in bars if b.enabled]
    assert bar.total == len(allsides) == 2027
    assert len(bar.updates) == 8 and sum(bar.updates) == 2027  # chunks of at most 256
    quiet = extract_features(allsides, [_lexicon_scorer()])
    pd.testing.assert_frame_equal(features, quiet)


def test_slow_comparisons_tick_per_draw_or_chunk(bars):
    articles = _articles()
    leave_out_partisanship(articles, "label_allsides", text_column="body", n_perm=7,
                           n_boot=5, max_outlet_share=None, progress=True)
    fightin_words(articles, "label_allsides", text_column="body", max_outlet_share=None,
                  n_perm=4, progress=True)
    features = pd.DataFrame({"x": np.arange(6.0)}, index=articles.index)
    outlet_scores(features, articles, by="label_allsides", n_boot=50, progress=True)
    partisanship, fightin, scores = [b for b in bars if b.enabled]
    assert partisanship.total == sum(partisanship.updates) == 12
    assert len(partisanship.updates) == 12
    assert fightin.total == sum(fightin.updates) == 6 + 4  # 6 outlets left out, 4 shuffles
    assert scores.total == sum(scores.updates) == 100 and len(scores.updates) == 2


# -- chunk scoring -------------------------------------------------------------------------------

def test_score_texts_is_the_chunk_step_of_extract_features():
    texts = pd.Series(["A flood.", "", "Waves and a flood."], index=["a", "b", "c"])
    pd.testing.assert_frame_equal(score_texts(texts, [_lexicon_scorer()], batch_size=1),
                                  extract_features(texts, [_lexicon_scorer()]))
    assert score_texts(["A flood."], [_lexicon_scorer()]).index.tolist() == [0]
    with pytest.raises(TypeError, match="not a DataFrame; pass its text column"):
        score_texts(texts.to_frame("text"), [_lexicon_scorer()])


# -- highlight ---------------------------------------------------------------------------------

def _marks(html: str) -> list[str]:
    return re.findall(r"<mark\b[^>]*>(.*?)</mark>", html, flags=re.S)


def test_default_highlight_of_a_5_kb_article_is_readable(allsides):
    lengths = allsides["text"].str.len()
    text = allsides.loc[(lengths - 5000).abs().idxmin(), "text"]
    scorer = LoadedLanguageScorer().fit()
    detailed = scorer.highlight(text, families=False)
    assert len(detailed.legend) > 6  # the problem: a colour per category
    shown = scorer.highlight(text)
    backgrounds = set(re.findall(r"<mark[^>]*background:(#[0-9a-fA-F]{6})", shown.html))
    assert 1 < len(backgrounds) <= 6
    assert 'class="framing-legend"' in shown.html and len(shown.legend) <= 6
    assert sum(shown.legend.values()) == len(shown.spans)
    assert f"{len(shown.spans)} spans in {shown.n_marks} marks" in shown.html
    # marks never nest or overlap: each opens after the previous one closed
    assert shown.html.count("<mark") == shown.html.count("</mark>") == shown.n_marks
    assert all("<mark" not in inner for inner in _marks(shown.html))
    # categories= keeps the detailed view
    kept = scorer.highlight(text, categories=["hedge", "assertive"])
    assert set(kept.legend) <= {"hedge", "assertive"}


def test_families_beyond_six_are_merged_into_other():
    from framing.features import Highlight

    text = " ".join(f"w{i}" for i in range(9))
    spans = pd.DataFrame({"start": [3 * i for i in range(9)],
                          "end": [3 * i + 2 for i in range(9)],
                          "term": [f"w{i}" for i in range(9)],
                          "category": [f"c{i}" for i in range(9)], "weight": 1.0})
    legend = Highlight(text, spans).legend
    assert len(legend) == 6 and legend["other"] == 4


# -- outlet signatures ----------------------------------------------------------------------

def test_lexicon_terms_are_never_dropped_as_outlet_signatures(allsides):
    sanctuary = allsides[allsides["meta_sanctuary_related"]]
    plain, dropped = fightin_words(sanctuary, by="label_allsides", groups=["left", "right"],
                                   keep_lexicon_terms=False, n_perm=0,
                                   outlet_robustness=False, return_excluded=True)
    assert "amnesty" in set(dropped["term"]) and "amnesty" not in set(plain["term"])
    with pytest.warns(OutletSignatureWarning) as caught:
        table, excluded = fightin_words(sanctuary, by="label_allsides",
                                        groups=["left", "right"], n_perm=0,
                                        outlet_robustness=False, return_excluded=True)
    assert "amnesty" in set(table["term"]) and "amnesty" not in set(excluded["term"])
    assert "amnesty" in table.attrs["lexicon_terms_kept"]
    assert len(excluded) + len(table.attrs["lexicon_terms_kept"]) == len(dropped)
    message = str(caught[0].message)
    assert f"excluded {len(excluded):,} of" in message
    assert f"{len(table.attrs['lexicon_terms_kept']):,} signature term(s)" in message
    assert "return_excluded=True" in message
