"""The issue's goals, checked against the measurements: each one met, missed, or not measured."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# (protocol, compared client, threshold): generated sync calls/s >= threshold x the other's.
CLIENT_GOALS: tuple[tuple[str, str, float], ...] = (
    ("https", "official_sdk", 3.0),
    ("http", "official_sdk", 1.4),
    ("http", "raw_httpx", 0.9),
    ("https", "raw_httpx", 0.9),
)
SERVER_PAIRINGS = (("", "default logging"), ("quiet", "logging turned down"))


@dataclass
class Goal:
    key: str
    goal: str
    measured: str
    ratio: float | None
    threshold: float
    met: bool | None  # None: not measured in this run
    explanation: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _named(client: str) -> str:
    return client.replace("_", " ").replace("sdk", "SDK")


def client_goal_key(protocol: str, other: str) -> str:
    return f"client.{protocol}.generated_vs_{other}"


def client_goals(protocol: str, result: dict[str, Any]) -> list[Goal]:
    goals = []
    for goal_protocol, other, threshold in CLIENT_GOALS:
        if goal_protocol != protocol:
            continue
        ratio = result["ratios"][f"generated_vs_{other}"]
        goals.append(
            Goal(
                key=client_goal_key(protocol, other),
                goal=f"{protocol.upper()}: generated client >= {threshold:g}x {_named(other)} calls/s",
                measured=f"{ratio:.2f}x ({result['generated_calls_per_s']:.0f} vs "
                f"{result[f'{other}_calls_per_s']:.0f} calls/s)",
                ratio=ratio,
                threshold=threshold,
                met=ratio >= threshold,
            )
        )
    return goals


def client_missed(protocol: str, result: dict[str, Any]) -> bool:
    return any(goal.met is False for goal in client_goals(protocol, result))


def _server_side(entry: dict[str, Any], pairing: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = entry.get(pairing) if pairing else entry
    return found if found and found.get("rps") else None


def server_goals(emulator: dict[str, Any], prism: dict[str, Any]) -> list[Goal]:
    goals = []
    for pairing, described in SERVER_PAIRINGS:
        key = "emulator_vs_prism" + (f"_{pairing}" if pairing else "")
        wording = f"emulator >= Prism requests/s at every concurrency ({described}), validating every request"
        ours, theirs = _server_side(emulator, pairing), _server_side(prism, pairing)
        if ours is None or theirs is None:
            reason = prism["status"] if theirs is None else "the emulator was not measured this way"
            goals.append(Goal(key, wording, f"not measured: {reason}", None, 1.0, None))
            continue
        ratios = {
            level: ours["rps"][level] / theirs["rps"][level]
            for level in ours["rps"]
            if level in theirs["rps"]
        }
        measured = ", ".join(
            f"c={level}: {ratio:.2f}x ({ours['rps'][level]:.0f} vs {theirs['rps'][level]:.0f})"
            for level, ratio in ratios.items()
        )
        validating = ours["rejects_invalid_with"] == 400 and ours["non_2xx"] == 0 and ours["errors"] == 0
        lowest = round(min(ratios.values()), 3)
        goals.append(Goal(key, wording, measured, lowest, 1.0, lowest >= 1.0 and validating))
    return goals
