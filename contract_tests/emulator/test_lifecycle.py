"""An invoice's life after the push, over real sockets: the status endpoint on a manual clock
follows the rules table's timelines and the spec's state machine, the control plane moves the
clock and settles invoices (and refuses clearly), status errors are the spec's, the store is
bounded, and the official SDK reads statuses unchanged. No sleeps: time is the manual clock's."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import httpx
import kulmipay
import pytest
import yaml

from contract_tests.support import AUTH, TEST_KEY, VALID_PUSH
from kulmipay_toolkit import rules, spec
from kulmipay_toolkit.emulator import RunningEmulator, Settings
from kulmipay_toolkit.spec import JSON

PUSH = spec.base_path() + spec.stk_push_path()
STATUS = spec.base_path() + spec.status_path()
ADVANCE = "/_emulator/clock/advance"
ORDINARY = VALID_PUSH["phone_number"]  # in no row of the outcome table: it pays
SLOW_PAYER = "254700000005"
UNKNOWN_INVOICE = "NOSUCH1"


def _outcome_url(invoice_id: str) -> str:
    return f"/_emulator/invoices/{invoice_id}/outcome"


def _origin(running: RunningEmulator) -> str:
    return running.base_url.removesuffix(spec.base_path())


def _client(running: RunningEmulator) -> httpx.Client:
    return httpx.Client(base_url=_origin(running), timeout=10)


@pytest.fixture(scope="module")
def manual() -> Iterator[RunningEmulator]:
    """Shared by the control-plane tests: each pushes its own invoices and moves the clock only
    relative to now, so none depends on another's clock or invoices."""
    with RunningEmulator(Settings(seed=11, clock="manual")) as running:
        yield running


@pytest.fixture()
def control(manual: RunningEmulator) -> Iterator[httpx.Client]:
    with _client(manual) as client:
        yield client


