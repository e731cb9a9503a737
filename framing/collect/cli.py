"""Deprecated: ``framing collect`` lives in :mod:`framing.cli.collect`.

``from framing.collect.cli import main`` (or ``add_parser``, ``configure``, ``run``) still
works, with a :class:`DeprecationWarning`; import from :mod:`framing.cli.collect` instead.
``python -m framing.collect`` is unchanged.
"""

from __future__ import annotations

import importlib
import sys
import warnings

__all__ = ["add_parser", "configure", "main", "run"]  # noqa: F822 - from __getattr__ below

_NEW_HOME = "framing.cli.collect"


def __getattr__(name: str):
    # Resolved on use, so that importing this module alone neither warns nor loads the CLI.
    if name in __all__:
        warnings.warn(f"{__name__}.{name} is deprecated; use {_NEW_HOME}.{name}",
                      DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(_NEW_HOME), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":  # pragma: no cover - ``python -m framing.collect.cli``, as before
    sys.exit(importlib.import_module(_NEW_HOME).main())
