"""``framing models list`` and ``framing models train NAME --out DIR``: the default models.

Every default model of framing has a folder ``models/<name>/`` in the repository: a model
card (``CARD.md``) and a declarative training recipe (``recipe.toml``) that says which data
the model learns from (a dataset of :func:`framing.datasets.list_datasets`, filters, the
text and label columns), which factory builds it (:func:`framing.models.make_bias_classifier`
and the other ``make_*`` factories), with which kind, settings and seed. This command reads
a recipe, fetches its data, fits the model and writes a folder::

    framing models list
    framing models train bias --out trained/bias [--overwrite] [--limit 40]

The output folder holds the weights (``model.skops``, written by
:func:`framing.models.save_model`, or ``model/``, a fine-tuned transformer's safetensors
folder), ``training.json`` (what this run used: the recipe's sha256, the data's sha256 and
rows, the seconds, the library versions), a copy of the recipe, and ``CARD.md``: the
recipe's card followed by the facts of this run. :func:`load_trained` loads the model back.
The folder is written under a temporary name and renamed at the end, so a failed run
leaves nothing behind; an existing folder is only replaced with ``--overwrite``.

Where recipes are found
    ``--recipes DIR`` (a folder of ``<name>/recipe.toml``), else ``./models/`` of the
    current folder (the repository root). The recipes are not installed with the package.

Recipe format (``recipe.toml``)
    ``name`` (the folder's name), ``version``, ``title``, ``description``;
    ``factory`` (one of :data:`FACTORIES`), ``kind`` (one of the factory's kinds), ``seed``
    (the factory's ``random_state``); ``[settings]``: keyword arguments of the factory;
    ``[members.<member>]`` (ensembles): each member's settings, checked against what the
    factory builds (an ensemble's member settings are the factory's, not the recipe's);
    ``[data]``: ``dataset``, ``text`` (column, or columns joined by ``text_join``),
    ``label`` (one label per text; with ``positive``, 1 where the label equals it, else 0)
    or ``[data.labels]`` (frame name = column of 0/1: several labels per text),
    optionally ``groups`` (the column passed to ``fit`` as each text's group, e.g. the
    outlet), ``source_files`` (the pinned upstream files the dataset is parsed from: paths
    or patterns of ``framing/_fetch/registry.csv``, in the registry group named by
    ``source_group``, by default the dataset's name; the card gives their commit and sha256)
    and ``[[data.filter]]`` entries ``{column = ..., op = ..., value = ...}`` with ``op`` one
    of :data:`FILTER_OPS` (``columns = [...]`` applies one op to several columns).

Module-level imports stay light: pandas, scikit-learn and the models are imported when a
subcommand runs.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import UsageError, _Parser

__all__ = ["FACTORIES", "FILTER_OPS", "ModelRecipe", "RecipeError", "TrainingData",
           "build_estimator", "configure", "describe_estimator", "find_recipes",
           "index_weights", "load_model_recipe", "load_trained", "loaded_index_model",
           "parse_override", "training_data", "train"]

#: Factories a recipe may name: ``framing.models`` functions and ``"loaded_index"`` (the
#: logistic regression behind :data:`framing.features.INDEX_WEIGHTS`).
FACTORIES = ("make_bias_classifier", "make_ideology_classifier", "make_frame_classifier",
             "loaded_index")
#: The kinds of each factory, read from :mod:`framing.models` when needed.
_KINDS = {"make_bias_classifier": "BIAS_KINDS", "make_ideology_classifier": "IDEOLOGY_KINDS",
          "make_frame_classifier": "FRAME_KINDS"}
LOADED_INDEX_KINDS = ("logistic",)
#: Operators of ``[[data.filter]]``: keep the rows where ``column op value`` holds.
#: ``!=`` and ``not in`` keep missing values; ``present``/``missing`` take no value.
FILTER_OPS = ("==", "!=", "in", "not in", "present", "missing")
#: Settings of an ensemble that are the ensemble's own, not passed on to its members.
_ENSEMBLE_SETTINGS = ("members", "weights")
#: Written into every trained folder: what the run used and where the weights are.
TRAINING_RECORD = "training.json"
RECIPE_NAME = "recipe.toml"
CARD_NAME = "CARD.md"


class RecipeError(ValueError):
    """A model recipe is missing, unreadable or breaks the recipe format."""


# -- recipes -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelRecipe:
    """A loaded model recipe (see the module docstring for the format).

    Attributes
    ----------
    name, title, description : str
    version : int
    factory, kind : str
    seed : int
    settings : dict
        Keyword arguments of the factory.
    members : dict
        Per ensemble member, its settings (may hold ``kind``).
    data : dict
        The ``[data]`` table.
    path : pathlib.Path
        The ``recipe.toml`` it was read from.
    sha256 : str
        Of that file's bytes.
    overrides : dict
        Values replaced from the command line (``--override``), by dotted key.
    """

    name: str
    title: str
    description: str
    version: int
    factory: str
    kind: str
    seed: int
    settings: dict
    members: dict
    data: dict
    path: Path
    sha256: str
    overrides: dict = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        """The recipe's folder (where its card is)."""
        return self.path.parent

    def fail(self, reason: str):
        """Raise :class:`RecipeError` naming this recipe's file."""
        raise RecipeError(f"{self.path}: {reason}")


