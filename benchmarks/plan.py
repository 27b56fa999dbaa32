"""What one `python -m benchmarks` run does: sizes, durations and which parts run. The defaults
keep a full `make bench` within about ten minutes on the 2-core machine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Loader = Literal["auto", "wrk", "python"]
ConformanceDepth = Literal["full", "tiny", "skip"]

DEFAULT_OUT = Path("reports/bench")
SMOKE_FAULT = "wrong-currency"  # caught by the spec's own examples, so even a tiny budget catches it


@dataclass(frozen=True)
class Plan:
    out: Path = DEFAULT_OUT
    calls: int = 500  # per client per protocol
    rounds: int = 10  # round-robin rounds: drift (thermal, noisy neighbours) hits every client alike
    async_concurrency: int = 8
    duration: float = 5.0  # per load level per server
    warmup: float = 2.0  # per server before its first level (Prism's JIT, the emulator's caches)
    levels: tuple[int, ...] = (1, 16, 64)
    memory_pushes: int = 20_000
    memory_checkpoints: int = 8
    prism: bool = True
    quiet_servers: bool = True  # also compare the emulator and Prism with their logging turned down
    conformance: ConformanceDepth = "full"
    loader: Loader = "auto"
    profile: bool = False  # profile even when every goal is met
    smoke: bool = False
    time_limit_s: float = 900.0  # a run past this is a bug: every loop stops there

    @classmethod
    def smoke_plan(cls, out: Path, loader: Loader = "auto") -> Plan:
        """Every code path once, in seconds: the harness must not rot between real runs."""
        return cls(
            out=out,
            calls=4,
            rounds=2,
            async_concurrency=2,
            duration=1.0,
            warmup=0.0,
            memory_pushes=300,
            memory_checkpoints=2,
            prism=False,
            quiet_servers=False,
            conformance="tiny",
            loader=loader,
            smoke=True,
            time_limit_s=120.0,
        )
