"""Every docstring example in the package runs and gives the output it shows.

Run under this folder's conftest, so examples that fetch data read the mirror and write to
the session's fresh data home, never the user's cache or the network.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import framing

MODULES = sorted(info.name for info in pkgutil.walk_packages(framing.__path__, "framing.")
                 if not info.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_most_public_modules_have_examples():
    """Guard against the examples silently not running (for example, a broken collector)."""
    attempted = sum(doctest.testmod(importlib.import_module(name)).attempted
                    for name in ("framing.compare._fightin", "framing.lexicons.matcher",
                                 "framing.models._ideology", "framing._lazy"))
    assert attempted >= 8
