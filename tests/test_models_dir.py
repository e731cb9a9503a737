"""``models/``: a card and a training recipe for every default model, and ``framing models``.

* Every recipe builds exactly what its factory builds by default, and trains on exactly the
  data its validation script evaluates on (so recipe, library and results cannot drift).
* Every ``CARD.md`` is its template filled from ``experiments/results/``: a changed results
  file changes the card, a missing value is shown and reported, never invented.
* Every recipe trains end to end on 40 rows, and the folder it writes loads back.
* Bad input (an unknown model, dataset or kind, an existing output folder, a failure while
  writing) is a clear error that leaves nothing half-written behind.
"""

from __future__ import annotations

import json
import shutil
import sys

import numpy as np
import pandas as pd
import pytest

from framing.cli import main
from framing.cli.models import (
    RecipeError,
    build_estimator,
    describe_estimator,
    find_recipes,
    load_model_recipe,
    load_trained,
    training_data,
)

from .conftest import REPO_ROOT, needs_mirror

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

MODELS = REPO_ROOT / "models"
NAMES = ("bias", "frames-gvfc", "frames-narrative", "ideology", "ideology-pooled",
         "loaded-index")


def factory_defaults() -> dict:
    """What each classifier recipe must build: its factory called with its defaults."""
    from framing.models import (
        make_bias_classifier,
        make_frame_classifier,
        make_ideology_classifier,
    )

    return {"bias": make_bias_classifier(),
            "ideology": make_ideology_classifier(),
            "ideology-pooled": make_ideology_classifier(pool_outlets=True),
            "frames-gvfc": make_frame_classifier(),
            "frames-narrative": make_frame_classifier(multilabel=True)}


def copy_recipe(tmp_path, name: str, replace: tuple[str, str] | None = None):
    """A copy of one recipe folder under ``tmp_path/recipes``, optionally edited."""
    folder = tmp_path / "recipes" / name
    shutil.copytree(MODELS / name, folder)
    if replace is not None:
        path = folder / "recipe.toml"
        text = path.read_text(encoding="utf-8")
        assert replace[0] in text
        path.write_text(text.replace(replace[0], replace[1], 1), encoding="utf-8")
    return folder.parent


def error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    return err[-1]


# -- the folder ----------------------------------------------------------------------------------
def test_every_default_model_has_a_recipe_a_template_and_a_card():
    assert set(find_recipes(MODELS)) == set(NAMES)
    for name in NAMES:
        for file in ("recipe.toml", "card.md.in", "CARD.md"):
            assert (MODELS / name / file).is_file(), f"models/{name}/{file}"
        assert load_model_recipe(MODELS / name).name == name


@pytest.mark.parametrize("name", sorted(factory_defaults()))
def test_recipe_builds_what_the_factory_builds_by_default(name):
    recipe = load_model_recipe(MODELS / name)
    assert describe_estimator(build_estimator(recipe)) == describe_estimator(
        factory_defaults()[name])


def test_a_recipe_that_drifts_from_the_factory_defaults_is_caught():
    from framing.models import make_bias_classifier

    drifted = load_model_recipe(MODELS / "bias", {"settings.epochs": 4})
    assert describe_estimator(build_estimator(drifted)) != describe_estimator(
        make_bias_classifier())


def test_member_settings_the_factory_does_not_build_are_refused():
    recipe = load_model_recipe(MODELS / "ideology", {"members.tfidf.C": 5.0})
    with pytest.raises(RecipeError, match=r"\[members.tfidf\] does not describe .*"
                                          r"steps.lr.C: 5.0 vs 10.0"):
        build_estimator(recipe)


def test_settings_an_ensemble_would_ignore_are_refused():
    recipe = load_model_recipe(MODELS / "ideology", {"settings.C": 1.0})
    with pytest.raises(RecipeError, match=r"settings \['C'\] would be ignored"):
        build_estimator(recipe)


def test_an_ensemble_member_without_settings_is_refused(tmp_path):
    recipes = copy_recipe(tmp_path, "ideology", ("[members.features]\nC = 0.1\n", ""))
    with pytest.raises(RecipeError, match=r"\[members.features\] is missing"):
        build_estimator(load_model_recipe(recipes / "ideology"))


@needs_mirror
@pytest.mark.slow
def test_loaded_index_recipe_gives_the_frozen_weights(tmp_path):
    from framing.features import INDEX_INTERCEPT, INDEX_WEIGHTS

    assert main(["models", "train", "loaded-index", "--out", str(tmp_path / "li"),
                 "--recipes", str(MODELS), "--no-progress"]) == 0
    index = json.loads((tmp_path / "li" / "training.json").read_text())["index"]
    assert list(index["weights"]) == list(INDEX_WEIGHTS)
    np.testing.assert_allclose(list(index["weights"].values()), list(INDEX_WEIGHTS.values()),
                               rtol=1e-4, atol=1e-8)
    assert index["intercept"] == pytest.approx(INDEX_INTERCEPT, abs=1e-5)


