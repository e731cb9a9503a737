"""Write ``docs/results.md``, the one page of measured numbers, from their saved sources.

Run from the repository root::

    python -m experiments.results_page           # rewrite docs/results.md
    python -m experiments.results_page --check   # exit 1 if docs/results.md is stale

Sources, all under ``experiments/results/``:

* ``recorded/<experiment>/``: a recorded run of each figure or table of the study, as
  ``python -m experiments run NAME`` writes it (``manifest.json``, the result tables it lists,
  ``timing.json``). The page shows the manifest's command, data, settings, commit, key numbers
  and the sha256 of every output, and says whether each committed table still matches its
  checksum. An experiment without a recorded run is listed as such.
* The validation results files (``babe_sentence.csv``, ``ideology_unseen_outlets_tfidf.csv``,
  ``frame_classifiers.json``, ``frame_transfer.json``, ``frames_zero_shot.json``,
  ``relevance_short_items.json``, the out-of-fold predictions ``*_oof.csv``...), each
  rendered with its intervals and its own sha256. A file no section reads is still listed.
* ``transcribed.toml``: runs whose outputs were not saved; their numbers are shown apart,
  with the command that reproduces them.

Scoring the saved BABE out-of-fold predictions needs BABE's labels, fetched (and verified)
like any dataset: set ``FRAMING_MIRROR`` to work offline.
``tests/experiments/test_results_page.py`` regenerates the page and compares it with the
committed one, so no number on it is typed by hand.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ._context import sha256_file
from ._runner import EXPERIMENTS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results"
PAGE = ROOT / "docs" / "results.md"
#: Result tables among an experiment's outputs (the figures are rebuilt from them).
TABLE_SUFFIXES = (".csv", ".json", ".html", ".csv.gz")


# -- small helpers ------------------------------------------------------------------------------
def _read_toml(path: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def ci(mean, low, high, digits: int = 3) -> str:
    """``mean [low, high]``; the mean alone when the interval is not defined."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def _rel(path: Path, results: Path) -> str:
    return f"experiments/results/{path.relative_to(results).as_posix()}"


def _sources(paths, results: Path) -> list[str]:
    lines = ["Source files:", ""]
    lines += [f"* `{_rel(p, results)}` (sha256 `{sha256_file(p)}`)" for p in paths]
    return lines + [""]


def _cell(value) -> str:
    text = json.dumps(value) if isinstance(value, (dict, list, bool)) or value is None \
        else str(value)
    return text.replace("|", "\\|")


# -- the study's experiments --------------------------------------------------------------------
def experiment_section(name: str, title: str, results: Path) -> tuple[list[str], bool]:
    """The section of one experiment, and whether it has a recorded run."""
    folder = results / "recorded" / name
    manifest_path = folder / "manifest.json"
    lines = [f"### {title} (`{name}`)", ""]
    if not manifest_path.is_file():
        lines += ["**No recorded run yet.** `python -m experiments run "
                  f"{name} --record experiments/results/recorded` records one into "
                  f"`experiments/results/recorded/{name}/`; committed, it is shown here.",
                  ""]
        return lines, False
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("experiment") != name:
        raise ValueError(f"{manifest_path} is the manifest of "
                         f"{manifest.get('experiment')!r}, not of {name!r}")
    git = manifest.get("git") or {}
    commit = git.get("commit") or "unknown"
    dirty = " (with uncommitted changes)" if git.get("dirty") else ""
    timing = folder / "timing.json"
    timing = json.loads(timing.read_text(encoding="utf-8")) if timing.is_file() else {}
    # timing.json gives wall-clock seconds ("wall_s"; "seconds" in older runs), CPU
    # seconds and the machine's cores when the runner recorded them.
    seconds = timing.get("wall_s", timing.get("seconds"))
    took = "" if seconds is None else f"; {seconds:g} s wall-clock"
    if seconds is not None and timing.get("cpu_s") is not None:
        took += f", {timing['cpu_s']:g} s CPU"
    if seconds is not None and timing.get("cores"):
        took += f" on {timing['cores']} cores"
    versions = manifest.get("versions") or {}
    config = manifest.get("config") or {}
    lines += [f"* Command: `{manifest.get('command')}`"
              + (" (a smoke run on a sample, not the full study)" if manifest.get("smoke")
                 else ""),
              f"* Commit: `{commit}`{dirty}; Python {versions.get('python', '?')}, "
              f"framing {versions.get('framing-analysis', '?')}"
              + took,
              f"* Settings: `{config.get('file')}` (sha256 `{config.get('sha256')}`), "
              f"seed {manifest.get('seed')}: "
              + ", ".join(f"`{k} = {_cell(v)}`" for k, v in (config.get("values") or {}
                                                             ).items())]
    for dataset in manifest.get("datasets") or []:
        of = dataset.get("rows_in_dataset")
        rows = f"{dataset.get('rows'):,} rows" + (f" of {of:,}" if of else "")
        lines.append(f"* Data: `{dataset.get('name')}`, {rows} (version "
                     f"`{dataset.get('version')}`, sources sha256 "
                     f"`{dataset.get('sources_sha256')}`)")
    for model in manifest.get("models") or []:
        lines.append(f"* Model: `{model.get('name')}` revision `{model.get('revision')}`"
                     + (f", sha256 `{model['sha256']}`" if model.get("sha256") else ""))
    numbers = manifest.get("key_numbers") or {}
    lines += ["", "| key number | value |", "|---|---|"]
    lines += [f"| {key} | {_cell(value)} |" for key, value in numbers.items()]
    lines += ["", "| output | sha256 | committed here |", "|---|---|---|"]
    for file, digest in (manifest.get("outputs") or {}).items():
        path = folder / file
        if not path.is_file():
            state = "no (a figure: rerun to draw it)" if not file.endswith(TABLE_SUFFIXES) \
                else "no"
        elif sha256_file(path) == digest:
            state = "yes, checksum matches"
        else:
            state = "**yes, but its checksum differs from the manifest's**"
        lines.append(f"| `{file}` | `{digest}` | {state} |")
    return lines + [""], True


