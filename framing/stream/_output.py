"""The output: each chunk's scores as a parquet part, then the parts joined into one file.

Every part has the same arrow schema (``article_id``, the kept columns, the features), so
that the joined file reads back with ``article_id`` as its index and one row group a chunk.
The schema's metadata also marks the file as framing score's output, so that a rerun that
finds it in an input folder can tell its own earlier output from the user's data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..io import atomic_write
from ._seen import _SeenIds

#: Schema metadata key (and value) marking a parquet file as framing score's output.
_SCORE_OUTPUT_KEY = b"framing.score"
_SCORE_OUTPUT_VALUE = b'{"format": 1}'


def _output_frame(articles: pd.DataFrame, features: pd.DataFrame, keep) -> pd.DataFrame:
    """The kept article columns (as text; ``date`` as a UTC timestamp) then the features."""
    out = pd.DataFrame(index=pd.Index(articles.index.astype(object), name="article_id"))
    for column in keep:
        if column == "date":
            out[column] = pd.to_datetime(articles[column], utc=True).dt.as_unit("ns")
        elif column in articles:
            values = articles[column].astype(object)
            out[column] = pd.Series([None if v is None or (not isinstance(v, str)
                                                           and pd.isna(v)) else str(v)
                                     for v in values], index=out.index, dtype=object)
        else:
            out[column] = pd.Series(None, index=out.index, dtype=object)
    return pd.concat([out, features.set_axis(out.index)], axis=1)


def _arrow_schema(keep, names):
    """The output schema, with pandas metadata so that ``article_id`` reads back as index."""
    import pyarrow as pa

    sample = pd.DataFrame(index=pd.Index(["id"], dtype=object, name="article_id"))
    for column in keep:
        sample[column] = (pd.Series(pd.Timestamp(0, tz="UTC"), index=sample.index,
                                    dtype="datetime64[ns, UTC]") if column == "date"
                          else pd.Series("x", index=sample.index, dtype=object))
    for name in names:
        sample[name] = np.float64(0)
    schema = pa.Schema.from_pandas(sample, preserve_index=True)
    return schema.with_metadata({**schema.metadata, _SCORE_OUTPUT_KEY: _SCORE_OUTPUT_VALUE})


def _is_score_output(path: Path) -> bool:
    """Whether ``path`` is a parquet file that framing score wrote (its schema's mark)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, ValueError, pa.ArrowException):  # not parquet, or unreadable
        return False
    return _SCORE_OUTPUT_KEY in metadata


def _to_table(frame: pd.DataFrame, schema):
    import pyarrow as pa

    arrays = []
    for field in schema:
        if field.name == "article_id":
            arrays.append(pa.array(frame.index.to_numpy(dtype=object), type=field.type))
            continue
        values = frame[field.name]
        arrays.append(pa.array(values.to_numpy() if field.type == pa.float64()
                               else values, type=field.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema)


def _write_part(parts_dir: Path, part: str, table, articles, seen: _SeenIds, file_index,
                lines) -> None:
    """Write a chunk's rows and ids atomically (a crash leaves no half-written part).

    The ids go first: a part is finished once its parquet file is in place. The temporary
    files have fixed names, so that a killed run's are overwritten by the next run (the
    run's lock keeps two runs from sharing them).
    """
    import pyarrow.parquet as pq

    keys = seen.hashes(articles.index)
    with atomic_write(parts_dir / f"{part}.ids.npz",
                      temporary=parts_dir / f"{part}.ids.tmp") as tmp:
        # A handle, since np.savez would add ".npz" to a path that lacks it.
        with open(tmp, "wb") as handle:
            np.savez(handle, keys=keys, file_index=np.int32(file_index), lines=lines)
    with atomic_write(parts_dir / f"{part}.parquet",
                      temporary=parts_dir / f"{part}.parquet.tmp") as tmp:
        pq.write_table(table, tmp)
    seen.add(keys, file_index, lines)


def _join_parts(parts: list[Path], output: Path, schema) -> None:
    """Write the parts into ``output``, one row group per part, then move it into place."""
    import pyarrow.parquet as pq

    with atomic_write(output, temporary=output.with_name(output.name + ".tmp")) as tmp:
        with pq.ParquetWriter(tmp, schema) as writer:
            for part in parts:
                table = pq.read_table(part, schema=schema)
                if table.num_rows:
                    writer.write_table(table, row_group_size=max(1, table.num_rows))
