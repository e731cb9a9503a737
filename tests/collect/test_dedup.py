"""find_duplicates: the AllSides subset (known identical body, all rows kept, deterministic)
and a wire story republished by three outlets with their own headers and footers."""

from __future__ import annotations

import pandas as pd
import pytest

from framing.collect import duplicate_pairs, find_duplicates

# A wire story written for this test (not taken from any outlet), about 330 words.
WIRE = (
    "SACRAMENTO, Calif. - State lawmakers on Thursday sent the governor a bill that would "
    "limit how county jails share release dates with federal immigration agents, the latest "
    "turn in a long argument over how far local police should go in enforcing federal law. "
    "The measure passed the Assembly 44 to 29 after a debate that ran past midnight. "
    "Supporters said the bill would let immigrant families report crimes and testify in "
    "court without fear that a traffic stop could end in deportation. Opponents, including "
    "several sheriffs, said it would force jails to release people with long criminal "
    "records instead of handing them to federal officers waiting outside. "
    "Under the bill, a jail could notify immigration agents of a release only when the "
    "person had been convicted of one of a list of serious or violent felonies, or when a "
    "judge had signed a warrant. Detainer requests, which ask a jail to hold someone for up "
    "to 48 hours past the time they would otherwise be freed, would no longer be honored on "
    "their own. The state attorney general would publish a yearly count of notifications. "
    "County budgets would not change, according to the legislative analyst, because jails "
    "already track release dates for other reasons. A federal spokesman said the agency "
    "would keep arresting people in the community if jails stopped cooperating, and that "
    "such arrests put officers and bystanders at greater risk. "
    "The governor has not said whether he will sign the measure. He has 12 days to act. "
    "Advocates planned a rally on the Capitol steps for Saturday, and a coalition of "
    "sheriffs said it would ask for a meeting next week. "
    "Similar bills have passed in four other states since 2017, and courts have so far "
    "upheld the ones that were challenged, finding that states may decide how their own "
    "employees spend their time. A separate lawsuit over federal grant conditions tied to "
    "jail cooperation is still pending before an appeals court, and lawyers on both sides "
    "expect the question to reach the Supreme Court within two years."
)


def _wire_corpus() -> pd.DataFrame:
    rows = {
        "outlet-a-1": ("2019-09-13", "By Maria Lopez, Associated Press | Published 6:02 a.m. "
                       "| Updated 9:14 a.m. Share this story on Facebook Share on Twitter "
                       "Email " + WIRE + " Copyright 2019 The Associated Press. All rights "
                       "reserved. This material may not be published, broadcast, rewritten "
                       "or redistributed. Sign up for our morning newsletter."),
        "outlet-b-1": ("2019-09-12", "ASSOCIATED PRESS. " + WIRE + " Related coverage: "
                       "Sheriffs split over jail rules; What the new law means for "
                       "commuters; Five things to know about the state budget. Have a news "
                       "tip? Contact the metro desk."),
        "outlet-c-1": ("2019-09-13", "Politics | State news | 4 min read. " + WIRE +
                       " Advertisement. Comments are closed for this story. Read more "
                       "politics coverage and subscribe for unlimited access."),
        "outlet-c-2": ("2019-09-14", "An editorial: the legislature was right to act, and "
                       "the governor should sign the jail bill. Our county has lived under a "
                       "similar rule since 2015 and crime has not risen; residents call the "
                       "police more often, not less, according to the sheriff's own annual "
                       "report. The measure is modest and the arguments against it rest on "
                       "fears the record does not support."),
        "outlet-d-1": ("2019-09-15", ""),
        "outlet-d-2": ("2019-09-15", ""),
        "outlet-e-1": ("2019-09-15", "Brief: Council meets Tuesday."),
        "outlet-e-2": ("2019-09-16", "brief:  council MEETS tuesday"),
    }
    frame = pd.DataFrame({"date": pd.to_datetime([d for d, _ in rows.values()], utc=True),
                          "text": [t for _, t in rows.values()]},
                         index=pd.Index(list(rows), name="article_id"))
    return frame


def test_wire_story_republished_by_three_outlets():
    corpus = _wire_corpus()
    flags = find_duplicates(corpus)
    pairs = flags.attrs["pairs"]
    print("\n" + pairs.to_string())
    # the earliest copy (outlet B, a day earlier) is the original of the three
    assert flags["outlet-a-1"] == "outlet-b-1"
    assert flags["outlet-c-1"] == "outlet-b-1"
    assert pd.isna(flags["outlet-b-1"])
    near = pairs[pairs["kind"] == "near"]
    assert len(near) == 3 and near["jaccard"].between(0.7, 1).all()
    # an editorial on the same subject, empty bodies and distinct texts are not duplicates
    assert pd.isna(flags["outlet-c-2"])
    assert pd.isna(flags["outlet-d-1"]) and pd.isna(flags["outlet-d-2"])
    # short texts: only exact (token-identical) matches
    assert flags["outlet-e-2"] == "outlet-e-1"
    assert flags.name == "duplicate_of" and flags.index.equals(corpus.index)


def test_order_of_rows_does_not_change_the_result():
    corpus = _wire_corpus()
    expected = find_duplicates(corpus)
    shuffled = corpus.sample(frac=1.0, random_state=3)
    assert find_duplicates(shuffled).reindex(corpus.index).equals(expected)


@pytest.mark.slow
def test_allsides_known_duplicate_flagged_all_rows_kept_deterministic(allsides):
    first = find_duplicates(allsides)
    second = find_duplicates(allsides)
    pairs = first.attrs["pairs"]
    print(f"\n{first.notna().sum()} of {len(allsides)} AllSides articles flagged:")
    print(pairs.to_string())
    assert len(first) == len(allsides) == 2027
    assert first.index.equals(allsides.index)
    assert first["QPcxmz7aZupgyo34"] == "POd21VKtUvHmjVVm"
    assert pd.isna(first["POd21VKtUvHmjVVm"])
    assert first.equals(second)
    assert pairs.equals(second.attrs["pairs"])
    # the corpus's own exact-duplicate flags are a subset of ours
    theirs = allsides["meta_duplicate_of"].dropna()
    assert (first.loc[theirs.index] == theirs).all()


def test_parameters_are_checked():
    with pytest.raises(ValueError):
        duplicate_pairs(_wire_corpus(), threshold=0)