# -- validations from results files -------------------------------------------------------------
def babe_sentence_section(results: Path) -> list[str]:
    path = results / "babe_sentence.csv"
    table = pd.read_csv(path)
    cv = table[table["section"] == "cv"]
    lines = ["### Loaded-language features against BABE sentence bias", "",
             "Logistic regression on `LoadedLanguageScorer` rates (and variants) predicting "
             "BABE SG2's expert labels, 3,673 sentences; 95% t-intervals over folds. "
             "Command: `python -m experiments.validation.babe_sentence`.", "",
             "| features | BABE lexicon | split | folds | macro-F1 | ROC AUC |",
             "|---|---|---|---|---|---|"]
    for (features, babe, split), group in cv.groupby(["features", "babe_lexicon", "split"],
                                                     sort=False):
        by_metric = group.set_index("metric")
        cells = [ci(*by_metric.loc[m, ["mean", "ci_low", "ci_high"]])
                 if m in by_metric.index else "" for m in ("macro_f1", "roc_auc")]
        lines.append(f"| {features} | {babe} | {split} | "
                     f"{int(group['n_folds'].iloc[0])} | {cells[0]} | {cells[1]} |")
    index = table[table["section"] == "loaded_index"]
    if len(index):
        lines += ["", "The `loaded_index` weights, scored without cross-validation:", "",
                  "| fit | macro-F1 | ROC AUC |", "|---|---|---|"]
        for features, group in index.groupby("features", sort=False):
            by_metric = group.set_index("metric")["mean"]
            lines.append(f"| {features} | {by_metric.get('macro_f1', np.nan):.3f} | "
                         f"{by_metric.get('roc_auc', np.nan):.3f} |")
    return lines + [""] + _sources([path], results)


def ideology_section(path: Path, results: Path) -> list[str]:
    table = pd.read_csv(path)
    lines = [f"### Ideology classifiers, random split against unseen outlets "
             f"(`{path.name}`)", "",
             "AllSides immigration articles, left / center / right (the outlet's rating); "
             "`outlet`: folds grouped by outlet, so every test outlet is unseen in training. "
             "`+pooled`: each test outlet's articles get the mean probabilities of that "
             "outlet's articles. Command: "
             "`python -m experiments.validation.ideology_unseen_outlets`.", "",
             "| kind | split | folds | macro-F1 | accuracy | mean fit (s) |",
             "|---|---|---|---|---|---|"]
    for (kind, split), group in table.groupby(["kind", "split"], sort=False):
        by_metric = group.set_index("metric")
        cells = [ci(*by_metric.loc[m, ["mean", "ci_low", "ci_high"]])
                 if m in by_metric.index else "" for m in ("f1_macro", "accuracy")]
        lines.append(f"| {kind} | {split} | {int(group['n'].iloc[0])} | {cells[0]} | "
                     f"{cells[1]} | {group['fit_seconds_mean'].iloc[0]:.0f} |")
    return lines + [""] + _sources([path], results)


