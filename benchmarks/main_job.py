"""The main job, cold against warm: ``python -m experiments run all`` twice, side by side.

Usage (from the repository root)::

    FRAMING_MIRROR=../shared/data/mirror python -m benchmarks.main_job [--jobs N]

1. **Cold**: a fresh process with an empty data home (a temporary ``FRAMING_DATA_HOME``): every
   dataset is fetched from the mirror and verified, every sentence encoded, every
   classifier fitted.
2. **Warm**: a second fresh process with the same data home, into another output folder:
   the disk caches (datasets, sentence vectors, the experiments' caches) are full.

Each is timed from process start to exit (wall clock, and the CPU seconds of the process
and its children). The two runs' ``manifest.json`` files are compared byte for byte: the
caches must not change a result. Results go to ``benchmarks/out/main_job.json``, with each
experiment's own ``timing.json`` summary (where its time went).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from experiments._context import usable_cores

OUT = Path(__file__).resolve().parent / "out"
REPO = Path(__file__).resolve().parents[1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_all(out: Path, data_home: Path, jobs: int | None) -> dict:
    """Run every experiment in a fresh process; its wall and CPU seconds."""
    env = {**os.environ, "FRAMING_DATA_HOME": str(data_home)}
    command = [sys.executable, "-m", "experiments", "run", "all", "--out", str(out)]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    return {"wall_s": round(time.perf_counter() - started, 1),
            "cpu_s": round(_children_cpu() - cpu, 1)}


def experiment_timings(out: Path) -> dict:
    """Each experiment's wall and CPU seconds from its ``timing.json``."""
    timings = {}
    for path in sorted(out.glob("*/timing.json")):
        timing = json.loads(path.read_text(encoding="utf-8"))
        timings[path.parent.name] = {"wall_s": timing.get("wall_s"),
                                     "cpu_s": timing.get("cpu_s")}
    return timings


def same_manifests(first: Path, second: Path) -> dict:
    """Experiment -> whether its two manifests are byte-identical."""
    return {path.parent.name: path.read_bytes() == (second / path.parent.name
                                                     / "manifest.json").read_bytes()
            for path in sorted(first.glob("*/manifest.json"))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None,
                        help="passed to `experiments run all` (default: its own)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="framing-main-job-") as scratch:
        scratch = Path(scratch)
        home, cold_out, warm_out = scratch / "home", scratch / "cold", scratch / "warm"
        cold = run_all(cold_out, home, args.jobs)
        print(f"cold: {cold['wall_s']} s wall, {cold['cpu_s']} s CPU", flush=True)
        warm = run_all(warm_out, home, args.jobs)
        print(f"warm: {warm['wall_s']} s wall, {warm['cpu_s']} s CPU", flush=True)
        identical = same_manifests(cold_out, warm_out)
        result = {"cores": usable_cores(),
                  "cold": {**cold, "experiments": experiment_timings(cold_out)},
                  "warm": {**warm, "experiments": experiment_timings(warm_out)},
                  "cold_over_warm": round(cold["wall_s"] / warm["wall_s"], 1),
                  "manifests_identical": identical}
    OUT.mkdir(exist_ok=True)
    (OUT / "main_job.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"cold / warm: {result['cold_over_warm']}x; manifests identical: "
          f"{all(identical.values())} ({len(identical)} experiments)")
    return 0 if all(identical.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
