"""A small load generator on asyncio streams, for when wrk is missing and for the memory run
(which needs a distinct body per request and a fixed count, neither of which wrk does).

It writes pre-encoded HTTP/1.1 requests on keep-alive connections and reads just enough of each
reply (status line, Content-Length, body): an HTTP client library would spend more CPU than the
server it measures on a 2-core machine. Bounded by a request count and a deadline, both."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .stats import LoadResult, milliseconds, percentile
from .workload import TOKEN, body_bytes

Bodies = Callable[[int], bytes]
SLACK_S = 30.0  # beyond the deadline, for requests still in flight, before giving up


class LoadError(RuntimeError):
    pass


@dataclass
class _Tally:
    limit: int
    deadline: float
    issued: int = 0
    non_2xx: int = 0
    latencies: list[float] = field(default_factory=list)

    def next_index(self) -> int | None:
        if self.issued >= self.limit or time.perf_counter() >= self.deadline:
            return None
        self.issued += 1
        return self.issued - 1


def _request(host: str, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


async def _read_reply(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, whether the server will close the connection); the body is read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if "content-length" not in headers:
        raise LoadError(f"a reply without Content-Length ({headers.get('transfer-encoding', 'no framing')})")
    await reader.readexactly(int(headers["content-length"]))
    return status, headers.get("connection") == "close"


async def _connection(host: str, port: int, path: str, bodies: Bodies, tally: _Tally) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (index := tally.next_index()) is not None:
            started = time.perf_counter()
            writer.write(_request(f"{host}:{port}", path, bodies(index)))
            status, closing = await _read_reply(reader)
            tally.latencies.append(time.perf_counter() - started)
            tally.non_2xx += not 200 <= status < 300
            if closing:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()
        with contextlib.suppress(OSError):  # the peer may have closed first
            await writer.wait_closed()


def run(
    url: str,
    *,
    connections: int,
    duration: float,
    max_requests: int,
    bodies: Bodies = lambda _: body_bytes(),
) -> LoadResult:
    """POST to `url` (http only) from `connections` connections until `max_requests` were sent or
    `duration` seconds passed, whichever comes first."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname is None or parts.port is None:
        raise ValueError(f"the load generator speaks plain http to host:port, not {url!r}")
    host, port = parts.hostname, parts.port

    async def drive() -> tuple[_Tally, float]:
        started = time.perf_counter()
        tally = _Tally(limit=max_requests, deadline=started + duration)
        workers = (_connection(host, port, parts.path, bodies, tally) for _ in range(connections))
        await asyncio.wait_for(asyncio.gather(*workers), timeout=duration + SLACK_S)
        return tally, time.perf_counter() - started

    tally, elapsed = asyncio.run(drive())
    if not tally.latencies:
        raise LoadError("no request completed")
    return LoadResult(
        requests=len(tally.latencies),
        seconds=elapsed,
        p50_ms=milliseconds(percentile(tally.latencies, 0.5)),
        p99_ms=milliseconds(percentile(tally.latencies, 0.99)),
        non_2xx=tally.non_2xx,
        errors=0,  # any connection error raises instead
        tool="python asyncio load generator",
    )
