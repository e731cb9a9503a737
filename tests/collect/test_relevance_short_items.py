"""Short items (a headline, a headline and lead, one sentence) under the sanctuary rules.

The article rule needs a score of 2, one headline mention or two in the body, so a one- or
two-sentence item that names sanctuary cities once beside immigration words used to be
judged not relevant. The recipe's short-item rule (``short_item_chars``, ``short_item``)
lets one mention of a policy phrase decide such an item. Checked here: written examples,
the rule's limits and settings, and the hand-labelled sample of real short items
(``tests/data/relevance_short_items.csv``) against the numbers that
``experiments/validation/relevance_short_items.py`` recorded.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

import framing.collect
from framing.collect import RecipeError, explain_relevance, load_recipe, relevance_report

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# The rules under test are the packaged recipe's (corpora/sanctuary/recipe.toml is kept
# byte-identical to it by test_recipes.py); "old" is the frozen version-1 recipe.
NEW = load_recipe(Path(framing.collect.__file__).parent / "_recipes" / "sanctuary")
OLD = load_recipe(REPO_ROOT / "tests" / "data" / "sanctuary_recipe_v1.toml")
RESULTS = REPO_ROOT / "experiments" / "results" / "relevance_short_items.json"

# (case id, headline, lead): short news items about sanctuary policy; the headline does not
# name it, so only the lead can decide.
SHORT_RELEVANT = [
    ("grant_threat",
     "Justice Department threatens police grants",
     "The Justice Department threatened on Friday to withhold police grants from sanctuary "
     "cities that limit cooperation with federal immigration agents."),
    ("church_shelter",
     "Denver church takes in mother of three",
     "A Methodist church in Denver is sheltering a mother facing deportation, the first "
     "person to be given sanctuary there since immigration agents ordered her to leave."),
    ("congregation_vote",
     "Congregation votes to shelter neighbor",
     "Members of the congregation voted to offer sanctuary to an immigrant facing "
     "deportation."),
    ("quoted_law",
     "Council strengthens city law",
     "The council voted to strengthen the city's \u201csanctuary\u201d law, which bars police "
     "from holding people for immigration agents."),
    ("federal_bill",
     "House passes bill on local jails",
     "The House passed the No Sanctuary for Criminals Act on Thursday."),
]

# (case id, text): short items with "sanctuary" in another sense, or immigration without it.
SHORT_NOT_RELEVANT = [
    ("gun_second_amendment",
     "Three more Virginia counties declared themselves Second Amendment sanctuary counties "
     "on Tuesday."),
    ("gun_quoted", "Supervisors declared the county a Second Amendment \u201csanctuary\u201d on "
                   "Tuesday, vowing not to enforce new gun laws."),
    ("gun_counties_only", "More than 100 sanctuary counties have vowed not to enforce the "
                          "state's new gun laws."),
    ("bird", "Volunteers counted 40 species at the bird sanctuary on Saturday."),
    ("elephant", "The elephant sanctuary took in two elephants retired from a circus."),
    ("figurative_noise", "For many students the reading room is a sanctuary from the noise "
                         "of the dorms."),
    ("church_hall", "The couple were married in the sanctuary of the church where they met."),
    ("abortion_quoted", "Seven Texas towns declared themselves 'sanctuary cities' for the "
                        "unborn."),
    ("refugees_refuge", "Refugees fleeing the war sought sanctuary in neighbouring Poland."),
    ("immigration_no_policy", "Immigration agents arrested 40 people in raids across three "
                              "cities."),
]


def _relevant(data, recipe=NEW) -> list[bool]:
    return relevance_report(data, recipe)["relevant"].tolist()


@pytest.mark.parametrize("case", SHORT_RELEVANT, ids=[c[0] for c in SHORT_RELEVANT])
def test_short_item_naming_the_policy_once_is_relevant(case):
    _, headline, lead = case
    stub = pd.DataFrame({"title": [headline], "text": [lead]})
    plain = pd.Series([lead, f"{headline}\n\n{lead}"])
    assert _relevant(stub) == [True], relevance_report(stub, NEW).iloc[0].to_dict()
    assert _relevant(plain) == [True, True], relevance_report(plain, NEW)["reason"].tolist()
    # the version-1 rules missed every one of them: a single body mention scored 1 of 2
    assert _relevant(stub, OLD) == [False]
    assert _relevant(plain, OLD) == [False, False]


@pytest.mark.parametrize("case", SHORT_NOT_RELEVANT, ids=[c[0] for c in SHORT_NOT_RELEVANT])
def test_short_item_in_another_sense_is_not_relevant(case):
    _, text = case
    assert _relevant(pd.Series([text])) == [False], relevance_report(
        pd.Series([text]), NEW).iloc[0].to_dict()
    assert _relevant(pd.DataFrame({"title": [""], "text": [text]})) == [False]


def test_quoted_other_sense_phrases_are_excluded():
    texts = pd.Series(["Supervisors declared the county a Second Amendment \u201csanctuary\u201d "
                       "county.",
                       "Seven Texas towns declared themselves 'sanctuary cities' for the unborn."])
    assert relevance_report(texts, NEW)["excluded"].tolist() == [
        "second amendment \u201csanctuary\u201d county", "sanctuary cities' for the unborn"]
    # the version-1 exclusions stopped at the quotation marks
    assert relevance_report(texts, OLD)["excluded"].tolist() == ["", ""]


def test_the_brief_examples_read_as_plain_text():
    texts = pd.Series([
        "The administration said it would withhold federal grants from sanctuary cities that "
        "do not cooperate with immigration agents.",
        "A church is sheltering a man facing deportation.  It has offered him sanctuary.",
        "Rural Second Amendment sanctuary counties refuse to enforce the new gun law.",
        "The bird sanctuary reopened.",
        "The elephant sanctuary reopened.",
        "Her garden was a sanctuary from the noise.",
        "The sanctuary of the church was full on Sunday.",
    ])
    assert framing.collect.is_relevant(texts, NEW).tolist() == [True, True] + [False] * 5


def test_a_long_article_still_needs_more_than_one_mention():
    lead = ("The Justice Department threatened to withhold police grants from sanctuary "
            "cities that limit cooperation with federal immigration agents.")
    other = ("The rest of the story is about the city budget, the new library, a transit "
             "levy, school boundaries and the mayor's plans for the waterfront. ") * 6
    assert len(lead) <= NEW.relevance["short_item_chars"] < len(lead + " " + other)
    assert _relevant(pd.Series([lead, f"{lead} {other}"])) == [True, False]
    spans = explain_relevance(lead, NEW)
    assert spans["weight"].tolist() == [2]
    assert "short item" in spans.loc[0, "why"]
    assert "short item" in spans.attrs["summary"]["reason"]


def test_short_item_rule_is_off_without_its_setting(tmp_path):
    recipe = tmp_path / "recipe.toml"
    recipe.write_text(
        'name = "t"\n[relevance]\n[[relevance.signals]]\nname = "city"\n'
        "pattern = '''sanctuary cit(?:y|ies)'''\ncontext = \"none\"\nshort_item = true\n")
    text = pd.Series(["Grants to sanctuary cities were cut."])
    assert _relevant(text, load_recipe(recipe)) == [False]
    recipe.write_text(recipe.read_text().replace("[relevance]\n",
                                                 "[relevance]\nshort_item_chars = 100\n"))
    assert _relevant(text, load_recipe(recipe)) == [True]


@pytest.mark.parametrize("setting, message", [
    ("short_item_chars = -1\n", r"short_item_chars must be a non-negative integer"),
    ('short_item_chars = "600"\n', r"short_item_chars must be a non-negative integer"),
    ("SIGNAL short_item = \"yes\"\n", r"signals\[0\]\.short_item must be true or false"),
    ("SIGNAL requires_nearby = ['''(church''']\n",
     r"signals\[0\]\.requires_nearby is not a valid regular expression"),
])
def test_bad_short_item_settings_name_the_problem(tmp_path, setting, message):
    table = setting.removeprefix("SIGNAL ") if setting.startswith("SIGNAL ") else ""
    top = "" if table else setting
    recipe = tmp_path / "recipe.toml"
    recipe.write_text(f'name = "t"\n[relevance]\n{top}[[relevance.signals]]\nname = "s"\n'
                      f"pattern = '''sanctuary'''\ncontext = \"local\"\n{table}")
    with pytest.raises(RecipeError, match=message) as error:
        relevance_report(pd.Series(["sanctuary"]), load_recipe(recipe))
    assert str(recipe) in str(error.value)


# --- the hand-labelled sample of real short items ------------------------------------------

@pytest.fixture(scope="module")
def evaluation(mirror_dir, shared_data):
    from experiments.validation import relevance_short_items as script

    return script.run(shared_data)


def test_labelled_sample_is_large_and_mixed(evaluation):
    result, labels, items, _ = evaluation
    info = result["labels"]
    assert info["n_items"] == len(labels) >= 200
    assert 0.3 < info["n_relevant"] / info["n_items"] < 0.7
    # many short items, and real hard negatives that contain the word
    assert info["by_part"]["headline"] + info["by_part"]["headline+lead"] >= 100
    assert info["n_not_relevant_with_sanctuary"] >= 40
    assert (items["title"] + items["text"]).str.len().max() <= 1000


def test_recorded_results_match_a_fresh_evaluation(evaluation):
    result, *_ = evaluation
    recorded = json.loads(RESULTS.read_text(encoding="utf-8"))
    assert recorded["labels"]["sha256"] == result["labels"]["sha256"], \
        "labels changed: run python -m experiments.validation.relevance_short_items"
    assert ({rule: (r["version"], r["sha256"]) for rule, r in recorded["recipes"].items()}
            == {rule: (r["version"], r["sha256"]) for rule, r in result["recipes"].items()}), \
        "rules changed: run python -m experiments.validation.relevance_short_items"
    assert recorded["scores"] == result["scores"]


def test_new_rules_find_short_items_the_old_ones_missed(evaluation):
    scores = evaluation[0]["scores"]
    for presentation in ("fields", "plain"):
        old, new = scores["old"][presentation], scores["new"][presentation]
        # held-out half: the new signals were written looking at dev errors only
        assert new["test"]["recall"] >= 0.7 > old["test"]["recall"]
        assert new["test"]["precision"] >= 0.75
        assert new["all"]["f1"] >= old["all"]["f1"] + 0.25
