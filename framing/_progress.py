"""Progress bars that stay silent when they are switched off.

``tqdm.auto`` picks a notebook widget inside Jupyter, but merely importing it in a
kernel without ipywidgets warns ("IProgress not found"), even for a bar created with
``disable=True``. So the notebook-aware bar is imported only for a bar that will show;
a switched-off bar is a plain ``tqdm.std`` bar, whose ``update`` and ``close`` do nothing.
"""

from __future__ import annotations

__all__ = ["progress_bar"]


def progress_bar(iterable=None, *, enabled: bool = True, **kwargs):
    """A tqdm bar, imported from ``tqdm.auto`` only when ``enabled``.

    Parameters
    ----------
    iterable : iterable, optional
        Wrapped as ``tqdm(iterable)`` does.
    enabled : bool, default True
        False gives a disabled bar without importing ``tqdm.auto``.
    **kwargs
        Passed to tqdm (``total``, ``desc``, ``unit``, ...). ``disable=True`` also
        switches the bar off.

    Returns
    -------
    tqdm.tqdm

    Examples
    --------
    >>> bar = progress_bar(range(3), enabled=False, desc="quiet")
    >>> list(bar)
    [0, 1, 2]
    >>> bar.disable
    True
    """
    enabled = enabled and not kwargs.pop("disable", False)
    if enabled:
        from tqdm.auto import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm(iterable, disable=not enabled, **kwargs)
