"""Latency arithmetic shared by the client and load benchmarks."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of values at or below it."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def milliseconds(seconds: float) -> float:
    return round(seconds * 1000, 3)


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    return {
        "median_ms": milliseconds(statistics.median(seconds)),
        "p99_ms": milliseconds(percentile(seconds, 0.99)),
    }


@dataclass(frozen=True)
class LoadResult:
    """One fixed-duration load level against one server."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    tool: str

    @property
    def rps(self) -> float:
        return round(self.requests / self.seconds, 1) if self.seconds > 0 else 0.0
