"""Peak memory and throughput of ``framing score`` on a million-article stream.

Usage (from the repository root)::

    FRAMING_MIRROR=../shared/data/mirror python -m benchmarks.memory [--rows 1000000]
        [--scorers loaded,sentiment,term_choice,frames,sourcing] [--chunk-size 2000]

Builds a parquet file of ``--rows`` articles by repeating the 2,027 AllSides texts (each
row its own ``article_id``; written in row groups of 10,000 with the texts dictionary-
encoded, so the file stays small on disk), then runs ``framing score`` (``framing.cli.main``,
what ``python -m framing score`` runs) on it in a subprocess. The peak is that process's own
high-water mark, ``VmHWM`` from ``/proc/self/status``, read by the process itself after
scoring (``resource.getrusage(...).ru_maxrss`` would not do: on Linux it carries the parent's
peak across exec). The parent also samples the child's resident memory (RSS, with psutil)
every 0.2 s: the sampled maximum is reported beside VmHWM, and the RSS sampled at each tenth
of the run shows whether it is flat or grows with the rows read. The peaks, the wall time and
the articles per second go to ``benchmarks/out/memory.csv``; the RSS series to
``benchmarks/out/memory_rss_<rows>_<scorers>.csv``. Off Linux (no ``/proc``), VmHWM is empty
and the sampled maximum stands in for it.

The corpus is repeated texts, so it says nothing about vocabulary growth; scoring holds no
state across articles beyond the ids seen (28 bytes each, for duplicate detection), which
this measures.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROW_GROUP = 10_000


def build_corpus(path: Path, rows: int) -> Path:
    """Write ``rows`` articles repeating the AllSides texts to ``path`` (parquet)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from framing.datasets import fetch_allsides

    source = fetch_allsides(progress=False)
    n = len(source)
    outlets = source["outlet"].to_numpy(dtype=object)
    titles = source["title"].to_numpy(dtype=object)
    texts = source["text"].to_numpy(dtype=object)
    # Naive UTC instants: pyarrow reads them as UTC under a tz-aware type.
    dates = source["date"].dt.tz_convert("UTC").dt.tz_localize(None).dt.as_unit("ns").to_numpy()
    schema = pa.schema([("article_id", pa.string()), ("outlet", pa.string()),
                        ("date", pa.timestamp("ns", tz="UTC")), ("title", pa.string()),
                        ("text", pa.string())])
    # A large dictionary page keeps the 2,027 distinct texts dictionary-encoded per row group.
    with pq.ParquetWriter(path, schema, dictionary_pagesize_limit=64 << 20,
                          compression="zstd") as writer:
        for start in range(0, rows, ROW_GROUP):
            index = np.arange(start, min(rows, start + ROW_GROUP))
            take = index % n
            table = pa.table({
                "article_id": pa.array([f"r{i:07d}" for i in index]),
                "outlet": pa.array(outlets[take]), "date": pa.array(dates[take],
                                                                    pa.timestamp("ns", "UTC")),
                "title": pa.array(titles[take]), "text": pa.array(texts[take])},
                schema=schema)
            writer.write_table(table)
    return path


# Runs ``framing score`` as ``python -m framing`` would, then prints the process's own peak
# resident memory (VmHWM, reset at exec, unlike ru_maxrss) on a marked last line.
_CHILD = """
import sys
from framing.cli import main
status = main(sys.argv[1:])
try:
    with open("/proc/self/status") as handle:
        peak_kb = next(int(line.split()[1]) for line in handle if line.startswith("VmHWM"))
except (OSError, StopIteration):
    peak_kb = -1
print(f"VmHWM_kB {peak_kb}", flush=True)
raise SystemExit(status)
"""


def measure(corpus: Path, out: Path, scorers: str, chunk_size: int, interval: float = 0.2):
    """Run ``framing score`` on ``corpus``.

    Returns (VmHWM bytes or None, sampled peak RSS bytes, wall seconds, samples, stdout).
    """
    import psutil

    command = [sys.executable, "-c", _CHILD, "score", str(corpus), "--out", str(out),
               "--scorers", scorers, "--chunk-size", str(chunk_size), "--no-progress",
               "--overwrite"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    handle = psutil.Process(process.pid)
    samples, peak = [], 0
    while process.poll() is None:
        try:
            rss = handle.memory_info().rss
        except psutil.NoSuchProcess:
            break
        peak = max(peak, rss)
        samples.append((time.perf_counter() - started, rss))
        time.sleep(interval)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(f"framing score failed ({process.returncode}): {stderr[-2000:]}")
    lines = stdout.strip().splitlines()
    hwm_kb = int(lines[-1].split()[1]) if lines and lines[-1].startswith("VmHWM_kB") else -1
    stdout = "\n".join(line for line in lines if not line.startswith("VmHWM_kB"))
    return (hwm_kb * 1024 if hwm_kb > 0 else None), peak, wall, samples, stdout


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--scorers", default="loaded,sentiment,term_choice,frames,sourcing")
    parser.add_argument("--chunk-size", type=int, default=2000)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where to build the corpus (default: a temporary folder)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        folder = Path(folder)
        began = time.perf_counter()
        corpus = build_corpus(folder / "corpus.parquet", args.rows)
        print(f"built {args.rows:,} articles in {time.perf_counter() - began:.0f} s "
              f"({corpus.stat().st_size / 2**20:.0f} MiB on disk)", flush=True)
        hwm, sampled, wall, samples, stdout = measure(corpus, folder / "scores.parquet",
                                                      args.scorers, args.chunk_size)
        peak = hwm if hwm is not None else sampled
        scored = pd.read_parquet(folder / "scores.parquet", columns=["outlet"])
        assert len(scored) == args.rows, (len(scored), args.rows)
    print(stdout.strip())
    rss = pd.DataFrame(samples, columns=["seconds", "rss_bytes"])
    deciles = [rss["rss_bytes"].iloc[: max(1, int(len(rss) * q))].max() / 2**20
               for q in np.linspace(0.1, 1.0, 10)]
    row = {"rows": args.rows, "scorers": args.scorers, "chunk_size": args.chunk_size,
           "peak_rss_mib": peak / 2**20,
           "vmhwm_mib": hwm / 2**20 if hwm is not None else float("nan"),
           "sampled_peak_rss_mib": sampled / 2**20, "wall_seconds": wall,
           "articles_per_second": args.rows / wall,
           "peak_rss_by_tenth_mib": " ".join(f"{d:.0f}" for d in deciles),
           "python": platform.python_version(), "cpus": os.cpu_count()}
    source = "VmHWM" if hwm is not None else "sampled every 0.2 s"
    print(f"{args.rows:,} articles, scorers {args.scorers}: peak RSS {peak / 2**20:.0f} MiB "
          f"({source}; sampled maximum {sampled / 2**20:.0f} MiB), {wall:.0f} s, "
          f"{args.rows / wall:.0f} articles/s")
    print(f"peak RSS after each tenth of the run (MiB): {row['peak_rss_by_tenth_mib']}")
    args.out.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame([row])
    path = args.out / "memory.csv"
    if path.exists():  # keep earlier configurations (rows, scorers) side by side
        table = pd.concat([pd.read_csv(path), table], ignore_index=True).drop_duplicates(
            ["rows", "scorers", "chunk_size"], keep="last")
    table.to_csv(path, index=False, float_format="%.4g")
    rss.to_csv(args.out / f"memory_rss_{args.rows}_{args.scorers.replace(',', '-')}.csv",
               index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
