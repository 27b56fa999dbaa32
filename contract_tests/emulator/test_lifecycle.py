"""`emulator/lifecycle.py`: an invoice's life after the push, over real sockets. The status
endpoint on a manual clock follows the rules table's timelines and the spec's state machine,
status errors are the spec's, the store is bounded, and the official SDK reads statuses unchanged.
No sleeps: time is the manual clock's (moved through the control plane, test_control.py's)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import httpx
import kulmipay
import pytest

from contract_tests.support import AUTH, TEST_KEY
from contract_tests.support.driving import (
    ORDINARY,
    STATUS,
    UNKNOWN_INVOICE,
    advance,
    api,
    control_error,
    outcome_url,
    push,
    read_status,
    status_conforms,
)
from kulmipay_toolkit import rules, spec
from kulmipay_toolkit.emulator import RunningEmulator, Settings
from kulmipay_toolkit.spec import JSON


@pytest.fixture()
def real(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    """The session's real-clock emulator, from its origin (control plane and API alike)."""
    with api(emulator) as client:
        yield client


def _expected_state(outcome: rules.Outcome, age: float) -> str:
    """The rules table's state `age` seconds after the push: its latest step by then."""
    state = spec.state_machine().initial
    for after, step_state in outcome.steps:
        if after <= age:
            state = step_state
    return state


def _checkpoints(outcome: rules.Outcome) -> list[float]:
    """Seconds after the push to read at: the push itself, just before and at each step, and past
    both the last step and the prompt expiry."""
    times = {0.0}
    for after, _ in outcome.steps:
        times |= {max(after - 0.5, 0.0), after}
    last = max([after for after, _ in outcome.steps] + [spec.state_machine().prompt_expires_after])
    times.add(last + 1.0)
    return sorted(times)


def _state_field_problems(invoice: JSON, outcome: rules.Outcome) -> list[str]:
    """`set-exactly-when`: each field non-null exactly in its states; failures say the outcome's."""
    machine = spec.state_machine()
    state = invoice["state"]
    problems = [
        f"{name}={invoice.get(name)!r} in {state}"
        for name, states in machine.set_exactly_when.items()
        if (invoice.get(name) is not None) != (state in states)
    ]
    if state in machine.set_exactly_when["failed_code"]:
        assert outcome.failed_code is not None
        if invoice["failed_code"] != outcome.failed_code:
            problems.append(
                f"failed_code {invoice['failed_code']!r}, the outcome's is {outcome.failed_code!r}"
            )
        if invoice["failed_reason"] != rules.FAILURE_REASONS[outcome.failed_code]:
            problems.append(f"failed_reason {invoice['failed_reason']!r} for {outcome.failed_code}")
    return problems


# 1. Every outcome's timeline, read through the status endpoint.

LIFECYCLE_PHONES = [*rules.OUTCOMES, ORDINARY]


@pytest.mark.parametrize("phone", LIFECYCLE_PHONES)
def test_status_follows_the_outcome_timeline(phone: str) -> None:
    """The states read over time are the rules table's timeline for the phone; every read
    conforms, state-bound fields are set exactly when the spec says, the push's fixed fields never
    change, and each state is reachable from the one before."""
    assert ORDINARY not in rules.OUTCOMES
    outcome = rules.outcome_for(phone)
    machine = spec.state_machine()
    with RunningEmulator(Settings(seed=3, clock="manual")) as running, api(running) as client:
        pushed = push(client, phone)
        invoice_id = pushed["invoice_id"]
        now = 0.0
        read: list[tuple[float, str]] = []
        expected: list[tuple[float, str]] = []
        for at in _checkpoints(outcome):
            if at > now:
                now = advance(client, at - now)
                assert now == at
            invoice = read_status(client, invoice_id)
            read.append((at, invoice["state"]))
            expected.append((at, _expected_state(outcome, at)))
            assert _state_field_problems(invoice, outcome) == [], (at, invoice)
            assert {name: invoice[name] for name in machine.unchanged_after_push} == {
                name: pushed[name] for name in machine.unchanged_after_push
            }
        assert read == expected
        states = [state for _, state in read]
        assert states[0] == machine.initial
        assert states[-1] == outcome.steps[-1][1] and states[-1] in machine.terminal
        for before, after in itertools.pairwise(states):
            assert after in machine.reachable(before), f"{before} -> {after}"


# 2. Status endpoint errors.


def _status_request(client: httpx.Client, case: str) -> httpx.Response:
    json_type = {"content-type": "application/json"}
    if case == "unknown":
        return client.post(STATUS, json={"invoice_id": UNKNOWN_INVOICE}, headers=AUTH)
    if case == "empty":
        return client.post(STATUS, json={}, headers=AUTH)
    if case == "null-id":
        return client.post(STATUS, json={"invoice_id": None}, headers=AUTH)
    if case == "checkout-without-signature":
        return client.post(STATUS, json={"invoice_id": UNKNOWN_INVOICE, "checkout_id": "c1"}, headers=AUTH)
    if case == "signature-without-checkout":
        return client.post(STATUS, json={"invoice_id": UNKNOWN_INVOICE, "signature": "s1"}, headers=AUTH)
    if case == "not-json":
        return client.post(STATUS, content=b"{invoice_id", headers=AUTH | json_type)
    if case == "array":
        return client.post(STATUS, content=b"[]", headers=AUTH | json_type)
    if case == "wrong-media-type":
        body = json.dumps({"invoice_id": UNKNOWN_INVOICE}).encode()
        return client.post(STATUS, content=body, headers=AUTH | {"content-type": "text/plain"})
    if case == "no-key":
        return client.post(STATUS, json={"invoice_id": UNKNOWN_INVOICE})
    if case == "get":
        return client.get(STATUS, headers=AUTH)
    raise AssertionError(case)


