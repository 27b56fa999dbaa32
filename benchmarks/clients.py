"""The same STK push through four clients against the emulator in its own process, over HTTP or
HTTPS, interleaved in round-robin rounds (each round rotates who goes first, so that drift on a
shared machine hits every client alike). Every reply is checked to be a 200 STK push response.

- generated: one `kulmipay_client.AuthenticatedClient`, reused, `sync_detailed`;
- generated_async: the same client's async side, `asyncio_detailed`, N in flight;
- official_sdk: `kulmipay.APIService` as shipped (requests without a session: a new connection,
  and over HTTPS a new TLS handshake, per call);
- raw_httpx: one `httpx.Client`, the same body, `json.loads` of the reply."""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import ssl
import statistics
import time
from argparse import Namespace
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from kulmipay import APIService
from kulmipay_client import AuthenticatedClient
from kulmipay_client.api.payment import start_mpesa_stk_push
from kulmipay_client.models import StkPushRequest, StkPushResponse

from kulmipay_toolkit import spec

from . import servers
from .workload import AMOUNT, PAYLOAD, PHONE, TOKEN

TIMEOUT = httpx.Timeout(10.0)  # both httpx-based clients; the SDK has its own (30 s)
WARMUP_CALLS = 5  # per client, untimed: connections, TLS sessions, caches
CLIENTS = ("generated", "generated_async", "official_sdk", "raw_httpx")
Call = Callable[[], None]
Batch = Callable[[int], list[float]]  # n calls -> their latencies in seconds


def _expect(ok: bool, who: str, reply: object) -> None:
    if not ok:
        raise RuntimeError(f"{who}: not a 200 STK push response: {reply!r}"[:300])


def _sequential(call: Call) -> Batch:
    def batch(calls: int) -> list[float]:
        latencies = []
        for _ in range(calls):
            started = time.perf_counter()
            call()
            latencies.append(time.perf_counter() - started)
        return latencies

    return batch


def _clients(
    api_root: str, verify: ssl.SSLContext | bool, in_flight: int, stack: ExitStack
) -> tuple[dict[str, Call], dict[str, Batch]]:
    """Each sync client's one call, and a batch of calls for every client (the async one's on a
    loop that lives as long as the run: its httpx client is bound to the loop that first used it)."""
    generated = AuthenticatedClient(base_url=api_root, token=TOKEN, verify_ssl=verify, timeout=TIMEOUT)
    body = StkPushRequest.from_dict(PAYLOAD)
    sdk = APIService(token=TOKEN, base_url=api_root)
    raw = stack.enter_context(
        httpx.Client(
            base_url=api_root, headers={"Authorization": f"Bearer {TOKEN}"}, verify=verify, timeout=TIMEOUT
        )
    )
    runner = stack.enter_context(asyncio.Runner())
    stack.callback(lambda: runner.run(generated.get_async_httpx_client().aclose()))
    stack.callback(generated.get_httpx_client().close)

    def generated_call() -> None:
        reply = start_mpesa_stk_push.sync_detailed(client=generated, body=body)
        _expect(isinstance(reply.parsed, StkPushResponse), "generated", reply)

    async def one(limit: asyncio.Semaphore) -> float:
        async with limit:
            started = time.perf_counter()
            reply = await start_mpesa_stk_push.asyncio_detailed(client=generated, body=body)
            _expect(isinstance(reply.parsed, StkPushResponse), "generated_async", reply)
            return time.perf_counter() - started

    async def many(calls: int) -> list[float]:
        limit = asyncio.Semaphore(in_flight)
        return list(await asyncio.gather(*(one(limit) for _ in range(calls))))

    def sdk_call() -> None:
        reply = sdk.collect.mpesa_stk_push(phone_number=PHONE, amount=AMOUNT)
        _expect(isinstance(reply, dict) and "invoice" in reply, "official_sdk", reply)

    def raw_call() -> None:
        reply = raw.post(spec.stk_push_path(), json=PAYLOAD)
        _expect(reply.status_code == 200 and "invoice" in json.loads(reply.content), "raw_httpx", reply)

    calls = {"generated": generated_call, "official_sdk": sdk_call, "raw_httpx": raw_call}
    batches = {name: _sequential(call) for name, call in calls.items()}
    return calls, batches | {"generated_async": lambda n: runner.run(many(n))}


def _p99(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.99 * len(values)) - 1)]


def run(plan: Namespace, work: Path, *, tls: bool, profiles: Path | None) -> dict[str, Any]:
    protocol = "https" if tls else "http"
    with servers.emulator(work, quiet=True, tls=tls) as server, ExitStack() as stack:
        verify: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=str(server.ca_file)) if tls else True
        )
        if server.ca_file:  # the SDK has no `verify`: requests reads this instead
            os.environ["REQUESTS_CA_BUNDLE"] = str(server.ca_file)
            stack.callback(os.environ.pop, "REQUESTS_CA_BUNDLE", None)
        calls, batches = _clients(server.api_root, verify, plan.async_in_flight, stack)
        wall = dict.fromkeys(batches, 0.0)
        cpu = dict.fromkeys(batches, 0.0)  # this process only: the server's CPU is its own
        latencies: dict[str, list[float]] = {name: [] for name in batches}
        for batch in batches.values():
            batch(WARMUP_CALLS)
        names = list(batches)
        for index in range(plan.rounds):
            size = plan.calls // plan.rounds + (index < plan.calls % plan.rounds)
            for name in names[index % len(names) :] + names[: index % len(names)]:
                started, used = time.perf_counter(), time.process_time()
                latencies[name] += batches[name](size)
                wall[name] += time.perf_counter() - started
                cpu[name] += time.process_time() - used
        for name, call in calls.items() if profiles else ():
            profiler = cProfile.Profile()
            profiler.runcall(_sequential(call), plan.calls)
            profiler.dump_stats(f"{profiles}/client-{protocol}-{name}.prof")
    result: dict[str, Any] = {
        "calls_per_client": plan.calls,
        "rounds": plan.rounds,
        "async_in_flight": plan.async_in_flight,
    }
    for name in CLIENTS:
        result[f"{name}_calls_per_s"] = round(len(latencies[name]) / wall[name], 1)
        result[f"{name}_median_ms"] = round(statistics.median(latencies[name]) * 1000, 3)
        result[f"{name}_p99_ms"] = round(_p99(latencies[name]) * 1000, 3)
        result[f"{name}_client_cpu_us_per_call"] = round(cpu[name] / len(latencies[name]) * 1e6, 1)
    rate = {name: result[f"{name}_calls_per_s"] for name in CLIENTS}
    result["ratios"] = {
        f"{mine}_vs_{other}": round(rate[mine] / rate[other], 3)
        for mine in ("generated", "generated_async")
        for other in ("official_sdk", "raw_httpx")
    }
    return result
