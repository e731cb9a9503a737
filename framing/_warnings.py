"""Warnings that point at the user's line, not at framing's or scikit-learn's internals."""

from __future__ import annotations

import os
import sys
import warnings

_FRAMING = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _library_prefixes() -> tuple[str, ...]:
    prefixes = [_FRAMING]
    # a framing estimator inside a Pipeline or cross_validate is called from these
    for name in ("sklearn", "joblib"):
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            prefixes.append(os.path.dirname(os.path.abspath(module.__file__)) + os.sep)
    return tuple(prefixes)


def warn_at_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """Issue a warning attributed to the first frame outside framing and scikit-learn.

    ``stacklevel=2`` names the line that called the warning function, which is often
    framing's own code or scikit-learn's ``Pipeline.fit``; a researcher needs the notebook
    cell or script line that started it. (Python 3.12's ``skip_file_prefixes`` does the
    same; framing supports 3.10.)

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_at_caller("check this")
    >>> caught[0].filename.startswith(_FRAMING)
    False
    """
    prefixes = _library_prefixes()
    frame, level = sys._getframe(1), 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(prefixes):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def take_renamed(function: str, extra: dict, renames: dict[str, str],
                 current: dict[str, tuple[object, object]]) -> dict[str, object]:
    """Accept a parameter's old name for one release, with a DeprecationWarning naming the new.

    A renamed public function keeps its new signature and takes ``**renamed``; this sorts
    that mapping out. Why not a decorator: a wrapper defined here would hide the function's
    docstring examples from :mod:`doctest`, which only runs functions of the module itself.

    Parameters
    ----------
    function : str
        The public function's name, for the messages.
    extra : dict
        The function's ``**renamed`` keyword arguments.
    renames : dict
        Old name -> new name.
    current : dict
        New name -> (the value the call gave it, its default).

    Returns
    -------
    dict
        New name -> value, for every name of ``current``: the old spelling's value where the
        call used it, else the value given.

    Raises
    ------
    TypeError
        An unknown keyword (as Python raises it), or both spellings of one parameter.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     take_renamed("f", {"text_col": "body"}, {"text_col": "text_column"},
    ...                  {"text_column": ("text", "text")})
    {'text_column': 'body'}
    >>> str(caught[0].message)
    'f: text_col= is deprecated; use text_column= (the old name stops working in the next release)'
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """
    unknown = sorted(set(extra) - set(renames))
    if unknown:
        raise TypeError(f"{function}() got an unexpected keyword argument {unknown[0]!r}")
    values = {new: value for new, (value, _) in current.items()}
    for old, value in extra.items():
        new = renames[old]
        given, default = current[new]
        if given is not default and given != default:
            raise TypeError(f"{function}() got both {new}= and its old name {old}=; pass "
                            f"{new}= only")
        warn_at_caller(f"{function}: {old}= is deprecated; use {new}= (the old name stops "
                       "working in the next release)", DeprecationWarning)
        values[new] = value
    return values
