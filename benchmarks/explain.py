"""Why a goal was missed, written from the measurements and the profiles (never from guesses):
per-call wall time and client CPU from the unprofiled run, then where cProfile finds the time."""

from __future__ import annotations

from typing import Any

from . import profiling
from .goals import Goal

US = "µs"


def _more_or_less(delta_us: float) -> str:
    return f"{abs(delta_us):.0f} {US} {'more' if delta_us >= 0 else 'less'}"


def _per_call_us(result: dict[str, Any], client: str) -> tuple[float, float]:
    """(wall, this process's CPU) per call, unprofiled."""
    return 1e6 / result[f"{client}_calls_per_s"], result[f"{client}_client_cpu_us_per_call"]


def _buckets(profile: dict[str, Any], count: int = 4) -> str:
    shown = [
        f"{bucket} {us:.0f} {US}"
        for bucket, us in profile["buckets_us_per_call"].items()
        if bucket != profiling.WAITING
    ]
    return "; ".join(shown[:count])


def _top(profile: dict[str, Any], marker: str, count: int = 4) -> str:
    chosen = [entry for entry in profile["top_functions_us_per_call"] if marker in entry["function"]]
    return ", ".join(f"{entry['function']} {entry['us_per_call']:.0f} {US}" for entry in chosen[:count])


def versus_raw_httpx(protocol: str, result: dict[str, Any]) -> str:
    wall_g, cpu_g = _per_call_us(result, "generated")
    wall_r, cpu_r = _per_call_us(result, "raw_httpx")
    profiles = result.get("profile", {})
    text = (
        f"Over {protocol.upper()} each generated-client call took {_more_or_less(wall_g - wall_r)} than "
        f"a raw httpx call ({wall_g:.0f} vs {wall_r:.0f} {US}); its own CPU per call, "
        f"{_more_or_less(cpu_g - cpu_r)} ({cpu_g:.0f} vs {cpu_r:.0f} {US}). Both send the same "
        "body on one reused keep-alive connection, so the server's work per call is the same and the gap "
        "is the generated code's client-side work."
    )
    if "generated" in profiles and "raw_httpx" in profiles:
        generated, raw = profiles["generated"], profiles["raw_httpx"]
        extra = profiling.bucket_differences(generated, raw)
        listed = (
            "; ".join(f"{bucket} +{delta:.0f} {US}" for bucket, delta in extra[:4]) or "no bucket stands out"
        )
        text += (
            f" Under cProfile ({generated['calls']} calls each) the generated client's extra self time per "
            f"call is in: {listed}. Its own busiest functions: "
            f"{_top(generated, 'kulmipay_client') or 'none'}."
        )
        owners = {bucket for bucket, _ in extra[:3]}
        if any(bucket.startswith("generated client") for bucket in owners):
            text += (
                " That is the generated code building attrs models from each reply (StkPushResponse, Invoice"
                " and Customer `from_dict`, with datetime and uuid parsing), which a raw `json.loads` skips"
            )
            if "httpx" in owners:
                text += ", and httpx merging the Content-Type header the generated code sets on every request"
            text += ". generated_client/ is regenerated from the spec and is not tuned by hand."
    return text


def versus_official_sdk(protocol: str, result: dict[str, Any], threshold: float) -> str:
    wall_g, cpu_g = _per_call_us(result, "generated")
    wall_s, cpu_s = _per_call_us(result, "official_sdk")
    waiting = max(1.0, wall_g - cpu_g)
    ceiling = wall_s / waiting
    text = (
        f"Over {protocol.upper()} a generated-client call took {wall_g:.0f} {US} ({cpu_g:.0f} {US} of it "
        f"this process's CPU) and an official-SDK call {wall_s:.0f} {US} ({cpu_s:.0f} {US} CPU). The "
        f"{waiting:.0f} {US} per call that the generated client spends waiting on the server and the wire "
        f"bounds the ratio: with no client CPU at all it would reach at most {ceiling:.2f}x the SDK"
        + (f", below the {threshold:g}x goal." if ceiling < threshold else ".")
    )
    profiles = result.get("profile", {})
    if "official_sdk" in profiles and "generated" in profiles:
        text += (
            f" Where the SDK's CPU goes (cProfile, per call): {_buckets(profiles['official_sdk'])}."
            f" The generated client's: {_buckets(profiles['generated'])}."
        )
    return text


def emulator_versus_prism(goal: Goal, profile: dict[str, Any]) -> str:
    busy = profile["busy_us_per_call"]
    shares = "; ".join(
        f"{bucket} {us / busy:.0%}"
        for bucket, us in list(profile["buckets_us_per_call"].items())[:6]
        if bucket != profiling.WAITING and busy
    )
    shortfall = (
        f"The emulator fell {1 - goal.ratio:.0%} short at its weakest level ({goal.measured}). "
        if goal.ratio is not None and goal.ratio < goal.threshold
        else ""
    )
    http = sum(
        us for bucket, us in profile["buckets_us_per_call"].items() if bucket.startswith(("h11", "uvicorn"))
    )
    return (
        f"{shortfall}Profiled at concurrency 16 (access log {'on' if profile['access_log'] else 'off'}, "
        f"{profile['profiled_rps']:.0f} requests/s under cProfile), the emulator's one process spends "
        f"{busy:.0f} {US} of CPU per request (cProfile-inflated). Share of that busy time: {shares}. "
        f"HTTP/1.1 handling alone (h11 + uvicorn) is {http / busy:.0%}: uvicorn here parses HTTP with "
        f"{profile['http_parser']} on {profile['event_loop']}, where Prism's node parses it in C (llhttp). "
        f"Request validation (jsonschema-rs) is "
        f"{profile['buckets_us_per_call'].get(profiling.VALIDATION, 0.0) / busy:.0%}. "
        f"Busiest functions: {_top(profile, '')}."
    )
