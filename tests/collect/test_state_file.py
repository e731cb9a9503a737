"""The collect run's state file is replaced whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.collect import load_recipe
from framing.collect.pipeline import _Store


def test_state_file_survives_a_write_interrupted_halfway(tmp_path, monkeypatch):
    store = _Store(tmp_path, load_recipe("sanctuary"))
    store.flush()
    state_path = store.paths["state"]
    before = state_path.read_text()
    assert json.loads(before)["gdelt_windows"] == []

    def half_then_crash(self, text, *args, **kwargs):
        Path.write_bytes(self, text[: len(text) // 2].encode())
        raise OSError("disk full")

    store.state["gdelt_windows"] = [["2020-01-01", "2020-01-02"]] * 50
    monkeypatch.setattr(Path, "write_text", half_then_crash)
    with pytest.raises(OSError, match="disk full"):
        store.flush()
    monkeypatch.undo()
    assert state_path.read_text() == before
    assert sorted(p.name for p in state_path.parent.iterdir()
                  if p.name.startswith(f".{state_path.name}")) == []
