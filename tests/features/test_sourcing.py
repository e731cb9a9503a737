"""SourcingScorer: quotations, attribution verbs and speaker roles on hand-worked texts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.features import SourcingScorer
from framing.features._spans import layout, quote_spans, sentence_breaks
from framing.lexicons import Lexicon, load_lexicon
from framing.utils import check_scorer

ROLES = ["federal_agency", "police", "advocate", "expert", "official", "immigrant"]
FEATURES = (["quotes_per_1k", "short_quotes_per_1k", "quoted_share", "attributions_per_1k",
             "neutral_verb_per_1k", "loaded_verb_per_1k", "loaded_verb_share",
             "role_identified_share"]
            + [f"{r}_per_1k" for r in ROLES] + [f"{r}_share" for r in ROLES])

# 20 words: one quotation of 5 words (30 characters), "said" (speaker: Sheriff -> police),
# "claimed that" (ICE officials -> federal_agency), "according to" (ACLU -> advocate).
STORY = ('"We will not honor detainers," Sheriff Ana Ruiz said. ICE officials claimed that '
         'crime rose, according to the ACLU.')


@pytest.fixture(scope="module")
def scorer():
    return SourcingScorer().fit()


def _features(scorer, text: str) -> dict[str, float]:
    values = scorer.transform([text])[0]
    return {name.removeprefix("sourcing__"): value
            for name, value in zip(scorer.get_feature_names_out(), values, strict=True)}


def _verbs(scorer, text: str) -> list[tuple[str, str, str]]:
    """(verb as written, neutral/loaded, speaker role or '') for each counted verb."""
    spans = scorer.explain(text)
    verbs = spans[spans["category"].isin(["neutral_verb", "loaded_verb"])]
    return [(r.text, r.category, r.role) for r in verbs.itertuples()]


def test_common_checks():
    check_scorer(SourcingScorer())


def test_feature_names_are_stable(scorer):
    assert list(scorer.get_feature_names_out()) == [f"sourcing__{n}" for n in FEATURES]


def test_story_hand_worked(scorer):
    f = _features(scorer, STORY)
    assert f["quotes_per_1k"] == pytest.approx(1000 / 19)
    assert f["short_quotes_per_1k"] == 0
    # Non-whitespace characters: 26 of the quotation's 30, of the story's 97.
    assert f["quoted_share"] == pytest.approx(26 / (len(STORY) - STORY.count(" ")))
    assert f["attributions_per_1k"] == pytest.approx(3000 / 19)
    assert f["neutral_verb_per_1k"] == pytest.approx(2000 / 19)
    assert f["loaded_verb_per_1k"] == pytest.approx(1000 / 19)
    assert f["loaded_verb_share"] == pytest.approx(1 / 3)
    assert f["role_identified_share"] == 1
    for role in ("police", "federal_agency", "advocate"):
        assert f[f"{role}_per_1k"] == pytest.approx(1000 / 19), role
        assert f[f"{role}_share"] == pytest.approx(1 / 3), role
    assert f["official_per_1k"] == f["immigrant_per_1k"] == f["expert_share"] == 0
    assert _verbs(scorer, STORY) == [("said", "neutral_verb", "police"),
                                     ("claimed that", "loaded_verb", "federal_agency"),
                                     ("according to", "neutral_verb", "advocate")]


def test_explain_links_speakers_and_verbs(scorer):
    spans = scorer.explain(STORY)
    assert spans["category"].tolist() == ["quote", "police", "neutral_verb", "federal_agency",
                                          "loaded_verb", "neutral_verb", "advocate"]
    roles = spans[spans["category"].isin(ROLES)]
    assert roles["verb"].tolist() == ["said", "claimed that", "according to"]
    assert roles["feature"].tolist() == ["sourcing__police_per_1k",
                                         "sourcing__federal_agency_per_1k",
                                         "sourcing__advocate_per_1k"]
    for row in spans.itertuples():
        assert STORY[row.start:row.end] == row.text


def test_quotes_short_long_and_multiparagraph():
    text = ('He called it "amnesty" again. She said: "We will fight this.\n\n'
            '"And we will win in court." Then “done” and «fin».')
    texts = [text]
    start, end = quote_spans(texts, layout(texts))
    found = [text[s:e] for s, e in zip(start, end, strict=True)]
    assert found == ['"amnesty"', '"We will fight this.\n\n"And we will win in court."',
                     "“done”", "«fin»"]
    f = _features(SourcingScorer().fit(), text)
    n_words = 21
    assert f["quotes_per_1k"] == pytest.approx(1000 / n_words)
    assert f["short_quotes_per_1k"] == pytest.approx(3000 / n_words)


def test_unclosed_quote_at_paragraph_end_starts_nothing():
    text = 'He is 5\'10" tall.\n\nThen "yes," he said.'
    start, end = quote_spans([text], layout([text]))
    assert [text[s:e] for s, e in zip(start, end, strict=True)] == ['"yes,"']


def test_sentence_breaks_skip_abbreviations():
    text = "Sen. Ted Cruz, R-Tex., said it. The U.S. agreed; fine.\nNext"
    breaks = sentence_breaks([text], layout([text]))
    assert [text[b] for b in breaks] == [".", ";", ".", "\n"]


def test_verbs_inside_quotations_are_the_sources_words(scorer):
    text = '"The officials said no and claimed that it was over," the mayor told reporters.'
    assert _verbs(scorer, text) == [("told", "neutral_verb", "official")]


def test_loaded_verbs_need_speech(scorer):
    assert _verbs(scorer, "He claimed asylum and the country admitted 50,000 refugees.") == []
    assert _verbs(scorer, "The alleged crime happened in May.") == []
    assert [v[:2] for v in _verbs(scorer, '"It was legal," she claimed.')] == [
        ("claimed", "loaded_verb")]
    assert [v[:2] for v in _verbs(scorer, "Trump admitted that the wall was unfinished.")] == [
        ("admitted that", "loaded_verb")]
    assert [v[:2] for v in _verbs(scorer, "The mayor insisted the city would comply.")] == [
        ("insisted", "loaded_verb")]
    assert _verbs(scorer, "The region boasts high homicide rates.") == []
    assert _verbs(scorer, "Critics called it a partisan slam.") == []


def test_role_priority_within_a_phrase(scorer):
    assert _verbs(scorer, "Police officials said the jail was full.")[0][2] == "police"
    assert _verbs(scorer, "ICE officials said the jail was full.")[0][2] == "federal_agency"
    assert _verbs(scorer, "Immigrant advocates said the jail was full.")[0][2] == "advocate"
    assert _verbs(scorer, "Homeland Security Secretary Kirstjen Nielsen said no.")[0][2] == (
        "federal_agency")


def test_speaker_after_inverted_verbs(scorer):
    assert _verbs(scorer, '"No," said Jane Doe, an ICE spokeswoman.')[0][2] == "federal_agency"
    assert _verbs(scorer, "He was reunited with his son, said his attorney.")[0][2] == (
        "advocate")
    # An appositive before ", said": the speaker is before the verb, not the object after.
    assert _verbs(scorer, "Rep. Ann Lee, a Republican, said Tuesday that the president "
                          "erred.")[0][2] == "official"
    assert _verbs(scorer, "Crime fell, according to a study by the university.")[0][2] == (
        "expert")


def test_no_speaker_for_participles_names_or_across_sentences(scorer):
    assert _verbs(scorer, "Officials defended the camp, saying it was safe.") == [
        ("saying", "neutral_verb", "")]
    assert _verbs(scorer, "Trump said the wall works.") == [("said", "neutral_verb", "")]
    assert _verbs(scorer, "The sheriff left. Smith said it was over.") == [
        ("said", "neutral_verb", "")]
    assert _verbs(scorer, "Official statistics say crime fell.") == [
        ("say", "neutral_verb", "")]


def test_ice_is_case_sensitive(scorer):
    assert _verbs(scorer, "ICE said the raid was planned.")[0][2] == "federal_agency"
    assert _verbs(scorer, "The ice said nothing.")[0][2] == ""


def test_rates_do_not_depend_on_length(scorer):
    short = scorer.transform([STORY])
    long = scorer.transform([" ".join([STORY] * 40)])
    np.testing.assert_allclose(long, short, rtol=1e-12)


def test_role_shares_sum_to_one_when_roles_found(scorer):
    out = pd.DataFrame(scorer.transform([STORY, "Trump said so.", ""]),
                       columns=scorer.get_feature_names_out())
    shares = out[[f"sourcing__{r}_share" for r in ROLES]].sum(axis=1)
    assert shares.tolist() == pytest.approx([1.0, 0.0, 0.0])
    assert out.iloc[2].eq(0).all()


def test_windows_are_parameters():
    text = "The sheriff, who has run the county jail for twenty years without a break, said no."
    assert _verbs(SourcingScorer(speaker_window=80).fit(), text)[0][2] == "police"
    assert _verbs(SourcingScorer(speaker_window=20).fit(), text)[0][2] == ""
    with pytest.raises(ValueError, match="speaker_window"):
        SourcingScorer(speaker_window=-1).fit()


def test_custom_lexicon_is_validated():
    lex = Lexicon.from_dict({"neutral_verb": ["said"], "loaded_verb": ["claimed"]},
                            name="mini")
    with pytest.raises(ValueError, match="kind"):
        SourcingScorer(lexicon=lex).fit()
    entries = pd.concat([lex.entries.assign(kind="verb"),
                         Lexicon.from_dict({"judge": ["judge"]}, name="x").entries.assign(
                             kind="role")], ignore_index=True)
    mini = SourcingScorer(lexicon=Lexicon(name="mini", entries=entries)).fit()
    assert mini.roles_ == ["judge"]
    # No 'context' column: 'claimed' counts with no quotation beside it.
    assert _verbs(mini, "The judge claimed it was fine.") == [
        ("claimed", "loaded_verb", "judge")]
    assert _verbs(mini, "The judge said no.") == [("said", "neutral_verb", "judge")]


def test_lexicon_rows_have_evidence():
    entries = load_lexicon("sourcing").entries
    assert entries.loc[entries["kind"] != "shadow", "evidence"].str.len().min() > 10
    assert set(entries["kind"]) == {"verb", "role", "shadow"}
    assert set(entries["speaker"]) <= {"", "after", "none"}


@pytest.mark.slow
def test_allsides_sourcing_is_plausible(mirror_dir):
    from framing.datasets import fetch_allsides

    articles = fetch_allsides(progress=False)
    scorer = SourcingScorer().set_output(transform="pandas").fit()
    out = scorer.transform(articles["text"])
    assert np.isfinite(out.to_numpy()).all()
    # News articles quote and attribute: most have both, and shares stay in [0, 1].
    assert (out["sourcing__attributions_per_1k"] > 0).mean() > 0.95
    assert (out["sourcing__quotes_per_1k"] > 0).mean() > 0.8
    assert 0.05 < out["sourcing__quoted_share"].median() < 0.4
    assert out.filter(like="_share").to_numpy().max() <= 1
