"""The egress gate: off the trusted emulator, every request of a conformance run (schemathesis's
cases, the extra requests its checks send, the generated-client probe) leaves through this local
forwarding server, which enforces the remote terms (written once, in `guard.py`'s docstring) on
the wire, whatever sent the request. Past the push budget it answers locally (429); a body still
hiding a dialable number after decoding (percent-encoding, UTF-16) is refused, not forwarded.

Answers the gate makes itself carry `X-KulmiPay-Toolkit-Gate`, so the runner can leave them
out of the verdict: they say nothing about the server."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

import httpx
from starlette.types import Receive, Scope, Send

from . import guard, spec
from .errors import GuardRefusal
from .loopback import read_body

HEADER: Final = "X-KulmiPay-Toolkit-Gate"
REFUSED: Final = "refused"
UPSTREAM_ERROR: Final = "upstream-error"
MAX_BODY: Final = 1024 * 1024
# Hop-by-hop headers (RFC 9110 7.6.1) and what httpx recomputes or has already decoded.
_NOT_FORWARDED: Final = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
     "transfer-encoding", "upgrade", "host", "content-length", "content-encoding"}
)  # fmt: skip


@dataclass(frozen=True)
class Admission:
    forward: bool
    body: bytes
    query: str
    reason: str = ""


class EgressPolicy:
    """What may leave, request by request. Thread-safe: the push count is the run's budget."""

    def __init__(self, test_phone: str | None, max_pushes: int | None) -> None:
        if not test_phone or max_pushes is None or max_pushes < 0:
            # Fail closed: a gate without its limits would be a gate in name only.
            raise GuardRefusal("the egress gate needs a test phone and a push budget; nothing was sent")
        self.test_phone = test_phone
        self.max_pushes = max_pushes
        self.pushes = 0
        self._lock = threading.Lock()

    def admit(self, query: str, body: bytes) -> Admission:
        query = _scrub_query(query)
        if not body:
            return Admission(True, body, query)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None:
            # Not UTF-8: scrub ASCII digits; anything still dialable once NULs are dropped (UTF-16
            # or UTF-32 text) is refused rather than guessed at.
            scrubbed = guard.scrub_text(body.decode("latin-1")).encode("latin-1")
            if guard.could_dial(scrubbed.replace(b"\x00", b"").decode("latin-1")):
                return Admission(False, b"", query, "a dialable number in a body that is not UTF-8")
            return Admission(True, scrubbed, query)
        try:
            data = json.loads(text)
        except ValueError:
            scrubbed_text = guard.scrub_text(text)
            if guard.could_dial(unquote_plus(scrubbed_text)):
                return Admission(False, b"", query, "a dialable number hidden in an encoded body")
            return Admission(True, scrubbed_text.encode(), query)
        if isinstance(data, dict) and spec.request_body_validator().is_valid(data):
            return self._push(data, query)
        if guard.could_dial(text) or "\\u" in text:
            # Re-serialised, so what leaves is exactly what was scrubbed (no duplicate keys, no
            # escaped digits); otherwise the bytes go as they came, negative quirks and all.
            return Admission(True, _dumps(guard.scrub_value(data)), query)
        return Admission(True, body, query)

    def _push(self, data: dict[str, Any], query: str) -> Admission:
        with self._lock:
            if self.pushes >= self.max_pushes:
                return Admission(False, b"", query, f"push budget of {self.max_pushes} spent")
            self.pushes += 1
        return Admission(True, _dumps(guard.confine_positive(data, self.test_phone)), query)


def _dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def _scrub_query(query: str) -> str:
    if not guard.could_dial(unquote_plus(query)):
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(guard.scrub_text(name), guard.scrub_text(value)) for name, value in pairs])