def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib


def find_recipes(recipes=None) -> dict[str, Path]:
    """The model recipes of a folder: ``{name: path of recipe.toml}``, sorted by name.

    Parameters
    ----------
    recipes : path-like, optional
        A folder of ``<name>/recipe.toml``; default ``./models``.

    Returns
    -------
    dict of str to pathlib.Path
        Empty when the folder has no recipes (or does not exist).
    """
    root = Path(os.fspath(recipes)) if recipes is not None else Path.cwd() / "models"
    if not root.is_dir():
        return {}
    return {p.parent.name: p for p in sorted(root.glob(f"*/{RECIPE_NAME}"))}


def load_model_recipe(path, overrides: dict | None = None) -> ModelRecipe:
    """Read and check a model recipe.

    Parameters
    ----------
    path : path-like
        A ``recipe.toml`` or the folder holding it.
    overrides : dict, optional
        Dotted keys (``"settings.model"``, ``"seed"``) and the values that replace the
        file's before it is checked; kept in :attr:`ModelRecipe.overrides`.

    Returns
    -------
    ModelRecipe

    Raises
    ------
    RecipeError
        The file is missing, is not TOML, or breaks the format (the message names the file
        and the key).
    """
    path = Path(os.fspath(path))
    if path.is_dir():
        path = path / RECIPE_NAME
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise RecipeError(f"cannot read model recipe {path}: {err}") from err
    try:
        data = _toml().loads(raw.decode("utf-8"))
    except Exception as err:  # tomllib.TOMLDecodeError, UnicodeDecodeError
        raise RecipeError(f"{path} is not valid TOML: {err}") from err
    for key, value in (overrides or {}).items():
        _set_dotted(data, key, value, path)
    return _check_recipe(data, path.resolve(), hashlib.sha256(raw).hexdigest(),
                         dict(overrides or {}))


def _set_dotted(data: dict, key: str, value, path: Path) -> None:
    parts = key.split(".")
    target = data
    for part in parts[:-1]:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise RecipeError(f"{path}: cannot override {key!r}: {part!r} is not a table")
    target[parts[-1]] = value


def _check_recipe(data: dict, path: Path, sha256: str, overrides: dict) -> ModelRecipe:
    def fail(reason):
        raise RecipeError(f"{path}: {reason}")

    expected = {"name": str, "factory": str, "kind": str, "seed": int, "data": dict}
    for key, kind in expected.items():
        if key not in data:
            fail(f"missing {key!r}")
        if not isinstance(data[key], kind) or isinstance(data[key], bool):
            fail(f"{key!r} must be of type {kind.__name__}, not {data[key]!r}")
    if data["name"] != path.parent.name:
        fail(f"name {data['name']!r} differs from its folder's name {path.parent.name!r}")
    factory = data["factory"]
    if factory not in FACTORIES:
        fail(f"factory {factory!r} is not one of {list(FACTORIES)}")
    kinds = factory_kinds(factory)
    if data["kind"] not in kinds:
        fail(f"kind {data['kind']!r} is not a kind of {factory} (choose from {list(kinds)})")
    for table in ("settings", "members"):
        if not isinstance(data.get(table, {}), dict):
            fail(f"[{table}] must be a table")
    members = data.get("members", {})
    for name, table in members.items():
        if not isinstance(table, dict):
            fail(f"[members.{name}] must be a table")
    _check_data(data["data"], fail)
    return ModelRecipe(
        name=data["name"], title=str(data.get("title", data["name"])),
        description=" ".join(str(data.get("description", "")).split()),
        version=int(data.get("version", 1)), factory=factory, kind=data["kind"],
        seed=data["seed"], settings=dict(data.get("settings", {})),
        members={k: dict(v) for k, v in members.items()}, data=dict(data["data"]),
        path=path, sha256=sha256, overrides=overrides)


def _check_data(table: dict, fail) -> None:
    from ..datasets import list_datasets

    names = list(list_datasets()["name"])
    dataset = table.get("dataset")
    if dataset not in names:
        fail(f"data.dataset {dataset!r} is not a dataset framing knows (choose from "
             f"{', '.join(names)})")
    text = table.get("text")
    if not (isinstance(text, str) or (isinstance(text, list) and text
                                      and all(isinstance(t, str) for t in text))):
        fail("data.text must name a column or a non-empty list of columns")
    has_label, has_labels = "label" in table, "labels" in table
    if has_label == has_labels:
        fail("data needs exactly one of 'label' (one label per text) and [data.labels] "
             "(several 0/1 label columns)")
    if has_labels and not (isinstance(table["labels"], dict) and table["labels"]):
        fail("[data.labels] must map each label name to a column")
    if "positive" in table and not has_label:
        fail("data.positive needs data.label")
    files = table.get("source_files", [])
    if not (isinstance(files, list) and all(isinstance(f, str) for f in files)):
        fail("data.source_files must be a list of registry paths or patterns")
    for number, entry in enumerate(table.get("filter", [])):
        where = f"data.filter[{number}]"
        if not isinstance(entry, dict):
            fail(f"{where} must be a table")
        if ("column" in entry) == ("columns" in entry):
            fail(f"{where} needs exactly one of 'column' and 'columns'")
        op = entry.get("op")
        if op not in FILTER_OPS:
            fail(f"{where}.op {op!r} is not one of {list(FILTER_OPS)}")
        takes_value = op not in ("present", "missing")
        if takes_value != ("value" in entry):
            fail(f"{where}: op {op!r} " + ("needs a value" if takes_value else
                                           "takes no value"))
        if op in ("in", "not in") and not isinstance(entry["value"], list):
            fail(f"{where}: op {op!r} needs a list value")