@needs_mirror
@pytest.mark.parametrize("name", ["bias", "loaded-index", "frames-gvfc", "frames-narrative",
                                  "ideology"])
def test_recipe_data_is_what_the_validation_script_evaluates(name):
    from experiments.validation import babe_classifier, frame_classifiers, ideology_unseen_outlets

    data = training_data(load_model_recipe(MODELS / name))
    if name in ("bias", "loaded-index"):
        babe = babe_classifier.load_data()
        assert data.texts.tolist() == babe["text"].tolist()
        expected = babe["label"].to_numpy()
        if name == "loaded-index":
            expected = (expected == "Biased").astype(int)
        assert list(data.target) == list(expected)
    elif name == "ideology":
        articles = ideology_unseen_outlets.load_data()
        assert data.texts.tolist() == articles["input"].tolist()
        assert list(data.target) == articles["label"].tolist()
        assert list(data.groups) == articles["meta_source"].tolist()
    else:
        texts, target = frame_classifiers.load_data(name.removeprefix("frames-").replace(
            "narrative", "narrative_frames"))
        assert data.texts.tolist() == texts.tolist()
        if isinstance(target, pd.DataFrame):
            pd.testing.assert_frame_equal(data.target, target)
        else:
            assert list(data.target) == list(target)
    assert data.facts["sources_sha256"] is not None


# -- cards ---------------------------------------------------------------------------------------
@needs_mirror
@pytest.mark.parametrize("name", NAMES)
def test_card_is_its_template_filled_from_the_results_files(name):
    from models._cards import render

    text, _ = render(name)
    assert (MODELS / name / "CARD.md").read_text(encoding="utf-8") == text, (
        f"models/{name}/CARD.md is out of date: run python -m models cards")


@needs_mirror
@pytest.mark.parametrize("name", ["bias", "frames-gvfc", "ideology", "loaded-index"])
def test_card_names_the_pinned_training_data(name):
    """The pins a card gives are those of the files the fetcher actually reads."""
    from models._cards import render

    text, _ = render(name, template="{{ data sources_sha256 }} {{ data commit }}")
    digest, commit = text.splitlines()[-1].split()
    data = training_data(load_model_recipe(MODELS / name))
    assert digest == data.facts["sources_sha256"]
    assert commit in (MODELS / name / "CARD.md").read_text(encoding="utf-8")


def test_a_card_number_is_read_from_its_results_file(tmp_path):
    from models._cards import render

    template = "macro-F1 {{ json r.json gvfc.kinds.x.metrics.f1_macro | ci }}"
    path = tmp_path / "r.json"

    def card(mean):
        metric = {"mean": mean, "ci_low": mean - 0.1, "ci_high": mean + 0.1, "n": 15}
        path.write_text(json.dumps({"gvfc": {"kinds": {"x": {"metrics": {
            "f1_macro": metric}}}}}))
        return render("bias", results=tmp_path, template=template)

    assert card(0.5)[0].endswith("macro-F1 0.500 [0.400, 0.600]")
    assert card(0.7)[0].endswith("macro-F1 0.700 [0.600, 0.800]")


def test_a_value_missing_from_its_results_file_is_shown_and_reported(tmp_path):
    from models._cards import render

    (tmp_path / "r.json").write_text(json.dumps({"gvfc": {"kinds": {}}}))
    text, missing = render("bias", results=tmp_path,
                           template="F1 {{ json r.json gvfc.kinds.ensemble.f1 | .3f }}; "
                                    "{{ json absent.json a | .3f }}")
    assert text.endswith("F1 *not measured yet (not in `r.json`)*; "
                         "*not measured yet (not in `absent.json`)*")
    assert len(missing) == 2
    assert "`gvfc.kinds.ensemble.f1` is not in experiments/results/r.json" in missing[0]
    assert "no file experiments/results/absent.json" in missing[1]


