"""Client benchmark: the same STK push through four clients against the emulator in its own
process, interleaved in round-robin rounds (each round rotates who goes first), over HTTP or HTTPS.

- generated: one `kulmipay_client.AuthenticatedClient`, reused, `start_mpesa_stk_push.sync_detailed`;
- generated_async: the same client's async httpx client, `asyncio_detailed` under a semaphore;
- official_sdk: `kulmipay.APIService(...).collect.mpesa_stk_push` (requests, no session: a new
  connection, and over HTTPS a new TLS handshake, per call, as the SDK ships);
- raw_httpx: one `httpx.Client`, the same body, `json.loads` of the reply.
Every reply is checked to be a 200 STK push response: a benchmark of failures would be worthless."""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from kulmipay import APIService
from kulmipay_client import AuthenticatedClient
from kulmipay_client.api.payment import start_mpesa_stk_push
from kulmipay_client.models import StkPushRequest, StkPushResponse

from . import processes
from .budget import Budget
from .plan import Plan
from .stats import latency_summary
from .workload import AMOUNT, PAYLOAD, PHONE, TOKEN, push_path

TIMEOUT = httpx.Timeout(10.0)  # the same for both httpx-based clients; the SDK's own default is 30 s
WARMUP_CALLS = 5  # per client, untimed: connections, TLS sessions and caches are set up first
CLIENTS = ("generated", "generated_async", "official_sdk", "raw_httpx")
Call = Callable[[], None]


class UnexpectedReply(RuntimeError):
    pass


@dataclass
class Contender:
    key: str
    batch: Callable[[int], list[float]]  # n calls -> their latencies in seconds
    close: Callable[[], None]
    call: Call | None = None  # one sequential call, for profiling (None: not profiled)


@dataclass
class Tally:
    wall_s: float = 0.0
    cpu_s: float = 0.0
    latencies: list[float] = field(default_factory=list)


def _sequential(call: Call) -> Callable[[int], list[float]]:
    def batch(calls: int) -> list[float]:
        latencies = []
        for _ in range(calls):
            started = time.perf_counter()
            call()
            latencies.append(time.perf_counter() - started)
        return latencies

    return batch


def _generated(api_root: str, verify: ssl.SSLContext | bool, concurrency: int) -> tuple[Contender, Contender]:
    client = AuthenticatedClient(base_url=api_root, token=TOKEN, verify_ssl=verify, timeout=TIMEOUT)
    body = StkPushRequest.from_dict(PAYLOAD)
    runner = asyncio.Runner()  # one loop for every batch: the async httpx client is bound to it

    def check(parsed: object, status: int) -> None:
        if not isinstance(parsed, StkPushResponse):
            raise UnexpectedReply(f"generated client: HTTP {status} {parsed!r}")

    def call() -> None:
        response = start_mpesa_stk_push.sync_detailed(client=client, body=body)
        check(response.parsed, response.status_code)

    async def one(semaphore: asyncio.Semaphore) -> float:
        async with semaphore:
            started = time.perf_counter()
            response = await start_mpesa_stk_push.asyncio_detailed(client=client, body=body)
            elapsed = time.perf_counter() - started
        check(response.parsed, response.status_code)
        return elapsed

    async def many(calls: int) -> list[float]:
        semaphore = asyncio.Semaphore(concurrency)
        return list(await asyncio.gather(*(one(semaphore) for _ in range(calls))))

    def close_async() -> None:
        runner.run(client.get_async_httpx_client().aclose())
        runner.close()

    return (
        Contender("generated", _sequential(call), client.get_httpx_client().close, call),
        Contender("generated_async", lambda calls: runner.run(many(calls)), close_async),
    )


def _official_sdk(api_root: str) -> Contender:
    service = APIService(token=TOKEN, base_url=api_root)

    def call() -> None:
        reply = service.collect.mpesa_stk_push(phone_number=PHONE, amount=AMOUNT)
        if not isinstance(reply, dict) or "invoice" not in reply:
            raise UnexpectedReply(f"official SDK: {reply!r}"[:300])

    return Contender("official_sdk", _sequential(call), lambda: None, call)