def factory_kinds(factory: str) -> tuple:
    """The kinds a recipe's factory accepts."""
    if factory == "loaded_index":
        return LOADED_INDEX_KINDS
    from .. import models

    return tuple(getattr(models, _KINDS[factory]))


def parse_override(text: str) -> tuple[str, object]:
    """``"settings.max_steps=2"`` -> ``("settings.max_steps", 2)``.

    The value is read as TOML (``2``, ``"minilm"``, ``["minilm", "tfidf"]``, ``true``);
    anything that is not TOML is taken as a plain string (``model=minilm``).

    Examples
    --------
    >>> parse_override('settings.members=["minilm", "tfidf"]')
    ('settings.members', ['minilm', 'tfidf'])
    >>> parse_override("settings.model=minilm")
    ('settings.model', 'minilm')
    """
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise UsageError(f"--override needs KEY=VALUE (e.g. settings.max_steps=2), "
                         f"got {text!r}")
    try:
        return key, _toml().loads(f"value = {value.strip()}")["value"]
    except Exception:  # not a TOML value: a bare word
        return key, value.strip()


# -- estimators ----------------------------------------------------------------------------------
def _factory(name: str):
    if name == "loaded_index":
        return loaded_index_model
    from .. import models

    return getattr(models, name)


def loaded_index_model(kind: str = "logistic", *, random_state: int = 0, C: float = 1.0,
                       max_iter: int = 5000, babe: bool = False, class_weight=None):
    """The model behind ``loaded_index``: logistic regression on loaded-language rates.

    :class:`~framing.features.LoadedLanguageScorer`'s rates (without ``loaded_index``
    itself, and by default without BABE's own biased-word lexicon), standardised, and an
    L2 logistic regression. Its coefficients, converted back to raw rates
    (:func:`index_weights`), are what :data:`framing.features.INDEX_WEIGHTS` freezes.

    Parameters
    ----------
    kind : {"logistic"}
    random_state : int, default 0
    C : float, default 1.0
    max_iter : int, default 5000
    babe : bool, default False
        Keep BABE's biased-word lexicon (built from BABE's labels: a leak when fitting on
        BABE).
    class_weight : {"balanced", None}, default None

    Returns
    -------
    sklearn.pipeline.Pipeline
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from ..features import LoadedLanguageScorer
    from ..models import ScorerFeatures

    if kind not in LOADED_INDEX_KINDS:
        raise ValueError(f"kind must be one of {LOADED_INDEX_KINDS}, got {kind!r}")
    return Pipeline([
        ("features", ScorerFeatures([LoadedLanguageScorer(babe=babe)],
                                    drop=("loaded__loaded_index",))),
        ("scale", StandardScaler()),
        ("lr", LogisticRegression(C=C, max_iter=max_iter, class_weight=class_weight,
                                  random_state=random_state)),
    ])


def index_weights(pipeline) -> tuple[dict[str, float], float]:
    """Raw-rate weights and intercept of a fitted :func:`loaded_index_model`.

    The logistic regression sees standardised rates; ``w / scale`` and
    ``b - sum(w * mean / scale)`` give the same log-odds from the raw rates, which is the
    form of :data:`framing.features.INDEX_WEIGHTS` and ``INDEX_INTERCEPT``.
    """
    scale, logistic = pipeline.named_steps["scale"], pipeline.named_steps["lr"]
    raw = logistic.coef_[0] / scale.scale_
    intercept = float(logistic.intercept_[0] - (raw * scale.mean_).sum())
    names = [str(n).removeprefix("loaded__")
             for n in pipeline.named_steps["features"].get_feature_names_out()]
    return {n: float(w) for n, w in zip(names, raw, strict=True)}, intercept


def describe_estimator(estimator):
    """A nested, comparable description of an estimator: class and parameters.

    Two estimators built alike describe alike (parameters are compared by value, nested
    estimators by their own description), so a test or a check can tell whether a recipe
    builds what a factory builds by default.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> describe_estimator(LogisticRegression(C=2.0)) == describe_estimator(
    ...     LogisticRegression(C=2.0))
    True
    >>> describe_estimator(LogisticRegression(C=2.0)) == describe_estimator(
    ...     LogisticRegression())
    False
    """
    if hasattr(estimator, "get_params") and not isinstance(estimator, type):
        params = estimator.get_params(deep=False)
        return (f"{type(estimator).__module__}.{type(estimator).__qualname__}",
                tuple(sorted((k, describe_estimator(v)) for k, v in params.items())))
    if isinstance(estimator, list | tuple):
        return tuple(describe_estimator(v) for v in estimator)
    if isinstance(estimator, dict):
        return tuple(sorted((k, describe_estimator(v)) for k, v in estimator.items()))
    return estimator if isinstance(estimator, str | int | float | bool | type(None)) \
        else repr(estimator)


def build_estimator(recipe: ModelRecipe):
    """The unfitted estimator a recipe describes: ``factory(kind, random_state=seed,
    **settings)``, with every ensemble member checked against ``[members.<name>]``.

    Raises
    ------
    RecipeError
        A setting the factory does not take (or would ignore), a member whose stated
        settings differ from the member the factory builds, a member without settings.
    """
    import inspect

    factory = _factory(recipe.factory)
    if recipe.kind == "ensemble":
        named = {name for name, p in inspect.signature(factory).parameters.items()
                 if p.kind is p.KEYWORD_ONLY}
        ignored = sorted(set(recipe.settings) - named)
        if ignored:
            recipe.fail(f"settings {ignored} would be ignored by kind 'ensemble' "
                        f"({recipe.factory} passes options to single kinds only); state "
                        "member settings in [members.<name>]")
    estimator = _call(recipe, factory, recipe.kind, recipe.settings, "settings")
    _check_members(recipe, factory, estimator)
    return estimator


def _call(recipe: ModelRecipe, factory, kind: str, settings: dict, where: str):
    try:
        return factory(kind, random_state=recipe.seed, **settings)
    except TypeError as err:
        recipe.fail(f"{where}: {recipe.factory}({kind!r}, ...) does not take these "
                    f"settings ({err})")
    except ValueError as err:
        recipe.fail(f"{where}: {err}")


def _voting_key(estimator) -> str | None:
    """Where an estimator holds its soft-voting ensemble ("" for the estimator itself)."""
    from sklearn.ensemble import VotingClassifier

    if isinstance(estimator, VotingClassifier):
        return ""
    for key, value in estimator.get_params(deep=True).items():
        if isinstance(value, VotingClassifier):
            return key
    return None


def _at(estimator, key: str):
    return estimator if key == "" else estimator.get_params(deep=True)[key]


def _check_members(recipe: ModelRecipe, factory, estimator) -> None:
    key = _voting_key(estimator)
    if key is None:
        if recipe.members:
            recipe.fail(f"[members.*] tables are for kind 'ensemble', not {recipe.kind!r}")
        return
    structural = {k: v for k, v in recipe.settings.items() if k not in _ENSEMBLE_SETTINGS}
    for name, member in _at(estimator, key).named_estimators.items():
        if name not in recipe.members:
            recipe.fail(f"[members.{name}] is missing: an ensemble recipe states the "
                        "settings of every member")
        options = dict(recipe.members[name])
        kind = options.pop("kind", name)
        alone = _at(_call(recipe, factory, kind, {**structural, **options},
                          f"members.{name}"), key)
        differences = _differences(describe_estimator(alone), describe_estimator(member))
        if differences:
            recipe.fail(f"[members.{name}] does not describe the member {recipe.factory} "
                        f"builds: {'; '.join(differences[:3])} (recipe, factory). An "
                        "ensemble's members take the factory's settings: correct the "
                        "recipe to match")


def _differences(expected, actual, path: str = "") -> list[str]:
    """Where two :func:`describe_estimator` descriptions differ, as ``path: a vs b``."""
    if expected == actual:
        return []

    def estimator(value):
        return (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str)
                and "." in value[0] and isinstance(value[1], tuple))

    def named(value):  # a (name, description) pair: a pipeline step, an ensemble member
        return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str)

    if estimator(expected) and estimator(actual) and expected[0] == actual[0]:
        left, right = dict(expected[1]), dict(actual[1])
        return [d for k in sorted(set(left) | set(right))
                for d in _differences(left.get(k), right.get(k), f"{path}{k}.")]
    if (isinstance(expected, tuple) and isinstance(actual, tuple)
            and len(expected) == len(actual) and not estimator(expected)):
        out = []
        for number, (left, right) in enumerate(zip(expected, actual, strict=True)):
            if named(left) and named(right) and left[0] == right[0]:
                out += _differences(left[1], right[1], f"{path}{left[0]}.")
            else:
                out += _differences(left, right, f"{path}{number}.")
        return out
    return [f"{path.rstrip('.') or 'estimator'}: {_short(expected)} vs {_short(actual)}"]


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# -- data ----------------------------------------------------------------------------------------
@dataclass
class TrainingData:
    """What a recipe trains on.

    Attributes
    ----------
    texts : pandas.Series
    target : ndarray or DataFrame
        One label per text, or one 0/1 column per label.
    groups : ndarray or None
    facts : dict
        dataset, fetcher call, sources sha256, rows fetched / filtered / used, label
        counts, and the sha256 of the (text, label) pairs.
    frame : pandas.DataFrame
        The dataset's rows used, with all their columns.
    """

    texts: object
    target: object
    groups: object
    facts: dict
    frame: object = None


def _dataset_entry(name: str):
    from ..datasets import list_datasets

    catalog = list_datasets().set_index("name")
    entry = catalog.loc[name]
    kwargs = entry["kwargs"] if isinstance(entry["kwargs"], dict) else {}
    return entry["fetcher"], dict(kwargs)


def _columns(recipe: ModelRecipe, frame, columns, where: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        recipe.fail(f"{where} names column(s) {missing} that dataset "
                    f"{recipe.data['dataset']!r} does not have (it has "
                    f"{', '.join(map(str, frame.columns))})")


def _filtered(recipe: ModelRecipe, frame):
    import pandas as pd

    keep = pd.Series(True, index=frame.index)
    for number, entry in enumerate(recipe.data.get("filter", [])):
        columns = entry.get("columns") or [entry["column"]]
        _columns(recipe, frame, columns, f"data.filter[{number}]")
        for column in columns:
            values = frame[column]
            op = entry["op"]
            if op == "present":
                mask = values.notna()
            elif op == "missing":
                mask = values.isna()
            else:
                wanted = entry["value"] if op in ("in", "not in") else [entry["value"]]
                inside = values.isin(wanted)
                mask = inside if op in ("==", "in") else ~inside
            keep &= mask.to_numpy(dtype=bool)
    return frame[keep.to_numpy()]


def _texts(recipe: ModelRecipe, frame):
    columns = recipe.data["text"]
    columns = [columns] if isinstance(columns, str) else list(columns)
    _columns(recipe, frame, columns, "data.text")
    join = str(recipe.data.get("text_join", "\n\n"))
    texts = frame[columns[0]].fillna("").astype(str)
    for column in columns[1:]:
        texts = texts + join + frame[column].fillna("").astype(str)
    return texts.reset_index(drop=True)


def _target(recipe: ModelRecipe, frame):
    import numpy as np
    import pandas as pd

    if "labels" in recipe.data:
        mapping = {str(k): v for k, v in recipe.data["labels"].items()}
        _columns(recipe, frame, list(mapping.values()), "data.labels")
        table = frame[list(mapping.values())]
        if table.isna().any().any():
            column = table.columns[table.isna().any()][0]
            recipe.fail(f"data.labels: column {column!r} has missing values in "
                        f"{int(table[column].isna().sum())} rows after the filters (add a "
                        f"filter {{column = {column!r}, op = \"present\"}})")
        target = table.astype(int).reset_index(drop=True)
        target.columns = list(mapping)
        return target
    column = recipe.data["label"]
    _columns(recipe, frame, [column], "data.label")
    labels = frame[column]
    if labels.isna().any():
        first = labels.index[labels.isna()][0]
        recipe.fail(f"data.label: {int(labels.isna().sum())} rows have no {column!r} after "
                    f"the filters (first: {first!r}); filter them out")
    values = labels.astype(str).to_numpy(dtype=object)
    if "positive" in recipe.data:
        positive = str(recipe.data["positive"])
        if positive not in set(values):
            recipe.fail(f"data.positive {positive!r} is not a value of {column!r} (values: "
                        f"{sorted(set(values))[:10]})")
        return (values == positive).astype(np.int64)
    return pd.Series(values).to_numpy(dtype=object)


def _sample(recipe: ModelRecipe, frame, limit: int):
    """``limit`` rows, drawn with the recipe's seed (stratified by label when possible),
    in their original order."""
    import numpy as np

    if limit >= len(frame):
        return frame, "all rows"
    rng = np.random.default_rng(recipe.seed)
    if "label" in recipe.data:
        from sklearn.model_selection import train_test_split

        labels = frame[recipe.data["label"]].astype(str).to_numpy()
        try:
            chosen, _ = train_test_split(np.arange(len(frame)), train_size=limit,
                                         stratify=labels, random_state=recipe.seed)
            return frame.iloc[np.sort(chosen)], "stratified by label"
        except ValueError:  # a label too rare to stratify on: draw plainly
            pass
    chosen = rng.choice(len(frame), size=limit, replace=False)
    return frame.iloc[np.sort(chosen)], "drawn at random"


def _pairs_sha256(texts, target) -> str:
    """sha256 over the ordered (text, label) pairs, NUL-separated; several labels per text
    are written as their 0/1 digits in the recipe's label order."""
    import pandas as pd

    if isinstance(target, pd.DataFrame):
        labels = ["".join(str(int(v)) for v in row) for row in target.to_numpy()]
    else:
        labels = [str(v) for v in target]
    digest = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        digest.update(str(text).encode("utf-8", "surrogatepass") + b"\x00")
        digest.update(label.encode("utf-8", "surrogatepass") + b"\x00")
    return digest.hexdigest()