class Pace:
    """At most `rate` requests leave, e.g. `2/s`, `30/m`: the next waits its turn."""

    UNITS: Final = {"s": 1.0, "m": 60.0, "h": 3600.0}

    def __init__(self, rate: str | None) -> None:
        self.interval = parse_rate(rate) if rate else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = time.monotonic()
            if now < self._next:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self.interval


def parse_rate(rate: str) -> float:
    """Seconds between requests for `N/unit`; ValueError for anything else."""
    count, _, unit = rate.partition("/")
    if not count.isdigit() or int(count) < 1 or unit not in Pace.UNITS:
        raise ValueError(f"rate limit {rate!r} is not N/s, N/m or N/h with N >= 1")
    return Pace.UNITS[unit] / int(count)


@dataclass
class GateLog:
    """What the gate did, for the run's report and diagnosis."""

    forwarded: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    upstream_errors: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)


class Gate:
    """The ASGI app: everything it receives goes to `upstream` (an origin), on the policy's terms."""

    def __init__(
        self,
        upstream: str,
        policy: EgressPolicy,
        *,
        rate_limit: str | None,
        verify: str | bool = True,
        timeout: float = 10.0,
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream = f"{parts.scheme}://{parts.netloc}"
        self.policy = policy
        self.pace = Pace(rate_limit)
        self.log = GateLog()
        self._verify = verify
        self._timeout = timeout
        self._client: httpx.AsyncClient | None = None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive, MAX_BODY)
        if body is None:
            await _answer(send, 413, "request body over 1 MiB", REFUSED)
            return
        admission = self.policy.admit(scope.get("query_string", b"").decode("latin-1"), body)
        if not admission.forward:
            self.log.refused[admission.reason] += 1
            await _answer(send, 429, f"not sent: {admission.reason}", REFUSED)
            return
        await self.pace.wait()
        try:
            reply = await self._send(scope, admission)
        except httpx.HTTPError as problem:
            reason = describe_failure(problem)
            self.log.upstream_errors[reason] += 1
            await _answer(send, 502, reason, UPSTREAM_ERROR)
            return
        self.log.forwarded += 1
        self.log.statuses[reply.status_code] += 1
        headers = [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in reply.headers.multi_items()
            if name.lower() not in _NOT_FORWARDED
        ]
        headers.append((b"content-length", str(len(reply.content)).encode()))
        await send({"type": "http.response.start", "status": reply.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": reply.content})

    async def _send(self, scope: Scope, admission: Admission) -> httpx.Response:
        if self._client is None:  # made in the server's own event loop
            self._client = httpx.AsyncClient(
                verify=self._verify, timeout=self._timeout, follow_redirects=False
            )
        path = scope.get("raw_path") or scope["path"].encode()
        url = self.upstream + path.decode("latin-1") + (f"?{admission.query}" if admission.query else "")
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in scope["headers"]
            if name.decode("latin-1").lower() not in _NOT_FORWARDED
        ]
        return await self._client.request(scope["method"], url, headers=headers, content=admission.body)


def describe_failure(problem: httpx.HTTPError) -> str:
    """One line naming what went wrong on the way to the server."""
    text = str(problem) or type(problem).__name__
    if isinstance(problem, httpx.TimeoutException):
        return f"no answer in time ({type(problem).__name__})"
    if isinstance(problem, httpx.ConnectError):
        if "SSL" in text or "certificate" in text.lower():
            return f"TLS failed: {text[:160]}"
        return f"cannot connect: {text[:160]}"
    if isinstance(problem, httpx.RemoteProtocolError):
        return f"the server broke the HTTP exchange (HTTP spoken to a TLS port?): {text[:120]}"
    return f"{type(problem).__name__}: {text[:160]}"


async def _answer(send: Send, status: int, detail: str, kind: str) -> None:
    body = json.dumps({"detail": f"kulmipay-toolkit egress gate: {detail}"}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (HEADER.lower().encode(), kind.encode()),
    ]
    if status == 429:
        headers.append((b"retry-after", b"0"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
