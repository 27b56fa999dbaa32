"""What the generated client sends, for bodies generated from the spec's request schema: every
captured request must be one the spec accepts, and carry exactly the fields the user set."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from kulmipay_client.models import StkPushRequest, StkPushRequestMobileTarrif

from contract_tests.support import TEST_KEY, strategies
from contract_tests.support.calls import STYLES, Style, valid_push
from contract_tests.support.captured import captured, spec_errors
from kulmipay_toolkit import spec

FIELDS = tuple(spec.request_fields())


def as_model(body: dict[str, Any]) -> StkPushRequest:
    """`body` built the way a user builds it: declared fields as arguments, the rest as extras."""
    request = StkPushRequest(**{name: body[name] for name in FIELDS if name in body})
    for name, value in body.items():
        if name not in FIELDS:
            request[name] = value
    return request


@pytest.mark.parametrize("style", STYLES)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=strategies.request_bodies())
def test_spec_generated_body_is_sent_as_the_spec_says(style: Style, body: dict[str, Any]) -> None:
    request = captured(style, as_model(body))
    assert request.method == "POST"
    assert request.url.path == spec.base_path() + spec.stk_push_path()
    assert request.url.path.endswith("/")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    # Unset fields absent, fields set to None null, extras kept: the wire body is the user's body.
    assert json.loads(request.content) == body
    assert spec_errors(request) == []


def test_unset_optional_fields_are_absent_from_the_body(style: Style) -> None:
    request = captured(style, valid_push())
    assert json.loads(request.content) == {"amount": "10", "phone_number": "254712345678"}


def test_optional_fields_set_to_none_are_sent_as_null(style: Style) -> None:
    request = captured(
        style, StkPushRequest(amount="10", phone_number="254712345678", api_ref=None, wallet_id=None)
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
        captured(style, StkPushRequest(amount="10", phone_number="254712345678", mobile_tarrif=tariff))


@pytest.mark.parametrize("tariff", [StkPushRequestMobileTarrif.CUSTOMER_PAYS, "CUSTOMER-PAYS"])
def test_the_tariff_reads_as_a_member_or_its_documented_string(style: Style, tariff: Any) -> None:
    request = captured(style, StkPushRequest(amount="10", phone_number="254712345678", mobile_tarrif=tariff))
    assert json.loads(request.content)["mobile_tarrif"] == "CUSTOMER-PAYS" and spec_errors(request) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": "ten"},
        {"amount": "0"},
        {"amount": "10.001"},
        {"amount": 250001},
        {"amount": None},
        {"phone_number": "0712345678"},
        {"phone_number": ""},
        {"api_ref": "x" * 141},
    ],
    ids=lambda fields: "-".join(f"{name}={str(value)[:10]}" for name, value in fields.items()),
)
def test_lenient_request_fields_are_sent_unvalidated_by_generated_client(
    style: Style, fields: dict[str, Any]
) -> None:
    """The client validates nothing it sends but the tariff (below): the server is left to refuse."""
    body = {"amount": "10", "phone_number": "254712345678"} | fields
    request = captured(style, StkPushRequest(**body))
    assert json.loads(request.content) == body
    assert spec_errors(request) != []
