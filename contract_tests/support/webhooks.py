"""Shared by the webhook tests (emulator/test_delivery.py, webhooks/): the spec's delivery terms
read from the spec itself, receivers that answer as a test scripts them (ASGI on `LoopbackServer`,
or stdlib `http.server`), a manual-clock emulator pointed at one (driven with `driving`), and
waiting for what delivery does in the background: on the receiver's side for each request as it
arrives (`Arrivals`, a hanging receiver's `arrived`), on the emulator's side by bounded polling of
its event log (the only view of an attempt's outcome from outside)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from contract_tests.support import AUTH
from kulmipay_toolkit import spec
from kulmipay_toolkit.emulator import Settings
from kulmipay_toolkit.loopback import LoopbackServer, read_body
from kulmipay_toolkit.spec import JSON

T = TypeVar("T")

# Made up for the tests; every leak test looks for it.
CHALLENGE = "whsec-contracttests-7b41e9d2"
TOPIC = "collection_event"
DELIVERY: JSON = spec.document()["webhooks"][TOPIC]["post"]["x-delivery"]
ACKNOWLEDGED_BY = frozenset(int(code) for code in DELIVERY["acknowledged-by"])
ATTEMPTS = int(DELIVERY["attempts"])
BACKOFF = tuple(float(seconds) for seconds in DELIVERY["retry-after-seconds"])
RECEIVER_TIMEOUT = float(DELIVERY["receiver-timeout-seconds"])

EVENTS_PATH = spec.operation("list_webhook_events")[0]  # below the base path
EVENTS = spec.base_path() + EVENTS_PATH
POLL_SECONDS = 3.0
POLL_STEP = 0.02


def wait_for(condition: Callable[[], T | None], what: str, timeout: float = POLL_SECONDS) -> T:
    """`condition()` once it is truthy, polled every POLL_STEP; fails the test after `timeout`.

    For the emulator's own state (its event log), which nothing outside it can wait on; what a
    receiver got is waited for with `Arrivals.wait_until` instead."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout:g} s: {what} (last seen: {value!r})")
        time.sleep(POLL_STEP)


class Arrivals:
    """An ASGI receiver (`app`) that tells whoever waits each time it has handled a request."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._handled = threading.Condition()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
        with self._handled:
            self._handled.notify_all()

    def wait_until(self, condition: Callable[[], T | None], what: str, timeout: float = POLL_SECONDS) -> T:
        """`condition()` once it is truthy, checked now and after each request the receiver
        handles; fails the test after `timeout`."""
        with self._handled:
            value = self._handled.wait_for(condition, timeout)
        if not value:
            pytest.fail(f"not within {timeout:g} s: {what} (last seen: {value!r})")
        return value


class ScriptedReceiver:
    """An ASGI receiver: the n-th POST (1-based) is answered `answer(n)`; every body is kept, in
    arrival order. `answer` may be replaced while it serves (a receiver that gets fixed)."""

    def __init__(self, answer: Callable[[int], int]) -> None:
        self.answer = answer
        self._bodies: list[Any] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive, 1024 * 1024)
        try:
            parsed: Any = json.loads(body) if body is not None else None
        except ValueError:
            parsed = None
        with self._lock:
            self._bodies.append(parsed)
            status = self.answer(len(self._bodies))
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    def bodies(self) -> list[Any]:
        with self._lock:
            return list(self._bodies)


def answers(*first: int, then: int = 200) -> Callable[[int], int]:
    """Answers `first` in turn, then `then` for ever."""
    return lambda n: first[n - 1] if n <= len(first) else then


@contextlib.contextmanager
def asgi_receiver(app: Any) -> Iterator[str]:
    """`app` on 127.0.0.1 (a free port); its URL while the block runs."""
    with LoopbackServer(app) as server:
        yield f"{server.origin}/kulmipay/events"


@contextlib.contextmanager
def serving(server: ThreadingHTTPServer, release: threading.Event | None = None) -> Iterator[str]:
    """A stdlib receiver served in a thread; its URL. On the way out `release` is set (handlers
    blocked on it return), then the server is shut down and closed."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/kulmipay/events"
    finally:
        if release is not None:
            release.set()
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


class HangingHandler(BaseHTTPRequestHandler):
    """Accepts the connection, reads the event, sets `arrived`, and answers only once `release`
    is set."""

    release = threading.Event()
    arrived = threading.Event()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.arrived.set()
        self.release.wait(timeout=60)
        with contextlib.suppress(OSError):  # the client may have given up meanwhile
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def assert_no_challenge(directory: Path) -> None:
    """Reports were written in `directory`, and none carries the challenge."""
    files = [path for path in directory.rglob("*") if path.is_file()]
    assert files, f"no reports in {directory}"
    for path in files:
        assert CHALLENGE.encode() not in path.read_bytes(), f"{path} carries the challenge"


def hanging_server() -> tuple[ThreadingHTTPServer, type[HangingHandler]]:
    """A receiver that hangs, with its own `release` and `arrived` events."""
    handler = type("Hanging", (HangingHandler,), {"release": threading.Event(), "arrived": threading.Event()})
    return ThreadingHTTPServer(("127.0.0.1", 0), handler), handler


def manual_settings(url: str, seed: int) -> Settings:
    return Settings(seed=seed, clock="manual", webhook_url=url, webhook_challenge=CHALLENGE)


def event_log(client: httpx.Client) -> list[JSON]:
    """`GET /webhooks/events/`: a 200 the spec allows, body and all; the events, newest first."""
    response = client.get(EVENTS, headers=AUTH)
    assert response.status_code == 200, response.text
    errors = spec.response_errors(
        200,
        response.content,
        content_type=response.headers.get("content-type", ""),
        headers=dict(response.headers),
        method="get",
        path=EVENTS_PATH,
    )
    assert errors == [], f"{response.text[:300]}: {errors}"
    logged: list[JSON] = response.json()
    return logged


def logged_event(client: httpx.Client, event_id: str) -> JSON:
    found = [event for event in event_log(client) if event["id"] == event_id]
    assert len(found) == 1, f"event {event_id} is logged {len(found)} times"
    return found[0]


def replay(client: httpx.Client, event_id: str) -> httpx.Response:
    return client.post(f"/_emulator/webhooks/events/{event_id}/replay")
