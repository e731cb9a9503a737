"""OutletSignatureStripper: generic rules, names and shingles learned from training outlets."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest
from sklearn.base import clone

from framing.models import OutletSignatureStripper, strip_outlet_signatures

# Each text carries one kind of signature; the framing ("illegal aliens") must survive.
DATELINE = "WASHINGTON (Reuters) - Illegal aliens crossed the border, officials said."
CNN = "Washington (CNN) The Senate voted on the bill."
BYLINE = "By Jane Doe and John Roe\nThe county ended its detainer policy."
CREDIT = "The vote was 5-2. The Associated Press contributed to this report."
PROMO = "Sanctuary cities face cuts.\nSign up for our Daily Opinion newsletter here"
PHOTO = "Migrants wait in Tijuana. REUTERS/Mike Blake (AP Photo/Evan Vucci)"
PARTY = "Sen. John Smith (R-Texas) opposed the plan."
LINKS = "Read the ruling at https://example.com/ruling or email tips@example.org today."


@pytest.mark.parametrize("text, removed, kept", [
    (DATELINE, "(Reuters)", "Illegal aliens crossed the border"),
    (CNN, "(CNN)", "The Senate voted on the bill."),
    (BYLINE, "Jane Doe", "The county ended its detainer policy."),
    (CREDIT, "contributed", "The vote was 5-2."),
    (PROMO, "Sign up", "Sanctuary cities face cuts."),
    (PHOTO, "REUTERS/Mike Blake", "Migrants wait in Tijuana."),
    (LINKS, "example.com", "Read the ruling at"),
    (LINKS, "tips@", "today."),
])
def test_generic_rules_remove_signatures_and_keep_the_story(text, removed, kept):
    generic = OutletSignatureStripper(names=False, shingles=False)
    out = generic.fit([text]).transform([text])[0]
    assert removed not in out
    assert kept in out


def test_party_tag_is_not_a_dateline():
    generic = OutletSignatureStripper(names=False, shingles=False)
    assert generic.fit([PARTY]).transform([PARTY]) == [PARTY]


def _corpus():
    """Two outlets with a promo line each, and shared news wording across outlets."""
    shared = ["the mayor defended the sanctuary policy on monday",
              "federal agents arrested twelve people in the raid",
              "the council debated the detainer requests for hours",
              "advocates said families were afraid to report crimes"]
    texts, groups = [], []
    for i in range(8):
        texts.append(f"Acme Daily reports: {shared[i % 4]} number {i}. "
                     "Get the Acme briefing delivered to your inbox every morning")
        groups.append("Acme Daily")
        texts.append(f"{shared[(i + 1) % 4]} again {i}. Zenith Post readers can "
                     "follow our border coverage all week long online")
        groups.append("Zenith Post - News")
    return texts, groups


def test_names_and_shingles_are_learned_per_outlet():
    texts, groups = _corpus()
    stripper = OutletSignatureStripper().fit(texts, groups=groups)
    assert "Acme Daily" in stripper.names_["Acme Daily"]
    assert "Zenith Post" in stripper.names_["Zenith Post - News"]  # desk suffix dropped
    owners = set(stripper.shingles_.values())
    assert owners == {"Acme Daily", "Zenith Post - News"}
    # news wording shared by both outlets is framing, not a signature
    assert not any("sanctuary policy" in s for s in stripper.shingles_)
    out = stripper.transform(texts[:2])
    assert "Acme" not in out[0] and "inbox" not in out[0]
    assert "sanctuary policy" in out[0]
    assert "follow our border coverage" not in out[1]
    table = stripper.signatures_
    assert list(table.columns) == ["pattern", "kind", "outlet", "n_docs", "share"]
    assert set(table["kind"]) == {"name", "shingle"}


def test_nothing_is_learned_about_an_outlet_absent_from_training():
    texts, groups = _corpus()
    train = [t for t, g in zip(texts, groups, strict=True) if g == "Acme Daily"]
    stripper = OutletSignatureStripper().fit(train, groups=["Acme Daily"] * len(train))
    unseen = texts[1]
    assert stripper.transform([unseen]) == [" ".join(unseen.split())]
    assert set(stripper.names_) == {"Acme Daily"}


def test_without_groups_only_generic_rules_apply():
    texts, _ = _corpus()
    with pytest.warns(UserWarning, match="without groups: only the generic rules"):
        stripper = OutletSignatureStripper().fit(texts)
    assert stripper.shingles_ == {} and stripper.names_ == {}
    assert "Acme Daily" in stripper.transform(texts[:1])[0]


def test_report_and_explain():
    texts, groups = _corpus()
    stripper = OutletSignatureStripper().fit(texts, groups=groups)
    report = stripper.report(pd.Series(texts, index=[f"r{i}" for i in range(len(texts))]),
                             groups=pd.Series(groups, index=[f"r{i}" for i in range(len(texts))]))
    assert list(report.columns) == ["pattern", "rule", "outlet", "count", "n_chars"]
    assert {"name", "shingle"} <= set(report["rule"])
    assert report["count"].is_monotonic_decreasing
    spans = stripper.explain(DATELINE)
    assert list(spans.columns) == ["start", "end", "text", "rule"]
    assert spans["rule"].tolist() == ["dateline"]
    assert DATELINE[spans["start"][0]:spans["end"][0]] == spans["text"][0]


def test_one_word_name_that_is_an_ordinary_word_is_kept():
    texts = ["Time will tell, said the mayor of the town. time passes"] * 3 + [
        "Other news from elsewhere about the border fence today"] * 3
    groups = ["Time Magazine"] * 3 + ["Other Outlet"] * 3
    stripper = OutletSignatureStripper(shingles=False).fit(texts, groups=groups)
    assert "Time" not in stripper.names_["Time Magazine"]


def test_empty_non_ascii_clone_pickle():
    texts, groups = _corpus()
    texts = [*texts, "", "Niños y niñas — 移民 (EFE) reportan"]
    groups = [*groups, "Acme Daily", "Zenith Post - News"]
    stripper = OutletSignatureStripper().fit(texts, groups=groups)
    out = stripper.transform(texts)
    assert out[-2] == "" and "移民" in out[-1]
    again = pickle.loads(pickle.dumps(stripper))
    assert again.transform(texts) == out
    assert clone(stripper).fit(texts, groups=groups).transform(texts) == out


def test_strip_outlet_signatures_helper_and_series_input():
    series = pd.Series([CNN, DATELINE], index=["a", "b"])
    assert strip_outlet_signatures(series)[0] == "The Senate voted on the bill."


def test_groups_length_checked():
    with pytest.raises(ValueError, match="groups"):
        OutletSignatureStripper().fit(["a", "b"], groups=["x"])


# -- memory= : the fit's cache is a parameter, never hidden module state ------------------

@pytest.fixture
def count_learning(monkeypatch):
    """How many times the stripper really learned shingles (not loaded them from a cache)."""
    calls = []
    learn_shingles = OutletSignatureStripper._learn_shingles

    def counted(self, texts, groups):
        calls.append(len(texts))
        return learn_shingles(self, texts, groups)

    monkeypatch.setattr(OutletSignatureStripper, "_learn_shingles", counted)
    return calls


def test_fit_without_memory_keeps_no_hidden_cache(count_learning):
    texts, groups = _corpus()
    OutletSignatureStripper().fit(texts, groups=groups)
    OutletSignatureStripper().fit(texts, groups=groups)
    assert count_learning == [len(texts), len(texts)]


@pytest.mark.parametrize("as_memory", [str, lambda p: p, lambda p: __import__(
    "joblib").Memory(p, verbose=0)], ids=["str", "path", "joblib.Memory"])
def test_memory_gives_the_same_signatures_and_output(tmp_path, as_memory):
    texts, groups = _corpus()
    plain = OutletSignatureStripper().fit(texts, groups=groups)
    cached = OutletSignatureStripper(memory=as_memory(tmp_path)).fit(texts, groups=groups)
    again = OutletSignatureStripper(memory=as_memory(tmp_path)).fit(texts, groups=groups)
    for fitted in (cached, again):
        assert fitted.names_ == plain.names_
        assert fitted.shingles_ == plain.shingles_
        assert fitted.signature_rows_ == plain.signature_rows_
        assert fitted.transform(texts) == plain.transform(texts)
    assert any(tmp_path.iterdir())  # the cache is on disk, where memory says


def test_second_fit_with_the_same_memory_skips_learning(tmp_path, count_learning):
    texts, groups = _corpus()
    stripper = OutletSignatureStripper(memory=tmp_path)
    stripper.fit(texts, groups=groups)
    clone(stripper).fit(texts, groups=groups)
    assert count_learning == [len(texts)]
    # other outlets or other parameters are other signatures: learned again
    clone(stripper).fit(texts, groups=list(reversed(groups)))
    clone(stripper).set_params(min_docs=2).fit(texts, groups=groups)
    assert len(count_learning) == 3


def test_memory_is_a_parameter_for_clone_and_get_params(tmp_path):
    import joblib

    memory = joblib.Memory(tmp_path, verbose=0)
    stripper = OutletSignatureStripper(memory=memory)
    assert stripper.get_params()["memory"] is memory
    assert OutletSignatureStripper().get_params()["memory"] is None
    copy = clone(stripper)
    assert copy.memory.location == memory.location
    assert clone(OutletSignatureStripper(memory=str(tmp_path))).memory == str(tmp_path)


def test_memory_of_the_wrong_kind_is_refused():
    with pytest.raises(ValueError, match="memory"):
        OutletSignatureStripper(memory=3).fit(["a"], groups=["x"])


def test_stripper_saved_before_memory_existed_still_clones():
    texts, groups = _corpus()
    stripper = OutletSignatureStripper().fit(texts, groups=groups)
    state = stripper.__getstate__()
    del state["memory"]
    old = OutletSignatureStripper.__new__(OutletSignatureStripper)
    old.__setstate__(state)
    assert old.get_params()["memory"] is None
    assert old.transform(texts) == stripper.transform(texts)
    assert clone(old).fit(texts, groups=groups).transform(texts) == stripper.transform(texts)


def test_ideology_pipeline_passes_memory_to_its_stripper(tmp_path, count_learning):
    from framing.models import make_ideology_classifier

    texts, groups = _corpus()
    labels = ["left" if g == "Acme Daily" else "right" for g in groups]
    for _ in range(2):
        clf = make_ideology_classifier("tfidf", strip={"memory": tmp_path})
        clf.fit(texts, labels, strip__groups=groups)
    assert count_learning == [len(texts)]
