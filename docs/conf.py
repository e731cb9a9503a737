"""Sphinx configuration of framing's API reference (built offline).

Build from the repository root::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

``-W`` turns every warning into an error, as CI does (``tests/test_docs_build.py``).
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Importing framing's modules must not reach the network while the reference is built.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import framing  # noqa: E402

project = "framing"
author = "framing developers"
copyright = "framing developers, MIT licence"
release = version = framing.__version__

extensions = ["sphinx.ext.autodoc", "numpydoc"]
# Offline: no intersphinx, nothing fetched while building.
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build"]

# An API page is built only for a module that imports here; a module still being written
# (such as framing.tokenize before it lands) is left out rather than failing the build.
for page in sorted((Path(__file__).parent / "api").glob("*.rst")):
    module = f"framing.{page.stem}"
    try:
        importlib.import_module(module)
    except ImportError:
        exclude_patterns.append(f"api/{page.name}")

autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"  # the numpydoc Parameters sections already give the types
autodoc_preserve_defaults = True
# numpydoc: each class's own page section lists its methods; no stub pages per member.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "alabaster"
html_title = f"framing {release}"
html_static_path: list[str] = []


def _skip_metadata_routing(app, what, name, obj, skip, options):
    # scikit-learn generates set_fit_request, set_score_request... on every estimator; their
    # docstrings cite sklearn's own glossary, and they are documented there, not here.
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return skip


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_routing)
