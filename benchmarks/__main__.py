"""`python -m benchmarks [--calls N] [--duration S] [--smoke] [--out DIR] ...` (`make bench`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .plan import DEFAULT_OUT, Plan


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark the generated client, the emulator (against Prism) and the conformance run "
        "on this machine, loopback only. Writes OUT/summary.json and OUT/summary.md.",
    )
    defaults = Plan()
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"report directory (default {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--calls", type=int, default=defaults.calls, help="STK pushes per client per protocol"
    )
    parser.add_argument(
        "--rounds", type=int, default=defaults.rounds, help="round-robin rounds the calls are split into"
    )
    parser.add_argument(
        "--duration", type=float, default=defaults.duration, help="seconds per load level per server"
    )
    parser.add_argument(
        "--memory-pushes", type=int, default=defaults.memory_pushes, help="pushes in the memory run"
    )
    parser.add_argument("--loader", choices=("auto", "wrk", "python"), default="auto", help="load generator")
    parser.add_argument("--no-prism", action="store_true", help="do not run Prism")
    parser.add_argument(
        "--conformance",
        choices=("full", "tiny", "skip"),
        default=defaults.conformance,
        help="conformance runs",
    )
    parser.add_argument("--profile", action="store_true", help="profile even when every goal is met")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a few calls, 1 s levels, no Prism, tiny conformance: checks the harness",
    )
    return parser


def plan_from(args: argparse.Namespace) -> Plan:
    if args.smoke:
        return replace(Plan.smoke_plan(args.out, args.loader), profile=args.profile)
    for name in ("calls", "rounds", "memory_pushes"):
        if getattr(args, name) < 1:
            raise SystemExit(f"--{name.replace('_', '-')} must be at least 1")
    if not 0 < args.duration <= 60:
        raise SystemExit("--duration must be in (0, 60] seconds")
    return Plan(
        out=args.out,
        calls=args.calls,
        rounds=args.rounds,
        duration=args.duration,
        memory_pushes=args.memory_pushes,
        loader=args.loader,
        prism=not args.no_prism,
        conformance=args.conformance,
        profile=args.profile,
    )


def main(argv: Sequence[str] | None = None) -> int:
    plan = plan_from(build_parser().parse_args(argv))
    from . import report, suite  # after parsing: `--help` needs no HTTP stack

    summary = suite.run(plan)
    as_json, as_markdown = report.write(summary, plan.out)
    for goal in summary["goals"]:
        mark = {True: "met", False: "MISSED", None: "not measured"}[goal["met"]]
        print(f"  {mark:>12}  {goal['goal']}: {goal['measured']}")
    print(f"bench: {as_json} and {as_markdown} ({summary['elapsed_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
