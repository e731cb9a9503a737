"""Model cards from templates: every number is read from a results file when the card is made.

``models/<name>/card.md.in`` is the card's text with placeholders; ``python -m models cards``
fills them and writes ``models/<name>/CARD.md`` beside it, and a test regenerates every card
and compares, so a card cannot disagree with the results it cites. A placeholder is
``{{ SOURCE ARGUMENTS | FORMAT }}``:

``{{ json FILE KEY.PATH | FORMAT }}``
    A value of ``experiments/results/FILE`` (JSON), found by its dotted key path; a part
    ``runs[kind=mpnet,source=gvfc]`` picks the one record of the list ``runs`` whose fields
    have those values.
``{{ csv FILE[COLUMN=VALUE & COLUMN^=PREFIX] COLUMN | FORMAT }}``
    A column of the one row of ``experiments/results/FILE`` (CSV) whose columns match
    (``=`` equal, ``^=`` starts with); the column ``ci`` gives ``mean [ci_low, ci_high]``.
``{{ oof FILE+FILE | FORMAT }}``
    Macro-F1 per fold of saved out-of-fold probabilities (columns ``fold``, ``position``,
    ``proba[<class>]``; several files are averaged row by row, as a seed average
    predicts), scored against the labels of the card's own recipe data.
``{{ recipe FIELD }}``
    From the recipe: ``factory``, ``kind``, ``seed``, ``settings`` (a table),
    ``members`` (a table), ``estimator`` (the built estimator's parameters, as
    scikit-learn prints them), ``train_command``, ``smoke_command``.
``{{ data FIELD }}``
    The training data: ``dataset``, ``fetcher``, ``filters``, ``repository``, ``commit``,
    ``files`` (each pinned file with its sha256, or their count), ``sources_sha256``,
    ``licence``, ``citation``, ``rows`` (after the recipe's filters), ``labels`` (counts),
    ``labels_by COLUMN=VALUE,VALUE`` (counts among the rows with those values), ``years``
    (of the dated rows).
``{{ index weights }}``
    The frozen ``loaded_index`` weights of :mod:`framing.features` (a table).

Formats: ``ci`` (``0.733 [0.713, 0.753]`` from a mean and its 95% interval), ``folds``
(the per-fold values), ``n``, ``int`` (thousands separated), or a Python format spec
(``.3f``). A value missing from its results file (a kind not measured yet) is rendered as a
visible "not measured yet" note, and listed by the command.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

MODELS = Path(__file__).resolve().parent
REPO = MODELS.parent
RESULTS = REPO / "experiments" / "results"
TEMPLATE = "card.md.in"
CARD = "CARD.md"
HEADER = ("<!-- Generated from card.md.in by `python -m models cards`: edit the template, "
          "not this file. Numbers are read from experiments/results/. -->\n")

_PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.DOTALL)
_SELECT = re.compile(r"^(?P<name>[^\[]+)\[(?P<conditions>[^\]]+)\]$")
_CSV = re.compile(r"^(?P<file>[^\[\s]+)\[(?P<conditions>[^\]]*)\]\s+(?P<column>\S+)$")


class CardError(ValueError):
    """A card template has a placeholder that cannot be filled."""


class Missing(Exception):
    """A value that its results file does not hold (yet).

    ``args``: the file (shown in the card) and what is missing from it (reported).
    """


@dataclass
class CardContext:
    """What one card's placeholders read: its recipe, estimator, data and results."""

    name: str
    recipes: Path = MODELS
    results: Path = RESULTS
    missing: list[str] = field(default_factory=list)

    @cached_property
    def recipe(self):
        from framing.cli.models import load_model_recipe

        return load_model_recipe(self.recipes / self.name)

    @cached_property
    def estimator(self):
        from framing.cli.models import build_estimator

        return build_estimator(self.recipe)

    @cached_property
    def data(self):
        from framing.cli.models import training_data

        return training_data(self.recipe)

    @cached_property
    def pinned_files(self) -> list:
        """The registry entries of the recipe's ``data.source_files`` patterns."""
        from framing._fetch import select

        patterns = self.recipe.data.get("source_files")
        if not patterns:
            raise CardError(f"{self.recipe.path}: data.source_files is needed for "
                            "{{ data files }}, {{ data commit }} and the like")
        group = self.recipe.data.get("source_group", self.recipe.data["dataset"])
        files = [f for pattern in patterns for f in select(group, pattern)]
        if not files:
            raise CardError(f"{self.recipe.path}: data.source_files {patterns} match no "
                            f"pinned file of {group!r}")
        return files