def test_csv_and_record_selections_pick_exactly_one_row(tmp_path):
    from models._cards import CardError, render

    pd.DataFrame({"kind": ["a", "a", "b"], "split": ["x", "y", "x"], "mean": [0.1, 0.2, 0.3],
                  "ci_low": [0.0, 0.1, 0.2], "ci_high": [0.2, 0.3, 0.4]}).to_csv(
        tmp_path / "s.csv", index=False)
    (tmp_path / "t.json").write_text(json.dumps({"runs": [
        {"source": "g", "kind": "m", "f1": 0.25}, {"source": "n", "kind": "m", "f1": 0.5}]}))
    text, _ = render("bias", results=tmp_path, template=(
        "{{ csv s.csv[kind=a & split=y] ci }} {{ csv s.csv[kind^=b] mean | .2f }} "
        "{{ json t.json runs[source=n,kind=m].f1 | .2f }}"))
    assert text.endswith("0.200 [0.100, 0.300] 0.30 0.50")
    with pytest.raises(CardError, match="2 rows of experiments/results/s.csv match"):
        render("bias", results=tmp_path, template="{{ csv s.csv[kind=a] mean }}")
    with pytest.raises(CardError, match="unknown source 'yaml'"):
        render("bias", results=tmp_path, template="{{ yaml s.csv a }}")


def test_cards_check_reports_a_stale_card(tmp_path):
    from models._cards import write_cards

    recipes = copy_recipe(tmp_path, "bias")
    (recipes / "bias" / "card.md.in").write_text("# bias\n\nSeed {{ recipe seed }}.\n")
    lines = []
    assert write_cards(check=True, recipes=recipes, log=lines.append) == 1
    assert "bias" in lines[-1]
    assert write_cards(recipes=recipes, log=lines.append) == 0
    assert (recipes / "bias" / "CARD.md").read_text().endswith("Seed 0.\n")
    assert write_cards(check=True, recipes=recipes, log=lines.append) == 0


# -- the command ---------------------------------------------------------------------------------
def test_models_list_names_every_recipe(capsys):
    assert main(["models", "list", "--recipes", str(MODELS)]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        assert f"\n{name} " in out
    assert "make_bias_classifier('transformer')" in out


def test_python_dash_m_models_lists_this_folders_recipes(capsys):
    from models.__main__ import main as models_main

    assert models_main(["list"]) == 0
    assert "frames-narrative" in capsys.readouterr().out


def test_models_list_without_recipes_says_where_it_looked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["models", "list"]) == 2
    line = error_line(capsys)
    assert f"no model recipes in {tmp_path / 'models'}" in line
    assert "--recipes DIR" in line


def test_unknown_model_is_a_usage_error(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["models", "train", "no-such-model", "--out", str(out), "--recipes",
                 str(MODELS)]) == 2
    assert "unknown model 'no-such-model'; choose from: bias, " in error_line(capsys)
    assert not out.exists()


@pytest.mark.parametrize(("replace", "message"), [
    (('dataset = "babe"', 'dataset = "babe3"'), "data.dataset 'babe3' is not a dataset "
                                                "framing knows (choose from allsides, "),
    (('kind = "transformer"', 'kind = "forest"'), "kind 'forest' is not a kind of "
                                                  "make_bias_classifier"),
    (('factory = "make_bias_classifier"', 'factory = "make_forest"'), "factory 'make_forest' "
                                                                      "is not one of"),
    (('op = "!="', 'op = "~="'), "data.filter[0].op '~=' is not one of"),
    (('seed = 0', 'seed = "zero"'), "'seed' must be of type int"),
])
def test_a_bad_recipe_is_refused_naming_the_file_and_key(tmp_path, capsys, replace, message):
    recipes = copy_recipe(tmp_path, "bias", replace)
    out = tmp_path / "out"
    assert main(["models", "train", "bias", "--out", str(out), "--recipes",
                 str(recipes)]) == 1
    line = error_line(capsys)
    assert str(recipes / "bias" / "recipe.toml") in line
    assert message in line
    assert not out.exists()


def test_a_recipe_that_is_not_toml_is_refused(tmp_path, capsys):
    recipes = copy_recipe(tmp_path, "bias", ("[settings]", "[settings"))
    assert main(["models", "list", "--recipes", str(recipes)]) == 1
    assert "recipe.toml is not valid TOML" in error_line(capsys)


def test_a_bad_override_is_a_usage_error(tmp_path, capsys):
    assert main(["models", "train", "bias", "--out", str(tmp_path / "o"), "--recipes",
                 str(MODELS), "--override", "settings.epochs"]) == 2
    assert "--override needs KEY=VALUE" in error_line(capsys)


def test_an_existing_out_is_refused_without_overwrite(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["models", "train", "loaded-index", "--out", str(out), "--recipes",
                 str(MODELS)]) == 2
    assert f"{out} already exists; pass --overwrite to replace it" in error_line(capsys)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


