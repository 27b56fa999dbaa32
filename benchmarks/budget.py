"""One deadline for the whole run, checked between batches and levels, so that no loop can run on."""

from __future__ import annotations

import time


class OutOfTime(RuntimeError):
    pass


class Budget:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def left(self) -> float:
        return self.seconds - self.elapsed()

    def check(self, doing: str) -> None:
        if self.left() <= 0:
            raise OutOfTime(f"the benchmark's {self.seconds:.0f}s budget ran out while {doing}")
