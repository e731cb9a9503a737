"""Every scorer and HTML extraction under hostile input.

* Scorers (the five default ones): random Unicode batches give finite float64 rows, one
  per text, identical whether a text is scored alone or in a batch (the bug below); empty
  and whitespace texts give zeros where there is nothing to rate; a 10 MB article is scored
  within a time bound and ``explain`` spans lie inside the text.
* from_html: 10,000 levels of nesting, huge scripts, random bytes and empty pages give an
  article or a reported failure, never a hang or a silent drop.

Regression: ``test_loaded_index_does_not_depend_on_the_batch`` - ``loaded_index`` was
``rates @ weights``, a BLAS product whose summation order depended on the number of rows,
so an article's index changed in its last bit with the batch (or dask partition) around it.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.features import default_scorers

from ..conftest import needs_mirror

SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])

_unicode = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
_newsy = st.lists(st.one_of(
    _unicode, st.sampled_from(["ICE", "illegal aliens", "undocumented immigrants", "not",
                               "said", "according to officials", "\"We will fight,\" she said.",
                               "sanctuary city", "crime", "!", ".", "\n\n", "U.S."])),
    max_size=25).map(" ".join)


@pytest.fixture(scope="module")
def scorers():
    return [s.fit() for s in default_scorers()]


pytestmark = needs_mirror


@pytest.mark.slow
@pytest.mark.timeout(300)
@SETTINGS
@given(texts=st.lists(_newsy, min_size=1, max_size=5))
def test_scorers_on_random_unicode(scorers, texts):
    for scorer in scorers:
        out = scorer.transform(texts)
        assert out.dtype == np.float64
        assert out.shape == (len(texts), len(scorer.get_feature_names_out()))
        assert np.all(np.isfinite(out)), type(scorer).__name__
        alone = np.vstack([scorer.transform([t]) for t in texts])
        np.testing.assert_array_equal(alone, out)  # batch-independent, bit for bit
        spans = scorer.explain(texts[0])
        assert ((spans["start"] >= 0) & (spans["end"] <= len(texts[0]))
                & (spans["start"] < spans["end"])).all()


def test_loaded_index_does_not_depend_on_the_batch(scorers):
    from framing.datasets import fetch_allsides

    texts = fetch_allsides(progress=False)["text"].iloc[:200]
    loaded = next(s for s in scorers if s.name == "loaded")
    whole = loaded.transform(texts)
    pieces = np.vstack([loaded.transform(texts.iloc[i:i + 7]) for i in range(0, 200, 7)])
    np.testing.assert_array_equal(whole, pieces)


def test_scorers_on_empty_texts(scorers):
    for scorer in scorers:
        out = scorer.transform(["", "   ", "\n", "\u3000"])
        assert np.all(np.isfinite(out)), type(scorer).__name__
        names = list(scorer.get_feature_names_out())
        # Rates and shares are 0; an intercept (``*_index``) or a "no frame" indicator
        # (``*_none``) is what an empty text should get there.
        rates = [j for j, n in enumerate(names)
                 if "index" not in n and not n.endswith("_none")]
        assert np.all(out[:, rates] == 0), (scorer.name, out)
        assert np.all(out == out[0]), scorer.name  # every kind of empty text alike


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_scorers_on_a_10_mb_article(scorers):
    unit = ("Officials said ICE detained 40 people in the sanctuary city. \"This is an "
            "outrage,\" the mayor said. Critics called them illegal aliens; others said "
            "undocumented immigrants were afraid. ")
    text = (unit * (10_000_000 // len(unit) + 1))[:10_000_000]
    short = unit * 10
    for scorer in scorers:
        started = time.perf_counter()
        out = scorer.transform([text, short])
        elapsed = time.perf_counter() - started
        assert elapsed < 120, f"{scorer.name}: {elapsed:.0f} s"
        assert np.all(np.isfinite(out))
        # Rates per 1,000 words and sentence means: the long article scores like the short
        # one it repeats (up to its cut-off last sentence), it does not saturate or grow.
        np.testing.assert_allclose(out[0], out[1], rtol=0.02, atol=0.5,
                                   err_msg=scorer.name)


def _from_html(pages):
    from framing.collect import from_html

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return from_html(pages)


_ARTICLE = ("<p>" + "The city council voted on Tuesday to keep its sanctuary policy. " * 6
            + "</p>")


@pytest.mark.timeout(120)
def test_from_html_deep_nesting_scripts_and_garbage():
    pytest.importorskip("trafilatura")
    pages = [
        "<html><body>" + "<div>" * 10_000 + _ARTICLE + "</div>" * 10_000 + "</body></html>",
        "<html><body>" + "<div>" * 10_000 + _ARTICLE + "</body></html>",  # never closed
        "<html><body><script>" + "var a = '<p>x</p>';" * 50_000 + "</script>" + _ARTICLE
        + "</body></html>",
        "<html><body><article>" + _ARTICLE + "<script>alert(1)</script></article></body>"
        "</html>",
        b"\xff\xfe\x00\x01garbage\x00" * 1000,
        "",
        "<",
        "<html>" + "<p>unclosed " * 5000,
    ]
    started = time.perf_counter()
    articles = _from_html(pages)
    assert time.perf_counter() - started < 90
    failures = articles.attrs["failures"]
    assert len(articles) + len(failures) == len(pages)
    assert all(f["reason"] for f in failures)
    for text in articles["text"]:
        assert "alert(1)" not in text and "var a" not in text


@pytest.mark.slow
@pytest.mark.timeout(300)
@settings(max_examples=15, deadline=None)
@given(page=st.one_of(st.binary(max_size=300), _unicode,
                      st.lists(st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<script>",
                                                "</script>", "<!--", "-->", "<![CDATA[",
                                                "&amp;", "&#0;", "text words here", "<br/>",
                                                "<meta charset='utf-16'>"]),
                               max_size=60).map("".join)))
def test_from_html_on_random_pages_gives_a_row_or_a_failure(page):
    pytest.importorskip("trafilatura")
    articles = _from_html([page, page])
    # The same page twice: at most one article, every input accounted for.
    assert len(articles) + len(articles.attrs["failures"]) == 2
    assert len(articles) <= 1
