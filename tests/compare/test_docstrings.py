"""Every example in framing.compare's docstrings runs and prints what it says."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["_agreement", "_bootstrap", "_fightin", "_multiple_testing", "_partisanship",
           "_same_event", "_tokens"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"framing.compare.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_public_names_resolve_lazily():
    import framing.compare as compare

    for name in compare.__all__:
        assert getattr(compare, name) is not None
    with pytest.raises(AttributeError):
        compare.not_a_function  # noqa: B018