def training_data(recipe: ModelRecipe, *, limit: int | None = None,
                  progress: bool = False) -> TrainingData:
    """Fetch a recipe's dataset, apply its filters, and return texts, target and groups.

    Parameters
    ----------
    recipe : ModelRecipe
    limit : int, optional
        Keep this many rows (drawn with the recipe's seed): a smoke run.
    progress : bool, default False
        Show a progress bar while downloading.

    Returns
    -------
    TrainingData
    """
    import pandas as pd

    from .. import datasets

    fetcher, kwargs = _dataset_entry(recipe.data["dataset"])
    frame = getattr(datasets, fetcher)(**kwargs, progress=progress)
    fetched = len(frame)
    frame = _filtered(recipe, frame)
    filtered = len(frame)
    if filtered == 0:
        recipe.fail("no rows are left after data.filter")
    sampling = "all rows"
    if limit is not None:
        frame, sampling = _sample(recipe, frame, int(limit))
    texts, target = _texts(recipe, frame), _target(recipe, frame)
    groups = None
    if recipe.data.get("groups"):
        _columns(recipe, frame, [recipe.data["groups"]], "data.groups")
        groups = frame[recipe.data["groups"]].astype(str).to_numpy(dtype=object)
    if isinstance(target, pd.DataFrame):
        counts = {c: int(target[c].sum()) for c in target.columns}
    elif "positive" in recipe.data:
        positive = str(recipe.data["positive"])
        counts = {positive: int(target.sum()),
                  f"not {positive}": int(len(target) - target.sum())}
    else:
        counts = {str(k): int(v) for k, v in pd.Series(target).value_counts().items()}
    call = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    facts = {
        "dataset": recipe.data["dataset"],
        "fetcher": f"framing.datasets.{fetcher}({call})",
        "sources_sha256": frame.attrs.get("sources_sha256"),
        "n_source_files": frame.attrs.get("n_source_files"),
        "rows_fetched": fetched, "rows_filtered": filtered, "rows_used": len(texts),
        "sampling": sampling, "limit": limit, "label_counts": counts,
        "pairs_sha256": _pairs_sha256(texts, target),
    }
    return TrainingData(texts=texts, target=target, groups=groups, facts=facts, frame=frame)


