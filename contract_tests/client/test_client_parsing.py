"""What the generated client can parse, for either operation: every declared status with bodies
generated from the spec's schema for it, and undeclared statuses; then broken bodies, the API
reference page's own push example, and the status call's 200 examples, one per invoice state."""

from __future__ import annotations

import datetime
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kulmipay_client import errors
from kulmipay_client.errors import UnparsableResponse
from kulmipay_client.models import (
    Error,
    Invoice,
    PaymentLink,
    PaymentStatusResponse,
    StkPushResponse,
    ValidationError,
)

from contract_tests.support import strategies
from contract_tests.support.calls import (
    BASE_URL,
    PUSH,
    STATUS,
    STYLES,
    AnyOperation,
    Style,
    each_operation,
    new_client,
    per_operation,
)
from contract_tests.support.examples import ok_example, ok_examples
from contract_tests.support.round_trip import assert_fields, comparable
from kulmipay_toolkit import spec

DOCUMENTATION_EXAMPLE = Path(__file__).parent / "fixtures" / "documentation_example.json"
# The status call's 200 examples, by the state each shows: `pending` is `components/examples/StatusPending`.
STATES = ("pending", "processing", "complete", "failed")


def error_statuses(operation: AnyOperation) -> dict[str, tuple[int]]:
    return {str(status): (status,) for status in sorted(spec.declared_statuses(operation.id) - {200})}


def served(style: Style, operation: AnyOperation, reply: httpx.Response, **settings: Any) -> Any:
    """The generated client's answer to `reply`, which it must have asked for exactly once."""
    with respx.mock(base_url=BASE_URL) as router:
        route = operation.serve(router, reply)
        parsed = operation.call(style, new_client(**settings))
    assert route.call_count == 1
    return parsed


@pytest.mark.parametrize("style", STYLES)
@each_operation
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_spec_generated_200_round_trips_through_the_model(
    style: Style, operation: AnyOperation, data: Any
) -> None:
    """A spec-generated 200 becomes the operation's model, whose `to_dict()` gives the body back."""
    body = data.draw(strategies.response_bodies(operation.id, 200))
    reply = served(style, operation, httpx.Response(200, json=body))
    assert isinstance(reply.parsed, operation.ok_model) and isinstance(reply.parsed.invoice, Invoice)
    # Extra properties included: `to_dict()` gives back what was served.
    schema = spec.response_schema(200, operation.id)
    assert comparable(reply.parsed.to_dict(), schema) == comparable(body, schema)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(("operation", "status"), per_operation(error_statuses))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_spec_generated_error_is_parsed_as_its_typed_model(
    style: Style, operation: AnyOperation, status: int, data: Any
) -> None:
    """Each declared error status (the status call's 404, an unknown invoice, included) parses to
    its typed model."""
    body = data.draw(strategies.response_bodies(operation.id, status))
    reply = served(style, operation, httpx.Response(status, json=body))
    assert reply.status_code == status
    # 400 is anyOf(ValidationError, Error); the generated parser always lands on ValidationError
    # (pinned in test_client_leniency.py).
    assert isinstance(reply.parsed, ValidationError if status == 400 else Error)
    assert reply.parsed.to_dict() == body


@each_operation
@pytest.mark.parametrize("status", [201, 302, 418, 422, 502])
def test_undeclared_status_raises_unexpected_status(
    style: Style, operation: AnyOperation, status: int
) -> None:
    """With `raise_on_unexpected_status=True`, a status the operation does not declare raises."""
    with pytest.raises(errors.UnexpectedStatus) as raised:
        served(style, operation, httpx.Response(status, json={"detail": "teapot"}))
    assert (raised.value.status_code, raised.value.content) == (status, b'{"detail":"teapot"}')


@each_operation
def test_lenient_undeclared_status_is_parsed_as_none_by_default_in_generated_client(
    style: Style, operation: AnyOperation
) -> None:
    """`raise_on_unexpected_status` defaults to False: an undeclared reply is silently `None`."""
    reply = served(
        style, operation, httpx.Response(418, json={"detail": "teapot"}), raise_on_unexpected_status=False
    )
    assert reply.status_code == 418 and reply.parsed is None


