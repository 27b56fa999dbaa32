"""Webhook delivery: one `collection_event` per invoice creation and per state change, in order
per invoice, to the configured URL, on the spec's terms (`x-delivery`: acknowledged by 200 or
201, retried with backoff up to the attempts, the webhook disabled after that many failures in a
row). Retries and state changes follow the emulator's clock, so a manual clock drives them too.

The API never waits for it: handlers only wake the delivery task, which runs in the server's own
event loop. A slow, down or hostile receiver costs at most `MAX_IN_FLIGHT` connections, one
timeout per attempt, and a bounded log and queue; nothing it answers is read past a few bytes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..spec import JSON
from ..webhooks import events
from .clock import Clock
from .lifecycle import Moment, Record, history, invoice_at, is_final
from .store import BoundedStore

MAX_IN_FLIGHT = 8
MAX_QUEUED = 10_000
TICK = 0.1  # seconds of real time between looks at the clock while there is work


@dataclass
class Event:
    """One event and its delivery, as the event log shows it."""

    id: str
    invoice_id: str
    body: JSON
    status: str = "PENDING"  # PENDING, PROCESSING, DELIVERED, FAILED (the spec's WebhookEvent)
    failure_reason: str | None = None
    attempts: int = 0
    due: float = 0.0  # clock time of the next attempt

    def logged(self, url: str) -> JSON:
        return {
            "id": self.id,
            "webhook": url,
            "topic": events.TOPIC,
            "payload": json.dumps(self.body),
            "status": self.status,
            "failure_reason": self.failure_reason,
        }


@dataclass
class Deliveries:
    url: str
    challenge: str
    clock: Clock
    timeout: float = field(default_factory=lambda: events.terms().receiver_timeout)
    log: BoundedStore[Event] = field(default_factory=lambda: BoundedStore(MAX_QUEUED))
    consecutive_failures: int = 0
    _emitted: OrderedDict[str, int] = field(default_factory=OrderedDict)  # invoice -> states sent
    _queues: dict[str, deque[Event]] = field(default_factory=dict)  # per invoice, in order
    _wake: asyncio.Event | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        return self.consecutive_failures < events.terms().disable_after

    def watch(self, record: Record) -> None:
        """A new invoice: its creation event now, its state changes as the clock reaches them."""
        self._emitted[record.invoice_id] = 0
        self.notice(record)

    def notice(self, record: Record) -> None:
        """Queues an event for every state the invoice reached since the last one sent."""
        sent = self._emitted.get(record.invoice_id)
        if sent is None:
            return
        visited = history(record, self.clock.now())
        final = is_final(record, visited[-1].state)
        new = visited[sent:]
        if not self.ready(new, final):
            return
        for moment in self.in_order(new):
            self._queue(record, self.event_body(invoice_at(record, moment)))
        self._emitted[record.invoice_id] = len(visited)
        if final:
            del self._emitted[record.invoice_id]  # nothing more will happen to it

    # The steps a delivery fault profile overrides: what an event says, when states go out, in
    # which order.

    def event_body(self, invoice: JSON) -> JSON:
        return events.event_for(invoice, self.challenge)

    def ready(self, new: list[Moment], final: bool) -> bool:
        return True

    def in_order(self, new: list[Moment]) -> list[Moment]:
        return new

    def _queue(self, record: Record, body: JSON) -> None:
        event = Event(str(uuid.uuid4()), record.invoice_id, body, due=self.clock.now())
        self.log.put(event.id, event)
        if sum(len(queue) for queue in self._queues.values()) >= MAX_QUEUED:
            event.status, event.failure_reason = "FAILED", "delivery queue full"
            return
        self._queues.setdefault(record.invoice_id, deque()).append(event)

    def replay(self, event_id: str) -> Event:
        """A FAILED event, queued again. KeyError: unknown; ValueError: not FAILED."""
        event = self.log.get(event_id)
        if event is None:
            raise KeyError(event_id)
        if event.status != "FAILED":
            raise ValueError(f"event {event_id} is {event.status}: only a FAILED event is replayed")
        event.status, event.failure_reason, event.attempts, event.due = "PENDING", None, 0, self.clock.now()
        self._queues.setdefault(event.invoice_id, deque()).append(event)
        return event

    def pending(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    def idle(self, book: Any) -> bool:
        """Nothing left to send: every state the clock has reached is queued, and the queue is
        empty (read from another thread; a false "busy" only makes the caller wait a tick)."""
        now = self.clock.now()
        for invoice_id, sent in list(self._emitted.items()):
            record = book.invoices.get(invoice_id)
            if record is not None and len(history(record, now)) > sent:
                return False
        return self.pending() == 0

    def wake(self, books: Any) -> None:
        """Called from the API's handlers (in the server's loop): start or nudge the task."""
        if self._wake is None:
            self._wake = asyncio.Event()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(books))
        self._wake.set()

    async def _run(self, book: Any) -> None:
        assert self._wake is not None
        limits = httpx.Limits(max_connections=MAX_IN_FLIGHT)
        async with httpx.AsyncClient(timeout=self.timeout, limits=limits, trust_env=False) as client:
            while True:
                for invoice_id in list(self._emitted):
                    record = book.invoices.get(invoice_id)
                    if record is None:
                        del self._emitted[invoice_id]  # evicted: no more events for it
                    else:
                        self.notice(record)
                due = [
                    queue[0] for queue in self._queues.values() if queue and queue[0].due <= self.clock.now()
                ]
                if due:
                    await asyncio.gather(*(self._attempt(client, event) for event in due[:MAX_IN_FLIGHT]))
                    continue
                if not self._emitted and not self.pending():
                    self._wake.clear()
                    await self._wake.wait()
                else:
                    with contextlib.suppress(TimeoutError):  # a tick: the clock may have moved
                        await asyncio.wait_for(self._wake.wait(), TICK)
                    self._wake.clear()

    async def _attempt(self, client: httpx.AsyncClient, event: Event) -> None:
        terms = events.terms()
        if not self.active:
            self._finish(event, "FAILED", "the webhook is disabled after repeated failures")
            return
        event.status, event.attempts = "PROCESSING", event.attempts + 1
        try:
            async with client.stream("POST", self.url, json=event.body) as reply:
                status = reply.status_code  # the body is never read: a receiver cannot make us wait on it
        except httpx.HTTPError as problem:
            reason = f"{type(problem).__name__}: {str(problem)[:160] or 'no answer'}"
        else:
            if status in terms.acknowledged_by:
                self.consecutive_failures = 0
                self._finish(event, "DELIVERED", None)
                return
            reason = f"answered {status}"
        self.consecutive_failures += 1
        if event.attempts >= terms.attempts:
            self._finish(event, "FAILED", f"{reason} (attempt {event.attempts} of {terms.attempts})")
            return
        event.status, event.failure_reason = "PENDING", reason
        event.due = self.clock.now() + terms.retry_after[min(event.attempts, len(terms.retry_after)) - 1]

    def _finish(self, event: Event, status: str, reason: str | None) -> None:
        event.status, event.failure_reason = status, reason
        queue = self._queues.get(event.invoice_id)
        if queue and queue[0] is event:
            queue.popleft()
            if not queue:
                del self._queues[event.invoice_id]
