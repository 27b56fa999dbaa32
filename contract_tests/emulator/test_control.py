"""`emulator/control.py`: the control plane under `/_emulator/`, as `spec/emulator-control.yaml`
describes it. It moves a manual clock (never a real one), settles a pending invoice now (never a
final one, nor an unknown one), serves its own document, and refuses every malformed body with a
4xx ControlError that shows a valid one, changing nothing. Its identity handshake is
test_identity.py's."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import yaml

from contract_tests.support import driving
from kulmipay_toolkit import rules, spec
from kulmipay_toolkit.emulator import RunningEmulator, Settings
from kulmipay_toolkit.spec import JSON

SLOW_PAYER = "254700000005"


@pytest.fixture(scope="module")
def manual() -> Iterator[RunningEmulator]:
    """Shared by the tests here: each pushes its own invoices and moves the clock only relative to
    now, so none depends on another's clock or invoices."""
    with RunningEmulator(Settings(seed=11, clock="manual")) as running:
        yield running


@pytest.fixture()
def control(manual: RunningEmulator) -> Iterator[httpx.Client]:
    with driving.api(manual) as client:
        yield client


def test_advance_on_a_real_clock_is_a_conflict(emulator: RunningEmulator) -> None:
    """A real-time emulator's clock cannot be moved: 409, ControlError."""
    with driving.api(emulator) as real:
        detail = driving.control_error(real.post(driving.ADVANCE, json={"seconds": 5}), 409)
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
    before = driving.advance(control, 0)
    response = control.post(driving.ADVANCE, content=body, headers={"content-type": "application/json"})
    detail = driving.control_error(response, 400)
    assert '{"seconds": 5}' in detail
    assert driving.advance(control, 0) == before


def test_settling_an_unknown_invoice_is_not_found(control: httpx.Client) -> None:
    """An invoice never issued cannot be settled: 404, ControlError naming it."""
    detail = driving.control_error(
        control.post(driving.outcome_url(driving.UNKNOWN_INVOICE), json={"state": "COMPLETE"}), 404
    )
    assert driving.UNKNOWN_INVOICE in detail


def test_settling_a_pending_invoice_complete(control: httpx.Client) -> None:
    """Settled COMPLETE: the reply is what the status endpoint then shows, COMPLETE with a receipt."""
    invoice_id = driving.push(control)["invoice_id"]
    assert driving.read_status(control, invoice_id)["state"] == spec.state_machine().initial
    response = control.post(driving.outcome_url(invoice_id), json={"state": "COMPLETE"})
    assert response.status_code == 200, response.text
    invoice = driving.read_status(control, invoice_id)
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
    invoice_id = driving.push(control)["invoice_id"]
    detail = driving.control_error(control.post(driving.outcome_url(invoice_id), json=body), 400)
    assert '"failed_code": "1032"' in detail
    assert driving.read_status(control, invoice_id)["state"] == spec.state_machine().initial


def test_settling_a_non_json_body_is_refused(control: httpx.Client) -> None:
    """Not JSON at all: 400, ControlError."""
    invoice_id = driving.push(control)["invoice_id"]
    response = control.post(driving.outcome_url(invoice_id), content=b"COMPLETE")
    assert "JSON" in driving.control_error(response, 400)


def test_settling_with_an_unencodable_code_is_refused(control: httpx.Client) -> None:
    """A `failed_code` that is a lone surrogate escape (valid JSON, no UTF-8 text can hold it) is
    a 400, as the API's own bodies are: never a 5xx, and the invoice stays readable."""
    invoice_id = driving.push(control)["invoice_id"]
    body = b'{"state": "FAILED", "failed_code": "\\ud800"}'
    response = control.post(driving.outcome_url(invoice_id), content=body)
    driving.control_error(response, 400)
    assert driving.read_status(control, invoice_id)["state"] == spec.state_machine().initial


def test_settling_a_final_invoice_is_a_conflict(control: httpx.Client) -> None:
    """Final is final: settling an invoice already settled, or finished by its own timeline,
    is a 409 and changes nothing."""
    settled = driving.push(control)["invoice_id"]
    assert control.post(driving.outcome_url(settled), json={"state": "COMPLETE"}).status_code == 200
    again = control.post(driving.outcome_url(settled), json={"state": "FAILED", "failed_code": "1032"})
    assert "COMPLETE" in driving.control_error(again, 409)
    assert driving.read_status(control, settled)["state"] == "COMPLETE"

    finished = driving.push(control)["invoice_id"]
    driving.advance(control, rules.PAYS.steps[-1][0])
    final_state = rules.PAYS.steps[-1][1]
    assert driving.read_status(control, finished)["state"] == final_state
    late = control.post(driving.outcome_url(finished), json={"state": "FAILED", "failed_code": "1032"})
    assert final_state in driving.control_error(late, 409)
    assert driving.read_status(control, finished)["state"] == final_state


def test_settling_failed_cuts_a_slow_payers_timeline_short(control: httpx.Client) -> None:
    """A slow payer settled FAILED 1032 before any step of its own reads FAILED 1032, and the
    steps it would have taken later (PROCESSING, COMPLETE) never happen."""
    outcome = rules.OUTCOMES[SLOW_PAYER]
    assert outcome.steps[0][0] > 1 and outcome.steps[-1][1] == "COMPLETE"
    invoice_id = driving.push(control, SLOW_PAYER)["invoice_id"]
    pushed_at = driving.advance(control, 0)
    settle = control.post(driving.outcome_url(invoice_id), json={"state": "FAILED", "failed_code": "1032"})
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
        driving.advance(control, pushed_at + age - driving.advance(control, 0))
        invoice = driving.read_status(control, invoice_id)
        assert {name: invoice[name] for name in expected} == expected, age


def test_control_document_is_served(control: httpx.Client) -> None:
    """`GET /_emulator/openapi.yaml` serves spec/emulator-control.yaml."""
    response = control.get("/_emulator/openapi.yaml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert yaml.safe_load(response.text) == spec.control_document()
