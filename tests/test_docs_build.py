"""The API reference (docs/) builds with Sphinx, offline, with every warning an error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import REPO_ROOT

pytest.importorskip("sphinx", reason="Sphinx is not installed (pip install -e '.[dev]')")
pytest.importorskip("numpydoc", reason="numpydoc is not installed (pip install -e '.[dev]')")


@pytest.mark.slow
def test_api_reference_builds_without_warnings(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-E", "-b", "html",
         str(REPO_ROOT / "docs"), str(tmp_path / "html")],
        capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    pages = {p.stem for p in (tmp_path / "html" / "api").glob("*.html")}
    # one page per public subpackage (tokenize joins once it imports)
    assert {"datasets", "features", "models", "compare", "plot", "report", "schema"} <= pages
    features = (tmp_path / "html" / "api" / "features.html").read_text(encoding="utf-8")
    # numpydoc rendered the docstrings' sections, and autodoc found the public names
    assert "LoadedLanguageScorer" in features and "extract_features" in features
    assert "Parameters" in features and "Examples" in features
    assert "set_fit_request" not in features
