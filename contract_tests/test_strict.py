"""The strict helper: spec-valid replies come back as the right generated model, anything else as a
ContractViolation that says the status and what broke; and it sends what the generated client sends."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kulmipay_client.models import Error, StkPushResponse, ValidationError

from contract_tests.support import strategies
from contract_tests.support.calls import Style, new_client, serve, start, strict_start, valid_push
from contract_tests.support.round_trip import comparable
from kulmipay_toolkit import spec
from kulmipay_toolkit.strict import ContractViolation, strict_parse

STATUSES = sorted(spec.declared_statuses())
# Built once, at import: building per example costs more than the example.
BODIES = {status: strategies.response_bodies(status) for status in STATUSES}


@pytest.mark.parametrize("status", STATUSES)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_spec_generated_reply_is_parsed_to_its_model(status: int, data: Any) -> None:
    body = data.draw(BODIES[status])
    parsed = strict_parse(httpx.Response(status, json=body))
    if status == 200:
        assert isinstance(parsed, StkPushResponse)
        schema = spec.response_schema(200)
        assert comparable(parsed.to_dict(), schema) == comparable(body, schema)
    else:
        field_errors = status == 400 and all(isinstance(value, list) for value in body.values())
        assert isinstance(parsed, ValidationError if field_errors else Error)
        assert parsed.to_dict() == body


def test_strict_start_sends_what_sync_detailed_sends(style: Style, router: respx.MockRouter) -> None:
    """It builds the request with the generated `_get_kwargs`; this keeps the two from drifting."""
    route = serve(router, httpx.Response(401, json={"detail": "Invalid api token"}))
    start(style, new_client(), valid_push())
    strict_start(style, new_client(), valid_push())
    assert route.call_count == 2
    generated, checked = (call.request for call in route.calls)
    assert (checked.method, checked.url, checked.content) == (
        generated.method,
        generated.url,
        generated.content,
    )
    assert checked.headers.multi_items() == generated.headers.multi_items()


def test_strict_start_answers_like_sync_detailed(style: Style, router: respx.MockRouter) -> None:
    body = {"detail": "Service temporarily unavailable, try again later."}
    serve(router, httpx.Response(503, json=body, headers={"X-Request-Id": "r-1"}))
    reply = strict_start(style, new_client(), valid_push())
    assert reply.status_code is HTTPStatus.SERVICE_UNAVAILABLE
    assert json.loads(reply.content) == body
    assert reply.headers["x-request-id"] == "r-1"
    assert isinstance(reply.parsed, Error) and reply.parsed.detail == body["detail"]


def test_strict_parse_reads_the_generated_response_too(router: respx.MockRouter) -> None:
    serve(router, httpx.Response(401, json={"detail": "Invalid api token"}))
    parsed = strict_parse(start("sync", new_client(), valid_push()))
    assert isinstance(parsed, Error) and parsed.detail == "Invalid api token"


def test_violation_names_the_status_and_every_broken_field() -> None:
    body = {"invoice": {"invoice_id": "", "value": "10", "currency": "KES", "account": "254712345678"}}
    with pytest.raises(ContractViolation) as raised:
        strict_parse(httpx.Response(200, json=body))
    violation = raised.value
    assert isinstance(violation, ValueError) and violation.status == 200
    assert str(violation).startswith("HTTP 200 reply breaks the contract: ")
    assert set(violation.problems) == {
        'body $: "customer" is a required property',
        'body $.invoice: "api_ref" is a required property',
        'body $.invoice.invoice_id: "" is shorter than 1 character',
    }


@pytest.mark.parametrize("status", [201, 302, 418, 422, 502])
def test_undeclared_status_is_a_violation(status: int) -> None:
    with pytest.raises(ContractViolation, match=f"^HTTP {status} .*Unknown response http status: {status}"):
        strict_parse(httpx.Response(status, json={"detail": "teapot"}))


def test_undeclared_status_is_a_violation_whatever_the_client_setting(
    style: Style, router: respx.MockRouter
) -> None:
    serve(router, httpx.Response(418, json={"detail": "teapot"}))
    with pytest.raises(ContractViolation, match="Unknown response http status: 418"):
        strict_start(style, new_client(raise_on_unexpected_status=False), valid_push())


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (b"<html>Bad Gateway</html>", "Failed to deserialize value with application/json mimetype"),
        (
            b'{"invoice": {"invoice_id": "QZ7L0RK", "val',
            "Failed to deserialize value with application/json mimetype",
        ),
        (b"", "Missing response data"),
        (b"[]", 'body $: [] is not of type "object"'),
    ],
    ids=["html", "truncated", "empty", "array"],
)
def test_non_json_truncated_or_non_object_body_is_a_violation(
    style: Style, router: respx.MockRouter, content: bytes, complaint: str
) -> None:
    serve(router, httpx.Response(200, content=content, headers={"Content-Type": "application/json"}))
    with pytest.raises(ContractViolation, match=r"^HTTP 200 ") as raised:
        strict_start(style, new_client(), valid_push())
    assert any(problem.startswith(complaint) for problem in raised.value.problems), raised.value.problems


def test_long_problems_are_shortened() -> None:
    with pytest.raises(ContractViolation) as raised:
        strict_parse(httpx.Response(401, content=b"x" * 5000, headers={"Content-Type": "application/json"}))
    assert len(str(raised.value)) < 300
