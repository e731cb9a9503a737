"""TermChoiceScorer: hand-worked counts, context and shadow rules, the index, the learned
extension and its log-odds estimator, and the AllSides ordering."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from framing.features import TermChoiceScorer
from framing.features._term_choice import _log_odds_dirichlet
from framing.lexicons import Lexicon, load_lexicon
from framing.utils import check_scorer

CATEGORIES = [
    "restrictionist_label", "pro_immigrant_label", "amnesty", "path_to_citizenship",
    "chain_migration", "family_reunification", "catch_and_release", "open_borders",
    "invasion", "water_metaphor", "illegal_immigration",
]
FEATURES = CATEGORIES + ["restrictionist_per_1k", "pro_immigrant_per_1k", "restrictionist_index"]

# A loaded, restrictionist paragraph (authored for this test), and a neutral one.
RESTRICTIONIST = (
    "Illegal aliens are pouring across our open borders while Democrats push amnesty and "
    "chain migration. This invasion of illegals at the border must end, and so must catch "
    "and release. Criminal aliens are flooding into sanctuary cities.")
NEUTRAL = (
    "The county board voted 3-2 on Tuesday to limit its cooperation with federal "
    "immigration detainer requests. Officials said the policy takes effect in March.")
PRO = ("Undocumented immigrants and their families want a path to citizenship and family "
       "reunification, advocates said.")


@pytest.fixture(scope="module")
def scorer():
    return TermChoiceScorer().fit()


def _features(scorer, text: str) -> dict[str, float]:
    values = scorer.transform([text])[0]
    return {name.removeprefix("term_choice__"): value
            for name, value in zip(scorer.get_feature_names_out(), values, strict=True)}


def _categories(scorer, text: str) -> list[tuple[str, str]]:
    return [(row.text, row.category) for row in scorer.explain(text).itertuples()]


def test_common_checks():
    check_scorer(TermChoiceScorer())


def test_common_checks_quotes_excluded():
    check_scorer(TermChoiceScorer(quotes="exclude"))


def test_common_checks_with_learned_terms():
    texts = ["illegal aliens flood in again"] * 12 + ["undocumented immigrants work hard"] * 12
    learned = TermChoiceScorer.learn(texts, ["right"] * 12 + ["left"] * 12, n_terms=3,
                                     min_count=5)
    check_scorer(TermChoiceScorer(learned=learned))


def test_feature_names_are_stable(scorer):
    assert list(scorer.get_feature_names_out()) == [f"term_choice__{n}" for n in FEATURES]


def test_restrictionist_paragraph_hand_counted(scorer):
    # 37 words. Restrictionist: Illegal aliens, pouring (border), open borders, amnesty,
    # chain migration, invasion (border), illegals, catch and release, Criminal aliens,
    # flooding = 10; pro-immigrant 0.
    features = _features(scorer, RESTRICTIONIST)
    assert features["restrictionist_label"] == pytest.approx(3 * 1000 / 37)
    assert features["water_metaphor"] == pytest.approx(2 * 1000 / 37)
    for name in ("amnesty", "chain_migration", "invasion", "catch_and_release",
                 "open_borders"):
        assert features[name] == pytest.approx(1000 / 37), name
    assert features["restrictionist_per_1k"] == pytest.approx(10 * 1000 / 37)
    assert features["pro_immigrant_per_1k"] == 0
    rate = 10 * 1000 / 37
    assert features["restrictionist_index"] == pytest.approx(rate / (rate + 1))


def test_explain_shows_the_loaded_terms(scorer):
    spans = scorer.explain(RESTRICTIONIST)
    assert [t for t, _ in _categories(scorer, RESTRICTIONIST)] == [
        "Illegal aliens", "pouring", "open borders", "amnesty", "chain migration", "invasion",
        "illegals", "catch and release", "Criminal aliens", "flooding"]
    assert (spans["side"] == 1).all()
    # The nearest context word licenses each metaphor ("aliens are pouring", "Criminal
    # aliens are flooding").
    assert spans.loc[spans["category"] == "water_metaphor", "context"].tolist() == [
        "aliens", "aliens"]
    assert spans.loc[spans["category"] == "invasion", "context"].tolist() == ["illegals"]
    for row in spans.itertuples():
        assert RESTRICTIONIST[row.start:row.end] == row.text
        assert row.feature == f"term_choice__{row.category}"


def test_pro_immigrant_and_neutral_texts(scorer):
    # 15 words: undocumented, path to citizenship, family reunification.
    features = _features(scorer, PRO)
    assert features["pro_immigrant_per_1k"] == pytest.approx(3 * 1000 / 15)
    assert features["restrictionist_index"] < -0.99
    neutral = _features(scorer, NEUTRAL)
    assert all(value == 0 for value in neutral.values())


def test_index_sign_balance_and_bounds(scorer):
    balanced = _features(scorer, "Illegal immigrants and undocumented workers met.")
    assert balanced["restrictionist_index"] == 0
    one_term = " ".join(["word"] * 999 + ["amnesty"])  # one term per 1,000 words
    assert _features(scorer, one_term)["restrictionist_index"] == pytest.approx(0.5)
    index = scorer.transform([RESTRICTIONIST, PRO, NEUTRAL, ""])[:, -1]
    assert np.all(np.abs(index) < 1)


def test_index_does_not_depend_on_length(scorer):
    short = scorer.transform([RESTRICTIONIST + " " + PRO])
    long = scorer.transform([" ".join([RESTRICTIONIST + " " + PRO] * 50)])
    np.testing.assert_allclose(long, short, rtol=1e-12)


def test_smoothing_parameter():
    text = " ".join(["word"] * 999 + ["amnesty"])
    sharp = TermChoiceScorer(smoothing=0).fit()
    assert sharp.transform([text])[0, -1] == 1.0
    assert sharp.transform(["no terms here"])[0, -1] == 0.0
    with pytest.raises(ValueError, match="smoothing"):
        TermChoiceScorer(smoothing=-1).fit()


def test_illegals_does_not_inflect_to_the_adjective(scorer):
    assert _categories(scorer, "An illegal act by the illegals.") == [
        ("illegals", "restrictionist_label")]


def test_longest_match_counts_a_phrase_once(scorer):
    assert _categories(scorer, "Undocumented immigrants rallied.") == [
        ("Undocumented", "pro_immigrant_label")]
    assert _categories(scorer, "Illegal immigrants arrived.") == [
        ("Illegal immigrants", "restrictionist_label")]


def test_shadows_hide_other_senses(scorer):
    assert _categories(scorer, "Amnesty International criticised migrant camps.") == []
    assert _categories(scorer, "A blue wave of voters, and a heat wave, hit border towns.") == []
    assert _categories(scorer, "Immigrants fear the troop surge at the border.") == []
    assert _categories(scorer, "Congress debated amnesty.") == [("amnesty", "amnesty")]


def test_metaphors_need_an_immigration_word_in_the_sentence(scorer):
    assert _categories(scorer, "A wave of migrants reached Texas.") == [
        ("wave", "water_metaphor")]
    assert _categories(scorer, "Migrants surged across the border.") == [
        ("surged", "water_metaphor")]
    assert _categories(scorer, "The Rio Grande floods every spring.") == []
    # The context word sits in the next sentence: no match.
    assert _categories(scorer, "The river floods every spring. Migrants cross later.") == []
    assert _categories(scorer, "The invasion of Iraq began in 2003.") == []
    assert _categories(scorer, "She waved at the migrants.") == []  # not inflected


def test_context_window_parameter():
    text = "A surge " + "of " * 30 + "migrants."  # 'migrants' is 99 characters away
    assert TermChoiceScorer().fit().transform([text])[0, CATEGORIES.index("water_metaphor")] == 0
    wide = TermChoiceScorer(context_window=120).fit()
    assert wide.transform([text])[0, CATEGORIES.index("water_metaphor")] > 0


def test_acronym_context_is_case_sensitive(scorer):
    assert _categories(scorer, "ICE agents flooded the neighborhood.") == [
        ("flooded", "water_metaphor")]
    assert _categories(scorer, "Melting ice flooded the neighborhood.") == []


def test_negation_does_not_change_term_choice(scorer):
    assert _categories(scorer, "This is not amnesty.") == [("amnesty", "amnesty")]


def test_quotes_excluded_scores_the_outlet_voice():
    text = ('"Illegal aliens must go," the senator said of the undocumented workers, who '
            'call it an "invasion" of their rights at the border.')
    included = TermChoiceScorer().fit()
    excluded = TermChoiceScorer(quotes="exclude").fit()
    assert [c for _, c in _categories(included, text)] == [
        "restrictionist_label", "pro_immigrant_label", "invasion"]
    assert _categories(excluded, text) == [("undocumented", "pro_immigrant_label")]
    assert included.explain(text)["in_quote"].tolist() == [True, False, True]
    assert excluded.transform([text])[0, -1] < 0 < included.transform([text])[0, -1]


def test_multiparagraph_quote_is_excluded():
    text = 'He said: "Amnesty is wrong.\n\n"Open borders are wrong too." Undocumented.'
    excluded = TermChoiceScorer(quotes="exclude").fit()
    assert _categories(excluded, text) == [("Undocumented", "pro_immigrant_label")]


def test_non_ascii_and_empty(scorer):
    out = scorer.transform(["", "Los inmigrantes indocumentados — «¿por qué?» 移民 🙂",
                            "Naïve “illegal aliens” ­— café"])
    assert np.isfinite(out).all()
    assert out[0].tolist() == [0.0] * len(FEATURES)
    assert out[2, 0] > 0


def test_pandas_output_keeps_index(scorer):
    series = pd.Series([RESTRICTIONIST, PRO], index=["a", "b"])
    frame = clone(scorer).set_output(transform="pandas").fit(series).transform(series)
    assert list(frame.index) == ["a", "b"]


def test_custom_lexicon_needs_sides():
    lex = Lexicon.from_dict({"r": ["illegal alien"], "p": ["undocumented"]}, name="mini")
    with pytest.raises(ValueError, match="side"):
        TermChoiceScorer(lexicon=lex).fit()
    entries = lex.entries.assign(side=["restrictionist", "pro_immigrant"], context="")
    mini = TermChoiceScorer(lexicon=Lexicon(name="mini", entries=entries)).fit()
    assert list(mini.get_feature_names_out()) == [
        "term_choice__r", "term_choice__p", "term_choice__restrictionist_per_1k",
        "term_choice__pro_immigrant_per_1k", "term_choice__restrictionist_index"]
    assert mini.transform(["illegal aliens"])[0, -1] > 0


def test_lexicon_rows_have_evidence():
    entries = load_lexicon("immigration_terms").entries
    assert entries["evidence"].str.len().min() > 10
    assert set(entries["side"]) == {"restrictionist", "pro_immigrant", "neutral", "shadow",
                                    "context"}
    assert set(entries["context"]) <= {"", "immigration"}
    # Each category sits on exactly one side of the index.
    assert entries.groupby("category")["side"].nunique().max() == 1


# -- the learned extension --------------------------------------------------------------


def test_log_odds_dirichlet_hand_worked():
    # alpha_0 = 2, n = 40 in each group: delta_0 = 2 log(31/11), var = 1/31 + 1/11.
    delta, variance, z = _log_odds_dirichlet([30, 10], [10, 30], [1, 1])
    assert delta[0] == pytest.approx(2 * np.log(31 / 11))
    assert variance[0] == pytest.approx(1 / 31 + 1 / 11)
    assert z[0] == pytest.approx(delta[0] / np.sqrt(variance[0]))
    np.testing.assert_allclose(delta[1], -delta[0])


def test_log_odds_dirichlet_symmetry_and_equal_use():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 50, 20), rng.integers(0, 50, 20)
    prior = rng.uniform(0.1, 2, 20)
    d_ab, v_ab, z_ab = _log_odds_dirichlet(a, b, prior)
    d_ba, v_ba, z_ba = _log_odds_dirichlet(b, a, prior)
    np.testing.assert_allclose(d_ab, -d_ba)
    np.testing.assert_allclose(v_ab, v_ba)
    same, _, z_same = _log_odds_dirichlet(a, a, prior)
    np.testing.assert_allclose(same, 0, atol=1e-12)
    with pytest.raises(ValueError):
        _log_odds_dirichlet([1, 2], [1, 2], [0, 1])


def test_learn_finds_the_separating_terms_and_stays_apart():
    right = ["Illegal aliens crossed the border, officials said."] * 10
    left = ["Undocumented immigrants crossed the border, officials said."] * 10
    groups = ["right"] * 10 + ["left"] * 10 + ["center"] * 3
    texts = right + left + ["Amnesty was debated."] * 3  # center texts are ignored
    learned = TermChoiceScorer.learn(texts, groups, min_count=5)
    entries = learned.entries.set_index("term")
    assert entries.loc["illegal aliens", "category"] == "right"
    assert entries.loc["undocumented immigrants", "category"] == "left"
    assert "border" not in entries.index and "officials" not in entries.index  # shared
    assert (entries.loc[entries["side"] == "positive", "z"] > 1.96).all()
    plain = TermChoiceScorer().fit()
    extended = TermChoiceScorer(learned=learned).fit()
    names = list(extended.get_feature_names_out())
    assert names[:len(FEATURES)] == list(plain.get_feature_names_out())
    assert names[len(FEATURES):] == ["term_choice__learned_right", "term_choice__learned_left",
                                     "term_choice__learned_index"]
    out = extended.transform([right[0], left[0]])
    # The authored features are untouched by the learned extension.
    np.testing.assert_array_equal(out[:, :len(FEATURES)], plain.transform([right[0], left[0]]))
    assert out[0, -1] > 0 > out[1, -1]
    assert "learned_right" in set(extended.explain(right[0])["feature"].str[13:])


def test_learn_min_outlets_drops_one_outlet_boilerplate():
    texts = (["Illegal aliens crossed. Subscribe to the Daily Planet."] * 10
             + ["Illegal aliens crossed."] * 10 + ["Undocumented immigrants crossed."] * 20)
    groups = ["right"] * 20 + ["left"] * 20
    outlets = ["planet"] * 10 + [f"r{i % 5}" for i in range(10)] + [
        f"l{i % 5}" for i in range(20)]
    learned = TermChoiceScorer.learn(texts, groups, outlets=outlets, min_count=5,
                                     min_outlets=3)
    assert "daily planet" not in set(learned.entries["term"])
    assert "illegal aliens" in set(learned.entries["term"])
    assert learned.entries["n_outlets"].min() >= 3


def test_learn_is_deterministic_and_picklable():
    texts = ["illegal aliens again"] * 12 + ["undocumented immigrants again"] * 12
    groups = ["right"] * 12 + ["left"] * 12
    one = TermChoiceScorer.learn(texts, groups, min_count=5)
    two = TermChoiceScorer.learn(texts, groups, min_count=5)
    pd.testing.assert_frame_equal(one.entries, two.entries)
    restored = pickle.loads(pickle.dumps(TermChoiceScorer(learned=one).fit()))
    assert restored.transform(texts[:1])[0, -1] > 0


def test_learn_refuses_missing_groups():
    with pytest.raises(ValueError, match="no text of group"):
        TermChoiceScorer.learn(["a b c"] * 4, ["left"] * 4)


# -- real data ------------------------------------------------------------------------


@pytest.mark.slow
def test_allsides_leanings_order_right_center_left(mirror_dir):
    from framing.datasets import fetch_allsides

    articles = fetch_allsides(progress=False)
    index = TermChoiceScorer().fit().transform(articles["text"])[:, -1]
    means = pd.Series(index).groupby(articles["label_allsides"].to_numpy()).mean()
    assert means["right"] > means["center"] > means["left"]
    assert means["right"] > 0.3 and means["left"] < -0.1
