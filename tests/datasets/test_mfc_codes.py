"""fetch_mfc_codebook: the 51 Media Frames Corpus codes as a tidy table."""

from __future__ import annotations

import json

import pytest

from framing.datasets import fetch_mfc_codebook
from framing.datasets._mfc_codes import _parse


@pytest.fixture(scope="module")
def codes(mirror_dir):
    return fetch_mfc_codebook(progress=False)


def test_fetch_over_loopback_http(mirror_dir, fresh_data_home, monkeypatch, serve_folder):
    monkeypatch.setenv("FRAMING_MIRROR", serve_folder(mirror_dir))
    table = fetch_mfc_codebook(progress=False)
    assert len(table) == 51 and (fresh_data_home / "parsed").is_dir()


def test_codes_kinds_and_frames(codes):
    assert len(codes) == 51 and codes.attrs["n_source_rows"] == 51
    assert codes.attrs["rejected"].empty
    assert codes["kind"].value_counts().to_dict() == {
        "frame": 15, "headline": 15, "primary": 15, "tone": 5, "irrelevant": 1}
    assert codes.index[:4].tolist() == ["1.0", "1.1", "1.2", "2.0"]
    assert codes.index[-5:].tolist() == ["17.35", "17.4", "18.3", "19.35", "19.4"]
    frames = codes[codes["kind"] == "frame"]
    assert frames["frame"].tolist() == list(range(1, 16))
    assert frames.loc["5.0", "name"] == "Legality, constitutionality and jurisprudence"
    assert codes.loc["8.2", ["name", "frame_name", "frame"]].tolist() == [
        "Security and Defense primary", "Security and defense", 8]
    assert codes.loc["16.2", "kind"] == "irrelevant"
    assert codes.loc[codes["kind"] == "tone", "tone"].to_dict() == {
        "17.35": "pro", "17.4": "pro", "18.3": "neutral", "19.35": "anti", "19.4": "anti"}
    assert codes.loc["19.4", "name"] == "Explicit Anti"
    assert codes.loc[codes["kind"] == "tone", "frame"].isna().all()


def test_codes_equal_the_curated_file(codes, shared_data):
    curated = json.loads((shared_data / "media_frames_corpus_codes" / "codes.json").read_bytes())
    assert codes["name"].to_dict() == curated


def test_malformed_codes_are_reported_and_counts_reconcile(tmp_path):
    path = tmp_path / "codes.json"
    path.write_text(json.dumps({"1.0": "Economic", "1.2": "Economic primary", "20.1": "Odd",
                                "abc": "Nothing", "3.0": 7, "17.4": "Explicit Pro"}),
                    encoding="utf-8")
    table = _parse([path])
    assert len(table) + len(table.attrs["rejected"]) == table.attrs["n_source_rows"] == 6
    assert table.index.tolist() == ["1.0", "1.2", "17.4"]
    reasons = table.attrs["rejected"].set_index("row_id")["reason"]
    assert reasons["20.1"].startswith("code is neither a frame")
    assert reasons["abc"].startswith("code is neither a frame")
    assert reasons["3.0"] == "name is not a non-empty string: 7"
    assert table.loc["1.2", "frame_name"] == "Economic"
