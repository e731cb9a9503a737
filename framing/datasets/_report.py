"""Tables that account for every input row a parser did not keep as it was.

``rejected``: rows left out, with where they came from and why.
``coerced``: rows kept, with one value replaced by a missing value, and why.
Every parser attaches both to ``DataFrame.attrs`` so that counts always reconcile:
``rows in = len(frame) + len(frame.attrs["rejected"])``. They are
:class:`framing._tables.ReportTable` objects (lists of row dicts that behave like small
DataFrames; ``.to_frame()`` gives one), because a DataFrame in ``attrs`` breaks
``pd.concat``, ``merge`` and ``to_parquet``.
"""

from __future__ import annotations

import pandas as pd

from .._tables import ReportTable

__all__ = ["REJECTED_COLUMNS", "COERCED_COLUMNS", "attach_report"]

REJECTED_COLUMNS = ("source", "line", "row_id", "reason")
COERCED_COLUMNS = ("source", "line", "row_id", "column", "value", "reason")


def attach_report(frame: pd.DataFrame, *, rejected: list[dict] | None = None,
                  coerced: list[dict] | None = None, n_source_rows: int | None = None
                  ) -> pd.DataFrame:
    """Attach ``rejected`` and ``coerced`` tables (and the source row count) to ``frame``.

    ``line`` is the 1-based line (text files) or data row (sheets) in ``source``, or missing
    when a source file holds a single record. Returns ``frame``.
    """
    frame.attrs["rejected"] = ReportTable(rejected or [], columns=REJECTED_COLUMNS)
    frame.attrs["coerced"] = ReportTable(coerced or [], columns=COERCED_COLUMNS)
    if n_source_rows is not None:
        n_rejected = len(frame.attrs["rejected"])
        if n_source_rows != len(frame) + n_rejected:
            raise AssertionError(f"rows do not reconcile: {n_source_rows} in, {len(frame)} "
                                 f"kept, {n_rejected} rejected")
        frame.attrs["n_source_rows"] = int(n_source_rows)
    return frame