def _raw_httpx(api_root: str, verify: ssl.SSLContext | bool) -> Contender:
    client = httpx.Client(
        base_url=api_root, headers={"Authorization": f"Bearer {TOKEN}"}, verify=verify, timeout=TIMEOUT
    )
    path = push_path()

    def call() -> None:
        response = client.post(path, json=PAYLOAD)
        if response.status_code != 200 or "invoice" not in json.loads(response.content):
            raise UnexpectedReply(f"raw httpx: HTTP {response.status_code} {response.text[:200]}")

    return Contender("raw_httpx", _sequential(call), client.close, call)


@contextmanager
def _requests_trusts(ca_file: Path | None) -> Iterator[None]:
    """The official SDK has no `verify` argument: requests reads REQUESTS_CA_BUNDLE instead."""
    if ca_file is None:
        yield
        return
    before = os.environ.get("REQUESTS_CA_BUNDLE")
    os.environ["REQUESTS_CA_BUNDLE"] = str(ca_file)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("REQUESTS_CA_BUNDLE", None)
        else:
            os.environ["REQUESTS_CA_BUNDLE"] = before


def _batches(calls: int, rounds: int) -> list[int]:
    rounds = max(1, min(rounds, calls))
    return [calls // rounds + (index < calls % rounds) for index in range(rounds)]


def _interleave(contenders: list[Contender], plan: Plan, budget: Budget) -> dict[str, Tally]:
    for contender in contenders:
        contender.batch(min(WARMUP_CALLS, plan.calls))
    tallies = {contender.key: Tally() for contender in contenders}
    for index, size in enumerate(_batches(plan.calls, plan.rounds)):
        shift = index % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            budget.check(f"running the {contender.key} client")
            wall, cpu = time.perf_counter(), time.process_time()
            latencies = contender.batch(size)
            tally = tallies[contender.key]
            tally.wall_s += time.perf_counter() - wall
            tally.cpu_s += time.process_time() - cpu
            tally.latencies += latencies
    return tallies


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3) if denominator else 0.0


def _summarise(tallies: dict[str, Tally], plan: Plan) -> dict[str, Any]:
    result: dict[str, Any] = {}
    rate = {}
    for key in CLIENTS:
        tally = tallies[key]
        calls = len(tally.latencies)
        rate[key] = calls / tally.wall_s
        summary = latency_summary(tally.latencies)
        result[f"{key}_calls_per_s"] = round(rate[key], 1)
        result[f"{key}_median_ms"] = summary["median_ms"]
        result[f"{key}_p99_ms"] = summary["p99_ms"]
        # CPU of this (client) process only; the server's share is the rest of the wall time.
        result[f"{key}_client_cpu_us_per_call"] = round(tally.cpu_s / calls * 1e6, 1)
    result["ratios"] = {
        "generated_vs_official_sdk": _ratio(rate["generated"], rate["official_sdk"]),
        "generated_vs_raw_httpx": _ratio(rate["generated"], rate["raw_httpx"]),
        "generated_async_vs_official_sdk": _ratio(rate["generated_async"], rate["official_sdk"]),
        "generated_async_vs_raw_httpx": _ratio(rate["generated_async"], rate["raw_httpx"]),
    }
    result["calls_per_client"] = plan.calls
    result["rounds"] = max(1, min(plan.rounds, plan.calls))
    result["async_concurrency"] = plan.async_concurrency
    return result


def run_protocol(
    plan: Plan,
    work: Path,
    *,
    tls: bool,
    budget: Budget,
    profile_if: Callable[[dict[str, Any]], bool],
) -> dict[str, Any]:
    """The four clients against one `kulmipay-toolkit sandbox` process; profiled (client side)
    when `profile_if(result)` says so, while that server is still up."""
    from . import profiling  # cProfile and pstats only when needed

    protocol = "https" if tls else "http"
    with processes.sandbox(work, tls=tls, name=f"emulator-{protocol}") as server:
        verify: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=str(server.ca_file)) if server.ca_file else True
        )
        with _requests_trusts(server.ca_file):
            generated, generated_async = _generated(server.api_root, verify, plan.async_concurrency)
            contenders = [
                generated,
                generated_async,
                _official_sdk(server.api_root),
                _raw_httpx(server.api_root, verify),
            ]
            try:
                result = _summarise(_interleave(contenders, plan, budget), plan)
                result["server"] = server.api_root
                if profile_if(result):
                    budget.check("profiling the clients")
                    result["profile"] = {
                        contender.key: profiling.profile_calls(contender.call, min(plan.calls, 200))
                        for contender in contenders
                        if contender.call is not None
                    }
            finally:
                for contender in contenders:
                    contender.close()
    return result
