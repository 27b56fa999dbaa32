"""The run's own webhook receiver: the run points its emulator's `collection_event`s here, on
loopback, and judges what arrives. It acknowledges everything (200) and keeps every body in
arrival order."""

from __future__ import annotations

import json
import threading
from typing import Any

from starlette.types import Message, Receive, Scope, Send

MAX_EVENTS = 10_000


class EventSink:
    def __init__(self) -> None:
        self.received: list[Any] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = bytearray()
        while True:
            message: Message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        try:
            event = json.loads(body)
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
