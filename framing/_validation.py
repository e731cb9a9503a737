"""Input checks shared across layers: what every estimator over texts accepts.

Scorers (:mod:`framing.features`) and classifiers (:mod:`framing.models`) take the same
input, a 1-D sequence of texts, and must refuse the same slips with the same messages; the
check lives here, below both, so that neither reaches into the other's modules for it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["as_texts"]


def as_texts(X) -> list[str]:
    """Return ``X`` as a list of strings, refusing anything but a 1-D sequence of texts.

    Missing values (``None``, NaN, ``pd.NA``) become empty texts, whose features are 0.

    Parameters
    ----------
    X : sequence of str, Series, Index, 1-D array, or DataFrame / 2-D array of one column
        The texts.

    Returns
    -------
    list of str

    Raises
    ------
    TypeError
        For a bare string (a common slip: pass ``[text]``) or non-text items.
    ValueError
        For 2-D input (pass the text column, for example ``df["text"]``).

    Examples
    --------
    >>> as_texts(pd.Series(["a", None]))
    ['a', '']
    """
    if isinstance(X, str | bytes):
        raise TypeError("expected a sequence of texts, got a single string: pass [text]")
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(f"expected a 1-D sequence of texts, got a DataFrame with "
                             f"{X.shape[1]} columns: select the text column")
        X = X.iloc[:, 0]
    values = X.to_numpy(dtype=object) if isinstance(X, pd.Series | pd.Index) else X
    if isinstance(values, np.ndarray) and values.ndim != 1:
        if values.ndim == 2 and values.shape[1] == 1:
            values = values[:, 0]
        else:
            raise ValueError(f"expected a 1-D sequence of texts, got shape {values.shape}")
    texts = []
    for position, value in enumerate(values):
        if isinstance(value, str):
            texts.append(value)
        elif value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            texts.append("")
        else:
            raise TypeError(f"text at position {position} is {type(value).__name__}, not str")
    return texts
