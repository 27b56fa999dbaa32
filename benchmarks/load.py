"""Server benchmark: the emulator and Stoplight Prism (mocking the same spec) under the same load,
side by side in one run: requests/s and p50/p99 latency at each concurrency for a fixed duration,
the servers' order rotated at every level. Both run as their users run them (the emulator's CLI
logs a line per request, Prism logs at `info`), and, with `quiet_servers`, again with their
logging turned down (the emulator without its access log, Prism at `warn`)."""

from __future__ import annotations

import importlib.util
import math
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from . import loadgen, processes, profiling, wrk
from . import prism as prism_server
from .budget import Budget
from .plan import Plan
from .stats import LoadResult
from .workload import INVALID_PAYLOAD, TOKEN

MAX_RPS = 50_000  # the Python generator's request cap per second of duration: a count bound, never reached
WARMUP_CONNECTIONS = 16
PROFILE_CONNECTIONS = 16


def tool_for(plan: Plan) -> str:
    if plan.loader == "python":
        return "python"
    if wrk.binary() is not None:
        return "wrk"
    if plan.loader == "wrk":
        raise RuntimeError("--loader wrk, but wrk is not installed (`apt-get install wrk`)")
    return "python"


def describe_tool(tool: str) -> str:
    return (wrk.version() or "wrk") + ", 1 thread" if tool == "wrk" else "python asyncio load generator"


def apply(tool: str, url: str, *, connections: int, duration: float, script: Path) -> LoadResult:
    if tool == "wrk":
        return wrk.run(url, connections=connections, duration=duration, script=script)
    return loadgen.run(
        url, connections=connections, duration=duration, max_requests=math.ceil(duration * MAX_RPS)
    )


def rejects_invalid_with(server: processes.Server) -> int:
    """The status a schema-invalid push gets: proof that the server validates what it is sent."""
    reply = httpx.post(
        server.push_url, json=INVALID_PAYLOAD, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    return reply.status_code


def _levels(results: dict[int, LoadResult]) -> dict[str, Any]:
    return {
        "rps": {str(level): result.rps for level, result in results.items()},
        "p50_ms": {str(level): round(result.p50_ms, 3) for level, result in results.items()},
        "p99_ms": {str(level): round(result.p99_ms, 3) for level, result in results.items()},
        "requests": {str(level): result.requests for level, result in results.items()},
        "non_2xx": sum(result.non_2xx for result in results.values()),
        "errors": sum(result.errors for result in results.values()),
    }


def compare(plan: Plan, work: Path, budget: Budget) -> dict[str, Any]:
    """{"load": how, "emulator": {...}, "prism": {...}}; Prism's entry says why when it could not run."""
    tool = tool_for(plan)
    script = wrk.write_script(work)
    prism_status = "ok"
    described = {
        "emulator": "kulmipay-toolkit sandbox --seed 1 (access log on, to a file)",
        "emulator_quiet": "python -m benchmarks.sandbox_process (same app, no access log)",
        "prism": f"prism mock -v {prism_server.DEFAULT_LEVEL} (output to a file)",
        "prism_quiet": f"prism mock -v {prism_server.QUIET_LEVEL}",
    }
    with ExitStack() as stack:
        servers = {"emulator": stack.enter_context(processes.sandbox(work))}
        if plan.quiet_servers:
            servers["emulator_quiet"] = stack.enter_context(processes.sandbox_variant(work, access_log=False))
        if not plan.prism:
            prism_status = "skipped (--smoke or --no-prism)"
        elif (reason := prism_server.unavailable_reason()) is not None:
            prism_status = f"not run: {reason}"
        else:
            try:
                servers["prism"] = stack.enter_context(prism_server.prism(work))
                if plan.quiet_servers:
                    servers["prism_quiet"] = stack.enter_context(
                        prism_server.prism(work, level=prism_server.QUIET_LEVEL, name="prism-quiet")
                    )
            except processes.ServerFailed as failed:
                prism_status = f"not run: Prism would not start here: {failed}"
                servers.pop("prism", None)

        rejects = {name: rejects_invalid_with(server) for name, server in servers.items()}
        if plan.warmup > 0:
            for name, server in servers.items():
                budget.check(f"warming up {name}")
                apply(
                    tool, server.push_url, connections=WARMUP_CONNECTIONS, duration=plan.warmup, script=script
                )
        results: dict[str, dict[int, LoadResult]] = {name: {} for name in servers}
        names = list(servers)
        for index, level in enumerate(plan.levels):
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                budget.check(f"loading {name} at concurrency {level}")
                results[name][level] = apply(
                    tool, servers[name].push_url, connections=level, duration=plan.duration, script=script
                )

    def entry(name: str) -> dict[str, Any]:
        return {**_levels(results[name]), "server": described[name], "rejects_invalid_with": rejects[name]}

    emulator = entry("emulator")
    if "emulator_quiet" in results:
        emulator["quiet"] = entry("emulator_quiet")
    prism: dict[str, Any] = {"status": prism_status, "rps": {}, "p50_ms": {}, "p99_ms": {}}
    if "prism" in results:
        prism = {
            "status": prism_status,
            "version": prism_server.version(),
            "node": prism_server.node_version(),
            **entry("prism"),
        }
        if "prism_quiet" in results:
            prism["quiet"] = entry("prism_quiet")
    load = {
        "tool": describe_tool(tool),
        "duration_s": plan.duration if tool != "wrk" else max(1, math.ceil(plan.duration)),
        "levels": list(plan.levels),
        "warmup_s": plan.warmup,
        "body": "the official SDK's STK push body, Authorization: Bearer <sandbox key>, keep-alive",
    }
    return {"load": load, "emulator": emulator, "prism": prism}


def profile_emulator(plan: Plan, work: Path, budget: Budget, *, access_log: bool) -> dict[str, Any]:
    """The emulator under cProfile at concurrency 16 for the load duration: where its CPU goes."""
    budget.check("profiling the emulator")
    tool = tool_for(plan)
    script = wrk.write_script(work)
    stats_file = work / f"emulator-{'log' if access_log else 'quiet'}.prof"
    with processes.sandbox_variant(
        work, access_log=access_log, profile=stats_file, name="emulator-profiled"
    ) as server:
        if plan.warmup > 0:  # so that start-up and first-request caches are not charged to requests
            apply(tool, server.push_url, connections=PROFILE_CONNECTIONS, duration=plan.warmup, script=script)
        server.start_profiling()
        time.sleep(0.1)  # the signal is handled between two bytecodes of the server's loop
        result = apply(
            tool, server.push_url, connections=PROFILE_CONNECTIONS, duration=plan.duration, script=script
        )
        server.interrupt()
        server.process.wait(timeout=processes.STOP_TIMEOUT_S)
    import pstats

    summary = profiling.summarise(pstats.Stats(str(stats_file)), max(1, result.requests))
    summary["profiled_rps"] = result.rps
    summary["access_log"] = access_log
    summary["http_parser"] = "httptools" if importlib.util.find_spec("httptools") else "h11 (pure Python)"
    summary["event_loop"] = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio (pure-Python loop)"
    return summary
