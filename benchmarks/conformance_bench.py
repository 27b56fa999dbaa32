"""Conformance benchmark: wall time of `kulmipay-toolkit conformance` against the local emulator at
the default budget and at ten times its examples, and, per fault profile, how long a run takes to
detect it (the whole run, to its failing verdict) and when the first request that its check fails
was sent (from the run's cassette). Each run is the real CLI in its own process, seed 1."""

from __future__ import annotations

import json
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kulmipay_toolkit.conformance.options import DEFAULT_MAX_EXAMPLES
from kulmipay_toolkit.emulator import FAULTS

from . import processes
from .budget import Budget
from .plan import SMOKE_FAULT, Plan

SEED = "1"  # the same cases every run, so that timings compare across runs
X10_MAX_EXAMPLES = DEFAULT_MAX_EXAMPLES * 10
# Examples and coverage: a run that judged every check (examples alone leave negative cases out).
TINY = ("--max-examples", "1", "--phases", "examples,coverage")
INTERACTION = re.compile(r"^- id: ", re.MULTILINE)
RECORDED_AT = re.compile(r"recorded_at: '([^']+)'")


@dataclass(frozen=True)
class Run:
    seconds: float
    exit_code: int
    report_dir: Path
    started_at: float  # epoch seconds, to compare with the cassette's timestamps


def _conformance(work: Path, name: str, args: tuple[str, ...], budget: Budget) -> Run:
    budget.check(f"the conformance run {name}")
    report_dir = work / "conformance" / name
    log = work / "conformance" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [
        *processes.toolkit_command(),
        "conformance",
        "--report-dir",
        str(report_dir),
        "--seed",
        SEED,
        *args,
    ]
    with log.open("wb") as output:
        started_at, started = time.time(), time.perf_counter()
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=processes.child_env(),  # never KULMIPAY_BASE_URL: only the local emulator is a target
            cwd=processes.REPO_ROOT,
            timeout=max(30.0, budget.left()),
            check=False,
        )
    return Run(round(time.perf_counter() - started, 2), done.returncode, report_dir, started_at)


def first_failure_s(run: Run, check: str) -> float | None:
    """Seconds from the command's start to the first recorded request that `check` failed."""
    cassette = run.report_dir / "cassette.yaml"
    if not cassette.exists():
        return None
    failing = re.compile(rf"- name: '{re.escape(check)}'\s*\n\s*status: 'FAILURE'")
    times = []
    for block in INTERACTION.split(cassette.read_text(encoding="utf-8", errors="replace"))[1:]:
        recorded = RECORDED_AT.search(block)
        if recorded and failing.search(block):
            times.append(datetime.fromisoformat(recorded.group(1)).timestamp() - run.started_at)
    return round(min(times), 2) if times else None


def _failed_checks(run: Run) -> list[str]:
    try:
        found: list[str] = json.loads((run.report_dir / "summary.json").read_text())["failed_checks"]
        return found
    except (OSError, ValueError, KeyError):
        return []


def run(plan: Plan, work: Path, budget: Budget) -> dict[str, Any]:
    if plan.conformance == "skip":
        return {"skipped": True, "default_s": None, "x10_s": None, "detection_s": {}}
    tiny = plan.conformance == "tiny"
    budget_args: tuple[str, ...] = TINY if tiny else ()
    faults = [SMOKE_FAULT] if tiny else sorted(FAULTS)
    runs = {"default": budget_args}
    if not tiny:
        runs["x10"] = ("--max-examples", str(X10_MAX_EXAMPLES))
    runs |= {f"fault-{name}": ("--fault", name, *budget_args) for name in faults}
    # Measured runs go one at a time; the smoke's tiny ones share the two cores (they time nothing).
    with ThreadPoolExecutor(max_workers=2 if tiny else 1) as pool:
        futures = {name: pool.submit(_conformance, work, name, args, budget) for name, args in runs.items()}
    done = {name: future.result() for name, future in futures.items()}
    default, x10 = done["default"], done.get("x10")
    detection: dict[str, float] = {}
    first: dict[str, float | None] = {}
    caught: dict[str, bool] = {}
    for name in faults:
        fault_run = done[f"fault-{name}"]
        check = FAULTS[name].caught_by
        detection[name] = fault_run.seconds
        first[name] = first_failure_s(fault_run, check)
        caught[name] = fault_run.exit_code == 1 and check in _failed_checks(fault_run)
    return {
        "budget": "tiny (--max-examples 1 --phases examples,coverage)" if tiny else "default",
        "seed": int(SEED),
        "max_examples": {
            "default": 1 if tiny else DEFAULT_MAX_EXAMPLES,
            "x10": None if tiny else X10_MAX_EXAMPLES,
        },
        "default_s": default.seconds,
        "default_exit_code": default.exit_code,
        "x10_s": x10.seconds if x10 else None,
        "x10_exit_code": x10.exit_code if x10 else None,
        "detection_s": detection,
        "first_failure_s": first,
        "caught_by_its_check": caught,
    }
