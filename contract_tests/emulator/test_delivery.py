"""The emulator's `collection_event` delivery over real sockets, on the spec's terms (`x-delivery`):
one event per state of each outcome's timeline (rules), in order, each a valid CollectionEvent with
the challenge and the invoice's fields; retries after the backoff on the emulator's manual clock;
FAILED after the attempts, replayed through the control plane; 200 and 201 acknowledge, 202 does
not; a hanging receiver never slows the API (which webhook URLs the emulator takes is
test_pipeline.py's). No sleeps: the clock is manual, each delivery is waited for as it reaches the
receiver, and its outcome in the event log is polled for (bounded)."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from contract_tests.support import AUTH, VALID_PUSH
from contract_tests.support.driving import ORDINARY, PUSH, STATUS, advance, api, push, read_status
from contract_tests.support.webhooks import (
    ACKNOWLEDGED_BY,
    ATTEMPTS,
    BACKOFF,
    CHALLENGE,
    EVENTS,
    POLL_SECONDS,
    TOPIC,
    Arrivals,
    ScriptedReceiver,
    answers,
    asgi_receiver,
    event_log,
    hanging_server,
    logged_event,
    manual_settings,
    replay,
    serving,
    wait_for,
)
from kulmipay_toolkit import rules, spec
from kulmipay_toolkit.conformance.event_sink import EventSink
from kulmipay_toolkit.emulator import RunningEmulator
from kulmipay_toolkit.spec import JSON
from kulmipay_toolkit.webhooks import events

EVENT_FIELDS = tuple(spec.component_schema("CollectionEvent")["properties"])
# An outcome whose first state change comes after every retry: its PENDING event is the only one
# in play while a test walks the backoff.
QUIET = next(phone for phone, outcome in rules.OUTCOMES.items() if outcome.steps[0][0] > sum(BACKOFF))
LATENCY_LIMIT = 0.5  # seconds: "well under a second" for one push or status read on loopback


def _received(sink: EventSink, count: int) -> list[Any] | None:
    got = sink.events()
    return got if len(got) >= count else None


def _seen(receiver: ScriptedReceiver, count: int) -> list[Any] | None:
    got = receiver.bodies()
    return got if len(got) >= count else None


def _all_delivered(client: httpx.Client, count: int) -> list[JSON] | None:
    logged = event_log(client)
    done = len(logged) == count and all(event["status"] == "DELIVERED" for event in logged)
    return logged if done else None


def _settled(client: httpx.Client, event_id: str, *wanted: str) -> JSON | None:
    """The logged event once its status is one of `wanted` (an attempt finished), else None."""
    logged = logged_event(client, event_id)
    return logged if logged["status"] in wanted else None


def _only_event(client: httpx.Client) -> JSON | None:
    logged = event_log(client)
    assert len(logged) <= 1, logged
    return logged[0] if logged else None


@pytest.mark.parametrize("phone", [ORDINARY, *rules.OUTCOMES])
def test_each_outcome_is_delivered_as_its_documented_sequence(phone: str) -> None:
    """Per outcome (rules), the receiver gets exactly PENDING then each state of the timeline, in
    order: each a CollectionEvent the spec allows, carrying the challenge and the invoice's fields
    as the status endpoint shows them at that moment; the event log (a conforming 200) lists the
    same payloads, oldest last, every one DELIVERED to the configured URL."""
    outcome = rules.outcome_for(phone)
    expected = [rules.INITIAL_STATE, *(state for _, state in outcome.steps)]
    sink = EventSink()
    arrivals = Arrivals(sink)
    with (
        asgi_receiver(arrivals) as url,
        RunningEmulator(manual_settings(url, seed=31)) as running,
        api(running) as client,
    ):
        invoices = [push(client, phone)]  # the invoice as each state began
        invoice_id = invoices[0]["invoice_id"]
        arrivals.wait_until(lambda: _received(sink, 1), "the creation event")
        elapsed = 0.0
        for count, (after, state) in enumerate(outcome.steps, start=2):
            advance(client, after - elapsed)
            elapsed = after
            arrivals.wait_until(functools.partial(_received, sink, count), f"the {state} event of {phone}")
            invoices.append(read_status(client, invoice_id))
        logged = wait_for(lambda: _all_delivered(client, len(expected)), "every event DELIVERED")
        received = sink.events()

    assert [invoice["state"] for invoice in invoices] == expected, "the status reads disagree with rules"
    assert [event["state"] for event in received] == expected, received
    for event, invoice in zip(received, invoices, strict=True):
        assert spec.body_errors(events.validator(), event) == [], event
        assert event["challenge"] == CHALLENGE
        assert event["provider"] == "M-PESA"
        carried = {name: event[name] for name in event if name not in {"challenge", "provider"}}
        assert carried == {name: invoice[name] for name in EVENT_FIELDS if name in invoice}, event
    assert [json.loads(entry["payload"]) for entry in logged[::-1]] == received
    for entry in logged:
        assert (entry["topic"], entry["webhook"], entry["failure_reason"]) == (TOPIC, url, None), entry


def test_a_refused_event_is_retried_after_the_backoff_on_the_clock() -> None:
    """A receiver answering 500 twice, then 200: after the first attempt the log shows the event
    PENDING with a failure reason; each advance of the clock by the spec's next backoff brings
    the next attempt (counted at the receiver), the same body each time; the third is DELIVERED."""
    receiver = ScriptedReceiver(answers(500, 500))
    arrivals = Arrivals(receiver)
    with (
        asgi_receiver(arrivals) as url,
        RunningEmulator(manual_settings(url, seed=41)) as running,
        api(running) as client,
    ):
        invoice = push(client, QUIET)
        arrivals.wait_until(lambda: _seen(receiver, 1), "the first attempt")
        first = wait_for(lambda: _only_event(client), "the event in the log")
        first = wait_for(lambda: _settled(client, first["id"], "PENDING"), "the first attempt's outcome")
        assert first["failure_reason"] and "500" in first["failure_reason"], first
        for attempt, delay in enumerate(BACKOFF[:2], start=2):
            advance(client, delay)
            arrivals.wait_until(functools.partial(_seen, receiver, attempt), f"attempt {attempt}")
            after = wait_for(
                lambda: _settled(client, first["id"], "PENDING", "DELIVERED", "FAILED"),
                f"attempt {attempt}'s outcome",
            )
        assert after["status"] == "DELIVERED", after
        assert after["failure_reason"] is None, after
        bodies = receiver.bodies()
    assert len(bodies) == 3, bodies
    assert all(body == bodies[0] for body in bodies), "a retry must send the same event"
    assert (bodies[0]["invoice_id"], bodies[0]["state"]) == (invoice["invoice_id"], rules.INITIAL_STATE)


def test_an_event_never_acknowledged_fails_after_the_attempts_and_can_be_replayed() -> None:
    """A receiver that always answers 503 gets the spec's number of attempts, one per backoff step
    of the clock, and the event is then FAILED with a reason; replayed through the control plane
    once the receiver is fixed, it is delivered (one more attempt). Replaying a DELIVERED event is
    a 409, an unknown one a 404, both with a `detail`."""
    assert len(BACKOFF) >= ATTEMPTS - 1
    receiver = ScriptedReceiver(answers(then=503))
    arrivals = Arrivals(receiver)
    with (
        asgi_receiver(arrivals) as url,
        RunningEmulator(manual_settings(url, seed=43)) as running,
        api(running) as client,
    ):
        push(client, QUIET)
        arrivals.wait_until(lambda: _seen(receiver, 1), "the first attempt")
        event = wait_for(lambda: _only_event(client), "the event in the log")
        event_id = event["id"]
        wait_for(lambda: _settled(client, event_id, "PENDING", "FAILED"), "the first attempt's outcome")
        for attempt, delay in enumerate(BACKOFF[: ATTEMPTS - 1], start=2):
            advance(client, delay)
            arrivals.wait_until(functools.partial(_seen, receiver, attempt), f"attempt {attempt}")
            wait_for(lambda: _settled(client, event_id, "PENDING", "FAILED"), f"attempt {attempt}'s outcome")
        failed = logged_event(client, event_id)
        assert failed["status"] == "FAILED", failed
        assert failed["failure_reason"] and "503" in failed["failure_reason"], failed
        assert len(receiver.bodies()) == ATTEMPTS

        receiver.answer = answers()  # fixed: 200 from now on
        replayed = replay(client, event_id)
        assert replayed.status_code == 200, replayed.text
        assert spec.body_errors(spec.component_validator("WebhookEvent"), replayed.json()) == []
        assert replayed.json()["id"] == event_id
        delivered = wait_for(lambda: _settled(client, event_id, "DELIVERED"), "the replayed event DELIVERED")
        assert delivered["failure_reason"] is None, delivered
        bodies = receiver.bodies()
        assert len(bodies) == ATTEMPTS + 1, bodies
        assert bodies[-1] == bodies[0], "a replay sends the same event"

        again = replay(client, event_id)
        unknown = replay(client, "00000000-0000-4000-8000-000000000000")
    assert again.status_code == 409, again.text
    assert unknown.status_code == 404, unknown.text
    for refusal in (again, unknown):
        assert spec.body_errors(spec.control_body_validator("ControlError"), refusal.json()) == []


@pytest.mark.parametrize("answer", [201, 202])
def test_only_the_documented_statuses_acknowledge(answer: int) -> None:
    """201 acknowledges an event as 200 does (DELIVERED after one attempt); 202 does not (the
    event stays PENDING, with the answer as its failure reason, awaiting a retry)."""
    receiver = ScriptedReceiver(answers(then=answer))
    arrivals = Arrivals(receiver)
    with (
        asgi_receiver(arrivals) as url,
        RunningEmulator(manual_settings(url, seed=47)) as running,
        api(running) as client,
    ):
        push(client, QUIET)
        arrivals.wait_until(lambda: _seen(receiver, 1), "the first attempt")
        event = wait_for(lambda: _only_event(client), "the event in the log")
        logged = wait_for(lambda: _settled(client, event["id"], "PENDING", "DELIVERED"), "its outcome")
        seen = len(receiver.bodies())
    assert seen == 1
    if answer in ACKNOWLEDGED_BY:
        assert (logged["status"], logged["failure_reason"]) == ("DELIVERED", None), logged
    else:
        assert logged["status"] == "PENDING", logged
        assert logged["failure_reason"] and str(answer) in logged["failure_reason"], logged
    assert (201 in ACKNOWLEDGED_BY, 202 in ACKNOWLEDGED_BY) == (True, False)


def _timed(send: Callable[[], httpx.Response]) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = send()
    return time.perf_counter() - started, response


def test_a_hanging_receiver_does_not_slow_the_api() -> None:
    """While the receiver holds the deliveries open without answering (far beyond the API's
    latency), 20 pushes and 20 status reads each answer 200 well under a second, as does the
    event log, which shows the first event still in flight."""
    server, handler = hanging_server()
    with (
        serving(server, handler.release) as url,
        RunningEmulator(manual_settings(url, seed=53)) as running,
    ):
        try:
            with api(running) as client:
                first = push(client)
                assert handler.arrived.wait(POLL_SECONDS), "the receiver got no delivery to hold"
                latencies: list[float] = []
                for _ in range(20):
                    took, pushed = _timed(lambda: client.post(PUSH, json=VALID_PUSH, headers=AUTH))
                    assert pushed.status_code == 200, pushed.text
                    latencies.append(took)
                    body = {"invoice_id": pushed.json()["invoice"]["invoice_id"]}
                    took, read = _timed(lambda: client.post(STATUS, json=body, headers=AUTH))  # noqa: B023
                    assert read.status_code == 200, read.text
                    latencies.append(took)
                took, log = _timed(lambda: client.get(EVENTS, headers=AUTH))
                latencies.append(took)
        finally:
            handler.release.set()
    assert max(latencies) < LATENCY_LIMIT, f"slowest {max(latencies):.3f} s: {sorted(latencies)[-5:]}"
    assert log.status_code == 200, log.text
    oldest = log.json()[-1]
    assert json.loads(oldest["payload"])["invoice_id"] == first["invoice_id"]
    assert oldest["status"] == "PROCESSING", f"the receiver did not hold the delivery: {oldest}"
