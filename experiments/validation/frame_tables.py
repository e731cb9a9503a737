"""The frame-validation tables of ``experiments/README.md``, written from the saved results.

Run from the repository root after any of the frame validation scripts::

    python -m experiments.validation.frame_tables          # rewrite the README's block
    python -m experiments.validation.frame_tables --check  # exit 1 if the block is stale

Reads ``experiments/results/frame_classifiers.json`` (supervised kinds against coders),
``frame_transfer.json`` (a frame learned on one issue, scored on the other) and
``frames_zero_shot.json`` (the zero-shot ``FrameScorer``, written by
``experiments/validation/frames_zero_shot.py``), and writes the markdown between
the ``<!-- frame-tables:begin -->`` and ``<!-- frame-tables:end -->`` lines of
``experiments/README.md``. ``tests/experiments/test_frame_classifier_results.py`` checks
that the README's block is what this script writes, so no number there is typed by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "experiments" / "results"
README = ROOT / "experiments" / "README.md"
BEGIN, END = "<!-- frame-tables:begin -->", "<!-- frame-tables:end -->"
#: What the frames issue asked of the supervised classifiers (metric, target) per dataset.
TARGETS = {"gvfc": (("accuracy", 0.84), ("f1_macro", 0.78)),
           "narrative_frames": (("f1_macro", 0.65),)}
TITLES = {"gvfc": "GVFC headlines, primary frame (9 classes)",
          "narrative_frames": "Narrative Frames articles, 5 generic frames (multi-label)"}


def _cell(metric: dict) -> str:
    if metric["n"] < 2:  # a sample of one fold has no interval
        return f"{metric['mean']:.3f} (one fold)"
    return f"{metric['mean']:.3f} [{metric['ci_low']:.3f}, {metric['ci_high']:.3f}]"


def supervised_tables(record: dict) -> list[str]:
    lines = []
    for dataset in ("gvfc", "narrative_frames"):
        if dataset not in record:
            continue
        entry = record[dataset]
        accuracy_name = ("exact-match accuracy" if dataset == "narrative_frames"
                         else "accuracy")
        lines += [f"**{TITLES[dataset]}**, `make_frame_classifier` kinds, 5-fold stratified:", "",
                  f"| kind | seeds x folds | macro-F1 [95% CI] | {accuracy_name} [95% CI] | "
                  "mean fit (s) |", "|---|---|---|---|---|"]
        best = None
        for kind, run in sorted(entry["kinds"].items(),
                                key=lambda item: -item[1]["metrics"]["f1_macro"]["mean"]):
            runs = f"{len(run['seeds'])} x {len(run['folds'])}"
            lines.append(f"| {kind} | {runs} | {_cell(run['metrics']['f1_macro'])} | "
                         f"{_cell(run['metrics']['accuracy'])} | {run['mean_fit_seconds']:.0f} |")
            best = best or kind
        baseline = entry["baseline"]
        accuracy = baseline["metrics"].get("accuracy")
        lines.append(f"| {baseline['rule']} | 3 x 5 | {_cell(baseline['metrics']['f1_macro'])} | "
                     f"{_cell(accuracy) if accuracy else '(not defined)'} | 0 |")
        verdicts = []
        for metric, target in TARGETS[dataset]:
            run = entry["kinds"][best]
            value = run["metrics"][metric]["mean"]
            folds = len(run["seeds"]) * len(run["folds"])
            sample = "" if folds >= 5 else f" on a sample of {folds} fold(s)"
            verdicts.append(f"{metric} {target:.2f}: best {value:.3f} ({best}{sample}), "
                            f"{'met' if value >= target else '**not met**'}")
        lines += ["", "Targets: " + "; ".join(verdicts) + ".", ""]
        if dataset == "narrative_frames":
            lines += per_frame_table(entry, best)
    return lines


def per_frame_table(entry: dict, kind: str) -> list[str]:
    metrics = entry["kinds"][kind]["metrics"]
    rule = entry["baseline"]["metrics"]
    frames = [m[3:-1] for m in metrics if m.startswith("f1[")]
    lines = [f"Per frame ({kind}), against the always-present rule on the same folds:", "",
             "| frame | prevalence | F1 [95% CI] | always present |", "|---|---|---|---|"]
    for frame in frames:
        lines.append(f"| {frame} | {rule[f'prevalence[{frame}]']['mean']:.3f} | "
                     f"{_cell(metrics[f'f1[{frame}]'])} | {rule[f'f1[{frame}]']['mean']:.3f} |")
    return lines + [""]


def transfer_table(record: dict) -> list[str]:
    lines = [f"**Transfer**: the {record['frame']} frame learned on one issue, scored on the "
             "other (every text of each; threshold from the source only):", "",
             "| source -> target | kind | F1 | precision | recall | ROC AUC | always present "
             "| within the target issue (5-fold) |", "|---|---|---|---|---|---|---|---|"]
    for run in record["runs"]:
        lines.append(f"| {run['source']} -> {run['target']} | {run['kind']} | {run['f1']:.3f} | "
                     f"{run['precision']:.3f} | {run['recall']:.3f} | {run['roc_auc']:.3f} | "
                     f"{run['always_present_f1']:.3f} | {run['within_issue_f1']:.3f} |")
    return lines + [""]


def zero_shot_tables(record: dict) -> list[str]:
    """The zero-shot FrameScorer against the same coders (no training on them)."""
    now, before = record["current"], record["previous"]
    lines = ["**Zero-shot `FrameScorer`** (no training on these coders; "
             f"`{record['command']}`), against the scorer before this rebuild:", "",
             "| data | method | now | before | trivial rule |", "|---|---|---|---|---|"]
    for method in ("lexicon", "embedding", "both"):
        nf, old = now["narrative_frames"][method], before["narrative_frames"][method]
        lines.append(f"| Narrative Frames, macro-F1 of frame presence (out of fold) | {method} | "
                     f"{nf['macro_f1']:.3f} | {old['macro_f1']:.3f} | always present "
                     f"{nf['always_present_macro_f1']:.3f} |")
    for method in ("lexicon", "embedding", "both"):
        gv, old = now["gvfc"][method], before["gvfc"][method]
        lines.append(f"| GVFC, primary policy frame (mapped), accuracy / macro-F1 | {method} | "
                     f"{gv['accuracy']:.3f} / {gv['macro_f1']:.3f} | {old['accuracy']:.3f} / "
                     f"{old['macro_f1']:.3f} | majority class {gv['majority_accuracy']:.3f} / "
                     f"{gv['majority_macro_f1']:.3f} |")
    per_frame = now["narrative_frames"][record["default_method"]]["per_frame"]
    default = record["default_method"]
    lines += ["", f"Per Narrative Frames frame, the default (`method=\"{default}\"`):",
              "", "| frame | prevalence | F1 (out of fold) | always present |",
              "|---|---|---|---|"]
    for frame, row in per_frame.items():
        lines.append(f"| {frame} | {row['prevalence']:.3f} | {row['f1']:.3f} | "
                     f"{row['always_present_f1']:.3f} |")
    return lines + [""]


def render() -> str:
    lines = []
    path = RESULTS / "frames_zero_shot.json"
    if path.exists():
        lines += zero_shot_tables(json.loads(path.read_text()))
    path = RESULTS / "frame_classifiers.json"
    if path.exists():
        lines += supervised_tables(json.loads(path.read_text()))
    path = RESULTS / "frame_transfer.json"
    if path.exists():
        lines += transfer_table(json.loads(path.read_text()))
    return "\n".join(lines).rstrip() + "\n"


def replace_block(text: str, block: str) -> str:
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{README} lacks the {BEGIN} ... {END} lines")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{block}{END}{tail}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the README is stale")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = replace_block(text, render())
    if args.check:
        if new != text:
            print(f"{README}: the frame tables are stale; run "
                  "python -m experiments.validation.frame_tables")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    print(f"wrote the frame tables of {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
