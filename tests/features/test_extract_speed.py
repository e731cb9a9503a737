"""extract_features made faster must give the same table: every float equal, not close.

The speed-ups checked here: SentimentScorer's VADER shortcut (``_Polarity``), quotations and
sentence breaks found once per batch for all scorers (``shared_batches``), the grouped
abbreviation lookbehinds of the break pattern, SourcingScorer's count of non-space
characters, and ``extract_features(n_jobs=...)``.
"""

from __future__ import annotations

import pickle
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.features import (
    SentimentScorer,
    SourcingScorer,
    _sentiment,
    _spans,
    default_scorers,
    extract_features,
)
from framing.features._sentences import split_sentences
from framing.features._sentiment import _Polarity

# -- the VADER shortcut ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def analyzer():
    return _sentiment._analyzer()


@pytest.fixture(scope="module")
def polarity(analyzer):
    return _Polarity(analyzer)


def _same_scores(expected: dict, got: dict) -> bool:
    """Equal dictionaries, keys in the same order, and zeros of the same sign."""
    return (list(expected) == list(got) and expected == got
            and all(np.signbit(expected[k]) == np.signbit(got[k]) for k in expected))


# Tokens that trigger VADER's rules: negations (and "n't" words), boosters and dampeners
# (single and multi-word), "but", "no", "least", "kind of", the special idioms, capitals,
# punctuation that strips or stays (emoticons), "!" and "?" emphasis, emoji, words outside
# the lexicon.
_VOCABULARY = [
    "good", "bad", "great", "terrible", "love", "hate", "no", "not", "never", "isn't",
    "without", "doubt", "nor", "or", "so", "this", "very", "extremely", "kind", "of", "sort",
    "kinda", "just", "enough", "but", "BUT", "least", "at", "the", "shit", "bomb", "bad ass",
    "badass", "yeah", "right", "kiss", "death", "to", "die", "for", "beating", "heart",
    "bus", "stop", "GOOD", "Terrible", "HATE", "nope", "cannot", "hardly", "somewhat",
    ":)", ":-(", ":D", "(-:", "lol", "good!", "bad?", "'great'", "no,", "\u201cwow\u201d",
    "!!", "?", "??", "???", "\U0001F642", "\U0001F621", "\u00a9", "council", "voted",
    "Tuesday", "ICE", "U.S.", "...", "-", "\u2014", "yes", "help", "support", "care",
]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=14),
       st.sampled_from([" ", "  ", "\u00a0", "\t"]))
def test_vader_shortcut_equals_polarity_scores_on_rule_heavy_sentences(words, separator):
    analyzer = _sentiment._analyzer()
    polarity = _Polarity(analyzer)
    sentence = separator.join(words)
    assert _same_scores(analyzer.polarity_scores(sentence), polarity.scores(sentence))


@pytest.mark.parametrize("sentence", [
    "Not a good plan.", "The policy is good but the rollout was TERRIBLE!!",
    "It is kind of bad, and never so good.", "Without a doubt the best deal, no?",
    "I love it \U0001F642 but \U0001F621 now", "least bad option", "at least bad option",
    "He is no good", "no no no", "not bad at all", "The bus stop is the bomb",
    "County officials met on Tuesday.", "   ", "?!", "Good, good, good but bad.",
    "NOT GOOD", "That is KIND OF good", "The kiss of death for a good plan",
    "It was kind of", "So kind of you", "kind", "She was kind",
])
def test_vader_shortcut_equals_polarity_scores_on_known_cases(analyzer, polarity, sentence):
    assert _same_scores(analyzer.polarity_scores(sentence), polarity.scores(sentence))


def test_emoji_prefilter_lets_every_emoji_through(polarity, analyzer):
    single = [key for key in analyzer.emojis if len(key) == 1]
    assert single and all(polarity._maybe_emoji.search(char) for char in single)


def test_token_memo_stays_bounded(monkeypatch, analyzer):
    monkeypatch.setattr(_sentiment, "TOKEN_MEMO_SIZE", 10)
    polarity = _Polarity(analyzer)
    sentence = " ".join(f"word{i}" for i in range(50)) + " good"
    assert _same_scores(analyzer.polarity_scores(sentence), polarity.scores(sentence))
    assert len(polarity._tokens) <= 10


def test_fitted_sentiment_scorer_pickles_without_its_caches():
    scorer = SentimentScorer().fit()
    texts = ["A cruel law. A fine day!", "Nothing at all happened."]
    expected = scorer.transform(texts)  # builds the shortcut and fills its token memo
    state = scorer.__getstate__()
    assert "_polarity" not in state
    copy = pickle.loads(pickle.dumps(scorer))
    np.testing.assert_array_equal(copy.transform(texts), expected)


@pytest.fixture(scope="module")
def allsides_sample(mirror_dir):
    from framing.datasets import fetch_allsides

    return fetch_allsides(progress=False)["text"].sample(150, random_state=0)


