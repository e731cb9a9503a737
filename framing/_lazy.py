"""Lazy package exports: a name is imported from its submodule on first use.

Why: ``import framing`` (and ``import framing.features``) must stay fast and must not pull in
scikit-learn, torch or transformers until a function that needs them is used.
"""

from __future__ import annotations

import importlib

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: dict[str, str]):
    """Module ``__getattr__`` and ``__dir__`` that import ``exports[name]`` on first access.

    Parameters
    ----------
    package : str
        The package's ``__name__`` (relative submodule names resolve against it).
    exports : dict of str to str
        Public name -> the submodule defining it (for example ``"._loaded"``).

    Returns
    -------
    tuple of callables
        ``(__getattr__, __dir__)`` to assign in the package's ``__init__``.

    Examples
    --------
    >>> getattr_, dir_ = lazy_exports("framing.lexicons", {"Lexicon": ".lexicon"})
    >>> getattr_("Lexicon").__name__
    'Lexicon'
    >>> "Lexicon" in dir_()
    True
    """
    module = importlib.import_module(package)

    def __getattr__(name: str):
        if name in exports:
            value = getattr(importlib.import_module(exports[name], package), name)
            setattr(module, name, value)  # cache: later lookups skip __getattr__
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(module)) | set(exports))

    return __getattr__, __dir__
