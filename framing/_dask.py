"""Dask support: the same analysis on a corpus spread over partitions, files or machines.

framing's functions take pandas objects; those that read whole corpora
(:func:`framing.features.extract_features`, :func:`framing.compare.fightin_words`,
:func:`~framing.compare.leave_out_partisanship`, :func:`~framing.compare.outlet_scores`,
:func:`~framing.compare.rating_agreement`, :func:`~framing.compare.same_event`) also take a
:class:`dask.dataframe.DataFrame` or the path of a parquet file or folder, and give the
same numbers as on the pandas table holding the same rows. This module holds what those
paths share. dask is imported only when it is given: ``import framing`` never loads it, and
:func:`is_dask` answers ``False`` without importing it (no dask object can exist before
dask is imported).

Examples
--------
>>> import pandas as pd
>>> from framing._dask import is_dask
>>> is_dask(pd.DataFrame({"text": ["a"]}))
False
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["as_dask", "compute", "is_dask", "is_path", "read_parquet", "tree_reduce"]

_INSTALL = ('this needs dask: pip install "framing-analysis[dask]" (dask[dataframe] and '
            "distributed)")


def is_dask(obj) -> bool:
    """Whether ``obj`` is a dask collection (a dask DataFrame, Series, array, delayed...)."""
    if "dask" not in sys.modules:
        return False
    from dask import is_dask_collection

    return bool(is_dask_collection(obj))


def is_path(obj) -> bool:
    """Whether ``obj`` is a path (str or path-like) rather than a table."""
    return isinstance(obj, str | os.PathLike)


def _dataframe_module():
    try:
        import dask.dataframe as dd
    except ImportError as err:  # pragma: no cover - dask is an optional dependency
        raise ImportError(_INSTALL) from err
    return dd


def read_parquet(path, columns=None, **kwargs):
    """A parquet file or folder (of any size) as a lazy dask DataFrame of articles.

    The index is the one pandas saved (``article_id`` for a table written with
    ``DataFrame.to_parquet``), so results are indexed like the articles.

    Parameters
    ----------
    path : str or path-like
        A ``.parquet`` file, a folder of them (as written by pandas, pyarrow or dask), or
        a glob.
    columns : list of str, optional
        Read only these columns (the text and the grouping columns, say).
    **kwargs
        Passed to :func:`dask.dataframe.read_parquet`.

    Returns
    -------
    dask.dataframe.DataFrame
    """
    dd = _dataframe_module()
    text = os.fspath(path)
    if not any(ch in text for ch in "*?[") and not Path(text).exists():
        raise FileNotFoundError(f"no such parquet file or folder: {text}")
    return dd.read_parquet(text, columns=columns, **kwargs)


def as_dask(obj):
    """``obj`` as a dask collection when it is one or a path; else None."""
    if is_path(obj):
        return read_parquet(obj)
    return obj if is_dask(obj) else None


def compute(*objects):
    """Compute the dask objects among ``objects`` together (shared work is done once).

    Others pass through, so a mix of pandas and dask inputs works. Returns a tuple.
    """
    if not any(is_dask(o) for o in objects):
        return objects
    import dask

    return tuple(dask.compute(*objects))


def tree_reduce(parts, combine, split_every: int = 8):
    """Combine delayed ``parts`` pairwise-ish in a tree, ``split_every`` at a time.

    The result is one delayed value: no single task receives every partition's result,
    so memory per task stays that of ``split_every`` partial results.
    """
    import dask

    combine_many = dask.delayed(_combine_all, pure=True)
    level = list(parts)
    if not level:
        raise ValueError("nothing to reduce: the dask collection has no partitions")
    while len(level) > 1:
        level = [combine_many(combine, *level[i:i + split_every])
                 for i in range(0, len(level), split_every)]
    return level[0]


def _combine_all(combine, *values):
    out = values[0]
    for value in values[1:]:
        out = combine(out, value)
    return out
