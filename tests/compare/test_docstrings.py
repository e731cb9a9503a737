"""framing.compare's public names resolve lazily.

Its docstring examples run once, with every other module's, in ``tests/test_docstrings.py``
(which also requires each compare module to have examples).
"""

from __future__ import annotations

import pytest


def test_public_names_resolve_lazily():
    import framing.compare as compare

    for name in compare.__all__:
        assert getattr(compare, name) is not None
    with pytest.raises(AttributeError):
        compare.not_a_function  # noqa: B018