def test_vader_shortcut_equals_polarity_scores_on_allsides_sentences(allsides_sample, analyzer,
                                                                      polarity):
    sentences = [s for text in allsides_sample for s in split_sentences(text)]
    assert len(sentences) > 3000
    differing = [s for s in sentences
                 if not _same_scores(analyzer.polarity_scores(s), polarity.scores(s))]
    assert differing == []


def _vader_on_every_sentence(scorers):
    """The scorers, with SentimentScorer calling polarity_scores on every sentence."""
    import copy

    out = []
    for scorer in scorers:
        if isinstance(scorer, SentimentScorer):
            scorer = copy.copy(scorer)
            scorer._polarity = _Polarity(scorer.analyzer_, shortcut=False)
        out.append(scorer)
    return out


def test_extract_features_equals_vader_on_every_sentence_on_allsides(allsides_sample):
    fitted = [scorer.fit() for scorer in default_scorers()]
    reference = extract_features(allsides_sample, _vader_on_every_sentence(fitted))
    fast = extract_features(allsides_sample, fitted)
    assert fast.columns.equals(reference.columns) and fast.index.equals(reference.index)
    differing = [c for c in fast.columns
                 if not np.array_equal(fast[c].to_numpy(), reference[c].to_numpy())]
    assert differing == []


# -- shared quotations and breaks -----------------------------------------------------------

def test_shared_batches_finds_quotes_and_breaks_once_per_batch():
    texts = ['He said "we will comply." Then he left.', "Sen. Cruz spoke.\nYes"]
    offsets = _spans.layout(texts)
    with _spans.shared_batches():
        first = _spans.quote_spans(texts, offsets)
        # the same texts as new str objects (as a pandas string column hands them out)
        again = _spans.quote_spans([str(t.encode().decode()) for t in texts], offsets)
        assert all(a is b for a, b in zip(first, again, strict=True))
        assert not first[0].flags.writeable
        breaks = _spans.sentence_breaks(texts, offsets)
        assert _spans.sentence_breaks(texts, offsets) is breaks
        other = _spans.quote_spans(texts[:1], _spans.layout(texts[:1]))
        assert other[0] is not first[0]
    outside = _spans.quote_spans(texts, offsets)
    assert outside[0] is not first[0] and outside[0].flags.writeable
    np.testing.assert_array_equal(outside[0], first[0])


def test_grouped_break_pattern_equals_one_lookbehind_per_abbreviation(allsides_sample):
    one_each = "".join(f"(?<!\\b{a}\\.)" for a in dict.fromkeys(_spans._ABBREVIATIONS))
    reference = re.compile(
        f"\\n|[.!?;](?<!\\b[A-Za-z]\\.){one_each}(?=[\"\u201d\u2019')\\]]*\\s)")
    texts = [*allsides_sample, "Sen. Ted Cruz, R-Tex., said it. Mr. X. Gov. Y; Calif. ok.",
             "Sept. 5. Sept.x. No. 1. vs. them. e.g. this. D.C. Wash. Mrs. Mr.\n"]
    for text in texts:
        expected = [m.start() for m in reference.finditer(text)]
        assert [m.start() for m in _spans.BREAK_PATTERN.finditer(text)] == expected


def test_quoted_share_counts_every_unicode_space_as_space():
    spaces = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    inside = spaces.replace("\n", "")  # a line break would end the quotation
    text = f'{spaces}Officials said "we{inside}will comply"{spaces}today.'
    scorer = SourcingScorer().set_output(transform="pandas").fit()
    share = scorer.transform([text])["sourcing__quoted_share"].iloc[0]
    non_space = len(text) - sum(map(str.isspace, text))
    quoted = '"we' + "will" + 'comply"'
    assert share == len(quoted) / non_space


# -- n_jobs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("n_jobs", [0, 1.5, "2", True])
def test_bad_n_jobs_is_refused(n_jobs):
    with pytest.raises(ValueError, match="n_jobs"):
        extract_features(pd.Series(["A text."]), n_jobs=n_jobs)


def test_n_jobs_is_refused_for_dask_input():
    dd = pytest.importorskip("dask.dataframe")
    texts = dd.from_pandas(pd.Series(["A text.", "Another."]), npartitions=1)
    with pytest.raises(ValueError, match="dask"):
        extract_features(texts, n_jobs=2)


@pytest.mark.slow
def test_n_jobs_gives_the_same_table_as_one_process(allsides_sample):
    fitted = [scorer.fit() for scorer in default_scorers()]
    texts = allsides_sample.iloc[:60]
    one = extract_features(texts, fitted)
    two = extract_features(texts, fitted, n_jobs=2, batch_size=25)
    pd.testing.assert_frame_equal(two, one, check_exact=True)
