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