def _groups_params(estimator, groups) -> dict:
    """``fit`` keyword arguments that give ``groups`` to the steps that take them."""
    import inspect

    if groups is None:
        return {}
    if "groups" in inspect.signature(estimator.fit).parameters:
        return {"groups": groups}
    steps = getattr(estimator, "steps", None) or []
    params = {f"{name}__groups": groups for name, step in steps
              if hasattr(step, "fit") and "groups" in inspect.signature(step.fit).parameters}
    if not params:
        raise RecipeError(f"data.groups is given but {type(estimator).__name__}.fit takes "
                          "no groups")
    return params


# -- training ------------------------------------------------------------------------------------
def _check_out(out: Path, overwrite: bool) -> None:
    if out.exists() and not overwrite:
        raise UsageError(f"{out} already exists; pass --overwrite to replace it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")


def _versions() -> dict:
    from importlib import metadata

    from .. import __version__

    versions = {"framing": __version__, "python": platform.python_version()}
    for package in ("scikit-learn", "numpy", "pandas", "torch", "transformers", "skops"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _save_weights(estimator, folder: Path) -> dict:
    from ..models import SeedAveragedClassifier, TransformerClassifier, save_model

    if isinstance(estimator, TransformerClassifier):
        estimator.save(folder / "model")
        return {"format": "transformer", "path": "model"}
    if isinstance(estimator, SeedAveragedClassifier) and all(
            isinstance(m, TransformerClassifier) for m in estimator.estimators_):
        estimator.save(folder / "model")
        return {"format": "seed-average", "path": "model"}
    try:
        save_model(estimator, folder / "model.skops")
    except TypeError as err:
        raise RuntimeError(f"cannot save this model: {err}") from err
    return {"format": "skops", "path": "model.skops"}


def load_trained(folder):
    """Load the model of a folder written by ``framing models train``.

    Parameters
    ----------
    folder : path-like

    Returns
    -------
    estimator
        Fitted, as the training run left it.

    Raises
    ------
    FileNotFoundError
        When the folder has no ``training.json`` (not written by ``framing models train``).
    """
    from ..models import SeedAveragedClassifier, TransformerClassifier, load_model

    folder = Path(os.fspath(folder))
    record_path = folder / TRAINING_RECORD
    if not record_path.is_file():
        raise FileNotFoundError(f"{record_path} not found: {folder} is not a folder written "
                                "by 'framing models train'")
    weights = json.loads(record_path.read_text(encoding="utf-8"))["weights"]
    loaders = {"skops": load_model, "transformer": TransformerClassifier.load,
               "seed-average": SeedAveragedClassifier.load}
    if weights.get("format") not in loaders:
        raise ValueError(f"{record_path}: unknown weights format {weights.get('format')!r}")
    return loaders[weights["format"]](folder / weights["path"])


def train(recipe: ModelRecipe, out, *, overwrite: bool = False, limit: int | None = None,
          progress: bool = False, log=print) -> Path:
    """Train a recipe's model and write its folder (weights, record, recipe, card).

    Parameters
    ----------
    recipe : ModelRecipe
    out : path-like
        The folder to write; refused if it exists, unless ``overwrite``.
    overwrite : bool, default False
    limit : int, optional
        Train on this many rows only (a smoke run; the card says so).
    progress : bool, default False
        Show download progress bars.
    log : callable, default print
        Where progress lines go.

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    out = Path(os.fspath(out)).expanduser().absolute()
    _check_out(out, overwrite)
    estimator = build_estimator(recipe)
    started = datetime.now(timezone.utc)
    data = training_data(recipe, limit=limit, progress=progress)
    log(f"{recipe.name}: {data.facts['rows_used']:,} of {data.facts['rows_filtered']:,} "
        f"rows of {data.facts['dataset']}; fitting {recipe.factory}({recipe.kind!r})")
    clock = time.perf_counter()
    estimator.fit(data.texts, data.target, **_groups_params(estimator, data.groups))
    seconds = time.perf_counter() - clock
    out.parent.mkdir(parents=True, exist_ok=True)
    with _terminate_as_exit():
        _write(recipe, estimator, data, out, overwrite, started, seconds)
    return out


@contextlib.contextmanager
def _terminate_as_exit():
    """Turn SIGTERM into SystemExit for a block, so its cleanup runs when a run is stopped."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _write(recipe: ModelRecipe, estimator, data: TrainingData, out: Path, overwrite: bool,
           started: datetime, seconds: float) -> None:
    """Write the trained folder under a temporary name, then rename it to ``out``."""
    partial = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    # mkdtemp makes a private folder; the result is an ordinary one
    umask = os.umask(0)
    os.umask(umask)
    partial.chmod(0o777 & ~umask)
    try:
        record = {
            "model": recipe.name, "title": recipe.title,
            "recipe": {"path": str(recipe.path), "sha256": recipe.sha256,
                       "version": recipe.version, "overrides": recipe.overrides},
            "factory": recipe.factory, "kind": recipe.kind, "seed": recipe.seed,
            "settings": recipe.settings, "data": data.facts,
            "started_utc": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "fit_seconds": round(seconds, 1), "cpu_count": os.cpu_count(),
            "device": _compute_device(estimator),
            "versions": _versions(),
            "weights": _save_weights(estimator, partial),
        }
        if recipe.factory == "loaded_index":
            record["index"] = _index_record(estimator)
        shutil.copyfile(recipe.path, partial / RECIPE_NAME)
        (partial / TRAINING_RECORD).write_text(json.dumps(record, indent=2, default=str) + "\n",
                                               encoding="utf-8")
        (partial / CARD_NAME).write_text(_run_card(recipe, record), encoding="utf-8")
        _replace(partial, out, overwrite)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def _compute_device(estimator) -> str:
    """Where the model's torch parts computed: their ``device_`` (and ``precision_``), else
    what their ``device`` setting resolves to here; ``"cpu"`` for a model without torch."""
    from .._device import resolve_device

    parts = [estimator]
    if hasattr(estimator, "get_params"):
        parts += [value for value in estimator.get_params(deep=True).values()
                  if hasattr(value, "get_params")]
    ran = set()
    for part in parts:
        device = getattr(part, "device_", None)
        if device:
            precision = getattr(part, "precision_", None)
            ran.add(f"{device} ({precision})" if precision else str(device))
        elif isinstance(getattr(part, "device", None), str):
            ran.add(resolve_device(part.device))
    return ", ".join(sorted(ran)) or "cpu"


