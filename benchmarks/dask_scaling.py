"""extract_features on a dask LocalCluster: 2 worker processes against 1.

Usage (from the repository root)::

    FRAMING_MIRROR=../shared/data/mirror python -m benchmarks.dask_scaling [--rows 20000]
        [--partitions 16] [--scorers loaded,sentiment,term_choice,frames,sourcing]
        [--glibc-malloc-defaults]

Writes ``--rows`` articles (the AllSides texts repeated) as a parquet folder of
``--partitions`` files, reads it with ``dask.dataframe.read_parquet`` and scores it with
:func:`framing.features.extract_features` on a ``dask.distributed.LocalCluster`` of 1, then
2, worker processes (one thread each, on 127.0.0.1). Each cluster first scores one
partition (untimed: workers start, import framing and receive the fitted scorers), then
the whole corpus is timed (wall clock, median of ``--repeats``). The pandas path in this
process is timed beside them, and every dask result is checked equal to it.

By default dask's nanny starts each worker with ``MALLOC_TRIM_THRESHOLD_=65536``
(``distributed.nanny.pre-spawn-environ``), which makes glibc hand freed memory back to the
system eagerly; framing's matchers allocate and free large numpy arrays per batch, and run
2-3 times slower under that setting. ``--glibc-malloc-defaults`` drops the variable, so the
workers allocate as this process does (the ``engine`` column then says so).

The speed-up is bounded by the machine: on 2 cores, two workers give at most 2x, and less
when other jobs take CPU time (the load average at the start is recorded).
``benchmarks/out/dask_scaling.csv`` (``dask_scaling_glibc_malloc.csv`` with the flag)
records the timings, the workers' ``MALLOC_TRIM_THRESHOLD_``, ``os.cpu_count()`` and the
load average at the start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def _corpus(rows: int) -> pd.DataFrame:
    from framing.datasets import fetch_allsides

    source = fetch_allsides(progress=False)
    take = np.arange(rows) % len(source)
    corpus = source.iloc[take][["outlet", "title", "text"]].copy()
    corpus.index = pd.Index([f"r{i:07d}" for i in range(rows)], name="article_id")
    return corpus


def _malloc_trim_threshold():
    """The worker's ``MALLOC_TRIM_THRESHOLD_`` (run on each worker)."""
    return os.environ.get("MALLOC_TRIM_THRESHOLD_", "unset")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--scorers", default="loaded,sentiment,term_choice,frames,sourcing")
    parser.add_argument("--glibc-malloc-defaults", action="store_true",
                        help="start workers without dask's MALLOC_TRIM_THRESHOLD_=65536")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args(argv)

    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from framing.features import default_scorers, extract_features

    engine = "dask LocalCluster"
    if args.glibc_malloc_defaults:
        environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
        environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        dask.config.set({"distributed.nanny.pre-spawn-environ": environ})
        engine += ", glibc malloc defaults"
    wanted = args.scorers.split(",")
    scorers = [s.fit() for s in default_scorers() if s.name in wanted]
    corpus = _corpus(args.rows)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for i, part in enumerate(np.array_split(np.arange(args.rows), args.partitions)):
            corpus.iloc[part].to_parquet(Path(folder) / f"part-{i:04d}.parquet")
        started = time.perf_counter()
        expected = extract_features(corpus, scorers)
        pandas_seconds = time.perf_counter() - started
        rows.append({"engine": "pandas, this process", "workers": 1,
                     "seconds": pandas_seconds})
        print(f"pandas: {pandas_seconds:.1f} s", flush=True)
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=None,
                              silence_logs=40) as cluster, Client(cluster) as client:
                trim = sorted({str(v) for v in client.run(_malloc_trim_threshold).values()})
                articles = dd.read_parquet(folder)
                extract_features(articles.partitions[0], scorers).compute()  # warm-up
                times = []
                for _ in range(args.repeats):
                    started = time.perf_counter()
                    result = extract_features(articles, scorers).compute()
                    times.append(time.perf_counter() - started)
                assert result.index.tolist() == expected.index.tolist()
                assert np.array_equal(result.to_numpy(), expected.to_numpy(), equal_nan=True)
                seconds = statistics.median(times)
                rows.append({"engine": engine, "workers": workers, "seconds": seconds,
                             "worker_malloc_trim_threshold": ",".join(trim)})
                print(f"dask, {workers} worker(s): {seconds:.1f} s", flush=True)
    table = pd.DataFrame(rows)
    table["articles_per_second"] = args.rows / table["seconds"]
    one = table.loc[(table.engine != "pandas, this process") & (table.workers == 1), "seconds"]
    table["speedup_vs_1_worker"] = float(one.iloc[0]) / table["seconds"]
    table["rows"], table["partitions"], table["scorers"] = args.rows, args.partitions, args.scorers
    table["cpus"], table["load_average_at_start"] = os.cpu_count(), load
    print(table.round(2).to_string(index=False))
    args.out.mkdir(parents=True, exist_ok=True)
    name = "dask_scaling_glibc_malloc.csv" if args.glibc_malloc_defaults else "dask_scaling.csv"
    table.to_csv(args.out / name, index=False, float_format="%.4g")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
