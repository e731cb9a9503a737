"""Deprecated: ``framing score`` lives in :mod:`framing.cli.score`.

``from framing.score_cli import configure`` (or ``run``) still works, with a
:class:`DeprecationWarning`; import from :mod:`framing.cli.score` instead.
"""

from __future__ import annotations

import importlib
import warnings

__all__ = ["configure", "run"]  # noqa: F822 - provided by __getattr__ below

_NEW_HOME = "framing.cli.score"


def __getattr__(name: str):
    # Resolved on use, so that importing this module alone neither warns nor loads the CLI.
    if name in __all__:
        warnings.warn(f"{__name__}.{name} is deprecated; use {_NEW_HOME}.{name}",
                      DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(_NEW_HOME), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
