"""Topic recipes: what to search for, where, over which dates, and what counts as on topic.

A recipe is data, not code: ``corpora/<name>/recipe.toml`` beside the corpus card
``corpora/<name>/CARD.md``. It holds the search query for each source (GDELT keywords and
negations, a Media Cloud query and collections, RSS feeds), the default date range, and the
rules of :func:`framing.collect.is_relevant`.

Where recipes are found
    :func:`load_recipe` takes a path (a ``.toml`` file or a folder holding
    ``recipe.toml``) or a name. A name is looked up first in ``./corpora/<name>/`` (the
    current folder, so a project can keep and edit its own recipes), then among the
    recipes shipped inside the package (``framing/collect/_recipes/<name>/recipe.toml``,
    byte-identical copies of the repository's ``corpora/``, which a test enforces). The
    path and the sha256 of the file used are kept on the recipe and written into every
    collected corpus, so a result always says which recipe made it.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

__all__ = ["Recipe", "RecipeError", "list_recipes", "load_recipe"]

_CONTEXTS = {"local", "policy", "none"}


class RecipeError(ValueError):
    """A recipe file is missing, unreadable or breaks the recipe format."""


def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib


def _packaged_root() -> Path:
    return Path(__file__).resolve().parent / "_recipes"


def _freeze(value):
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class Recipe:
    """A loaded topic recipe (read-only).

    Attributes
    ----------
    name, title, description : str
    version : int
    start, end : str or None
        Default date range (ISO dates, both included).
    languages : tuple of str
    sources : Mapping
        Per-source settings: ``gdelt``, ``mediacloud``, ``rss``.
    relevance : Mapping
        Rules of :func:`framing.collect.is_relevant`.
    path : pathlib.Path
        The file it was read from.
    sha256 : str
        Of that file's bytes.
    """

    name: str
    title: str
    description: str
    version: int
    start: str | None
    end: str | None
    languages: tuple
    sources: Mapping = field(repr=False)
    relevance: Mapping = field(repr=False)
    path: Path
    sha256: str = field(repr=False)

    def __reduce__(self):
        # mappingproxy does not pickle: rebuild from plain copies (for joblib, multiprocessing)
        return (_rebuild, (self.name, self.title, self.description, self.version, self.start,
                           self.end, self.languages, _thaw(self.sources),
                           _thaw(self.relevance), self.path, self.sha256))

    def provenance(self) -> dict:
        """``{"recipe": name, "recipe_version", "recipe_path", "recipe_sha256"}``."""
        return {"recipe": self.name, "recipe_version": self.version,
                "recipe_path": str(self.path), "recipe_sha256": self.sha256}


def _thaw(value):
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _rebuild(name, title, description, version, start, end, languages, sources, relevance,
             path, sha256):
    return Recipe(name=name, title=title, description=description, version=version,
                  start=start, end=end, languages=languages, sources=_freeze(sources),
                  relevance=_freeze(relevance), path=path, sha256=sha256)


def _check(data: dict, path: Path) -> None:
    def fail(reason):
        raise RecipeError(f"{path}: {reason}")

    for key in ("name", "relevance"):
        if key not in data:
            fail(f"missing {key!r}")
    rules = data["relevance"]
    signals = rules.get("signals")
    if not signals:
        fail("relevance.signals is empty")
    for number, signal in enumerate(signals):
        for key in ("name", "pattern", "context"):
            if key not in signal:
                fail(f"relevance.signals[{number}] has no {key!r}")
        if signal["context"] not in _CONTEXTS:
            fail(f"relevance.signals[{number}].context must be one of {sorted(_CONTEXTS)}, "
                 f"not {signal['context']!r}")
    patterns = [(f"relevance.signals[{i}].pattern", s["pattern"]) for i, s in enumerate(signals)]
    for key in ("exclusions", "topic_context", "other_sense_context"):
        patterns += [(f"relevance.{key}[{i}]", p) for i, p in enumerate(rules.get(key, []))]
    for i, s in enumerate(signals):
        patterns += [(f"relevance.signals[{i}].extra_context[{j}]", p)
                     for j, p in enumerate(s.get("extra_context", []))]
    for where, pattern in patterns:
        try:
            re.compile(pattern, re.IGNORECASE)
        except re.error as err:
            fail(f"{where} is not a valid regular expression ({err}): {pattern!r}")
    for key in ("window", "min_score", "title_weight"):
        if key in rules and not (isinstance(rules[key], int) and rules[key] >= 0):
            fail(f"relevance.{key} must be a non-negative integer")


def _read(path: Path) -> Recipe:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise RecipeError(f"cannot read recipe {path}: {err}") from err
    try:
        data = _toml().loads(raw.decode("utf-8"))
    except Exception as err:  # tomllib.TOMLDecodeError, UnicodeDecodeError
        raise RecipeError(f"{path} is not valid TOML: {err}") from err
    _check(data, path)
    return Recipe(
        name=str(data["name"]),
        title=str(data.get("title", data["name"])),
        description=" ".join(str(data.get("description", "")).split()),
        version=int(data.get("version", 1)),
        start=str(data["start"]) if data.get("start") else None,
        end=str(data["end"]) if data.get("end") else None,
        languages=tuple(data.get("languages", ())),
        sources=_freeze(dict(data.get("sources", {}))),
        relevance=_freeze(dict(data["relevance"])),
        path=path.resolve(),
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _candidates(name: str) -> list[Path]:
    return [Path.cwd() / "corpora" / name / "recipe.toml",
            _packaged_root() / name / "recipe.toml"]


def load_recipe(recipe: str | os.PathLike | Recipe) -> Recipe:
    """Load a topic recipe by name or path.

    Parameters
    ----------
    recipe : str, path-like or Recipe
        A recipe name (``"sanctuary"``), looked up in ``./corpora/<name>/recipe.toml`` and
        then among the packaged recipes; or a path to a recipe file or to a folder holding
        ``recipe.toml``. A :class:`Recipe` is returned as it is.

    Returns
    -------
    Recipe

    Raises
    ------
    RecipeError
        No such recipe, or the file breaks the format (the message names the key).

    Examples
    --------
    >>> recipe = load_recipe("sanctuary")
    >>> recipe.name, recipe.start, recipe.end
    ('sanctuary', '2017-01-01', '2019-12-31')
    >>> sorted(recipe.sources)
    ['gdelt', 'mediacloud', 'rss']
    """
    if isinstance(recipe, Recipe):
        return recipe
    text = os.fspath(recipe)
    path = Path(text).expanduser()
    looks_like_path = path.suffix == ".toml" or os.sep in text or "/" in text
    if path.is_dir():
        path = path / "recipe.toml"
    if path.is_file():
        return _read(path)
    if looks_like_path:
        raise RecipeError(f"no recipe file at {path}")
    for candidate in _candidates(text):
        if candidate.is_file():
            return _read(candidate)
    raise RecipeError(f"no recipe named {text!r} (looked in "
                      f"{', '.join(str(c) for c in _candidates(text))}); "
                      f"available: {', '.join(list_recipes()) or 'none'}")


def list_recipes() -> list[str]:
    """Names of the recipes :func:`load_recipe` can find by name (local and packaged).

    Examples
    --------
    >>> "sanctuary" in list_recipes()
    True
    """
    names = set()
    for root in (Path.cwd() / "corpora", _packaged_root()):
        if root.is_dir():
            names.update(p.parent.name for p in root.glob("*/recipe.toml"))
    return sorted(names)
