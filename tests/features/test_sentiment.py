"""SentimentScorer (VADER over sentences) and the sentence splitter it uses."""

from __future__ import annotations

import numpy as np
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from framing.features import SentimentScorer
from framing.features._sentences import sentence_spans, split_sentences
from framing.features._sentiment import vader_token_valences
from framing.utils import check_scorer

NEGATIVE = "The detention center was a cruel, filthy disgrace."
NEUTRAL = "The county board met on Tuesday."
POSITIVE = "Families were relieved and grateful."

# Sentences that exercise VADER's rules: negation, "but", capitals, boosters, idioms, emoji.
TRICKY = [
    "Not a good plan.",
    "The policy is good but the rollout was TERRIBLE!!",
    "It is kind of bad, and never so good.",
    "Without a doubt the best deal, no?",
    "I love it \U0001F642 but \U0001F621 now",
    "\u201cWow,\u201d he said \u2014 \u201cterrible.\u201d",
    "The agents were extremely rude and not helpful at all.",
    "least bad option",
]


@pytest.fixture(scope="module")
def scorer():
    return SentimentScorer().fit()


@pytest.fixture(scope="module")
def vader():
    return SentimentIntensityAnalyzer()


def test_common_checks():
    check_scorer(SentimentScorer())


def test_feature_names_are_stable(scorer):
    assert list(scorer.get_feature_names_out()) == [
        "sentiment__compound_mean", "sentiment__compound_sd", "sentiment__positive_mean",
        "sentiment__negative_mean", "sentiment__neutral_mean",
        "sentiment__share_positive_sentences", "sentiment__share_negative_sentences"]


def test_one_sentence_is_vader_on_that_sentence(scorer, vader):
    expected = vader.polarity_scores(NEGATIVE)
    out = scorer.transform([NEGATIVE])[0]
    np.testing.assert_allclose(out, [expected["compound"], 0.0, expected["pos"],
                                     expected["neg"], expected["neu"], 0.0, 1.0])


def test_features_are_means_and_shares_over_sentences(scorer, vader):
    text = f"{NEGATIVE} {NEUTRAL}\n{POSITIVE}"
    scores = [vader.polarity_scores(s) for s in (NEGATIVE, NEUTRAL, POSITIVE)]
    compound = np.array([s["compound"] for s in scores])
    out = scorer.transform([text])[0]
    np.testing.assert_allclose(out, [compound.mean(), compound.std(),
                                     np.mean([s["pos"] for s in scores]),
                                     np.mean([s["neg"] for s in scores]),
                                     np.mean([s["neu"] for s in scores]), 1 / 3, 1 / 3])


def test_long_article_does_not_saturate(scorer, vader):
    paragraph = f"{NEGATIVE} {NEUTRAL} {POSITIVE}"
    article = " ".join([paragraph] * 200)
    # VADER on the whole article saturates; the sentence mean stays where it was.
    assert abs(vader.polarity_scores(article)["compound"]) > 0.99
    np.testing.assert_allclose(scorer.transform([article]), scorer.transform([paragraph]),
                               atol=1e-12)


def test_texts_without_words_score_zero(scorer):
    np.testing.assert_array_equal(scorer.transform(["", "  \n ", "... !!"]), 0.0)


def test_threshold_sets_the_sentence_shares():
    text = "It is fine. It is okay."  # two mildly positive sentences
    low = SentimentScorer(threshold=0.05).fit().transform([text])[0][-2]
    high = SentimentScorer(threshold=0.9).fit().transform([text])[0][-2]
    assert (low, high) == (1.0, 0.0)
    with pytest.raises(ValueError, match="threshold"):
        SentimentScorer(threshold=1.5).fit()


@pytest.mark.parametrize("sentence", TRICKY)
def test_token_valences_reproduce_vader(vader, sentence):
    tokens, valences, text = vader_token_valences(vader, sentence)
    assert vader.score_valence(valences, text) == vader.polarity_scores(sentence)
    for start, end, token in tokens:
        piece = sentence[start:end]
        assert piece == token or any(ch in vader.emojis for ch in piece)


def test_explain_gives_word_valences_as_vader_used_them(scorer):
    spans = scorer.explain("Not a good plan. " + POSITIVE)
    good = spans[spans["term"] == "good"].iloc[0]
    assert good["category"] == "negative" and good["feature"] == "sentiment__negative_mean"
    assert good["lexicon_valence"] == pytest.approx(1.9)
    assert good["weight"] == pytest.approx(1.9 * -0.74)
    assert set(spans["sentence"]) == {0, 1}
    assert spans.loc[spans["term"] == "relieved", "category"].tolist() == ["positive"]


def test_explain_marks_the_emoji_itself(scorer):
    text = "Officials are happy \U0001F642"
    spans = scorer.explain(text)
    assert "\U0001F642" in set(spans["text"])
    assert (spans["text"] == [text[s:e] for s, e in zip(spans["start"], spans["end"],
                                                        strict=True)]).all()


def test_sentences_table_matches_transform(scorer):
    text = f"{NEGATIVE} {NEUTRAL} {POSITIVE}"
    table = scorer.sentences(text)
    assert table["text"].tolist() == [NEGATIVE, NEUTRAL, POSITIVE]
    assert scorer.transform([text])[0][0] == pytest.approx(table["compound"].mean())


# -- the sentence splitter -------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("Sen. Elizabeth Warren and Gov. Newsom met in the U.S. Capitol. It rained.",
     ["Sen. Elizabeth Warren and Gov. Newsom met in the U.S. Capitol.", "It rained."]),
    ("Nancy Pelosi, D-Calif., spoke. Then Rep. Smith left.",
     ["Nancy Pelosi, D-Calif., spoke.", "Then Rep. Smith left."]),
    ("John F. Kennedy Airport was busy at 10 p.m. on Friday. Agents waited.",
     ["John F. Kennedy Airport was busy at 10 p.m. on Friday.", "Agents waited."]),
    ("\u201cChange the laws!\u201d he wrote. Then he left.",
     ["\u201cChange the laws!\u201d he wrote.", "Then he left."]),
    ("Is it the No. 1 issue? No. It is not.", ["Is it the No. 1 issue?", "No.", "It is not."]),
    ("A headline without a stop\nAdvertisement\n\nThe story begins here.",
     ["A headline without a stop", "Advertisement", "The story begins here."]),
    ("He paused... and went on. Done.", ["He paused... and went on.", "Done."]),
    ("Los inmigrantes llegaron. ¿Por qué? 移民 naïve café.",
     ["Los inmigrantes llegaron.", "¿Por qué?", "移民 naïve café."]),
    ("", []),
    ("  \n\t ", []),
])
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_sentence_spans_are_offsets_into_the_text():
    text = "  One sentence here.   Another one!\r\n  A third?  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["One sentence here.", "Another one!", "A third?"]
    assert spans == sorted(spans)
