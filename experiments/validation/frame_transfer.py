"""Does a learned frame travel to another issue? Train on one issue's coders, score the other's.

Run from the repository root::

    FRAMING_MIRROR=/work/shared/data/mirror HF_HUB_OFFLINE=1 \\
        python -m experiments.validation.frame_transfer

The two coded corpora at hand share one frame by name and meaning, *economic*
(consequences in money, jobs, costs): the Gun Violence Frame Corpus codes it on headlines
("Economic consequences", primary or secondary frame; Liu et al. 2019), the Narrative
Frames corpus on climate articles (EC; Frermann et al. 2023). Their other frames have no
counterpart in the other typology (GVFC's are issue-specific; Narrative Frames' conflict,
human interest, moral and resolution frames are generic), so only *economic* can be tested
in both directions. The mapping of GVFC's frames onto the policy typology is
``framing.datasets.GVFC_TO_POLICY_FRAMES`` (and ``experiments/README.md``).

For each direction: a binary ``make_frame_classifier(kind)`` learns *economic* (present or
not) from every text of the source corpus, with its threshold chosen on inner folds of the
source only, and is scored on every text of the target corpus. Reported: F1 of the
economic frame on the target, its precision and recall, ROC AUC, the target's prevalence
and the F1 of "always present" there; and, for reference, the in-issue F1 of the same kind
(5-fold, seed 0) on the target. Output: ``experiments/results/frame_transfer.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from ._cv import use_local_mirror

RESULTS = Path(__file__).resolve().parents[1] / "results"
KINDS = ("tfidf", "mpnet")
#: GVFC's frame code for economic consequences.
GVFC_ECONOMIC = 9


def economic(corpus: str) -> tuple[pd.Series, pd.DataFrame]:
    """Texts of one corpus and a one-column 0/1 frame ``economic``."""
    from framing.datasets import fetch_gvfc, fetch_narrative_frames

    if corpus == "gvfc":
        table = fetch_gvfc()
        table = table[(table["label_relevant"] == 1) & table["label_frame"].notna()]
        present = ((table["label_theme1"] == GVFC_ECONOMIC)
                   | (table["label_theme2"] == GVFC_ECONOMIC)).astype(int)
        texts = table["title"]
    else:
        table = fetch_narrative_frames().dropna(subset=["label_frame_economic"])
        present = table["label_frame_economic"].astype(int)
        texts = table["text"]
    return texts.reset_index(drop=True), pd.DataFrame({"economic": present.to_numpy()})


def _build(kind: str):
    from framing.models import make_frame_classifier

    if kind == "mpnet":
        return make_frame_classifier("embeddings", multilabel=True, model="mpnet")
    return make_frame_classifier(kind, multilabel=True)


def transfer(source: str, target: str, kind: str) -> dict:
    from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

    from framing.models import evaluate

    source_texts, source_y = economic(source)
    target_texts, target_y = economic(target)
    model = _build(kind).fit(source_texts, source_y)
    truth = target_y["economic"].to_numpy()
    proba = model.predict_proba(target_texts)[:, 0]
    pred = model.predict(target_texts)[:, 0]
    prevalence = float(truth.mean())
    within = evaluate(_build(kind), target_texts, target_y, seeds=(0,))
    within_f1 = within.scores.query("metric == 'f1[economic]'")["value"]
    return {"source": source, "target": target, "kind": kind,
            "n_source": len(source_texts), "n_target": len(target_texts),
            "source_prevalence": round(float(source_y["economic"].mean()), 4),
            "target_prevalence": round(prevalence, 4),
            "threshold": round(float(model.thresholds_[0]), 4),
            "f1": round(float(f1_score(truth, pred, zero_division=0)), 4),
            "precision": round(float(precision_score(truth, pred, zero_division=0)), 4),
            "recall": round(float(recall_score(truth, pred, zero_division=0)), 4),
            "roc_auc": round(float(roc_auc_score(truth, proba)), 4),
            "always_present_f1": round(2 * prevalence / (1 + prevalence), 4),
            "within_issue_f1": round(float(within_f1.mean()), 4)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args(argv)
    use_local_mirror()
    rows = []
    for kind in args.kinds.split(","):
        for source, target in (("gvfc", "narrative_frames"), ("narrative_frames", "gvfc")):
            row = transfer(source, target, kind)
            print(json.dumps(row), flush=True)
            rows.append(row)
    path = RESULTS / "frame_transfer.json"
    path.write_text(json.dumps({"frame": "economic", "runs": rows}, indent=1) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
