"""The emulator's clock. Invoice states are derived from it when read (no timer or task per
invoice): real time by default; a manual clock (`--clock manual`) moves only when a test says,
through the control plane, so a 60 s prompt expiry takes no time at all."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    manual: bool

    def now(self) -> float:
        """Seconds since the emulator started."""
        ...


class RealClock:
    manual = False

    def __init__(self) -> None:
        self._start = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._start


class ManualClock:
    manual = True

    def __init__(self) -> None:
        self._now = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._now += seconds
            return self._now


def clock_for(kind: str) -> Clock:
    if kind == "manual":
        return ManualClock()
    if kind == "real":
        return RealClock()
    raise ValueError(f"clock must be 'real' or 'manual', not {kind!r}")
