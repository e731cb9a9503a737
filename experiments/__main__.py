"""``python -m experiments run NAME|all [--out DIR] [--smoke]``: regenerate figures and tables."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._runner import EXPERIMENTS, run_all


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
    commands.add_parser("list", help="list the experiments")
    args = parser.parse_args(argv)
    if args.command == "list":
        for name, title in EXPERIMENTS.items():
            print(f"{name:24s} {title}")
        return 0
    names = None if args.name == "all" else [args.name]
    contexts = run_all(args.out, smoke=args.smoke, names=names, seed=args.seed)
    for ctx in contexts:
        print(f"{ctx.name}: {len(ctx.outputs)} outputs in {ctx.out} (manifest.json)")
    print(f"Figures and tables are in {args.out.resolve()}/<experiment>/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
