"""One benchmark run, in order: clients (HTTP, then HTTPS), the emulator against Prism, the
emulator's memory over a long run, the conformance run; then the goals, with a profile-based
explanation for each one missed. Servers live in a temporary directory that is removed after."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import client_bench, conformance_bench, explain, goals, load, memory, report
from .budget import Budget
from .plan import Plan


def _say(budget: Budget, message: str) -> None:
    print(f"bench: [{budget.elapsed():5.0f} s] {message}", file=sys.stderr, flush=True)


def _plan_summary(plan: Plan) -> dict[str, Any]:
    found = asdict(plan)
    found["out"] = str(plan.out)
    found["levels"] = list(plan.levels)
    return found


def _profile_when(plan: Plan, protocol: str) -> Callable[[dict[str, Any]], bool]:
    """Profile the clients only when a client goal is missed (or --profile): it costs a few seconds."""

    def needed(result: dict[str, Any]) -> bool:
        return plan.profile or goals.client_missed(protocol, result)

    return needed


def _explain(
    found: list[goals.Goal], summary: dict[str, Any], plan: Plan, work: Path, budget: Budget
) -> None:
    """An explanation for every missed goal (every measured one with --profile). The emulator is
    profiled once per logging mode that a missed goal (or --profile) needs."""
    client = summary["client"]
    server_goals = [goal for goal in found if goal.key.startswith("emulator_vs_prism")]
    wanted = {goal.key: not goal.key.endswith("quiet") for goal in server_goals if goal.met is False}
    access_logs = set(wanted.values()) | ({False} if plan.profile and not wanted else set())
    profiles: dict[bool, dict[str, Any]] = {}
    for access_log in sorted(access_logs):
        _say(budget, f"profiling the emulator (access log {'on' if access_log else 'off'})")
        profiles[access_log] = load.profile_emulator(plan, work, budget, access_log=access_log)
    if profiles:
        summary["emulator"]["profile"] = {
            "access_log_on" if access_log else "access_log_off": profile
            for access_log, profile in profiles.items()
        }
    for goal in found:
        if goal.met is None or (goal.met and not plan.profile):
            continue
        if goal.key.startswith("client."):
            protocol = goal.key.split(".")[1]
            if goal.key.endswith("raw_httpx"):
                goal.explanation = explain.versus_raw_httpx(protocol, client[protocol])
            else:
                goal.explanation = explain.versus_official_sdk(protocol, client[protocol], goal.threshold)
        elif goal.key in wanted or (plan.profile and profiles):
            profile = profiles.get(wanted.get(goal.key, False)) or next(iter(profiles.values()))
            goal.explanation = explain.emulator_versus_prism(goal, profile)


def run(plan: Plan) -> dict[str, Any]:
    budget = Budget(plan.time_limit_s)
    summary: dict[str, Any] = {"machine": report.machine(), "plan": _plan_summary(plan)}
    with tempfile.TemporaryDirectory(prefix="kulmipay-bench-") as directory, ThreadPoolExecutor(1) as aside:
        work = Path(directory)
        # A smoke run times nothing, so its conformance runs may overlap the rest; a real run's may not.
        early = aside.submit(conformance_bench.run, plan, work, budget) if plan.smoke else None
        client: dict[str, Any] = {}
        for protocol in ("http", "https"):
            _say(budget, f"clients over {protocol.upper()}: {plan.calls} calls each, interleaved")
            client[protocol] = client_bench.run_protocol(
                plan,
                work,
                tls=protocol == "https",
                budget=budget,
                profile_if=_profile_when(plan, protocol),
            )
        summary["client"] = client

        _say(
            budget,
            f"emulator vs Prism: concurrency {', '.join(map(str, plan.levels))}, {plan.duration:g} s each",
        )
        summary.update(load.compare(plan, work, budget))
        _say(budget, f"emulator memory: {plan.memory_pushes} pushes with distinct phone numbers")
        summary["emulator"]["memory"] = memory.run(plan, work, budget)
        _say(budget, f"conformance ({plan.conformance})")
        summary["conformance"] = early.result() if early else conformance_bench.run(plan, work, budget)

        found = [
            *goals.client_goals("http", client["http"]),
            *goals.client_goals("https", client["https"]),
            *goals.server_goals(summary["emulator"], summary["prism"]),
        ]
        _explain(found, summary, plan, work, budget)
        summary["goals"] = [goal.as_dict() for goal in found]
    summary["elapsed_s"] = round(budget.elapsed(), 1)
    return summary
