"""`python -m benchmarks` (`make bench`): the clients, the emulator against Prism, the emulator's
memory and the conformance run, measured on this machine over loopback, into OUT/summary.json."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

# (key, wording, threshold): the generated client against the others, in calls/s ...
CLIENT_GOALS = (
    ("http.generated_vs_official_sdk", "HTTP: generated client >= 1.4x official SDK calls/s", 1.4),
    ("http.generated_vs_raw_httpx", "HTTP: generated client >= 0.9x raw httpx calls/s", 0.9),
    ("https.generated_vs_official_sdk", "HTTPS: generated client >= 3x official SDK calls/s", 3.0),
    ("https.generated_vs_raw_httpx", "HTTPS: generated client >= 0.9x raw httpx calls/s", 0.9),
)
# ... and the emulator against Prism, in requests/s at every concurrency: (pairing, wording, threshold).
SERVER_GOALS = (
    (None, "emulator >= Prism requests/s at every concurrency, default logging on both", 1.0),
    ("quiet", "emulator >= 1.3x Prism requests/s at every concurrency, logging turned down on both", 1.3),
)
MARKS = {True: "met", False: "MISSED", None: "not measured"}
VERSIONS = ("kulmipay", "httpx", "requests", "starlette", "uvicorn", "httptools", "uvloop")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("reports/bench"), help="where summary.json goes")
    parser.add_argument("--calls", type=int, default=500, help="STK pushes per client per protocol")
    parser.add_argument("--rounds", type=int, default=10, help="round-robin rounds the calls are split into")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per level per server")
    parser.add_argument("--memory-pushes", type=int, default=40_000, help="pushes in the memory run")
    parser.add_argument("--no-prism", dest="prism", action="store_false", help="do not start Prism")
    parser.add_argument("--conformance", choices=("full", "tiny", "skip"), default="full")
    parser.add_argument("--profile", action="store_true", help="also write cProfile files to OUT/profile/")
    parser.add_argument("--smoke", action="store_true", help="every part once, tiny: checks the harness")
    args = parser.parse_args(argv)
    if min(args.calls, args.rounds, args.duration, args.memory_pushes) < 1:
        parser.error("--calls, --rounds, --duration and --memory-pushes must be at least 1")
    args.levels, args.warmup, args.async_in_flight = (1, 16, 64), 2, 8
    if args.smoke:  # a few calls, one second per level, no Prism, one tiny conformance run
        args.calls, args.rounds, args.duration, args.warmup, args.memory_pushes = 8, 2, 1, 1, 1
        args.prism, args.conformance, args.async_in_flight = False, "tiny", 2
    args.rounds = min(args.rounds, args.calls)
    return args


def machine() -> dict[str, Any]:
    from .load import wrk_version

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    cpu = [line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
    memory = Path("/proc/meminfo").read_text().split()[1]  # "MemTotal: N kB" comes first
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": cpu[0].partition(":")[2].strip() if cpu else platform.processor(),
        "memory_gib": round(int(memory) / 1024**2, 1),
        "python": platform.python_version(),
        "loadavg": os.getloadavg(),  # other work on a shared machine skews every number: say how much
        "wrk": wrk_version(),
        "versions": {name: version(name) for name in VERSIONS},
    }


def _goal(key: str, wording: str, threshold: float, ratios: dict[str, float], valid: bool) -> dict[str, Any]:
    lowest = min(ratios.values(), default=None)
    met = None if lowest is None else valid and lowest >= threshold
    return dict(key=key, goal=wording, ratios=ratios, ratio=lowest, threshold=threshold, met=met)


def goals(summary: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for key, wording, threshold in CLIENT_GOALS:
        protocol, name = key.split(".")
        ratios = {protocol: summary["client"][protocol]["ratios"][name]}
        found.append(_goal(f"client.{key}", wording, threshold, ratios, valid=True))
    emulator, prism = summary["emulator"], summary["prism"]
    for pairing, wording, threshold in SERVER_GOALS:
        ours, theirs = (emulator.get(pairing, {}), prism.get(pairing, {})) if pairing else (emulator, prism)
        measured = "rps" in ours and "rps" in theirs
        ratios = {c: round(ours["rps"][c] / theirs["rps"][c], 3) for c in ours["rps"]} if measured else {}
        # Only a server that answered every request, and refused an invalid one, counts.
        valid = measured and ours["non_2xx"] == ours["errors"] == 0 and ours["rejects_invalid_with"] == 400
        key = "emulator_vs_prism" + (f"_{pairing}" if pairing else "")
        found.append(_goal(key, wording, threshold, ratios, valid))
    return found


def show(summary: dict[str, Any]) -> None:
    """What `make bench` prints: the goals, requests/s under load, memory and conformance times."""
    for goal in summary["goals"]:
        ratios = ", ".join(f"{c}: {ratio:.2f}x" for c, ratio in goal["ratios"].items()) or "-"
        print(f"{MARKS[goal['met']]:>12}  {goal['goal']}: {ratios}")
    for name in ("emulator", "prism"):
        for label, found in ((name, summary[name]), (f"{name} quiet", summary[name].get("quiet", {}))):
            if "rps" in found:
                print(f"{label:>15}  req/s " + ", ".join(f"c={c}: {n:,.0f}" for c, n in found["rps"].items()))
    memory = summary["emulator"]["memory"]
    print(
        f"{'memory':>15}  "
        + (f"peak {memory['peak_rss_mib']} MiB" if "status" not in memory else memory["status"])
    )
    times = {key: value for key, value in summary["conformance"].items() if key.endswith("_s")}
    print(f"{'conformance':>15}  {json.dumps(times)}")


def say(started: float, part: str) -> None:
    print(f"bench: [{time.monotonic() - started:4.0f} s] {part}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    from . import clients, conformance, load  # after parsing: `--help` needs no HTTP stack

    started = time.monotonic()
    profiles = args.out / "profile" if args.profile else None
    if profiles is not None:
        profiles.mkdir(parents=True, exist_ok=True)
    plan = {key: str(value) if isinstance(value, Path) else value for key, value in vars(args).items()}
    summary: dict[str, Any] = {"machine": machine(), "plan": plan, "client": {}}
    with tempfile.TemporaryDirectory(prefix="kulmipay-bench-") as directory:
        work = Path(directory)
        for protocol in ("http", "https"):
            say(started, f"clients over {protocol.upper()}, {args.calls} calls each")
            summary["client"][protocol] = clients.run(args, work, tls=protocol == "https", profiles=profiles)
        say(started, f"emulator and Prism under wrk at c={args.levels}, {args.duration} s each")
        summary |= load.compare(args, work)
        tool = summary["machine"]["wrk"] or load.WRK_MISSING
        summary["load"] = {"tool": tool, "duration_s": args.duration, "warmup_s": args.warmup}
        say(started, f"emulator memory over {args.memory_pushes:,} pushes with distinct phone numbers")
        summary["emulator"]["memory"] = load.memory(args, work)
        if profiles is not None:
            say(started, "the emulator under cProfile")
            load.profile_emulator(args, work, profiles)
        say(started, f"conformance ({args.conformance})")
        summary["conformance"] = conformance.run(args, work)
    summary["goals"] = goals(summary)
    summary["elapsed_s"] = round(time.monotonic() - started, 1)
    summary["machine"]["loadavg_at_end"] = os.getloadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    show(summary)
    print(f"bench: {args.out / 'summary.json'} ({summary['elapsed_s']:.0f} s); profiles: {profiles or 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
