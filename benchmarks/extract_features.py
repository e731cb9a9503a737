"""``extract_features`` with all five default scorers: articles per second, before and after.

Usage (from the repository root)::

    FRAMING_MIRROR=../shared/data/mirror python -m benchmarks.extract_features [--repeats 3]

On the AllSides immigration corpus (2,027 articles), the default scorers are fitted once
(untimed) and ``extract_features`` scores every article, timed ``--repeats`` times after one
warm-up, all in one run:

``VADER on every sentence``
    the reference: ``SentimentScorer`` calling vaderSentiment's ``polarity_scores`` on
    every sentence, as it did before the shortcut (see :mod:`framing.features._sentiment`).
    Everything else is the current code.
``extract_features``
    the current code, one process (``n_jobs=1``). The tokenizer remembers the words of the
    last few thousand texts, so repeats after the warm-up find every article tokenised.
``extract_features, texts not seen before``
    the same with that memory cleared before every call: the speed on a new corpus.
``extract_features, n_jobs=N``
    the same spread over ``N`` worker processes (``--n-jobs``, default 2), after a warm-up
    that starts the workers.

Each row reports the median CPU time of this process and, with ``psutil``, of its worker
processes (``cpu_seconds``), and the median wall time. On a shared machine CPU time is the
steadier measure of the work done; wall time is what a user waits, and it is what several
processes shorten. Every contestant's table is checked equal (``numpy.array_equal``, column
by column) to the reference's. ``speedup_cpu`` and ``speedup_wall`` divide the reference's
seconds by the row's. A per-scorer breakdown (``transform`` of each scorer alone, CPU time)
follows.

Results go to ``benchmarks/out/extract_features.csv`` and
``benchmarks/out/extract_features_scorers.csv``, summarised in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd


def _cpu_seconds() -> float:
    """CPU time of this process and of its live child processes (joblib's workers)."""
    total = time.process_time()
    try:
        import psutil
    except ImportError:  # workers' time unknown: the CSV says so in cpu_includes_workers
        return total
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:  # a worker that exited meanwhile
            continue
        total += times.user + times.system
    return total


def _time(function, repeats: int):
    result = function()  # warm-up: lazily built tables, worker processes
    cpu, wall = [], []
    for _ in range(repeats):
        started_cpu, started_wall = _cpu_seconds(), time.perf_counter()
        result = function()
        cpu.append(_cpu_seconds() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    return statistics.median(cpu), statistics.median(wall), result


def _reference_scorers(fitted: list) -> list:
    """Copies of ``fitted`` whose SentimentScorer runs VADER on every sentence."""
    import copy

    from framing.features._sentiment import SentimentScorer, _Polarity

    reference = []
    for scorer in fitted:
        if isinstance(scorer, SentimentScorer):
            scorer = copy.copy(scorer)
            # the cache _polarity_scores() would build, replaced by the reference
            scorer._polarity = _Polarity(scorer.analyzer_, shortcut=False)
        reference.append(scorer)
    return reference


def _unseen(texts, fitted):
    """``extract_features`` as on a new corpus: the tokenizer's per-text memory cleared."""
    from framing.features import extract_features
    from framing.tokenize import clear_cache

    clear_cache()
    return extract_features(texts, fitted)


def run(repeats: int = 3, n_jobs: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    from framing.datasets import fetch_allsides
    from framing.features import default_scorers, extract_features

    articles = fetch_allsides(progress=False)
    texts = articles["text"]
    n = len(texts)
    fitted = [scorer.fit() for scorer in default_scorers()]
    contestants = {
        "VADER on every sentence (reference)":
            lambda: extract_features(texts, _reference_scorers(fitted)),
        "extract_features": lambda: extract_features(texts, fitted),
        "extract_features, texts not seen before": lambda: _unseen(texts, fitted),
        f"extract_features, n_jobs={n_jobs}":
            lambda: extract_features(texts, fitted, n_jobs=n_jobs),
    }
    rows, reference = [], None
    for name, function in contestants.items():
        cpu, wall, table = _time(function, repeats)
        if reference is None:
            reference = table
        differing = [c for c in table.columns
                     if not np.array_equal(table[c].to_numpy(), reference[c].to_numpy())]
        rows.append({"contestant": name, "cpu_seconds": cpu, "wall_seconds": wall,
                     "articles_per_cpu_second": n / cpu, "articles_per_wall_second": n / wall,
                     "columns_differing_from_reference": len(differing)})
        print(f"{name:40s} {cpu:7.3f} s CPU {wall:7.3f} s wall {n / cpu:7.0f} articles/CPU s "
              f"{n / wall:7.0f} articles/wall s  differing columns: {differing or 0}", flush=True)
    table = pd.DataFrame(rows)
    table["speedup_cpu"] = table["cpu_seconds"].iloc[0] / table["cpu_seconds"]
    table["speedup_wall"] = table["wall_seconds"].iloc[0] / table["wall_seconds"]
    try:
        import psutil  # noqa: F401

        includes_workers = True
    except ImportError:
        includes_workers = False
    table["cpu_includes_workers"] = includes_workers
    table.attrs.update({"articles": n, "repeats": repeats, "cpus": os.cpu_count(),
                        "python": platform.python_version(),
                        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None})
    for _, row in table.iloc[1:].iterrows():
        print(f"{row['contestant']}: {row['speedup_cpu']:.2f}x the reference's articles per "
              f"CPU second, {row['speedup_wall']:.2f}x per wall second")

    scorer_rows = []
    for label, scorers in (("reference", _reference_scorers(fitted)), ("current", fitted)):
        for scorer in scorers:
            cpu, wall, _ = _time(lambda s=scorer: s.transform(texts), repeats)
            scorer_rows.append({"code": label, "scorer": type(scorer).__name__,
                                "cpu_seconds": cpu, "wall_seconds": wall,
                                "articles_per_cpu_second": n / cpu})
            print(f"{label:9s} {type(scorer).__name__:22s} {cpu:7.3f} s CPU "
                  f"{n / cpu:8.0f} articles/CPU s", flush=True)
    print(f"load average at the end: {table.attrs['load_average']}")
    return table, pd.DataFrame(scorer_rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args(argv)
    table, scorers = run(args.repeats, args.n_jobs)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "extract_features.csv", index=False, float_format="%.4g")
    scorers.to_csv(args.out / "extract_features_scorers.csv", index=False, float_format="%.4g")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
