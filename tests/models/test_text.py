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
