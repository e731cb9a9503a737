"""Topic recipes: found by name or path, validated, shipped inside the package unchanged."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from framing.collect import RecipeError, list_recipes, load_recipe
from framing.collect.gdelt import gdelt_filters

REPO = Path(__file__).parents[2]
PACKAGED = REPO / "framing" / "collect" / "_recipes"


def test_sanctuary_recipe_loads_with_everything_the_issue_asks_for():
    recipe = load_recipe("sanctuary")
    assert recipe.name == "sanctuary" and recipe.version >= 1
    assert (recipe.start, recipe.end) == ("2017-01-01", "2019-12-31")
    assert set(recipe.sources) == {"gdelt", "mediacloud", "rss"}
    assert recipe.sources["gdelt"]["keywords"] and recipe.sources["gdelt"]["exclude"]
    assert recipe.sources["mediacloud"]["collections"] == (34412234, 38379429)
    names = [s["name"] for s in recipe.relevance["signals"]]
    assert {"sanctuary_policy", "california_values_act", "287g", "immigration_detainer"} <= \
        set(names)
    assert len(recipe.sha256) == 64
    assert "sanctuary" in list_recipes()


@pytest.mark.skipif(not (REPO / "corpora").is_dir(), reason="not a repository checkout")
def test_packaged_copies_are_identical_to_corpora():
    for source in (REPO / "corpora").glob("*/recipe.toml"):
        copy = PACKAGED / source.parent.name / "recipe.toml"
        assert copy.is_file(), f"{copy} missing: copy {source} into the package"
        assert copy.read_bytes() == source.read_bytes(), f"{copy} differs from {source}"
        assert (source.parent / "CARD.md").is_file()


def test_load_by_path_and_local_corpora_win_over_packaged(tmp_path, monkeypatch):
    original = PACKAGED / "sanctuary" / "recipe.toml"
    by_file = load_recipe(original)
    by_dir = load_recipe(original.parent)
    assert by_file.sha256 == by_dir.sha256
    local = tmp_path / "corpora" / "sanctuary"
    local.mkdir(parents=True)
    text = original.read_text().replace('end = "2019-12-31"', 'end = "2018-06-30"')
    (local / "recipe.toml").write_text(text)
    monkeypatch.chdir(tmp_path)
    recipe = load_recipe("sanctuary")
    assert recipe.end == "2018-06-30" and recipe.path == (local / "recipe.toml").resolve()
    assert recipe.provenance()["recipe_sha256"] != by_file.sha256


def test_bad_recipes_name_the_problem(tmp_path):
    with pytest.raises(RecipeError, match="no recipe named 'nope'"):
        load_recipe("nope")
    with pytest.raises(RecipeError, match="no recipe file"):
        load_recipe(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[relevance]\n[[relevance.signals]]\nname = "s"\n'
                   'pattern = "(unclosed"\ncontext = "local"\n')
    with pytest.raises(RecipeError, match=r"signals\[0\].pattern is not a valid regular"):
        load_recipe(bad)
    bad.write_text('name = "x"\n[relevance]\n[[relevance.signals]]\nname = "s"\n'
                   'pattern = "a"\ncontext = "sometimes"\n')
    with pytest.raises(RecipeError, match="context must be one of"):
        load_recipe(bad)
    bad.write_text("name = ")
    with pytest.raises(RecipeError, match="not valid TOML"):
        load_recipe(bad)


def test_service_queries_are_well_formed():
    recipe = load_recipe("sanctuary")
    gdelt = recipe.sources["gdelt"]
    filters = gdelt_filters(list(gdelt["keywords"]), dt.datetime(2018, 1, 1),
                            dt.datetime(2018, 1, 2), exclude=list(gdelt["exclude"]),
                            country=gdelt["country"], language=gdelt["language"])
    query = filters.query_string.split("&")[0]
    assert query.startswith('("sanctuary city" OR ')
    assert '-"second amendment"' in query and "sourcecountry:US" in query
    assert query.count('"') % 2 == 0 and query.count("(") == query.count(")")
    # GDELT rejects keywords shorter than three characters
    assert all(len(k) >= 3 for k in gdelt["keywords"])
    mc = " ".join(recipe.sources["mediacloud"]["query"].split())
    assert mc.count('"') % 2 == 0 and mc.count("(") == mc.count(")")
    depth = 0
    for char in mc:
        depth += {"(": 1, ")": -1}.get(char, 0)
        assert depth >= 0
    assert " AND NOT (" in mc


def test_a_copied_recipe_is_usable(tmp_path):
    folder = tmp_path / "myrecipe"
    shutil.copytree(PACKAGED / "sanctuary", folder)
    recipe = load_recipe(str(folder) + os.sep)
    assert recipe.path.parent == folder.resolve()


def test_recipe_pickles():
    import pickle

    recipe = load_recipe("sanctuary")
    again = pickle.loads(pickle.dumps(recipe))
    assert again == recipe and again.sources["gdelt"]["country"] == "US"
