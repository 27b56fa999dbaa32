"""The emulator's own `collection_event`s, judged: the run points its emulator's webhook at a
local sink (`event_sink.py`), lets the lifecycle probe move the clock, waits for the deliveries
to drain, then judges every event that arrived against the status endpoint and the spec.

| check | every event, or every invoice's events, must |
| --- | --- |
| `events_carry_the_challenge` | carry the challenge the webhook was configured with |
| `events_follow_the_lifecycle` | start PENDING and move only along the spec's state machine |
| `events_agree_with_status` | agree with the status read: fields that never change, and the last state |
"""

from __future__ import annotations

import hmac
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import spec, status_checks
from ..spec import JSON
from .results import Failure, Results, Tally

CHECKS = ("events_carry_the_challenge", "events_follow_the_lifecycle", "events_agree_with_status")
DRAIN_TIMEOUT = 5.0


def drain(idle: Callable[[], bool], received: Callable[[], int]) -> None:
    """Waits (bounded) until the emulator has nothing left to deliver and arrivals have stopped."""
    deadline, seen = time.monotonic() + DRAIN_TIMEOUT, -1
    while time.monotonic() < deadline:
        now_seen = received()
        if idle() and now_seen == seen:
            return
        seen = now_seen
        time.sleep(0.02)


@dataclass(frozen=True)
class Delivered:
    """What arrived at the sink, in order, and each invoice's status read once deliveries drained."""

    events: list[Any]
    statuses: dict[str, JSON | None]


def judge(delivered: Delivered, challenge: str, into: Results) -> None:
    tallies = {name: into.tally(name) for name in CHECKS}
    events = delivered.events
    into.webhook_events = len(events)
    by_invoice: dict[str, list[JSON]] = {}
    for event in events:
        ok = isinstance(event, dict) and hmac.compare_digest(str(event.get("challenge", "")), challenge)
        _count(
            into,
            tallies,
            "events_carry_the_challenge",
            [] if ok else ["an event without the configured challenge"],
        )
        if isinstance(event, dict) and isinstance(event.get("invoice_id"), str):
            by_invoice.setdefault(event["invoice_id"], []).append(event)
    machine = spec.state_machine()
    for invoice_id, sequence in by_invoice.items():
        states = [str(event.get("state")) for event in sequence]
        problems = (
            [] if states[0] == machine.initial else [f"first event is {states[0]}, not {machine.initial}"]
        )
        for before, after in itertools.pairwise(states):
            if (problem := status_checks.transition_problem(before, after)) is not None:
                problems.append(problem)
        _count(into, tallies, "events_follow_the_lifecycle", [f"invoice {invoice_id}: {p}" for p in problems])
        status = delivered.statuses.get(invoice_id)
        if status is None:
            continue  # evicted or unreadable: the status checks speak for it
        problems = status_checks.agreement_problems(status, sequence[-1])
        if sequence[-1].get("state") != status.get("state"):
            problems.append(
                f"last event says {sequence[-1].get('state')}, the status read {status.get('state')}"
            )
        _count(into, tallies, "events_agree_with_status", [f"invoice {invoice_id}: {p}" for p in problems])


def _count(into: Results, tallies: dict[str, Tally], name: str, problems: list[str]) -> None:
    tallies[name].judged += 1
    if problems:
        tallies[name].failed += 1
        if sum(1 for failure in into.failures if failure.check == name) < 3:
            message = "; ".join(problems)
            into.failures.append(Failure(name, f"{name}: {message}", message, None, None))
