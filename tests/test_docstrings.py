"""Every docstring example in the package runs and gives the output it shows.

Run under this folder's conftest, so examples that fetch data read the mirror and write to
the session's fresh data home, never the user's cache or the network.
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil

import pytest

import framing

MODULES = sorted(info.name for info in pkgutil.walk_packages(framing.__path__, "framing.")
                 if not info.name.endswith("__main__"))
#: Modules whose examples are their documentation: each must have some, so that examples
#: no longer found (behind a lazy import, say) fail here rather than pass unseen.
WITH_EXAMPLES = {f"framing.compare.{name}" for name in (
    "_agreement", "_bootstrap", "_fightin", "_multiple_testing", "_partisanship",
    "_same_event", "_tokens")}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    before = dict(os.environ)
    try:
        result = doctest.testmod(module, verbose=False, report=True,
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    finally:
        changed = sorted(key for key in before.keys() | os.environ.keys()
                         if before.get(key) != os.environ.get(key))
        os.environ.clear()
        os.environ.update(before)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
    if name in WITH_EXAMPLES:
        assert result.attempted > 0, f"no docstring examples found in {name}"
    # an example run in a notebook must not leave the user's environment changed (one that
    # deleted FRAMING_MIRROR once sent every later test to the network)
    assert changed == [], f"examples in {name} changed the environment: {changed}"


def test_most_public_modules_have_examples():
    """Guard against the examples silently not running (for example, a broken collector).

    The examples are counted, not run: :func:`test_docstring_examples_run` runs them once.
    """
    named = ("framing.compare._fightin", "framing.lexicons.matcher", "framing.models._ideology",
             "framing._lazy")
    assert set(named) | WITH_EXAMPLES <= set(MODULES)
    finder = doctest.DocTestFinder()
    found = sum(len(test.examples) for name in named
                for test in finder.find(importlib.import_module(name)))
    assert found >= 8