def _index_record(pipeline) -> dict:
    from ..features import INDEX_INTERCEPT, INDEX_WEIGHTS

    weights, intercept = index_weights(pipeline)
    shared = sorted(set(weights) & set(INDEX_WEIGHTS))
    difference = max([abs(weights[n] - INDEX_WEIGHTS[n]) for n in shared], default=None)
    return {"weights": weights, "intercept": intercept,
            "frozen_max_abs_weight_difference": difference,
            "frozen_intercept_difference": abs(intercept - INDEX_INTERCEPT),
            "features_not_in_frozen_index": sorted(set(weights) - set(INDEX_WEIGHTS)),
            "frozen_features_not_fitted": sorted(set(INDEX_WEIGHTS) - set(weights))}


def _replace(partial: Path, out: Path, overwrite: bool) -> None:
    """Move the finished folder into place; an old one is removed only once it is."""
    if not out.exists():
        partial.rename(out)
        return
    _check_out(out, overwrite)  # it may have appeared while training
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        partial.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _plural(count, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _run_card(recipe: ModelRecipe, record: dict) -> str:
    card_path = recipe.folder / CARD_NAME
    if card_path.is_file():
        card = card_path.read_text(encoding="utf-8").rstrip("\n")
    else:
        card = (f"# {recipe.title}\n\nNo model card was found beside the recipe "
                f"({card_path}); below are the facts of this training run only.")
    facts = record["data"]
    counts = ", ".join(f"{k} {v:,}" for k, v in facts["label_counts"].items())
    overrides = ", ".join(f"`{k} = {json.dumps(v)}`" for k, v in recipe.overrides.items())
    versions = ", ".join(f"{k} {v}" for k, v in record["versions"].items())
    rows = [
        ("recipe", f"`{recipe.path}` (sha256 `{recipe.sha256}`)"),
        ("overrides", overrides or "none"),
        ("data", f"`{facts['fetcher']}`; sources sha256 `{facts['sources_sha256']}` "
                 f"({_plural(facts['n_source_files'], 'pinned file')})"),
        ("rows", f"{facts['rows_fetched']:,} fetched, {facts['rows_filtered']:,} after the "
                 f"recipe's filters, {facts['rows_used']:,} used ({facts['sampling']})"),
        ("labels", counts),
        ("text/label pairs sha256", f"`{facts['pairs_sha256']}`"),
        ("fit", f"{record['fit_seconds']:,} s on {record['cpu_count']} CPU cores, "
                f"started {record['started_utc']}"),
        ("device", record.get("device", "cpu")),
        ("versions", versions),
        ("weights", f"`{record['weights']['path']}` ({record['weights']['format']}); load "
                    "with `framing.cli.models.load_trained(folder)`"),
    ]
    if "index" in record:
        index = record["index"]
        difference = index["frozen_max_abs_weight_difference"]
        difference = "none shared" if difference is None else f"{difference:.3g}"
        rows.append(("loaded_index", f"largest difference from the frozen `INDEX_WEIGHTS`: "
                                     f"{difference}; intercept {index['intercept']:.6g} "
                                     "(weights in training.json)"))
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    smoke = ""
    if recipe.overrides or facts["limit"] is not None:
        smoke = ("\n**A smoke run, not the model this card describes**: it was trained "
                 "on a slice of the data or with settings changed from the recipe (see "
                 "rows and overrides below), so the card's numbers do not apply to it.\n")
    return (f"{card}\n\n## This training run\n\nWritten by `framing models train "
            f"{recipe.name}`.\n{smoke}\n| fact | value |\n|---|---|\n{table}\n")


# -- command line --------------------------------------------------------------------------------
def configure(parser: argparse.ArgumentParser, parents: list, *, default_recipes=None):
    """Add ``models list`` and ``models train`` to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The ``models`` subcommand's parser.
    parents : list of argparse.ArgumentParser
        Options every parser takes (``--debug``), passed on to the nested parsers.
    default_recipes : path-like, optional
        The recipe folder when ``--recipes`` is not given (default ``./models``).

    Returns
    -------
    argparse._SubParsersAction
        The nested subparsers, so another program can add actions of its own.
    """
    parser.description = ("List framing's default models, and train one from its recipe "
                          "(models/<name>/recipe.toml in the repository).")
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION", parser_class=_Parser)
    default = None if default_recipes is None else str(default_recipes)
    recipes_help = ("folder of <name>/recipe.toml (default: "
                    + (default or "./models, the repository's models folder") + ")")
    listing = sub.add_parser("list", parents=parents, help="list the model recipes",
                             description="List the model recipes: name, factory and kind, "
                                         "dataset, title.")
    listing.add_argument("--recipes", metavar="DIR", default=default, help=recipes_help)
    listing.set_defaults(handler=_list)
    fit = sub.add_parser("train", parents=parents, help="train a model from its recipe",
                         description="Fetch a recipe's data, fit its model and write a "
                                     "folder: weights (skops or safetensors), training.json, "
                                     "the recipe, and the card with this run's facts.")
    fit.add_argument("name", help="model name, as 'list' shows it, or a recipe.toml path")
    fit.add_argument("--out", required=True, metavar="DIR", help="folder to write")
    fit.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    fit.add_argument("--limit", type=int, default=None, metavar="N",
                     help="train on N rows drawn with the recipe's seed (a smoke run)")
    fit.add_argument("--override", action="append", default=[], metavar="KEY=VALUE",
                     help="replace a recipe value for a smoke test, e.g. "
                          "settings.max_steps=2 (TOML value; recorded in the card)")
    fit.add_argument("--recipes", metavar="DIR", default=default, help=recipes_help)
    fit.add_argument("--no-progress", action="store_true", help="no download progress bar")
    fit.set_defaults(handler=_train)
    return sub


def _recipes(args) -> dict[str, Path]:
    where = Path(args.recipes) if args.recipes is not None else Path.cwd() / "models"
    if args.recipes is not None and not where.is_dir():
        raise UsageError(f"--recipes {where}: no such folder")
    found = find_recipes(where)
    if not found:
        hint = ("" if args.recipes is not None else
                " (run from the framing repository's root, or pass --recipes DIR)")
        raise UsageError(f"no model recipes in {where}: it has no <name>/{RECIPE_NAME}"
                         f"{hint}")
    return found


def _list(args) -> int:
    found = _recipes(args)
    rows = []
    for name, path in found.items():
        recipe = load_model_recipe(path)
        rows.append((name, f"{recipe.factory}({recipe.kind!r})", recipe.data["dataset"],
                     recipe.title))
    widths = [max(len(r[i]) for r in [("name", "model", "data", "title"), *rows])
              for i in range(3)]
    for row in [("name", "model", "data", "title"), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True))
              + "  " + row[3])
    print(f"\nrecipes: {Path(next(iter(found.values()))).parent.parent}")
    return 0


def _train(args) -> int:
    if args.limit is not None and args.limit < 2:
        raise UsageError(f"--limit must be at least 2, got {args.limit}")
    overrides = dict(parse_override(text) for text in args.override)
    name = args.name
    if name.endswith(".toml") or os.sep in name or "/" in name:
        path = Path(name)
    else:
        found = _recipes(args)
        if name not in found:
            raise UsageError(f"unknown model {name!r}; choose from: {', '.join(found)}")
        path = found[name]
    recipe = load_model_recipe(path, overrides)
    out = train(recipe, args.out, overwrite=args.overwrite, limit=args.limit,
                progress=not args.no_progress,
                log=lambda line: print(line, file=sys.stderr, flush=True))
    record = json.loads((out / TRAINING_RECORD).read_text(encoding="utf-8"))
    print(f"{recipe.name}: trained in {record['fit_seconds']:,} s on "
          f"{record['data']['rows_used']:,} rows")
    print(f"weights: {out / record['weights']['path']}")
    print(f"card: {out / CARD_NAME}")
    print(f"record: {out / TRAINING_RECORD}")
    return 0
