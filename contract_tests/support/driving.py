"""Driving a running emulator from outside, as the lifecycle, control-plane and delivery tests do:
a client on its origin (the API's full paths and the control plane alike), a push, a status read
the spec allows, the manual clock moved (its reading checked against the control document), and
the detail of a control-plane refusal."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx

from contract_tests.support import AUTH, VALID_PUSH
from kulmipay_toolkit import spec
from kulmipay_toolkit.emulator import RunningEmulator
from kulmipay_toolkit.spec import JSON

PUSH = spec.base_path() + spec.stk_push_path()
STATUS = spec.base_path() + spec.status_path()
ADVANCE = "/_emulator/clock/advance"
ORDINARY = VALID_PUSH["phone_number"]  # in no row of the outcome table: it pays
UNKNOWN_INVOICE = "NOSUCH1"


def outcome_url(invoice_id: str) -> str:
    return f"/_emulator/invoices/{invoice_id}/outcome"


@contextlib.contextmanager
def api(running: RunningEmulator) -> Iterator[httpx.Client]:
    """A client on the emulator's origin: the API (full paths) and the control plane."""
    with httpx.Client(base_url=running.base_url.removesuffix(spec.base_path()), timeout=10) as client:
        yield client


def push(client: httpx.Client, phone: str = ORDINARY) -> JSON:
    """A 200 STK push; the invoice it created."""
    response = client.post(PUSH, json={**VALID_PUSH, "phone_number": phone}, headers=AUTH)
    assert response.status_code == 200, response.text
    invoice: JSON = response.json()["invoice"]
    return invoice


def status_conforms(response: httpx.Response) -> None:
    """The status operation declares the response, body and all."""
    errors = spec.response_errors(
        response.status_code,
        response.content,
        content_type=response.headers.get("content-type", ""),
        headers=dict(response.headers),
        path=spec.status_path(),
    )
    assert errors == [], f"{response.status_code} {response.text[:300]}: {errors}"


def read_status(client: httpx.Client, invoice_id: str) -> JSON:
    """A 200 status read that conforms to the spec; the invoice as it stands."""
    response = client.post(STATUS, json={"invoice_id": invoice_id}, headers=AUTH)
    assert response.status_code == 200, response.text
    status_conforms(response)
    invoice: JSON = response.json()["invoice"]
    return invoice


def advance(client: httpx.Client, seconds: float) -> float:
    """Moves the emulator's manual clock (which also wakes its deliveries); its reading afterwards
    (a ClockReading)."""
    response = client.post(ADVANCE, json={"seconds": seconds})
    assert response.status_code == 200, response.text
    reading = response.json()
    assert spec.body_errors(spec.control_body_validator("ClockReading"), reading) == []
    assert reading["manual"] is True
    return float(reading["seconds"])


def control_error(response: httpx.Response, status: int) -> str:
    """The refusal has `status` and a ControlError body; its detail."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert spec.body_errors(spec.control_body_validator("ControlError"), body) == [], body
    detail: str = body["detail"]
    return detail
