"""``python -m experiments run NAME|all [--out DIR] [--smoke] [--jobs N] [--record DIR]``.

Regenerate the sanctuary-policy study's figures and tables.

``run NAME`` runs one experiment, ``run all`` every one, into ``OUT/<name>/`` (default
``experiments/out``): its tables, figure, ``manifest.json`` and ``timing.json`` (where the
time went: see :mod:`experiments._runner`). Options:

``--smoke``
    A small sample of each experiment (seconds; what the tests run).
``--seed N``
    Override the configs' seed.
``--jobs N``
    Experiments run at once, each in its own process, the longest first (default: the
    usable cores, at most 4). The outputs are byte-identical to ``--jobs 1``.
``--record DIR``
    After the run, copy each experiment's ``manifest.json``, the tables its manifest lists
    (CSV and JSON, not figures) and ``timing.json`` into ``DIR/<name>/``, replacing an
    earlier record of that experiment. The project's record is
    ``--record experiments/results/recorded`` (``tests/experiments/test_recorded.py``
    checks every recorded table against its recorded manifest).

``record OUT DIR`` copies the records of a run made earlier into ``OUT`` the same way.
``list`` lists the experiments.

Caches (``<data home>/experiments-cache``; :mod:`experiments._cache`) make a rerun of the
same code skip what it computed before; ``FRAMING_EXPERIMENTS_CACHE=0`` turns them off.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._runner import EXPERIMENTS, default_jobs, record_run, run_all


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m experiments",
        description="Regenerate the sanctuary-policy study's figures and tables.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run one experiment, or all of them")
    run.add_argument("name", choices=[*EXPERIMENTS, "all"], metavar="NAME|all")
    run.add_argument("--out", type=Path, default=Path("experiments/out"),
                     help="output folder (default: experiments/out)")
    run.add_argument("--smoke", action="store_true",
                     help="run on a small sample (seconds, for tests)")
    run.add_argument("--seed", type=int, default=None, help="override the configs' seed")
    run.add_argument("--jobs", type=_positive, default=None,
                     help="experiments run at once in separate processes (default: the "
                          f"usable cores, at most 4; here {default_jobs()})")
    run.add_argument("--record", type=Path, default=None, metavar="DIR",
                     help="copy manifests, tables and timings into DIR/<experiment>/")
    record = commands.add_parser("record", help="copy a finished run's tables into a record")
    record.add_argument("out", type=Path, help="the run's output folder")
    record.add_argument("record", type=Path, metavar="DIR", help="the record folder")
    commands.add_parser("list", help="list the experiments")
    args = parser.parse_args(argv)
    if args.command == "list":
        for name, title in EXPERIMENTS.items():
            print(f"{name:24s} {title}")
        return 0
    if args.command == "record":
        if not args.out.is_dir():
            parser.error(f"no run folder {args.out}")
        written = record_run(args.out, args.record)
        if not written:
            parser.error(f"no experiment with a manifest.json in {args.out}")
        for folder in written:
            print(f"recorded {folder}")
        return 0
    names = None if args.name == "all" else [args.name]
    jobs = args.jobs if args.jobs is not None else default_jobs()
    contexts = run_all(args.out, smoke=args.smoke, names=names, seed=args.seed, jobs=jobs)
    for ctx in contexts:
        print(f"{ctx.name}: {len(ctx.outputs)} outputs in {ctx.out} (manifest.json)")
    print(f"Figures and tables are in {args.out.resolve()}/<experiment>/")
    if args.record is not None:
        for folder in record_run(args.out, args.record, [ctx.name for ctx in contexts]):
            print(f"recorded {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