@pytest.mark.parametrize(
    "content",
    [b"<html>Bad Gateway</html>", b"", b'{"invoice": {"invoice_id": "QZ7L0RK", "val'],
    ids=["html", "empty", "truncated"],
)
@pytest.mark.parametrize("status", [200, 401, 429, 503])
def test_non_json_or_truncated_body_raises_a_typed_error(style: Style, status: int, content: bytes) -> None:
    """A declared status with a body that is not JSON (a proxy's HTML page, an empty 429) is the
    client's own `UnparsableResponse`, with the status and the body, not a bare JSONDecodeError."""
    with pytest.raises(UnparsableResponse) as raised:
        served(
            style, PUSH, httpx.Response(status, content=content, headers={"Content-Type": "application/json"})
        )
    assert raised.value.status_code == status and raised.value.content == content


def test_documentation_page_example_parses_field_for_field(style: Style) -> None:
    page = json.loads(DOCUMENTATION_EXAMPLE.read_text())
    reply = served(style, PUSH, httpx.Response(200, json=page))
    assert isinstance(reply.parsed, StkPushResponse)
    schema = spec.response_schema(200)
    assert_fields(reply.parsed, page, schema)
    assert isinstance(reply.parsed.payment_link, PaymentLink)
    assert reply.parsed.invoice.retry_count == -1
    assert reply.parsed.created_at == datetime.datetime(2023, 11, 7, 5, 31, 56, tzinfo=datetime.UTC)
    assert comparable(reply.parsed.to_dict(), schema) == comparable(page, schema)


def test_the_status_200_has_one_example_per_state() -> None:
    """The examples below are the spec's, one per state of the machine."""
    assert set(ok_examples(STATUS.id)) == set(STATES)
    assert {name.upper() for name in STATES} == set(spec.state_machine().transitions)


@pytest.mark.parametrize("state", STATES)
def test_status_example_parses_field_for_field(style: Style, state: str) -> None:
    """Every field of the example is the model attribute of that name; state, mpesa_reference and
    failed_code are the example's own, and set exactly in the states the state machine says."""
    example = ok_example(STATUS.id, state)
    parsed = served(style, STATUS, httpx.Response(200, json=example)).parsed
    assert isinstance(parsed, PaymentStatusResponse)
    schema = spec.response_schema(200, STATUS.id)
    assert_fields(parsed, example, schema)
    invoice = parsed.invoice
    assert invoice.state == state.upper() == example["invoice"]["state"]
    assert invoice.mpesa_reference == example["invoice"]["mpesa_reference"]
    assert invoice.failed_code == example["invoice"]["failed_code"]
    assert invoice.failed_reason == example["invoice"]["failed_reason"]
    for name, states in spec.state_machine().set_exactly_when.items():
        assert (getattr(invoice, name) is not None) == (invoice.state in states), name
    assert comparable(parsed.to_dict(), schema) == comparable(example, schema)


@pytest.mark.parametrize(
    ("state", "mpesa_reference", "failed_code"),
    [
        ("pending", None, None),
        ("processing", None, None),
        ("complete", "SKL7H2M9QX", None),
        ("failed", None, "1032"),
    ],
)
def test_status_example_values_are_read_as_written(
    style: Style, state: str, mpesa_reference: str | None, failed_code: str | None
) -> None:
    """The values themselves, written out: a spec edit that changes an example shows up here."""
    parsed = served(style, STATUS, httpx.Response(200, json=ok_example(STATUS.id, state))).parsed
    assert isinstance(parsed, PaymentStatusResponse)
    assert (parsed.invoice.state, parsed.invoice.mpesa_reference, parsed.invoice.failed_code) == (
        state.upper(),
        mpesa_reference,
        failed_code,
    )
    assert parsed.meta.id == uuid.UUID("3c90c3cc-0d44-4b50-8888-8dd25736052a")
