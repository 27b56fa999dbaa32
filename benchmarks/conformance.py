"""Wall time of the real commands, each in its own process with seed 1 (the same cases every run):
`kulmipay-toolkit conformance` on its own emulator (schemathesis, then the lifecycle and webhook
checks) at the default budget and at ten times the examples; each fault profile's run to its
failing verdict; and `kulmipay-toolkit webhook-check` against `examples/receiver.py`."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from argparse import Namespace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contract_tests.support.cli import toolkit
from contract_tests.support.environment import environment
from examples import receiver
from kulmipay_toolkit import cassettes
from kulmipay_toolkit.conformance.options import DEFAULT_MAX_EXAMPLES
from kulmipay_toolkit.emulator import FAULTS

from .servers import LOOPBACK, REPO

# A run that still judges every check: the spec's examples plus the coverage phase.
TINY = ("--max-examples", "1", "--phases", "examples,coverage")
SMOKE_FAULT = "wrong-currency"  # in the spec's own examples: even the tiny budget catches it
CHALLENGE = "benchmark-challenge"  # made up, for the example receiver on loopback


def _timed(work: Path, name: str, *args: str, env: dict[str, str] | None = None) -> tuple[float, int, Path]:
    """(wall seconds, exit code, report directory) of one `kulmipay-toolkit` command."""
    reports = work / name
    command = toolkit(*args, "--seed", "1", "--report-dir", str(reports))
    started = time.perf_counter()
    with (work / f"{name}.log").open("wb") as log:
        code = subprocess.run(
            command, stdout=log, stderr=log, env=env or environment(), cwd=REPO, timeout=900
        ).returncode
    return round(time.perf_counter() - started, 2), code, reports


def _first_failure_s(reports: Path, check: str, started: datetime) -> float | None:
    """When the run recorded the first exchange `check` failed, from the command's start."""
    try:
        recorded = cassettes.load(reports / "cassette.yaml").interactions
    except (OSError, ValueError):
        return None
    failed = [
        item.recorded_at
        for item in recorded
        if item.recorded_at and any(c.name == check and not c.passed for c in item.checks)
    ]
    return round((min(failed) - started).total_seconds(), 2) if failed else None


def _failed_checks(reports: Path) -> list[str]:
    try:
        found: list[str] = json.loads((reports / "summary.json").read_text())["failed_checks"]
        return found
    except (OSError, ValueError, KeyError):
        return []


def _webhook_check(work: Path) -> tuple[float, int]:
    server = receiver.serve(0, CHALLENGE)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://{LOOPBACK}:{server.server_address[1]}/kulmipay/events"
        env = environment(KULMIPAY_WEBHOOK_CHALLENGE=CHALLENGE)  # never on a command line
        seconds, code, _ = _timed(work, "webhook-check", "webhook-check", "--url", url, env=env)
        return seconds, code
    finally:
        server.shutdown()
        server.server_close()


def run(plan: Namespace, work: Path) -> dict[str, Any]:
    if plan.conformance == "skip":
        return {"status": "skipped (--conformance skip)"}
    tiny = plan.conformance == "tiny"
    budget = TINY if tiny else ()
    result: dict[str, Any] = {"budget": "tiny: " + " ".join(TINY) if tiny else "default"}
    result["default_s"], result["default_exit_code"], _ = _timed(work, "default", "conformance", *budget)
    result["x10_s"] = result["x10_exit_code"] = None
    if not tiny:
        x10 = ("--max-examples", str(DEFAULT_MAX_EXAMPLES * 10))
        result["x10_s"], result["x10_exit_code"], _ = _timed(work, "x10", "conformance", *x10)
    result["detection_s"], result["first_failure_s"], result["caught_by_its_check"] = {}, {}, {}
    for name in [SMOKE_FAULT] if tiny else sorted(FAULTS):
        started = datetime.now(UTC)
        seconds, code, reports = _timed(work, f"fault-{name}", "conformance", "--fault", name, *budget)
        result["detection_s"][name] = seconds
        # None for a fault only the run's own probes see: they record no cassette.
        result["first_failure_s"][name] = _first_failure_s(reports, FAULTS[name].caught_by, started)
        result["caught_by_its_check"][name] = code == 1 and FAULTS[name].caught_by in _failed_checks(reports)
    result["webhook_check_s"], result["webhook_check_exit_code"] = _webhook_check(work)
    return result
