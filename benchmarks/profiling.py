"""cProfile, summarised: where a client's or the emulator's time goes per call, grouped by who owns
the code (the generated models, httpx, requests, h11, the emulator's pipeline, ...). Used to explain
a missed goal with numbers rather than guesses. A standard-library or built-in function's self time
is charged to the library that called it (looking up to six callers up, split by the time spent
under each caller), so a regex match inside h11 counts as h11. cProfile inflates pure-Python code
more than C, so the buckets are compared with each other, not with the unprofiled timings."""

from __future__ import annotations

import pstats
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

WAITING = "waiting for I/O (event loop poll)"
VALIDATION = "emulator: request validation (jsonschema-rs)"
SOCKETS = "socket syscalls (in a blocking client, recv includes waiting for the server)"
# First match wins: the caller-independent built-ins (socket, ssl, select) before the libraries.
BUCKETS: tuple[tuple[str, str], ...] = (
    ("'select.", WAITING),
    ("_ssl.", "TLS (ssl module; a blocking read includes waiting for the server)"),
    ("/ssl.py", "TLS (ssl module; a blocking read includes waiting for the server)"),
    ("_socket.", SOCKETS),
    ("/socket.py", SOCKETS),
    ("kulmipay_client", "generated client (kulmipay_client: request building, model parsing)"),
    ("/kulmipay_toolkit/emulator/validation.py", VALIDATION),
    ("jsonschema_rs", VALIDATION),
    ("/kulmipay_toolkit/", "emulator: auth, parsing, rules, invoice building"),
    ("/kulmipay/", "official SDK (kulmipay)"),
    ("/benchmarks/", "the benchmark's own loop"),
    ("/requests/", "requests"),
    ("/urllib3/", "urllib3"),
    ("/httpx/", "httpx"),
    ("/httpcore/", "httpcore"),
    ("/h11/", "h11 (pure-Python HTTP/1.1)"),
    ("/uvicorn/", "uvicorn"),
    ("/starlette/", "starlette"),
    ("/logging/", "logging"),
    ("json", "json encode/decode"),
    ("/asyncio/", "asyncio"),
    ("/anyio/", "asyncio"),
    ("/attr/", "attrs"),
    ("/attrs/", "attrs"),
)
OTHER = "other (stdlib and built-ins called from no library above)"
TOP = 8
OWNER_DEPTH = 6

Key = tuple[str, int, str]  # pstats: (filename, line, function)
CallerStats = tuple[int, int, float, float]  # calls, primitive calls, self time, cumulative time
Raw = dict[Key, tuple[int, int, float, float, dict[Key, CallerStats]]]


def bucket_of(filename: str, function: str) -> str:
    where = filename if filename != "~" else function
    for marker, bucket in BUCKETS:
        if marker in where:
            return bucket
    return OTHER


def _label(filename: str, line: int, function: str) -> str:
    if filename == "~":
        return function
    short = filename.split("site-packages/")[-1].split("/work/main/")[-1]
    return f"{short}:{line}({function})"


def _owners(key: Key, raw: Raw, depth: int = 0) -> dict[str, float]:
    """The buckets `key`'s self time is charged to, with their shares (summing to 1)."""
    bucket = bucket_of(key[0], key[2])
    callers = raw[key][4] if key in raw else {}
    weight = sum(stats[2] for stats in callers.values())
    if bucket != OTHER or depth == OWNER_DEPTH or weight <= 0:
        return {bucket: 1.0}
    shares: dict[str, float] = defaultdict(float)
    for caller, stats in callers.items():
        for owner, share in _owners(caller, raw, depth + 1).items():
            shares[owner] += stats[2] / weight * share
    return shares


def summarise(stats: pstats.Stats, calls: int) -> dict[str, Any]:
    """Self time (tottime) per call, by bucket and for the busiest functions."""
    raw: Raw = stats.stats  # type: ignore[attr-defined]  # documented, but not in typeshed
    buckets: dict[str, float] = defaultdict(float)
    functions = []
    for key, (_, _, self_time, _, _) in raw.items():
        for bucket, share in _owners(key, raw).items():
            buckets[bucket] += self_time * share
        if bucket_of(key[0], key[2]) != WAITING:
            functions.append((self_time, _label(*key)))
    busy = sum(seconds for bucket, seconds in buckets.items() if bucket != WAITING)
    return {
        "calls": calls,
        "busy_us_per_call": round(busy / calls * 1e6, 1),
        "buckets_us_per_call": {
            bucket: round(seconds / calls * 1e6, 1)
            for bucket, seconds in sorted(buckets.items(), key=lambda item: -item[1])
        },
        "top_functions_us_per_call": [
            {"function": label, "us_per_call": round(seconds / calls * 1e6, 1)}
            for seconds, label in sorted(functions, reverse=True)[:TOP]
        ],
    }


def profile_calls(call: Callable[[], None], calls: int) -> dict[str, Any]:
    import cProfile

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    summary = summarise(pstats.Stats(profiler), calls)
    summary["profiled_wall_us_per_call"] = round((time.perf_counter() - started) / calls * 1e6, 1)
    return summary


def bucket_differences(
    slower: dict[str, Any], faster: dict[str, Any], floor_us: float = 3.0
) -> list[tuple[str, float]]:
    """Buckets where `slower` spends at least `floor_us` more per call than `faster`, largest first."""
    ours, theirs = slower["buckets_us_per_call"], faster["buckets_us_per_call"]
    differences = [
        (bucket, ours.get(bucket, 0.0) - theirs.get(bucket, 0.0)) for bucket in set(ours) | set(theirs)
    ]
    return sorted(
        ((bucket, round(delta, 1)) for bucket, delta in differences if delta >= floor_us), key=lambda x: -x[1]
    )
