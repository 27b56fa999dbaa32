"""`python -m benchmarks --smoke --profile` end to end, so that the benchmark harness cannot rot
between `make bench` runs: every part (profiling and explanations included) runs once at a tiny
size and the summary has every required key. Nothing here asserts a timing: the numbers of a smoke
run measure nothing. One test, one run: under pytest-xdist a module fixture would run per worker.

Opt-in (`KULMIPAY_BENCH_SMOKE=1 make test`): it costs about 13 s of CPU, which `make test` spends
on the contract instead; run it when you change benchmarks/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contract_tests.conftest import repo_root

CLIENTS = ("generated", "generated_async", "official_sdk", "raw_httpx")
LEVELS = ("1", "16", "64")
pytestmark = pytest.mark.skipif(
    os.environ.get("KULMIPAY_BENCH_SMOKE") != "1",
    reason="opt-in: KULMIPAY_BENCH_SMOKE=1 (benchmarks/ changes)",
)


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _check_clients(client: dict[str, Any]) -> None:
    for protocol in ("http", "https"):
        measured = client[protocol]
        for name in CLIENTS:
            for suffix in ("_calls_per_s", "_median_ms", "_p99_ms"):
                assert _positive(measured[name + suffix]), (protocol, name + suffix, measured)
        assert all(_positive(ratio) for ratio in measured["ratios"].values()), measured["ratios"]


def _check_emulator(emulator: dict[str, Any]) -> None:
    for key in ("rps", "p99_ms"):
        assert all(_positive(emulator[key][level]) for level in LEVELS), emulator[key]
    assert emulator["non_2xx"] == 0 and emulator["errors"] == 0
    assert emulator["rejects_invalid_with"] == 400
    checkpoints = emulator["memory"]["checkpoints"]
    assert len(checkpoints) >= 2 and all(_positive(point["rss_mib"]) for point in checkpoints)
    assert emulator["profile"], "--profile profiles the emulator"


def _check_conformance(conformance: dict[str, Any]) -> None:
    assert _positive(conformance["default_s"]) and conformance["default_exit_code"] == 0
    assert "x10_s" in conformance
    assert conformance["detection_s"] and all(_positive(s) for s in conformance["detection_s"].values())
    assert all(conformance["caught_by_its_check"].values())


def test_the_smoke_run_writes_every_required_key(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--profile", "--out", str(tmp_path)],
        cwd=repo_root(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    markdown = (tmp_path / "summary.md").read_text()

    _check_clients(summary["client"])
    _check_emulator(summary["emulator"])
    assert "rps" in summary["prism"] and summary["prism"]["status"].startswith("skipped")
    _check_conformance(summary["conformance"])

    for fact in ("CPUs (nproc)", "CPU model", "Python", summary["machine"]["date"]):
        assert fact in markdown
    assert len(summary["goals"]) == 6
    for goal in summary["goals"]:
        assert goal["goal"] in markdown
        # --profile explains every measured goal, met or not; the Prism ones are not measured here.
        assert (goal["explanation"] is not None) == (goal["met"] is not None), goal
