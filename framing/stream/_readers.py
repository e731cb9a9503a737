"""The parquet chunks of one file under the name the stream's memory test reads them by.

Reading lives in :mod:`framing.io`; this module only adapts its chunks to the
``(frame, row numbers, last row)`` tuples of a single parquet file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..io import read_chunks


def _parquet_chunks(path, source: str, chunk_size: int, skip: int) -> Iterator[tuple]:
    """(frame, row numbers, last row) per chunk of the parquet file ``path``.

    ``source`` is ``str(path)``, the name :func:`framing.io.read_chunks` gives the rows.
    """
    for chunk in read_chunks([(Path(path), "parquet")], chunk_size=chunk_size,
                             start=(0, skip)):
        yield chunk.rows.frame, chunk.rows.lines, chunk.end
