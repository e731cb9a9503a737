"""The recorded zero-shot frame validation: its structure, the default method beating the
trivial rules, the calibration the package ships, and numbers recomputed where cheap."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from ..conftest import REPO_ROOT, needs_mirror

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

RECORD = json.loads((REPO_ROOT / "experiments" / "results" / "frames_zero_shot.json")
                    .read_text("utf-8"))
METHODS = ("lexicon", "embedding", "both")
GENERIC = ["conflict", "human_interest", "economic", "morality", "responsibility"]
MAPPED = ["cultural_identity", "economic", "fairness_equality", "health_safety", "legality",
          "policy_prescription", "political", "public_opinion"]


def test_record_structure():
    assert RECORD["script"] == "experiments/validation/frames_zero_shot.py"
    assert RECORD["command"].startswith("python experiments/validation/frames_zero_shot.py")
    assert RECORD["default_method"] == "lexicon"
    assert set(RECORD["gvfc_mapping"]) == {str(code) for code in range(1, 10)}
    for run in ("current", "previous"):
        assert set(RECORD[run]) >= {"narrative_frames", "gvfc"}
        assert set(RECORD[run]["narrative_frames"]) == set(METHODS)
        assert set(RECORD[run]["gvfc"]) == set(METHODS)
        for result in RECORD[run]["narrative_frames"].values():
            assert list(result["per_frame"]) == GENERIC
            for row in result["per_frame"].values():
                assert {"prevalence", "always_present_f1", "f1", "rule",
                        "beats_always_present"} <= set(row)
                assert 0 <= row["f1"] <= 1
        for result in RECORD[run]["gvfc"].values():
            assert result["n"] == 1301 and list(result["per_frame_f1"]) == MAPPED
            assert result["majority_frame"] == "political"
    assert len(RECORD["previous"]["revision"]) == 40
    assert "--baseline-rev" in RECORD["previous"]["command"]
    assert "--calibrate" in RECORD["calibration"]["similarity_threshold"]["command"]


def test_default_method_beats_always_present_on_every_narrative_frame():
    result = RECORD["current"]["narrative_frames"][RECORD["default_method"]]
    for frame, row in result["per_frame"].items():
        assert row["rule"].endswith("(out of fold)"), frame
        assert row["f1"] > row["always_present_f1"], frame
        assert row["beats_always_present"]
    assert result["macro_f1"] > result["always_present_macro_f1"]
    # and the previous scorer did not (conflict, resolution)
    previous = RECORD["previous"]["narrative_frames"]["lexicon"]["per_frame"]
    assert not previous["conflict"]["beats_always_present"]
    assert result["macro_f1"] > RECORD["previous"]["narrative_frames"]["lexicon"]["macro_f1"]


def test_default_method_beats_the_majority_class_on_gvfc():
    result = RECORD["current"]["gvfc"][RECORD["default_method"]]
    assert result["accuracy"] > result["majority_accuracy"]
    assert result["macro_f1"] > result["majority_macro_f1"]
    previous = RECORD["previous"]["gvfc"]["lexicon"]
    assert previous["accuracy"] < previous["majority_accuracy"] < result["accuracy"]


def test_shipped_calibration_is_the_recorded_one():
    from framing.features._frames import SIMILARITY_THRESHOLD, FrameScorer, presence_thresholds

    calibration = RECORD["calibration"]
    grid = calibration["similarity_threshold"]["grid"]
    best = max(grid, key=lambda row: (round(row["objective"], 12),
                                      -row["similarity_threshold"]))
    assert calibration["similarity_threshold"]["chosen"] == best["similarity_threshold"]
    assert SIMILARITY_THRESHOLD == best["similarity_threshold"]
    assert FrameScorer().similarity_threshold == SIMILARITY_THRESHOLD
    for method, thresholds in calibration["presence_thresholds"].items():
        shipped = presence_thresholds("generic", method)
        assert shipped.to_dict() == thresholds  # exactly: a threshold is an article's signal
        recorded = RECORD["current"]["narrative_frames"][method]["per_frame"]
        assert {f: recorded[f]["threshold_shipped"] for f in GENERIC} == thresholds


@needs_mirror
def test_lexicon_gvfc_numbers_recompute():
    from experiments.validation.frames_zero_shot import load_gvfc, primary_metrics
    from framing.features import FrameScorer

    texts, gold = load_gvfc()
    predicted = FrameScorer(typologies="policy").fit().primary_frames(texts)["policy"]
    fresh = primary_metrics(predicted, gold)
    recorded = RECORD["current"]["gvfc"]["lexicon"]
    for key in ("accuracy", "macro_f1", "majority_accuracy", "majority_macro_f1",
                "no_evidence", "outside_mapping"):
        assert fresh[key] == pytest.approx(recorded[key], abs=1e-9), key
    assert fresh["per_frame_f1"] == pytest.approx(recorded["per_frame_f1"], abs=1e-9)


@needs_mirror
def test_lexicon_narrative_frames_numbers_recompute():
    from experiments.validation.frames_zero_shot import (
        cross_fitted_f1,
        evaluate_narrative_frames,
        load_narrative_frames,
        nf_signals,
    )
    from framing.features import FrameScorer

    texts, labels = load_narrative_frames()
    assert list(labels.columns) == GENERIC and len(labels) == 427
    signals = nf_signals(texts, ["lexicon"], None)
    recorded = RECORD["current"]["narrative_frames"]["lexicon"]
    thresholds = RECORD["calibration"]["presence_thresholds"]
    fresh = evaluate_narrative_frames(labels, signals, ["lexicon"], presence=True,
                                      thresholds=thresholds)["lexicon"]
    for frame in GENERIC:
        for key in ("prevalence", "always_present_f1", "f1", "f1_shipped_in_sample"):
            assert fresh["per_frame"][frame][key] == pytest.approx(
                recorded["per_frame"][frame][key], abs=1e-9), (frame, key)
    # the shipped rule is FrameScorer.frames_present
    present = FrameScorer(typologies="generic").fit().frames_present(texts)
    for frame in GENERIC:
        raw = signals["lexicon"]["raw"][:, GENERIC.index(frame)]
        expected = (raw > 0) & (raw >= thresholds["lexicon"][frame])
        np.testing.assert_array_equal(present[f"generic_{frame}"].to_numpy(), expected)
    # cross-fitting is out of fold: a signal that is pure noise scores near chance
    rng = np.random.default_rng(0)
    y = labels["morality"].to_numpy()
    noise = cross_fitted_f1(rng.random(len(y)), y)["f1"]
    assert noise < 2 * y.mean() / (1 + y.mean()) + 0.05