def babe_oof_section(paths: list[Path], results: Path) -> list[str]:
    """Macro-F1 of saved BABE out-of-fold probabilities, per file and averaged."""
    from sklearn.metrics import f1_score

    from framing.models import summarize_scores

    from .validation.babe_classifier import load_data

    labels = load_data()["label"].to_numpy(dtype=object)
    runs = {}
    for path in paths:
        run = pd.read_csv(path).sort_values("position").reset_index(drop=True)
        if run["position"].tolist() != list(range(len(labels))):
            raise ValueError(f"{path} does not predict each of BABE SG2's {len(labels)} "
                             "sentences once")
        runs[path] = run
    first = next(iter(runs.values()))
    columns = [c for c in first.columns if c.startswith("proba[")]
    classes = np.asarray([c[len("proba["):-1] for c in columns], dtype=object)

    def scores(proba, folds):
        predicted = classes[proba.argmax(axis=1)]
        values = [f1_score(labels[folds == k], predicted[folds == k], average="macro")
                  for k in sorted(set(folds))]
        summary = summarize_scores(pd.DataFrame({"split": "random", "metric": "f1_macro",
                                                 "value": values})).iloc[0]
        return (ci(summary["mean"], summary["ci_low"], summary["ci_high"]),
                ", ".join(f"{v:.3f}" for v in values))

    lines = ["### Fine-tuned sentence-bias model in bfloat16, saved predictions", "",
             "all-mpnet-base-v2 fine-tuned with `precision=\"bfloat16\"` on BABE SG2, 5-fold "
             "stratified (seed 0's folds); each file holds one fine-tuning seed's "
             "out-of-fold probabilities, scored here against BABE's labels. Command: "
             "`python -m experiments.validation.babe_classifier --kinds transformer "
             "--transformer-precision bfloat16` (`--transformer-n-seeds N` for the "
             "averages).", "",
             "| predictions | macro-F1 [95% CI] | folds |", "|---|---|---|"]
    for path, run in runs.items():
        mean, folds = scores(run[columns].to_numpy(), run["fold"].to_numpy())
        lines.append(f"| `{path.name}` | {mean} | {folds} |")
    same_folds = [p for p, r in runs.items() if r["fold"].equals(first["fold"])]
    for n in range(2, len(same_folds) + 1):
        chosen = same_folds[:n]
        proba = sum(runs[p][columns].to_numpy() for p in chosen) / n
        mean, folds = scores(proba, first["fold"].to_numpy())
        lines.append(f"| mean of the first {n} (`n_seeds={n}`) | {mean} | {folds} |")
    return lines + [""] + _sources(paths, results)


def frames_section(paths: list[Path], results: Path) -> list[str]:
    from .validation.frame_tables import render

    lines = ["### Frames against human coders", "",
             "Zero-shot `FrameScorer` and supervised `make_frame_classifier` kinds against "
             "coded frames of GVFC (gun violence headlines) and Narrative Frames (climate "
             "articles); transfer of a frame from one issue to the other. Commands: "
             "`python experiments/validation/frames_zero_shot.py --calibrate`, "
             "`python -m experiments.validation.frame_classifiers`, "
             "`python -m experiments.validation.frame_transfer`.", "",
             render().rstrip(), ""]
    return lines + _sources(paths, results)


def relevance_section(path: Path, results: Path) -> list[str]:
    record = json.loads(path.read_text(encoding="utf-8"))
    labels = record["labels"]
    lines = ["### Topic relevance of short items", "",
             f"{labels['n_items']} hand-labelled headlines and sentences "
             f"({labels['n_relevant']} relevant; `{labels['path']}`), scored by the "
             "sanctuary recipe's relevance rule, old recipe against new, on the text "
             "fields (`fields`) or plain text (`plain`); `dev` items were seen while writing "
             "the recipe, `test` items were not. Command: "
             "`python -m experiments.validation.relevance_short_items`.",
             "", "| recipe | input | part | n | precision | recall | F1 |",
             "|---|---|---|---|---|---|---|"]
    for recipe, by_input in record["scores"].items():
        for input_, by_part in by_input.items():
            for part, row in by_part.items():
                lines.append(f"| {recipe} | {input_} | {part} | {row['n']} | "
                             f"{row['precision']:.3f} | {row['recall']:.3f} | "
                             f"{row['f1']:.3f} |")
    return lines + [""] + _sources([path], results)


def transcribed_section(path: Path, results: Path) -> list[str]:
    record = _read_toml(path)
    lines = ["## Runs without a saved results file", "",
             "These runs saved no results file, so their numbers were transcribed from the "
             "runs' output. They are shown as recorded; rerun the command to check one.", ""]
    section = None
    for run in record.get("run", []):
        missing = [k for k in ("section", "claim", "command", "data", "result")
                   if k not in run]
        if missing:
            raise ValueError(f"{path}: a run lacks {', '.join(missing)}: {run}")
        if run["section"] != section:
            section = run["section"]
            lines += [f"### {section}", ""]
        lines += [f"**{run['claim']}**", "",
                  f"* Command: `{run['command']}`",
                  f"* Data and split: {run['data']}",
                  f"* Result: {run['result']}"]
        if "time" in run:
            lines.append(f"* Time: {run['time']}")
        if "recorded" in run:
            lines.append(f"* Recorded: {run['recorded']}")
        lines.append("")
    return lines + _sources([path], results)