def render(name: str, *, recipes: Path = MODELS, results: Path = RESULTS,
           template: str | None = None) -> tuple[str, list[str]]:
    """Fill one card's template.

    Parameters
    ----------
    name : str
        The model (folder of ``recipes``).
    recipes : pathlib.Path, default the repository's ``models/``
    results : pathlib.Path, default ``experiments/results/``
    template : str, optional
        Template text (default: ``<recipes>/<name>/card.md.in``).

    Returns
    -------
    text : str
        The card.
    missing : list of str
        The placeholders whose values their results files do not hold.

    Raises
    ------
    CardError
        An unknown placeholder, a results file that cannot be read, a key that names no
        value of the right type.
    """
    context = CardContext(name, recipes=recipes, results=results)
    if template is None:
        template = (recipes / name / TEMPLATE).read_text(encoding="utf-8")

    def fill(match: re.Match) -> str:
        expression = " ".join(match.group(1).split())
        try:
            return _value(context, expression)
        except Missing as why:
            file, detail = why.args
            context.missing.append(f"{name}: {{{{ {expression} }}}}: {detail}")
            return f"*not measured yet (not in `{file}`)*"
        except CardError as err:
            raise CardError(f"{recipes / name / TEMPLATE}: {{{{ {expression} }}}}: {err}") \
                from None

    return HEADER + _PLACEHOLDER.sub(fill, template), context.missing


def _value(context: CardContext, expression: str) -> str:
    body, _, form = expression.partition("|")
    body, form = body.strip(), form.strip()
    source, _, argument = body.partition(" ")
    argument = argument.strip()
    if source == "json":
        return _format(_json(context, argument), form)
    if source == "csv":
        value = _csv(context, argument)
        return _format(value, form or ("ci" if isinstance(value, dict) else ""))
    if source == "oof":
        return _format(_oof(context, argument), form or "ci")
    if source == "recipe":
        return _recipe(context, argument)
    if source == "data":
        return _data(context, argument)
    if source == "index" and argument == "weights":
        return _index_weights()
    raise CardError(f"unknown source {source!r} (json, csv, oof, recipe, data, index)")


# -- results files -------------------------------------------------------------------------------
def _results_file(context: CardContext, name: str) -> Path:
    path = context.results / name
    if not path.is_file():
        raise Missing(name, f"no file experiments/results/{name}")
    return path


def _json(context: CardContext, argument: str):
    file, _, key = argument.partition(" ")
    if not key:
        raise CardError("json needs a file and a key path")
    value = json.loads(_results_file(context, file).read_text(encoding="utf-8"))
    key = key.strip()
    for part in _key_parts(key):
        selected = _SELECT.match(part)
        if isinstance(value, dict) and part in value:  # keys such as "f1[Politics]" too
            value = value[part]
        elif selected and "=" in selected["conditions"]:  # the list record that matches
            records = value.get(selected["name"]) if isinstance(value, dict) else None
            if not isinstance(records, list):
                raise Missing(file, f"`{key}` is not in experiments/results/{file}")
            try:
                wanted = dict(c.split("=", 1) for c in selected["conditions"].split(","))
            except ValueError:
                raise CardError(f"{part!r}: a selection is [FIELD=VALUE,FIELD=VALUE]") \
                    from None
            matches = [r for r in records if isinstance(r, dict) and all(
                str(r.get(k.strip())) == v.strip() for k, v in wanted.items())]
            if len(matches) > 1:
                raise CardError(f"{len(matches)} records of {selected['name']!r} match "
                                f"{selected['conditions']!r}")
            if not matches:
                raise Missing(file, f"`{key}` is not in experiments/results/{file}")
            value = matches[0]
        else:
            raise Missing(file, f"`{key}` is not in experiments/results/{file}")
    return value


def _key_parts(key: str) -> list[str]:
    """Split a key path on the dots outside ``[...]`` selections."""
    parts, depth, current = [], 0, ""
    for char in key:
        depth += (char == "[") - (char == "]")
        if char == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _csv(context: CardContext, argument: str):
    import pandas as pd

    match = _CSV.match(argument)
    if not match:
        raise CardError("csv needs FILE[COLUMN=VALUE & ...] COLUMN")
    table = pd.read_csv(_results_file(context, match["file"]), dtype=str,
                        keep_default_na=False)
    rows = table
    for condition in match["conditions"].split("&"):
        column, op, value = re.match(r"^\s*([^=^]+?)\s*(\^=|=)\s*(.*?)\s*$",
                                     condition).groups()
        if column not in table.columns:
            raise CardError(f"{match['file']} has no column {column!r}")
        rows = rows[rows[column] == value] if op == "=" else \
            rows[rows[column].str.startswith(value)]
    if len(rows) != 1:
        message = (f"{len(rows)} rows of experiments/results/{match['file']} match "
                   f"[{match['conditions']}]")
        if rows.empty:
            raise Missing(match["file"], message)
        raise CardError(message)
    row = rows.iloc[0]
    if match["column"] == "ci":
        return {k: float(row[k]) for k in ("mean", "ci_low", "ci_high")}
    if match["column"] not in row.index:
        raise CardError(f"{match['file']} has no column {match['column']!r}")
    return float(row[match["column"]])