@needs_mirror
def test_a_missing_label_column_is_named(tmp_path, capsys):
    recipes = copy_recipe(tmp_path, "loaded-index", ('label = "label_bias"',
                                                     'label = "label_nope"'))
    assert main(["models", "train", "loaded-index", "--out", str(tmp_path / "o"),
                 "--recipes", str(recipes), "--no-progress"]) == 1
    line = error_line(capsys)
    assert "data.label names column(s) ['label_nope'] that dataset 'babe' does not have" in line
    assert not (tmp_path / "o").exists()


@needs_mirror
def test_overwrite_replaces_the_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    assert main(["models", "train", "loaded-index", "--out", str(out), "--recipes",
                 str(MODELS), "--limit", "40", "--overwrite", "--no-progress"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["CARD.md", "model.skops", "recipe.toml",
                                                     "training.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@needs_mirror
@pytest.mark.parametrize("existing", [False, True])
def test_a_failure_while_writing_leaves_nothing_half_written(tmp_path, monkeypatch, capsys,
                                                             existing):
    import framing.cli.models as cli_models

    def broken(estimator, folder):
        (folder / "model.skops").write_text("half")
        raise OSError("disk full")

    monkeypatch.setattr(cli_models, "_save_weights", broken)
    out = tmp_path / "out"
    if existing:
        out.mkdir()
        (out / "old.txt").write_text("old")
    argv = ["models", "train", "loaded-index", "--out", str(out), "--recipes", str(MODELS),
            "--limit", "40", "--no-progress"] + (["--overwrite"] if existing else [])
    assert main(argv) == 1
    assert "disk full" in error_line(capsys)
    # the old folder is untouched, and no temporary folder is left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out"] if existing else [])
    if existing:
        assert [p.name for p in out.iterdir()] == ["old.txt"]


def test_load_trained_refuses_a_folder_it_did_not_write(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a folder written by 'framing models "
                                                "train'"):
        load_trained(tmp_path)


# -- every recipe, end to end on 40 rows ---------------------------------------------------------
#: Recipe values changed for the smoke runs. all-mpnet-base-v2 is fetched on first use, and
#: tests never reach the network: the packaged MiniLM stands in. frames-narrative leaves
#: out its TF-IDF member too: skops writes a fitted TF-IDF vocabulary entry by entry (40
#: articles, five frames: minutes), which the other recipes' smoke runs already cover.
SMOKE = {
    "loaded-index": [],
    "frames-gvfc": ['settings.members=["minilm", "tfidf"]'],
    "frames-narrative": ['settings.members=["minilm"]'],
    "ideology": [],
    "ideology-pooled": [],
    "bias": ["settings.model=minilm", "settings.max_steps=2"],
}
MARKS = {"ideology": [pytest.mark.slow], "ideology-pooled": [pytest.mark.slow],
         "frames-narrative": [pytest.mark.slow], "bias": [pytest.mark.transformers]}


def test_every_recipe_has_a_smoke_run():
    assert set(SMOKE) == set(NAMES)


@needs_mirror
@pytest.mark.parametrize("name", [pytest.param(n, marks=MARKS.get(n, [])) for n in SMOKE])
def test_every_recipe_trains_on_40_rows_and_loads_back(tmp_path, capsys, name):
    if name == "bias":
        pytest.importorskip("torch")
        pytest.importorskip("transformers")
    out = tmp_path / name
    overrides = [arg for value in SMOKE[name] for arg in ("--override", value)]
    assert main(["models", "train", name, "--out", str(out), "--recipes", str(MODELS),
                 "--limit", "40", "--no-progress", *overrides]) == 0
    printed = capsys.readouterr().out
    assert f"card: {out / 'CARD.md'}" in printed

    record = json.loads((out / "training.json").read_text())
    assert record["data"]["rows_used"] == 40
    assert len(record["recipe"]["overrides"]) == len(SMOKE[name])
    assert record["recipe"]["sha256"] == load_model_recipe(MODELS / name).sha256
    card = (out / "CARD.md").read_text(encoding="utf-8")
    assert card.startswith((MODELS / name / "CARD.md").read_text(encoding="utf-8").rstrip())
    assert "## This training run" in card and "A smoke run" in card
    assert record["data"]["pairs_sha256"] in card
    # where it computed: the CPU here (a transformer records its device and precision)
    assert record["device"].startswith("cpu") and f"| device | {record['device']} |" in card
    assert (out / "recipe.toml").read_bytes() == (MODELS / name / "recipe.toml").read_bytes()

    model = load_trained(out)
    data = training_data(load_model_recipe(MODELS / name), limit=40)
    if name == "ideology-pooled":
        predicted = model.predict(data.texts[:5], groups=data.groups[:5])
    else:
        predicted = model.predict(data.texts[:5])
    assert len(predicted) == 5
