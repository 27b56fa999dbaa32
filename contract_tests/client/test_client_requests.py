"""What the generated client sends, for either operation, for bodies generated from the spec's
request schema and for the spec's own examples: every captured request must be one the spec
accepts, and carry exactly the fields the user set. Then what it sends unchecked, and the push's
tariff, the one field it does check."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kulmipay_client.models import StkPushRequest, StkPushRequestMobileTarrif

from contract_tests.support import TEST_KEY, minimal_request, strategies
from contract_tests.support.calls import (
    PUSH,
    STATUS,
    STYLES,
    AnyOperation,
    Style,
    each_operation,
    per_operation,
)
from contract_tests.support.captured import captured, spec_errors
from kulmipay_toolkit import spec
from kulmipay_toolkit.spec import JSON


def request_examples(operation: AnyOperation) -> dict[str, tuple[JSON]]:
    """The spec's request examples, by name (`minimal`, `full`; `byInvoice`, `checkout`)."""
    media = spec.resolve(spec.operation(operation.id)[2]["requestBody"])["content"]["application/json"]
    examples = zip(media["examples"], spec.request_examples(operation.id), strict=True)
    return {name: (example,) for name, example in examples}


def as_model(operation: AnyOperation, body: JSON) -> Any:
    """`body` built the way a user builds it: declared fields as arguments, the rest as extras."""
    fields = spec.request_fields(operation.id)
    request = operation.request_model(**{name: body[name] for name in fields if name in body})
    for name, value in body.items():
        if name not in fields:
            request[name] = value
    return request


@pytest.mark.parametrize("style", STYLES)
@each_operation
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_spec_generated_body_is_sent_as_the_spec_says(
    style: Style, operation: AnyOperation, data: Any
) -> None:
    """POST to the trailing-slash path, bearer auth, JSON, the user's body verbatim, spec-valid."""
    body = data.draw(strategies.request_bodies(operation.id))
    request = captured(style, operation, as_model(operation, body))
    assert request.method == "POST"
    assert request.url.path == spec.base_path() + operation.path
    assert request.url.path.endswith("/")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    # Unset fields absent, fields set to None null, extras kept: the wire body is the user's body.
    assert json.loads(request.content) == body
    assert spec_errors(request) == []


@each_operation
def test_unset_optional_fields_are_absent_from_the_body(style: Style, operation: AnyOperation) -> None:
    """Left unset (a push's `api_ref`, a status read's `checkout_id` and `signature`), they are left
    out, not sent as null."""
    request = captured(style, operation, operation.valid_request())
    assert json.loads(request.content) == minimal_request(operation.id)
    assert spec_errors(request) == []


@pytest.mark.parametrize(("operation", "example"), per_operation(request_examples))
def test_spec_request_examples_are_sent_verbatim(
    style: Style, operation: AnyOperation, example: JSON
) -> None:
    """The spec's own request examples go out unchanged and conform."""
    request = captured(style, operation, as_model(operation, example))
    assert json.loads(request.content) == example
    assert spec_errors(request) == []


def test_optional_fields_set_to_none_are_sent_as_null(style: Style) -> None:
    request = captured(
        style, PUSH, StkPushRequest(amount="10", phone_number="254712345678", api_ref=None, wallet_id=None)
    )
    assert json.loads(request.content) == {
        "amount": "10",
        "phone_number": "254712345678",
        "api_ref": None,
        "wallet_id": None,
    }
    assert spec_errors(request) == []


@pytest.mark.parametrize("tariff", ["WHO-PAYS", None])
def test_an_unknown_tariff_is_refused_before_sending(style: Style, tariff: Any) -> None:
    """The tariff is a StrEnum: the documented strings and the members go out as their value;
    anything else is a ValueError naming it, and nothing is sent."""
    with pytest.raises(ValueError, match="is not a valid StkPushRequestMobileTarrif"):
        captured(style, PUSH, StkPushRequest(amount="10", phone_number="254712345678", mobile_tarrif=tariff))


@pytest.mark.parametrize("tariff", [StkPushRequestMobileTarrif.CUSTOMER_PAYS, "CUSTOMER-PAYS"])
def test_the_tariff_reads_as_a_member_or_its_documented_string(style: Style, tariff: Any) -> None:
    request = captured(
        style, PUSH, StkPushRequest(amount="10", phone_number="254712345678", mobile_tarrif=tariff)
    )
    assert json.loads(request.content)["mobile_tarrif"] == "CUSTOMER-PAYS" and spec_errors(request) == []


# Fields the spec refuses, by test id, each set on the operation's minimal valid request.
LENIENT_REQUESTS: dict[str, tuple[AnyOperation, JSON]] = {
    "push-amount=ten": (PUSH, {"amount": "ten"}),
    "push-amount=0": (PUSH, {"amount": "0"}),
    "push-amount=10.001": (PUSH, {"amount": "10.001"}),
    "push-amount=250001": (PUSH, {"amount": 250001}),
    "push-amount=None": (PUSH, {"amount": None}),
    "push-phone_number=0712345678": (PUSH, {"phone_number": "0712345678"}),
    "push-phone_number=": (PUSH, {"phone_number": ""}),
    "push-api_ref=xxxxxxxxxx": (PUSH, {"api_ref": "x" * 141}),
    "status-checkout-without-signature": (STATUS, {"checkout_id": "6f1c2a9e-3c51-4d1b-9b8e-2c8a4c7e1d55"}),
    "status-signature-without-checkout": (STATUS, {"signature": "eyJhbGciOiJIUzI1NiJ9.e30.signature"}),
    "status-empty-id": (STATUS, {"invoice_id": ""}),
    "status-null-id": (STATUS, {"invoice_id": None}),
    "status-null-pair": (STATUS, {"checkout_id": None, "signature": None}),
}


@pytest.mark.parametrize(("operation", "fields"), LENIENT_REQUESTS.values(), ids=LENIENT_REQUESTS.keys())
def test_lenient_request_fields_are_sent_unvalidated_by_generated_client(
    style: Style, operation: AnyOperation, fields: JSON
) -> None:
    """The client validates nothing it sends but the push's tariff (above): not a push's amount,
    phone number or api_ref, not a status read's `dependentRequired` (checkout_id and signature only
    together), minLength or nullability. The server is left to refuse."""
    body = minimal_request(operation.id) | fields
    request = captured(style, operation, operation.request_model(**body))
    assert json.loads(request.content) == body
    assert spec_errors(request) != []
