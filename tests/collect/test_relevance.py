"""is_relevant on hand-labelled AllSides articles and on written gun / wildlife / figurative
cases. The labelling rule is in tests/data/README.md."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from framing.collect import explain_relevance, is_relevant, relevance_report

from ._synthetic_relevance import CASES

LABELS = Path(__file__).parents[1] / "data" / "relevance_labels.csv"


def _metrics(truth: pd.Series, predicted: pd.Series) -> dict:
    tp = int((truth & predicted).sum())
    fp = int((~truth & predicted).sum())
    fn = int((truth & ~predicted).sum())
    tn = int((~truth & ~predicted).sum())
    return {"n": len(truth), "accuracy": (tp + tn) / len(truth),
            "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / (tp + fn) if tp + fn else float("nan"),
            "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def test_labelled_allsides_sample(allsides):
    labels = pd.read_csv(LABELS, dtype={"article_id": str}).set_index("article_id")
    assert len(labels) >= 50 and labels.index.is_unique
    assert labels.index.isin(allsides.index).all()
    assert set(labels["label"]) == {0, 1}
    report = relevance_report(allsides.loc[labels.index], "sanctuary")
    truth = labels["label"].astype(bool)
    predicted = report["relevant"]
    print()
    results = {}
    for name, rows in [("dev", labels["split"] == "dev"), ("test", labels["split"] == "test"),
                       ("all", labels["split"].notna())]:
        results[name] = m = _metrics(truth[rows], predicted[rows])
        print(f"{name:>4}: n={m['n']} accuracy={m['accuracy']:.3f} "
              f"precision={m['precision']:.3f} recall={m['recall']:.3f} "
              f"(tp={m['tp']} fp={m['fp']} fn={m['fn']} tn={m['tn']})")
    rules = report[["score", "signals", "reason"]].rename(columns={"reason": "reason_rules"})
    wrong = labels[truth != predicted].join(rules)
    for article_id, row in wrong.iterrows():
        print(f"  {article_id} label={row['label']} [{row['split']}] {row['reason']} | "
              f"rules: {row['reason_rules']} ({row['signals']})")
    assert results["all"]["accuracy"] >= 0.9
    assert results["test"]["accuracy"] >= 0.85
    assert results["all"]["precision"] >= 0.9


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_written_cases(case):
    case_id, kind, title, text, expected = case
    frame = pd.DataFrame({"title": [title], "text": [text]},
                         index=pd.Index([case_id], name="article_id"))
    report = relevance_report(frame)
    assert bool(report["relevant"].iloc[0]) is expected, report.iloc[0].to_dict()


def test_outputs_are_on_the_index_and_explained():
    frame = pd.DataFrame({"title": ["Sanctuary city vote", "Bird count"],
                          "text": ["Immigration agents objected.", "Herons at the marsh."],
                          "meta_summary": [None, "At the bird sanctuary."]},
                         index=pd.Index(["x", "y"], name="article_id"))
    relevant = is_relevant(frame)
    assert relevant.name == "relevant" and relevant.dtype == bool
    assert relevant.index.equals(frame.index)
    assert relevant.tolist() == [True, False]
    report = relevance_report(frame)
    assert report.loc["y", "excluded"] == "bird sanctuary"  # the summary is read too
    assert list(report.columns) == ["relevant", "score", "n_title", "n_body", "signals",
                                    "excluded", "topic_context", "other_context",
                                    "reason"]
    empty = is_relevant(frame.iloc[:0])
    assert len(empty) == 0 and empty.dtype == bool
    spans = explain_relevance("Immigration agents objected.", title="Sanctuary city vote")
    assert spans.loc[0, "signal"] == "sanctuary_policy" and spans.loc[0, "in_title"]
    assert spans.attrs["summary"]["relevant"]