# -- the page -----------------------------------------------------------------------------------
def render(results: Path = RESULTS) -> str:
    """The markdown of the results page, from the files under ``results``.

    Parameters
    ----------
    results : pathlib.Path, default ``experiments/results/``
        The results folder (``recorded/`` runs, validation files, ``transcribed.toml``).

    Returns
    -------
    str
        The page, ending with a newline.
    """
    results = Path(results)
    files = sorted(p for p in results.rglob("*") if p.is_file()
                   and "recorded" not in p.relative_to(results).parts)
    used: set[Path] = set()
    experiments, missing = [], []
    for name, title in EXPERIMENTS.items():
        section, recorded = experiment_section(name, title, results)
        experiments += section
        if not recorded:
            missing.append(name)
    extra_runs = sorted(p.name for p in (results / "recorded").glob("*")
                        if p.is_dir() and p.name not in EXPERIMENTS) \
        if (results / "recorded").is_dir() else []
    if extra_runs:
        raise ValueError(f"experiments/results/recorded/ holds runs of unknown experiments: "
                         f"{', '.join(extra_runs)} (known: {', '.join(EXPERIMENTS)})")

    validations = []
    path = results / "babe_sentence.csv"
    if path.is_file():
        validations += babe_sentence_section(results)
        used.add(path)
    oof = [p for p in files if re.fullmatch(r"babe_.*_oof\.csv", p.name)]
    if oof:
        validations += babe_oof_section(oof, results)
        used.update(oof)
    for path in [p for p in files if re.fullmatch(r"ideology_.*\.csv", p.name)]:
        validations += ideology_section(path, results)
        used.add(path)
    frames = [p for p in files if p.name in ("frames_zero_shot.json", "frame_classifiers.json",
                                             "frame_transfer.json")
              or p.name.startswith("frame_classifiers_")]
    if frames:
        validations += frames_section(frames, results)
        used.update(frames)
    path = results / "relevance_short_items.json"
    if path.is_file():
        validations += relevance_section(path, results)
        used.add(path)

    transcribed = results / "transcribed.toml"
    others = [p for p in files if p not in used and p != transcribed]

    n_recorded = len(EXPERIMENTS) - len(missing)
    lines = ["# Results", "",
             "<!-- Written by `python -m experiments.results_page` from experiments/results/; "
             "do not edit by hand. -->", "",
             "Every measured number of framing's study and of the validations behind its "
             "defaults, written from the saved results under `experiments/results/` by "
             "`python -m experiments.results_page` (`--check` says whether this page is "
             "stale; `tests/experiments/test_results_page.py` checks it). Each section gives "
             "the command that produced its numbers, the data and split, and the sha256 of "
             "its source files. Intervals are 95%.", "",
             "Times were measured on shared 2-core CPUs: read them as ratios.", "",
             "## Contents", "",
             "* [The study's figures and tables](#the-studys-figures-and-tables)",
             "* [Validations](#validations)"]
    if transcribed.is_file():
        lines.append("* [Runs without a saved results file]"
                     "(#runs-without-a-saved-results-file)")
    if others:
        lines.append("* [Other results files](#other-results-files)")
    lines += ["", "## The study's figures and tables", "",
              "Corpus: the AllSides immigration and sanctuary-policy articles of Baly et al. "
              "(2020), `framing.datasets.fetch_allsides()`; labels are the *outlet's* "
              "AllSides rating. One recorded run of `python -m experiments run NAME` each, "
              "from `experiments/results/recorded/NAME/`.", "",
              f"Recorded runs: {n_recorded} of {len(EXPERIMENTS)}."
              + (f" Without a recorded run: {', '.join(f'`{m}`' for m in missing)}."
                 if missing else ""), ""]
    lines += experiments
    lines += ["## Validations", "",
              "The numbers behind the scorers' and models' claims and the library's "
              "defaults, each from a validation script under `experiments/validation/` "
              "(outputs in `experiments/out/validation/`).", ""]
    lines += validations
    if transcribed.is_file():
        lines += transcribed_section(transcribed, results)
    if others:
        lines += ["## Other results files", "",
                  "Saved under `experiments/results/` but not summarised on this page:", ""]
        lines += [f"* `{_rel(p, results)}` (sha256 `{sha256_file(p)}`)" for p in others]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments.results_page",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/results.md differs from what would be written")
    parser.add_argument("--out", type=Path, default=PAGE,
                        help="the page to write or check (default docs/results.md)")
    args = parser.parse_args(argv)
    page = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
        if current != page:
            print(f"{args.out} is stale: run python -m experiments.results_page",
                  file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