@pytest.fixture()
def real(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    """The session's real-clock emulator, from its origin (control plane and API alike)."""
    with _client(emulator) as client:
        yield client


def _push(client: httpx.Client, phone: str = ORDINARY) -> JSON:
    response = client.post(PUSH, json={**VALID_PUSH, "phone_number": phone}, headers=AUTH)
    assert response.status_code == 200, response.text
    body: JSON = response.json()
    return body


def _status_conforms(response: httpx.Response) -> None:
    errors = spec.response_errors(
        response.status_code,
        response.content,
        content_type=response.headers.get("content-type", ""),
        headers=dict(response.headers),
        path=spec.status_path(),
    )
    assert errors == [], f"{response.status_code} {response.text[:300]}: {errors}"


def _read(client: httpx.Client, invoice_id: str) -> JSON:
    """A 200 status read that conforms to the spec; its invoice."""
    response = client.post(STATUS, json={"invoice_id": invoice_id}, headers=AUTH)
    assert response.status_code == 200, response.text
    _status_conforms(response)
    invoice: JSON = response.json()["invoice"]
    return invoice


def _advance(client: httpx.Client, seconds: float) -> float:
    """Moves the manual clock; its reading afterwards (a ClockReading)."""
    response = client.post(ADVANCE, json={"seconds": seconds})
    assert response.status_code == 200, response.text
    reading = response.json()
    assert spec.body_errors(spec.control_body_validator("ClockReading"), reading) == []
    assert reading["manual"] is True
    return float(reading["seconds"])


def _control_error(response: httpx.Response, status: int) -> str:
    """The refusal has `status` and a ControlError body; its detail."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert spec.body_errors(spec.control_body_validator("ControlError"), body) == [], body
    detail: str = body["detail"]
    return detail


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
    with RunningEmulator(Settings(seed=3, clock="manual")) as running, _client(running) as client:
        pushed = _push(client, phone)["invoice"]
        invoice_id = pushed["invoice_id"]
        now = 0.0
        read: list[tuple[float, str]] = []
        expected: list[tuple[float, str]] = []
        for at in _checkpoints(outcome):
            if at > now:
                now = _advance(client, at - now)
                assert now == at
            invoice = _read(client, invoice_id)
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


# 2. The control plane.


def test_advance_on_a_real_clock_is_a_conflict(real: httpx.Client) -> None:
    """A real-time emulator's clock cannot be moved: 409, ControlError."""
    detail = _control_error(real.post(ADVANCE, json={"seconds": 5}), 409)
    assert "manual" in detail


@pytest.mark.parametrize(
    "body",
    [
        b'{"seconds": -1}',
        b"{}",
        b'{"seconds": "5"}',
        b'{"seconds": 1, "extra": 1}',
        b"not json",
        b'{"seconds": true}',
        b'{"seconds": NaN}',
        b'{"seconds": 86401}',
        b"[5]",
    ],
    ids=["negative", "missing", "string", "extra-key", "not-json", "boolean", "nan", "too-large", "array"],
)
def test_bad_advance_is_refused_saying_what_is_expected(control: httpx.Client, body: bytes) -> None:
    """A malformed advance is a 400 whose detail shows the expected body, and moves nothing."""
    before = _advance(control, 0)
    response = control.post(ADVANCE, content=body, headers={"content-type": "application/json"})
    detail = _control_error(response, 400)
    assert '{"seconds": 5}' in detail
    assert _advance(control, 0) == before


def test_settling_an_unknown_invoice_is_not_found(control: httpx.Client) -> None:
    """An invoice never issued cannot be settled: 404, ControlError naming it."""
    detail = _control_error(control.post(_outcome_url(UNKNOWN_INVOICE), json={"state": "COMPLETE"}), 404)
    assert UNKNOWN_INVOICE in detail


def test_settling_a_pending_invoice_complete(control: httpx.Client) -> None:
    """Settled COMPLETE: the reply is what the status endpoint then shows, COMPLETE with a receipt."""
    invoice_id = _push(control)["invoice"]["invoice_id"]
    assert _read(control, invoice_id)["state"] == spec.state_machine().initial
    response = control.post(_outcome_url(invoice_id), json={"state": "COMPLETE"})
    assert response.status_code == 200, response.text
    invoice = _read(control, invoice_id)
    assert invoice["state"] == "COMPLETE"
    assert invoice["mpesa_reference"]
    assert (invoice["failed_code"], invoice["failed_reason"]) == (None, None)
    assert response.json()["invoice"] == invoice


@pytest.mark.parametrize(
    "body",
    [
        {"state": "FAILED"},
        {"state": "COMPLETE", "failed_code": "1032"},
        {"state": "PENDING"},
        {"state": "FAILED", "failed_code": ""},
        {"state": "FAILED", "failed_code": "1032", "extra": 1},
    ],
    ids=["failed-without-code", "complete-with-code", "not-final", "empty-code", "extra-key"],
)
def test_bad_settlement_is_refused(control: httpx.Client, body: JSON) -> None:
    """A settlement the Settlement schema refuses is a 400 showing a valid one; the invoice is
    untouched."""
    invoice_id = _push(control)["invoice"]["invoice_id"]
    detail = _control_error(control.post(_outcome_url(invoice_id), json=body), 400)
    assert '"failed_code": "1032"' in detail
    assert _read(control, invoice_id)["state"] == spec.state_machine().initial


def test_settling_a_non_json_body_is_refused(control: httpx.Client) -> None:
    """Not JSON at all: 400, ControlError."""
    invoice_id = _push(control)["invoice"]["invoice_id"]
    response = control.post(_outcome_url(invoice_id), content=b"COMPLETE")
    assert "JSON" in _control_error(response, 400)


def test_settling_with_an_unencodable_code_is_refused(control: httpx.Client) -> None:
    """A `failed_code` that is a lone surrogate escape (valid JSON, no UTF-8 text can hold it) is
    a 400, as the API's own bodies are: never a 5xx, and the invoice stays readable."""
    invoice_id = _push(control)["invoice"]["invoice_id"]
    body = b'{"state": "FAILED", "failed_code": "\\ud800"}'
    response = control.post(_outcome_url(invoice_id), content=body)
    _control_error(response, 400)
    assert _read(control, invoice_id)["state"] == spec.state_machine().initial


def test_settling_a_final_invoice_is_a_conflict(control: httpx.Client) -> None:
    """Final is final: settling an invoice already settled, or finished by its own timeline,
    is a 409 and changes nothing."""
    settled = _push(control)["invoice"]["invoice_id"]
    assert control.post(_outcome_url(settled), json={"state": "COMPLETE"}).status_code == 200
    again = control.post(_outcome_url(settled), json={"state": "FAILED", "failed_code": "1032"})
    assert "COMPLETE" in _control_error(again, 409)
    assert _read(control, settled)["state"] == "COMPLETE"

    finished = _push(control)["invoice"]["invoice_id"]
    _advance(control, rules.PAYS.steps[-1][0])
    final_state = rules.PAYS.steps[-1][1]
    assert _read(control, finished)["state"] == final_state
    late = control.post(_outcome_url(finished), json={"state": "FAILED", "failed_code": "1032"})
    assert final_state in _control_error(late, 409)
    assert _read(control, finished)["state"] == final_state


def test_settling_failed_cuts_a_slow_payers_timeline_short(control: httpx.Client) -> None:
    """A slow payer settled FAILED 1032 before any step of its own reads FAILED 1032, and the
    steps it would have taken later (PROCESSING, COMPLETE) never happen."""
    outcome = rules.OUTCOMES[SLOW_PAYER]
    assert outcome.steps[0][0] > 1 and outcome.steps[-1][1] == "COMPLETE"
    invoice_id = _push(control, SLOW_PAYER)["invoice"]["invoice_id"]
    pushed_at = _advance(control, 0)
    settle = control.post(_outcome_url(invoice_id), json={"state": "FAILED", "failed_code": "1032"})
    assert settle.status_code == 200, settle.text
    expected = {
        "state": "FAILED",
        "failed_code": "1032",
        "failed_reason": rules.FAILURE_REASONS["1032"],
        "mpesa_reference": None,
    }
    ages = [1.0, *(after for after, _ in outcome.steps)]
    ages.append(ages[-1] + spec.state_machine().prompt_expires_after)
    for age in ages:
        _advance(control, pushed_at + age - _advance(control, 0))
        invoice = _read(control, invoice_id)
        assert {name: invoice[name] for name in expected} == expected, age


def test_control_document_is_served(control: httpx.Client) -> None:
    """`GET /_emulator/openapi.yaml` serves spec/emulator-control.yaml."""
    response = control.get("/_emulator/openapi.yaml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert yaml.safe_load(response.text) == spec.control_document()


# 3. Status endpoint errors.


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
    _status_conforms(response)


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
    _status_conforms(response)
    assert response.json()["detail"]


# 4. Bounded memory.


def test_the_store_forgets_the_oldest_invoice() -> None:
    """Capacity 3: after a fourth push the first invoice is gone (404 on status and on settle),
    the other three are still read."""
    with RunningEmulator(Settings(seed=5, capacity=3, clock="manual")) as running, _client(running) as client:
        invoice_ids = [_push(client)["invoice"]["invoice_id"] for _ in range(4)]
        assert len(set(invoice_ids)) == 4
        evicted = client.post(STATUS, json={"invoice_id": invoice_ids[0]}, headers=AUTH)
        assert evicted.status_code == 404, evicted.text
        _status_conforms(evicted)
        for kept in invoice_ids[1:]:
            assert _read(client, kept)["invoice_id"] == kept
        _control_error(client.post(_outcome_url(invoice_ids[0]), json={"state": "COMPLETE"}), 404)


# 5. The official SDK.


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
    with RunningEmulator(Settings(seed=9, clock="manual")) as running, _client(running) as client:
        service = kulmipay.APIService(token=TEST_KEY, base_url=running.base_url)
        pushed = service.collect.mpesa_stk_push(phone_number=ORDINARY, amount=10)
        invoice_id = pushed["invoice"]["invoice_id"]
        settle_after, final_state = rules.outcome_for(ORDINARY).steps[-1]
        _advance(client, settle_after + 1)
        status = service.collect.status(invoice_id=invoice_id)
        assert isinstance(status, dict)
        assert status["invoice"]["state"] == final_state == "COMPLETE"
        assert status["invoice"]["mpesa_reference"]
