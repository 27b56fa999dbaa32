"""Load from wrk: the emulator and Prism side by side at each concurrency (requests/s and wrk's own
p50/p99), as their users run them and with their logging turned down; the emulator's memory over
a long run of distinct customers; and, with --profile, the emulator under cProfile at load."""

from __future__ import annotations

import json
import math
import shutil
import statistics
import subprocess
from argparse import Namespace
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from kulmipay_toolkit.emulator.store import DEFAULT_CAPACITY

from . import servers
from .servers import Server
from .workload import BODY, INVALID_PAYLOAD, PHONE, TOKEN

WRK_MISSING = "wrk not found (see benchmarks/README.md)"
# One static request unless a run passes a phone-number offset: then every request is a new
# customer (a request() function costs wrk some speed, so only the memory run has one).
SCRIPT = """\
wrk.method = "POST"
wrk.body = '%(body)s'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
function init(args)
  if args[1] then
    local first, sent = tonumber(args[1]), 0
    request = function()
      sent = sent + 1
      local phone = string.format("2547%%08d", first + sent)
      return wrk.format(nil, nil, nil, (string.gsub(wrk.body, "%(phone)s", phone)))
    end
  end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%%d,"us":%%d,"p50_us":%%d,"p99_us":%%d,"non_2xx":%%d,"errors":%%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def wrk_version() -> str | None:
    if shutil.which("wrk") is None:
        return None
    # `wrk -v` prints "wrk debian/4.1.0-3+b2 [epoll] Copyright ..." and exits non-zero.
    shown = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (shown.stdout or shown.stderr).split(" Copyright")[0].strip()


def wrk(url: str, work: Path, connections: int, seconds: float, *args: str) -> dict[str, Any]:
    script = work / "stk_push.lua"
    if not script.exists():
        assert "'" not in BODY  # it sits in a Lua single-quoted string as it is
        script.write_text(SCRIPT % {"body": BODY, "token": TOKEN, "phone": PHONE})
    seconds = max(1, math.ceil(seconds))  # wrk takes whole seconds
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script), url]
    done = subprocess.run([*command, "--", *args], capture_output=True, text=True, timeout=seconds + 60)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    found = json.loads(lines[-1])
    return {
        "requests": found["requests"],
        "s": found["us"] / 1e6,
        "p50_ms": found["p50_us"] / 1000,
        "p99_ms": found["p99_us"] / 1000,
        "non_2xx": found["non_2xx"],
        "errors": found["errors"],
    }


def _rejects_invalid_with(server: Server) -> int:
    """The status a schema-invalid push gets: proof that the server validates what it is sent."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    return httpx.post(server.push_url, json=INVALID_PAYLOAD, headers=headers, timeout=10).status_code


def compare(plan: Namespace, work: Path) -> dict[str, Any]:
    """{"emulator": ..., "prism": ...}, each with its `quiet` pairing: per level rps, p50, p99."""
    if wrk_version() is None:
        return {"emulator": {"status": WRK_MISSING}, "prism": {"status": WRK_MISSING}}
    prism: dict[str, Any] = servers.prism_status() if plan.prism else {"status": "skipped (--no-prism)"}
    with ExitStack() as stack:
        started = {"emulator": stack.enter_context(servers.emulator(work))}
        if not plan.smoke:
            started["emulator_quiet"] = stack.enter_context(servers.emulator(work, quiet=True))
        if prism["status"] == "ok":
            started["prism"] = stack.enter_context(servers.prism(work, "info"))
            started["prism_quiet"] = stack.enter_context(servers.prism(work, "warn"))
        names = list(started)
        for name in names:  # Prism's JIT and the emulator's first-request caches, untimed
            wrk(started[name].push_url, work, 16, plan.warmup)
        # One-second rounds, the servers' order rotated every round: a burst from another process
        # on a shared machine then lands on every server alike, not on one level of one server.
        runs: dict[str, dict[int, list[dict[str, Any]]]] = {
            name: {c: [] for c in plan.levels} for name in names
        }
        for turn, level in enumerate(c for c in plan.levels for _ in range(plan.duration)):
            for name in names[turn % len(names) :] + names[: turn % len(names)]:
                runs[name][level].append(wrk(started[name].push_url, work, level, 1))
        rejects = {name: _rejects_invalid_with(server) for name, server in started.items()}

    def entry(name: str) -> dict[str, Any]:
        found: dict[str, Any] = {"rps": {}, "p50_ms": {}, "p99_ms": {}, "non_2xx": 0, "errors": 0}
        for level, rounds in runs[name].items():
            found["rps"][str(level)] = round(
                sum(r["requests"] for r in rounds) / sum(r["s"] for r in rounds), 1
            )
            found["p50_ms"][str(level)] = statistics.median(r["p50_ms"] for r in rounds)
            found["p99_ms"][str(level)] = max(r["p99_ms"] for r in rounds)  # the worst round's
            found["non_2xx"] += sum(r["non_2xx"] for r in rounds)
            found["errors"] += sum(r["errors"] for r in rounds)
        return found | {"rejects_invalid_with": rejects[name]}

    emulator = entry("emulator") | ({"quiet": entry("emulator_quiet")} if "emulator_quiet" in runs else {})
    if "prism" in runs:
        prism |= entry("prism") | {"quiet": entry("prism_quiet")}
    return {"emulator": emulator, "prism": prism}


def memory(plan: Namespace, work: Path) -> dict[str, Any]:
    """Pushes with distinct phone numbers against a fresh quiet sandbox, /proc read after each
    second of load. The stores hold DEFAULT_CAPACITY invoices and customers: past that the
    resident set should stay flat however long the run."""
    if wrk_version() is None:
        return {"status": WRK_MISSING}
    with servers.emulator(work, quiet=True) as server:
        checkpoints = [{"pushes": 0, **server.memory_mib()}]
        while checkpoints[-1]["pushes"] < plan.memory_pushes:
            # A million numbers per second of load: more than it can send, so none is sent twice.
            sent = wrk(server.push_url, work, 16, 1, str(len(checkpoints) * 1_000_000))
            if sent["non_2xx"] or sent["errors"]:
                raise RuntimeError(f"memory run: {sent}")
            checkpoints.append(
                {"pushes": checkpoints[-1]["pushes"] + sent["requests"], **server.memory_mib()}
            )
    full = [point for point in checkpoints if point["pushes"] >= DEFAULT_CAPACITY]
    return {
        "store_capacity": DEFAULT_CAPACITY,
        "checkpoints": checkpoints,
        "peak_rss_mib": max(point["hwm_mib"] for point in checkpoints),
        # What it still grew by once the stores were full: the boundedness claim.
        "growth_after_capacity_mib": round(checkpoints[-1]["rss_mib"] - full[0]["rss_mib"], 1)
        if full
        else None,
    }


def profile_emulator(plan: Namespace, work: Path, out: Path) -> Path | None:
    """The quiet emulator under cProfile at concurrency 16 (start-up included: read past it)."""
    if wrk_version() is None:
        return None
    profile = out / "emulator.prof"
    with servers.emulator(work, quiet=True, profile=profile) as server:
        wrk(server.push_url, work, 16, plan.duration)
    return profile