STATUS_ERRORS = {
    "unknown": 404,
    "empty": 400,
    "null-id": 400,
    "checkout-without-signature": 400,
    "signature-without-checkout": 400,
    "not-json": 400,
    "array": 400,
    "wrong-media-type": 415,
    "no-key": 401,
    "get": 405,
}


@pytest.mark.parametrize(("case", "status"), STATUS_ERRORS.items(), ids=list(STATUS_ERRORS))
def test_status_errors_are_the_specs(real: httpx.Client, case: str, status: int) -> None:
    """Each bad status request gets its own 4xx, declared by the status operation, body and all."""
    assert status in spec.declared_statuses(spec.STATUS_OPERATION_ID)
    response = _status_request(real, case)
    assert response.status_code < 500
    assert response.status_code == status, response.text
    status_conforms(response)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "invoice_id"),
        ({"invoice_id": "X", "checkout_id": "c1"}, "signature"),
        ({"invoice_id": "X", "signature": "s1"}, "checkout_id"),
    ],
)
def test_status_validation_errors_name_the_field(real: httpx.Client, body: JSON, field: str) -> None:
    """DRF-style field errors: `{field: [messages]}` naming the field missing."""
    response = real.post(STATUS, json=body, headers=AUTH)
    assert response.status_code == 400, response.text
    errors = response.json()
    assert isinstance(errors.get(field), list) and errors[field], errors
    assert all(isinstance(message, str) and message for message in errors[field])


def test_unknown_invoice_is_the_specs_404(real: httpx.Client) -> None:
    """An invoice never issued: 404 with `detail`, as the status operation declares."""
    response = real.post(STATUS, json={"invoice_id": UNKNOWN_INVOICE}, headers=AUTH)
    assert response.status_code == 404
    status_conforms(response)
    assert response.json()["detail"]


# 3. Bounded memory.


def test_the_store_forgets_the_oldest_invoice() -> None:
    """Capacity 3: after a fourth push the first invoice is gone (404 on status and on settle),
    the other three are still read."""
    with RunningEmulator(Settings(seed=5, capacity=3, clock="manual")) as running, api(running) as client:
        invoice_ids = [push(client)["invoice_id"] for _ in range(4)]
        assert len(set(invoice_ids)) == 4
        evicted = client.post(STATUS, json={"invoice_id": invoice_ids[0]}, headers=AUTH)
        assert evicted.status_code == 404, evicted.text
        status_conforms(evicted)
        for kept in invoice_ids[1:]:
            assert read_status(client, kept)["invoice_id"] == kept
        control_error(client.post(outcome_url(invoice_ids[0]), json={"state": "COMPLETE"}), 404)


# 4. The official SDK.


def _slowest_to_change() -> str:
    """The rules table's phone whose invoice stays in the initial state longest."""
    return max(rules.OUTCOMES, key=lambda phone: rules.OUTCOMES[phone].steps[0][0])


def test_official_sdk_reads_a_pending_status(emulator: RunningEmulator) -> None:
    """`kulmipay` 1.0.0, unchanged, pointed at the emulator: its status call returns the pushed
    invoice, PENDING (a real clock, on the number that stays PENDING longest)."""
    phone = _slowest_to_change()
    assert rules.OUTCOMES[phone].steps[0][0] >= 30  # a read within that time is deterministic
    service = kulmipay.APIService(token=TEST_KEY, base_url=emulator.base_url)
    pushed = service.collect.mpesa_stk_push(phone_number=phone, amount=10)
    invoice_id = pushed["invoice"]["invoice_id"]
    status = service.collect.status(invoice_id=invoice_id)
    assert isinstance(status, dict)
    assert status["invoice"]["invoice_id"] == invoice_id
    assert status["invoice"]["state"] == spec.state_machine().initial


def test_official_sdk_reads_a_complete_status() -> None:
    """On a manual clock moved past the settle time, the SDK's status call reads COMPLETE."""
    with RunningEmulator(Settings(seed=9, clock="manual")) as running, api(running) as client:
        service = kulmipay.APIService(token=TEST_KEY, base_url=running.base_url)
        pushed = service.collect.mpesa_stk_push(phone_number=ORDINARY, amount=10)
        invoice_id = pushed["invoice"]["invoice_id"]
        settle_after, final_state = rules.outcome_for(ORDINARY).steps[-1]
        advance(client, settle_after + 1)
        status = service.collect.status(invoice_id=invoice_id)
        assert isinstance(status, dict)
        assert status["invoice"]["state"] == final_state == "COMPLETE"
        assert status["invoice"]["mpesa_reference"]
