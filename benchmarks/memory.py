"""Memory benchmark: a long run of pushes with distinct phone numbers against a fresh
`kulmipay-toolkit sandbox`, with the server's resident set (VmRSS) and its peak (VmHWM) read from
/proc at checkpoints. The invoice and customer stores are capped (`emulator/store.py`), so past
their capacity the resident set should stay flat however long the run."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from kulmipay_toolkit.emulator.store import DEFAULT_CAPACITY

from . import loadgen, processes
from .budget import Budget
from .loadgen import Bodies
from .plan import Plan
from .workload import body_bytes, distinct_phone

CONNECTIONS = 16
CHUNK_TIME_LIMIT_S = 300.0


def _mib(kib: int) -> float:
    return round(kib / 1024, 1)


def _distinct(first: int) -> Bodies:
    return lambda index: body_bytes(distinct_phone(first + index))


def run(plan: Plan, work: Path, budget: Budget) -> dict[str, Any]:
    checkpoints: list[dict[str, float]] = []
    step = math.ceil(plan.memory_pushes / max(1, plan.memory_checkpoints))
    with processes.sandbox(work, name="emulator-memory") as server:

        def checkpoint(pushes: int) -> None:
            memory = server.memory_kib()
            checkpoints.append(
                {"pushes": pushes, "rss_mib": _mib(memory["VmRSS"]), "hwm_mib": _mib(memory["VmHWM"])}
            )

        checkpoint(0)
        sent = 0
        while sent < plan.memory_pushes:
            budget.check("the memory run")
            count = min(step, plan.memory_pushes - sent)
            result = loadgen.run(
                server.push_url,
                connections=CONNECTIONS,
                duration=max(1.0, min(CHUNK_TIME_LIMIT_S, budget.left())),
                max_requests=count,
                bodies=_distinct(sent),
            )
            if result.requests != count or result.non_2xx:
                raise RuntimeError(f"memory run: {result.requests}/{count} pushes, {result.non_2xx} not 2xx")
            sent += count
            checkpoint(sent)
    full = [point for point in checkpoints if point["pushes"] >= DEFAULT_CAPACITY]
    return {
        "pushes": plan.memory_pushes,
        "distinct_phone_numbers": plan.memory_pushes,
        "store_capacity": DEFAULT_CAPACITY,
        "checkpoints": checkpoints,
        "peak_rss_mib": checkpoints[-1]["hwm_mib"],
        # What the resident set still grew by once the stores were full: the boundedness claim.
        "growth_after_capacity_mib": round(checkpoints[-1]["rss_mib"] - full[0]["rss_mib"], 1)
        if full
        else None,
    }
