"""Data home and mirror resolution."""

import os
from pathlib import Path

import pytest

from framing._config import get_data_home, get_mirror, is_offline


def test_data_home_argument_beats_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_DATA_HOME", str(tmp_path / "env"))
    assert get_data_home(tmp_path / "arg") == (tmp_path / "arg").resolve()
    assert (tmp_path / "arg").is_dir()


def test_data_home_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_DATA_HOME", str(tmp_path / "env"))
    assert get_data_home() == (tmp_path / "env").resolve()


def test_data_home_defaults_to_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("FRAMING_DATA_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    home = get_data_home()
    assert home.name == "framing"
    if os.name == "posix" and not str(home).startswith(str(Path.home() / "Library")):
        assert str(home).startswith(str(tmp_path / "xdg"))


def test_mirror_folder_url_and_file_url(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_MIRROR", str(tmp_path))
    assert get_mirror() == str(tmp_path.resolve()) + os.sep
    monkeypatch.setenv("FRAMING_MIRROR", tmp_path.as_uri())
    assert get_mirror() == str(tmp_path.resolve()) + os.sep
    monkeypatch.setenv("FRAMING_MIRROR", "http://127.0.0.1:8765")
    assert get_mirror() == "http://127.0.0.1:8765/"
    monkeypatch.delenv("FRAMING_MIRROR")
    assert get_mirror() is None


def test_mirror_errors_are_clear(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_MIRROR", str(tmp_path / "nope"))
    with pytest.raises(ValueError, match="not an existing folder"):
        get_mirror()
    monkeypatch.setenv("FRAMING_MIRROR", "ftp://example.org/x")
    with pytest.raises(ValueError, match="expected a folder"):
        get_mirror()


def test_offline_flag(monkeypatch):
    monkeypatch.setenv("FRAMING_OFFLINE", "1")
    assert is_offline()
    monkeypatch.setenv("FRAMING_OFFLINE", "0")
    assert not is_offline()
