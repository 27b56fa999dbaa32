"""`conformance/event_sink.py`: the run's own webhook receiver, called as uvicorn calls it. It
acknowledges every event (an empty 200) and keeps each body in arrival order: one that is not
JSON, or too large, as None (a finding for the webhook checks, not a crash), and no more than its
bound."""

from __future__ import annotations

import asyncio
import json

import pytest
from starlette.types import Message

from kulmipay_toolkit.conformance import event_sink
from kulmipay_toolkit.conformance.event_sink import EventSink


def _deliver(sink: EventSink, *chunks: bytes) -> list[Message]:
    """One POST whose body arrives in `chunks`; what the sink sent back."""
    incoming: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(sink({"type": "http", "method": "POST", "path": "/events"}, receive, send))
    return sent


def test_every_event_is_acknowledged_and_kept_in_order() -> None:
    """An event lost, reordered or kept in pieces, or an answer the emulator counts as a failed delivery."""
    sink = EventSink()
    first = {"invoice_id": "A", "state": "PENDING"}
    second = json.dumps({"invoice_id": "A", "state": "COMPLETE"}).encode()
    replies = [_deliver(sink, json.dumps(first).encode()), _deliver(sink, second[:10], second[10:])]
    assert sink.events() == [first, {"invoice_id": "A", "state": "COMPLETE"}]
    for sent in replies:
        assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
        assert (sent[0]["status"], sent[1]["body"]) == (200, b"")


def test_a_body_that_is_not_json_or_too_large_is_kept_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """A malformed event crashing the sink (retried for ever) or dropped (the webhook checks never see it)."""
    monkeypatch.setattr(event_sink, "MAX_EVENT_BYTES", 8)
    sink = EventSink()
    _deliver(sink, b"not json")
    _deliver(sink, b'{"state":', b' "PENDING"}')  # over 8 bytes once the second chunk is in
    assert sink.events() == [None, None]


def test_the_sink_keeps_no_more_than_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sink whose memory grows with whatever a faulty emulator sends, or that stops answering when full."""
    monkeypatch.setattr(event_sink, "MAX_EVENTS", 2)
    sink = EventSink()
    replies = [_deliver(sink, json.dumps({"n": n}).encode()) for n in range(3)]
    assert sink.events() == [{"n": 0}, {"n": 1}]
    assert [sent[0]["status"] for sent in replies] == [200, 200, 200]


def test_what_it_returns_is_a_copy() -> None:
    """A caller's list that changes under it while deliveries arrive."""
    sink = EventSink()
    seen = sink.events()
    _deliver(sink, b"{}")
    assert (seen, sink.events()) == ([], [{}])
