"""The run's own webhook receiver: the run points its emulator's `collection_event`s here, on
loopback, and judges what arrives. It acknowledges everything (200) and keeps every body in
arrival order."""

from __future__ import annotations

import json
import threading
from typing import Any

from starlette.types import Receive, Scope, Send

from ..loopback import read_body

MAX_EVENTS = 10_000
MAX_EVENT_BYTES = 1024 * 1024  # an event over this is kept as None: a finding, not a crash


class EventSink:
    def __init__(self) -> None:
        self.received: list[Any] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive, MAX_EVENT_BYTES)
        try:
            event = json.loads(body) if body is not None else None
        except ValueError:
            event = None  # kept: an event that is not JSON is a finding too
        with self._lock:
            if len(self.received) < MAX_EVENTS:
                self.received.append(event)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    def events(self) -> list[Any]:
        with self._lock:
            return list(self.received)