def _oof(context: CardContext, argument: str) -> dict:
    import numpy as np
    import pandas as pd
    from sklearn.metrics import f1_score

    from framing.models import summarize_scores

    runs = [pd.read_csv(_results_file(context, f)).sort_values("position")
            .reset_index(drop=True) for f in argument.split("+")]
    labels = np.asarray(context.data.target, dtype=object)
    for file, run in zip(argument.split("+"), runs, strict=True):
        if run["position"].tolist() != list(range(len(labels))):
            raise CardError(f"{file} does not predict each of the {len(labels)} rows of "
                            f"the recipe's data once")
        if not run["fold"].equals(runs[0]["fold"]):
            raise CardError(f"{file} was not made on the same folds as the first file")
    columns = [c for c in runs[0].columns if c.startswith("proba[")]
    proba = sum(run[columns].to_numpy() for run in runs) / len(runs)
    classes = np.asarray([c[len("proba["):-1] for c in columns], dtype=object)
    predicted, folds = classes[proba.argmax(axis=1)], runs[0]["fold"].to_numpy()
    values = [float(f1_score(labels[folds == k], predicted[folds == k], average="macro"))
              for k in sorted(set(folds))]
    summary = summarize_scores(pd.DataFrame({"split": "random", "metric": "f1_macro",
                                             "value": values})).iloc[0]
    return {"mean": float(summary["mean"]), "ci_low": float(summary["ci_low"]),
            "ci_high": float(summary["ci_high"]), "values": values, "n": len(values)}


def _format(value, form: str) -> str:
    if form in ("ci", "folds", "n"):
        if not isinstance(value, dict):
            raise CardError(f"format {form!r} needs a result with mean and interval, got "
                            f"{value!r}")
        if form == "n":
            return f"{int(value['n']):,}"
        if form == "folds":
            return ", ".join(f"{v:.3f}" for v in value["values"])
        return f"{value['mean']:.3f} [{value['ci_low']:.3f}, {value['ci_high']:.3f}]"
    if isinstance(value, dict | list):
        raise CardError(f"the key names a {type(value).__name__}, not a value; add a format "
                        "(ci, folds, n) or a longer key")
    if form == "int":
        return f"{int(round(float(value))):,}"
    if form:
        try:
            return format(value, form)
        except (TypeError, ValueError) as err:
            raise CardError(f"cannot format {value!r} as {form!r}: {err}") from None
    return str(value)


# -- recipe and data -----------------------------------------------------------------------------
def _table(rows, header=("setting", "value")) -> str:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---|"]
    lines += [f"| `{k}` | `{json.dumps(v)}` |" for k, v in rows]
    return "\n".join(lines)


def _recipe(context: CardContext, field_name: str) -> str:
    recipe = context.recipe
    if field_name in ("factory", "kind", "seed", "title", "version"):
        return str(getattr(recipe, field_name))
    if field_name == "settings":
        rows = [("kind", recipe.kind), ("random_state", recipe.seed),
                *recipe.settings.items()]
        return _table(rows)
    if field_name == "members":
        if not recipe.members:
            raise CardError("the recipe has no [members.*] tables")
        lines = ["| member | settings |", "|---|---|"]
        for name, table in recipe.members.items():
            cells = ", ".join(f"`{k} = {json.dumps(v)}`" for k, v in table.items())
            lines.append(f"| `{name}` | {cells or 'the kind defaults'} |")
        return "\n".join(lines)
    if field_name == "estimator":
        text = context.estimator.__repr__(N_CHAR_MAX=100_000)
        return f"```\n{text}\n```"
    if field_name == "train_command":
        return f"python -m models train {recipe.name} --out trained/{recipe.name}"
    if field_name == "smoke_command":
        return (f"python -m models train {recipe.name} --out /tmp/{recipe.name}-smoke "
                "--limit 40")
    raise CardError(f"unknown recipe field {field_name!r}")


