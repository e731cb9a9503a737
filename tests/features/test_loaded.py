"""LoadedLanguageScorer: hand-worked rates, exclusions, negation, the index, explanations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.features import LoadedLanguageScorer
from framing.features._loaded import (
    CATEGORY_SOURCES,
    DEFAULT_EXCLUDE,
    INDEX_INTERCEPT,
    INDEX_WEIGHTS,
)
from framing.lexicons import LexiconMatcher, load_lexicon
from framing.utils import check_scorer

pytestmark = pytest.mark.usefixtures("mirror_dir")  # public lexicons come from the mirror

FEATURES = [
    "bias_lexicon", "strong_subjective", "weak_subjective", "hedge", "booster", "intensifier",
    "factive", "assertive", "implicative", "report_verb", "positive", "negative",
    "babe_biased", "mfd_care_virtue", "mfd_care_vice", "mfd_fairness_virtue",
    "mfd_fairness_vice", "mfd_loyalty_virtue", "mfd_loyalty_vice", "mfd_authority_virtue",
    "mfd_authority_vice", "mfd_sanctity_virtue", "mfd_sanctity_vice", "loaded_index",
]

# Tiny named texts, with the words each category should find (worked out by hand).
INTENSIFIER = "Critics slammed the utterly disastrous policy."  # 6 words; "utterly"
BOOSTER = "Clearly, the law is undeniably unfair."  # 6 words; "Clearly", "undeniably"
HEDGE = "The policy may perhaps reduce crime."  # 6 words; "may", "perhaps"
NEGATED = "The plan is not good."  # 5 words; "good" negated: negative, not positive
RESTRICTIONIST = (
    "Illegal aliens are pouring across our wide-open border, and sanctuary cities shield "
    "violent criminal aliens from ICE. This reckless, lawless invasion is a disgrace, and "
    "the radical politicians who defend it are betraying every American family.")
NEUTRAL = (
    "The county board voted 3-2 on Tuesday to limit its cooperation with federal "
    "immigration detainer requests. Officials said the policy takes effect in March and "
    "applies to people held in the county jail.")


@pytest.fixture(scope="module")
def scorer():
    return LoadedLanguageScorer().fit()


def _features(scorer, text: str) -> dict[str, float]:
    values = scorer.transform([text])[0]
    return {name.removeprefix("loaded__"): value
            for name, value in zip(scorer.get_feature_names_out(), values, strict=True)}


def test_common_checks():
    check_scorer(LoadedLanguageScorer())


def test_feature_names_are_stable(scorer):
    assert list(scorer.get_feature_names_out()) == [f"loaded__{n}" for n in FEATURES]
    assert [s[2] for s in CATEGORY_SOURCES] == FEATURES[:-1]


def test_without_babe_lexicon_drops_only_its_feature():
    names = list(LoadedLanguageScorer(babe=False).fit().get_feature_names_out())
    assert names == [f"loaded__{n}" for n in FEATURES if n != "babe_biased"]


@pytest.mark.parametrize(("text", "feature", "rate"), [
    (INTENSIFIER, "intensifier", 1000 / 6),
    (BOOSTER, "booster", 2000 / 6),
    (HEDGE, "hedge", 2000 / 6),
    (NEGATED, "negative", 1000 / 5),
    (NEGATED, "positive", 0.0),
])
def test_hand_worked_rates(scorer, text, feature, rate):
    assert _features(scorer, text)[feature] == pytest.approx(rate)


def test_negated_opinion_word_is_explained_as_negative(scorer):
    spans = scorer.explain(NEGATED)
    good = spans[(spans["text"] == "good") & (spans["lexicon"] == "hu_liu")]
    assert good[["category", "feature"]].values.tolist() == [["negative", "loaded__negative"]]
    assert good["negated"].all()


def test_rates_do_not_depend_on_length(scorer):
    once = scorer.transform([RESTRICTIONIST])
    many = scorer.transform([" ".join([RESTRICTIONIST] * 200)])
    np.testing.assert_allclose(many, once, rtol=1e-9)


def test_index_is_its_documented_formula(scorer):
    out = pd.DataFrame(scorer.transform([RESTRICTIONIST, NEUTRAL, ""]),
                       columns=scorer.get_feature_names_out())
    rates = out.drop(columns="loaded__loaded_index")
    expected = INDEX_INTERCEPT + sum(
        weight * rates[f"loaded__{name}"] for name, weight in INDEX_WEIGHTS.items())
    np.testing.assert_allclose(out["loaded__loaded_index"], expected)
    assert set(INDEX_WEIGHTS) == set(FEATURES) - {"babe_biased", "loaded_index"}


def test_loaded_text_outranks_neutral_report_on_the_same_policy(scorer):
    index = scorer.transform([RESTRICTIONIST, NEUTRAL])[:, -1]
    assert index[0] > index[1] + 1.0


def test_explain_shows_the_loaded_terms_and_what_they_feed(scorer):
    spans = scorer.explain(RESTRICTIONIST)
    for column in ("lexicon", "negated", "index_weight"):
        assert column in spans.columns
    assert set(spans["feature"]) <= set(scorer.get_feature_names_out())
    found = {(t.lower(), f) for t, f in zip(spans["text"], spans["category"], strict=True)}
    for expected in [("illegal", "negative"), ("illegal", "mfd_authority_vice"),
                     ("reckless", "negative"), ("disgrace", "strong_subjective")]:
        assert expected in found
    weights = spans.set_index("category")["index_weight"]
    assert weights.loc["negative"].iloc[0] == INDEX_WEIGHTS["negative"]


def test_explain_agrees_with_transform(scorer):
    """The spans explain gives are exactly what the rates count."""
    text = RESTRICTIONIST + " It is not fair, and it is certainly not good. " + NEUTRAL
    spans = scorer.explain(text)
    n_words = scorer.matcher_.count([text])[1][0]
    counted = spans.groupby("feature")["weight"].sum() * 1000 / n_words
    out = pd.Series(scorer.transform([text])[0], index=scorer.get_feature_names_out())
    rates = out.drop("loaded__loaded_index")
    pd.testing.assert_series_equal(counted.reindex(rates.index, fill_value=0.0), rates,
                                   check_names=False)


def test_default_exclusions_are_reported_not_silent(scorer):
    excluded = scorer.excluded_terms_
    assert set(excluded["term"].str.lower()) == set(DEFAULT_EXCLUDE)
    assert {("hu_liu", "trump"), ("mpqa", "trump"), ("hu_liu", "undocumented"),
            ("mfd2", "united")} <= set(zip(excluded["lexicon"], excluded["term"], strict=True))
    text = "Trump met undocumented immigrants in the United States to discuss reform."
    default = _features(scorer, text)
    assert default["positive"] == default["negative"] == default["mfd_loyalty_virtue"] == 0
    kept = _features(LoadedLanguageScorer(exclude=()).fit(), text)
    assert kept["positive"] > 0 and kept["negative"] > 0 and kept["mfd_loyalty_virtue"] > 0
    assert LoadedLanguageScorer(exclude=()).fit().excluded_terms_.empty


def test_illegal_is_kept_on_purpose(scorer):
    assert _features(scorer, "Illegal immigrants crossed.")["mfd_authority_vice"] > 0


def test_exclude_must_be_a_sequence():
    with pytest.raises(TypeError, match="sequence"):
        LoadedLanguageScorer(exclude="trump").fit()


def test_one_matcher_serves_every_category(scorer):
    assert isinstance(scorer.matcher_, LexiconMatcher)
    assert len(scorer.matcher_.categories_) == len(FEATURES) - 1


@pytest.mark.parametrize("name", ["boosters", "intensifiers"])
def test_authored_lexicons_are_documented_and_matchable(name):
    lexicon = load_lexicon(name)
    entries = lexicon.entries
    assert 40 <= len(entries) <= 80
    assert entries["term"].is_unique
    assert (entries["evidence"].str.len() > 10).all()
    assert entries["subtype"].notna().all()
    assert ("Hyland" if name == "boosters" else "Quirk") in lexicon.citation
    assert LexiconMatcher(lexicon).skipped_terms_.empty


def test_boosters_and_intensifiers_do_not_overlap():
    boosters = set(load_lexicon("boosters").entries["term"])
    intensifiers = set(load_lexicon("intensifiers").entries["term"])
    assert not boosters & intensifiers


def test_booster_phrases_and_inflections_match(scorer):
    spans = scorer.explain("It was, of course, proven beyond doubt; he made clear he won.")
    boosters = spans[spans["category"] == "booster"]
    assert sorted(boosters["text"]) == ["beyond doubt", "made clear", "of course", "proven"]


@pytest.mark.slow
def test_frozen_index_weights_match_their_fitting_procedure():
    """Regression guard: the weights in _loaded.py are the BABE fit the docs describe."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from framing.datasets import fetch_babe

    babe = fetch_babe("SG2")
    babe = babe[babe["label_bias"] != "No agreement"]
    scorer = LoadedLanguageScorer(babe=False).fit()
    rates = scorer.transform(babe["text"])[:, :-1]
    y = (babe["label_bias"] == "Biased").to_numpy()
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)).fit(rates, y)
    raw = model[1].coef_[0] / model[0].scale_
    names = [n.removeprefix("loaded__") for n in scorer.get_feature_names_out()[:-1]]
    np.testing.assert_allclose([INDEX_WEIGHTS[n] for n in names], raw, rtol=1e-4, atol=1e-8)
    intercept = model[1].intercept_[0] - (raw * model[0].mean_).sum()
    assert INDEX_INTERCEPT == pytest.approx(intercept, abs=1e-4)


@pytest.mark.slow
def test_real_restrictionist_opinion_ranks_high_on_allsides():
    """On the 2,027 AllSides articles, openly restrictionist opinion pieces rank high."""
    from framing.datasets import fetch_allsides

    articles = fetch_allsides()
    index = pd.Series(LoadedLanguageScorer().fit().transform(articles["text"])[:, -1],
                      index=articles.index)
    percentile = index.rank(pct=True)
    cancer = articles["title"].str.contains("Illegal Immigration Is A Cancer", regex=False)
    assert cancer.sum() == 1 and percentile[cancer].iloc[0] > 0.99
    aliens = articles["text"].str.count(r"(?i)\billegal aliens?\b") >= 3
    assert aliens.sum() >= 20 and percentile[aliens].median() > 0.7
