"""Word counting for comparisons: the documented token rules."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from framing.compare import article_texts, count_terms, normalize_us


def terms_of(text, **kwargs):
    counts, terms = count_terms([text], **kwargs)
    return dict(zip(terms.tolist(), counts.toarray()[0].tolist(), strict=True))


def test_token_rules():
    got = terms_of("Trump's so-called 'illegal aliens' and the 287(g) program, a Fernández op-ed.")
    assert got == {"trump": 1, "so-called": 1, "illegal": 1, "aliens": 1, "and": 1, "the": 1,
                   "program": 1, "fernández": 1, "op-ed": 1}


def test_us_spellings_are_one_term_and_the_pronoun_stays():
    assert normalize_us("The U.S. and the US told us: U.S.A.!") == \
        "the united states and the united states told us: united states!"
    got = terms_of("The US and the U.S. let us in.")
    assert got["united"] == 2 and got["states"] == 2 and got["us"] == 1
    raw = terms_of("The US and the U.S. let us in.", us_spellings=False)
    assert raw["us"] == 2 and "united" not in raw


def test_stop_words_are_kept_unless_asked():
    assert "the" in terms_of("the sanctuary city")
    assert "the" not in terms_of("the sanctuary city", stop_words="english")


def test_bigrams_and_vocabulary():
    counts, terms = count_terms(["illegal alien crossed", "an illegal alien"], ngram_range=(2, 2))
    assert "illegal alien" in terms.tolist()
    counts, terms = count_terms(["aliens and aliens"], vocabulary=["aliens", "dreamers"])
    assert counts.toarray().tolist() == [[2, 0]]


def test_empty_vocabulary_is_a_clear_error():
    with pytest.raises(ValueError, match="no terms to count"):
        count_terms(["", "  ", "42"])


def test_article_texts_with_title_and_missing():
    df = pd.DataFrame({"title": ["Hed", None], "text": ["Body", None]})
    assert article_texts(df, title=True) == ["Hed\n\nBody", "\n\n"]
    assert article_texts(["a", None, np.nan]) == ["a", "", ""]
    with pytest.raises(TypeError):
        article_texts("one string")


def test_counts_are_picklable_and_deterministic():
    texts = ["Sanctuary cities defy ICE.", "ICE detainers and sanctuary."]
    first = count_terms(texts)
    second = pickle.loads(pickle.dumps(count_terms(texts)))
    assert (first[0] != second[0]).nnz == 0 and first[1].tolist() == second[1].tolist()
