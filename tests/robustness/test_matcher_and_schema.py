"""The lexicon matcher and validate_articles under hostile input.

* Matcher: random Unicode (astral characters, combining marks, RTL, control characters,
  no surrogates), empty strings and a 10 MB document: it finishes within a time bound,
  every span lies inside its text and reads the matched text, ``count`` agrees with
  ``find`` and ``spans``, and a text scores the same alone or in a batch.
* validate_articles: random DataFrames either pass or raise ``SchemaError`` naming a
  column (or the index) and the first offending row.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import pandas as hpd

from framing.lexicons import Lexicon, LexiconMatcher
from framing.schema import SchemaError, validate_articles

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

_LEXICON = Lexicon.from_dict(
    {"restrictionist": ["illegal alien", "illegals", "criminal alien"],
     "pro": ["undocumented", "sanctuary city", "dreamer"],
     "agency": ["ICE"], "emotion": ["outrage*", "fear"]}, name="hostile")
# Words of the lexicon mixed with random Unicode: matches must still be found and placed.
_words = st.sampled_from(["illegal", "aliens", "ICE", "ice", "undocumented", "sanctuary",
                          "city", "not", "never", "outrageous", "fear", "Dreamers", "n't"])
_noise = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)
_text = st.lists(st.one_of(_words, _noise), max_size=30).map(" ".join)


@pytest.fixture(scope="module")
def matcher():
    return LexiconMatcher(_LEXICON)


@pytest.mark.slow
@pytest.mark.timeout(120)
@SETTINGS
@given(texts=st.lists(_text, min_size=1, max_size=6))
def test_matcher_spans_stay_inside_the_text(texts):
    matcher = LexiconMatcher(_LEXICON)
    counts, n_words = matcher.count(texts)
    assert counts.shape == (len(texts), len(matcher.categories_))
    assert np.all(np.isfinite(counts)) and np.all(n_words >= 0)
    found = matcher.find(texts)
    for i, text in enumerate(texts):
        rows = found.doc == i
        starts, ends = found.start[rows], found.end[rows]
        assert np.all((0 <= starts) & (starts < ends) & (ends <= len(text)))
        spans = matcher.spans(text)
        assert len(spans) == rows.sum()
        assert all(text[s:e] == t for s, e, t in spans[["start", "end", "text"]].itertuples(
            index=False))
        alone, words_alone = matcher.count([text])
        np.testing.assert_array_equal(alone[0], counts[i])  # batch-independent
        assert words_alone[0] == n_words[i]


@pytest.mark.timeout(60)
def test_matcher_on_empty_and_whitespace_texts(matcher):
    counts, n_words = matcher.count(["", " ", "\n\t", "\u200b", "\U0001f600"])
    assert counts.sum() == 0 and n_words.tolist()[:4] == [0, 0, 0, 0]
    assert matcher.spans("").empty


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_matcher_on_a_10_mb_document_finishes_in_time(matcher):
    unit = "ICE arrested illegal aliens in a sanctuary city, not undocumented people. 🇺🇸 "
    text = (unit * (10_000_000 // len(unit) + 1))[:10_000_000]
    started = time.perf_counter()
    counts, n_words = matcher.count([text])
    elapsed = time.perf_counter() - started
    assert elapsed < 60, f"10 MB took {elapsed:.1f} s"
    repeats = text.count(unit)
    agency = matcher.categories_.index("agency")
    assert repeats <= counts[0, agency] <= repeats + 1
    spans = matcher.spans(text)
    assert spans["end"].max() <= len(text)
    # One long word with no spaces (a base64 blob pasted into an article).
    blob_counts, blob_words = matcher.count(["A" * 10_000_000])
    assert blob_counts.sum() == 0 and blob_words[0] == 1


_column = st.sampled_from(["outlet", "date", "title", "text", "url", "label_x", "meta_y",
                           "extra"])
_cell = st.one_of(st.text(max_size=5), st.none(), st.integers(), st.floats(),
                  st.just(pd.Timestamp("2019-01-01", tz="UTC")), st.just(pd.NaT))


@st.composite
def _frames(draw):
    columns = draw(st.lists(_column, min_size=0, max_size=6, unique=True))
    n = draw(st.integers(0, 5))
    data = {c: draw(st.lists(_cell, min_size=n, max_size=n)) for c in columns}
    frame = pd.DataFrame(data, dtype=object)
    if "date" in frame and draw(st.booleans()):
        frame["date"] = pd.to_datetime(frame["date"].where(
            frame["date"].map(lambda v: isinstance(v, pd.Timestamp)), None), utc=True)
    index = draw(st.lists(st.one_of(st.text(max_size=4), st.integers(), st.none()),
                          min_size=n, max_size=n))
    frame.index = pd.Index(index, dtype=object, name=draw(st.sampled_from(["article_id",
                                                                           None, "id"])))
    return frame


@pytest.mark.slow
@pytest.mark.timeout(120)
@SETTINGS
@given(frame=st.one_of(_frames(), hpd.data_frames(
    [hpd.column("outlet", dtype=object, elements=st.text(max_size=3)),
     hpd.column("date", dtype="datetime64[ns]"),
     hpd.column("title", elements=st.text(max_size=3)),
     hpd.column("text", elements=st.text(max_size=3))])))
def test_validate_articles_passes_or_names_the_column(frame):
    try:
        result = validate_articles(frame)
    except SchemaError as err:
        assert err.column is not None or "DataFrame" in str(err), str(err)
        if err.column is not None:
            assert str(err.column) in str(err)
        if err.row is not None:
            assert err.position is not None and 0 <= err.position < len(frame)
    else:
        assert result is frame
        assert {"outlet", "date", "title", "text"} <= set(frame.columns)
        assert frame.index.is_unique


def test_validate_articles_refuses_what_is_not_a_frame():
    for value in (None, [], "text", np.zeros(3), pd.Series(["a"])):
        with pytest.raises(SchemaError):
            validate_articles(value)