def _data(context: CardContext, field_name: str) -> str:
    recipe = context.recipe
    if field_name == "dataset":
        return recipe.data["dataset"]
    if field_name in ("licence", "citation", "fetcher"):
        from framing.datasets import list_datasets

        entry = list_datasets().set_index("name").loc[recipe.data["dataset"]]
        if field_name == "fetcher":
            kwargs = entry["kwargs"] if isinstance(entry["kwargs"], dict) else {}
            call = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
            return f"framing.datasets.{entry['fetcher']}({call})"
        return str(entry[field_name])
    if field_name == "filters":
        entries = recipe.data.get("filter", [])
        if not entries:
            return "none"
        parts = []
        for entry in entries:
            columns = entry.get("columns") or [entry["column"]]
            value = f" {json.dumps(entry['value'])}" if "value" in entry else ""
            parts += [f"`{c} {entry['op']}{value}`" for c in columns]
        return ", ".join(parts)
    if field_name in ("repository", "commit"):
        values = {(f.owner, f.repo, f.commit) for f in context.pinned_files}
        if len(values) != 1:
            raise CardError(f"the pinned files come from {len(values)} commits")
        owner, repo, commit = values.pop()
        return f"{owner}/{repo}" if field_name == "repository" else commit
    if field_name == "files":
        files = context.pinned_files
        if len(files) <= 5:
            return "\n".join(f"* `{f.path}` ({f.bytes:,} bytes), sha256 `{f.sha256}`"
                             for f in files)
        patterns = ", ".join(f"`{p}`" for p in recipe.data["source_files"])
        return (f"* {len(files):,} files matching {patterns} ({sum(f.bytes for f in files):,} "
                "bytes), each pinned by sha256 in `framing/_fetch/registry.csv`")
    if field_name == "sources_sha256":
        from framing._fetch import sources_sha256

        return sources_sha256(context.pinned_files)
    if field_name == "rows":
        return f"{context.data.facts['rows_filtered']:,}"
    if field_name.startswith("labels_by "):
        return _labels_by(context, field_name.removeprefix("labels_by ").strip())
    if field_name == "years":
        dates = context.data.frame["date"].dropna() if "date" in context.data.frame else []
        if len(dates) == 0:
            raise CardError("the training data has no dates")
        return f"{dates.min().year}-{dates.max().year}"
    if field_name == "labels":
        return ", ".join(f"{k} {v:,}" for k, v in context.data.facts["label_counts"].items())
    raise CardError(f"unknown data field {field_name!r}")


def _labels_by(context: CardContext, argument: str) -> str:
    """``outlet=reuters,alternet`` -> "reuters: Biased 73, Non-biased 688; alternet: ..."."""
    import pandas as pd

    column, _, values = argument.partition("=")
    frame = context.data.frame
    if column not in frame.columns:
        raise CardError(f"the training data has no column {column!r}")
    target = context.data.target
    if isinstance(target, pd.DataFrame):
        raise CardError("labels_by needs one label per text")
    labels = pd.Series(target, index=frame.index).astype(str)
    parts = []
    for value in values.split(","):
        rows = labels[frame[column].astype(str).to_numpy() == value.strip()]
        if rows.empty:
            raise CardError(f"no training row has {column} = {value.strip()!r}")
        counts = rows.value_counts().sort_index()
        parts.append(f"{value.strip()}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return "; ".join(parts)


def _index_weights() -> str:
    """The frozen ``loaded_index`` weights and intercept, as framing ships them."""
    from framing.features import INDEX_INTERCEPT, INDEX_WEIGHTS

    lines = ["| feature | weight |", "|---|---|"]
    lines += [f"| `{name}` | {weight:.6g} |" for name, weight in INDEX_WEIGHTS.items()]
    lines.append(f"| intercept | {INDEX_INTERCEPT:.6g} |")
    return "\n".join(lines)


# -- every card ----------------------------------------------------------------------------------
def templates(recipes: Path = MODELS) -> list[str]:
    """The models with a card template."""
    return sorted(p.parent.name for p in recipes.glob(f"*/{TEMPLATE}"))


def write_cards(names=None, *, check: bool = False, recipes: Path = MODELS,
                results: Path = RESULTS, log=print) -> int:
    """Render cards and write them (or, with ``check``, report those that differ).

    Returns
    -------
    int
        0, or 1 when ``check`` finds a card that differs from its template's rendering.
    """
    names = list(names) if names else templates(recipes)
    unknown = sorted(set(names) - set(templates(recipes)))
    if unknown:
        raise CardError(f"no card template for {unknown}; models with one: "
                        f"{', '.join(templates(recipes))}")
    stale = []
    for name in names:
        text, missing = render(name, recipes=recipes, results=results)
        for line in missing:
            log(f"warning: {line}")
        path = recipes / name / CARD
        if check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        path.write_text(text, encoding="utf-8")
        log(f"wrote {path}")
    if stale:
        log(f"cards that differ from their templates and results: {', '.join(stale)}; run "
            "python -m models cards")
        return 1
    return 0
