"""The benchmark harness cannot rot between `make bench` runs: its goal arithmetic is checked on
every `make test` (milliseconds), and `python -m benchmarks --smoke --profile` end to end, every
part once at a tiny size, is opt-in (`KULMIPAY_BENCH_SMOKE=1`, about 25 s: run it when you change
benchmarks/). Nothing here asserts a timing: a smoke run's numbers measure nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.__main__ import goals
from contract_tests.support import repo_root

CLIENTS = ("generated", "generated_async", "official_sdk", "raw_httpx")
LEVELS = ("1", "16", "64")


def _served(rps: float, *, rejects: int = 400, non_2xx: int = 0) -> dict[str, Any]:
    return {
        "rps": dict.fromkeys(LEVELS, rps),
        "non_2xx": non_2xx,
        "errors": 0,
        "rejects_invalid_with": rejects,
    }


def _goals(emulator: dict[str, Any], prism: dict[str, Any]) -> dict[str, bool | None]:
    ratios = {f"generated_vs_{other}": 2.0 for other in ("official_sdk", "raw_httpx")}
    client = {protocol: {"ratios": ratios} for protocol in ("http", "https")}
    return {
        goal["key"]: goal["met"] for goal in goals({"client": client, "emulator": emulator, "prism": prism})
    }


def test_the_emulator_goals_need_the_ratio_and_a_validating_emulator() -> None:
    prism = _served(1000) | {"quiet": _served(1000)}
    met = _goals(_served(1200) | {"quiet": _served(1400)}, prism)
    assert met == {
        "client.http.generated_vs_official_sdk": True,
        "client.http.generated_vs_raw_httpx": True,
        "client.https.generated_vs_official_sdk": False,  # 2x < 3x
        "client.https.generated_vs_raw_httpx": True,
        "emulator_vs_prism": True,
        "emulator_vs_prism_quiet": True,
    }
    assert _goals(_served(1200) | {"quiet": _served(1200)}, prism)["emulator_vs_prism_quiet"] is False
    assert _goals(_served(5000, rejects=200) | {"quiet": _served(5000)}, prism)["emulator_vs_prism"] is False
    assert _goals(_served(5000, non_2xx=1) | {"quiet": _served(5000)}, prism)["emulator_vs_prism"] is False
    assert _goals(_served(5000), {"status": "skipped (--no-prism)"})["emulator_vs_prism_quiet"] is None


@pytest.mark.skipif(os.environ.get("KULMIPAY_BENCH_SMOKE") != "1", reason="opt-in: KULMIPAY_BENCH_SMOKE=1")
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is a prerequisite of the load parts")
def test_the_smoke_run_writes_every_documented_key(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "benchmarks", "--smoke", "--profile", "--out", str(tmp_path)]
    done = subprocess.run(command, cwd=repo_root(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((tmp_path / "summary.json").read_text())

    assert {
        "machine",
        "plan",
        "load",
        "elapsed_s",
        "client",
        "emulator",
        "prism",
        "conformance",
        "goals",
    } <= set(summary)
    for protocol in ("http", "https"):
        measured = summary["client"][protocol]
        for name in CLIENTS:
            for suffix in ("_calls_per_s", "_median_ms", "_p99_ms", "_client_cpu_us_per_call"):
                assert measured[name + suffix] > 0, (protocol, name + suffix)
        assert len(measured["ratios"]) == 4 and all(ratio > 0 for ratio in measured["ratios"].values())
    emulator = summary["emulator"]
    for key in ("rps", "p50_ms", "p99_ms"):
        assert set(emulator[key]) == set(LEVELS) and all(value > 0 for value in emulator[key].values())
    assert emulator["non_2xx"] == emulator["errors"] == 0 and emulator["rejects_invalid_with"] == 400
    memory = emulator["memory"]
    assert (
        len(memory["checkpoints"]) >= 2
        and memory["peak_rss_mib"] > 0
        and "growth_after_capacity_mib" in memory
    )
    assert summary["prism"]["status"].startswith("skipped")
    conformance = summary["conformance"]
    assert conformance["default_exit_code"] == 0 and conformance["webhook_check_exit_code"] == 0
    assert conformance["detection_s"] and all(conformance["caught_by_its_check"].values())
    for name, first in conformance["first_failure_s"].items():
        assert first is not None and 0 < first <= conformance["detection_s"][name], (name, first)
    assert {"default_s", "x10_s", "webhook_check_s"} <= set(conformance)
    assert len(summary["goals"]) == 6
    profiles = {path.name for path in (tmp_path / "profile").iterdir()}
    assert "emulator.prof" in profiles and "client-https-generated.prof" in profiles
