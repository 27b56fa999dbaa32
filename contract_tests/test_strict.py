"""The strict helper, for either operation: spec-valid replies come back as the right generated model,
anything else as a ContractViolation that says the status and what broke; it sends what the
generated client sends, and is called as it is (keyword arguments only)."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kulmipay_client.models import Error, PaymentStatusResponse, ValidationError

from contract_tests.support import strategies
from contract_tests.support.calls import (
    OPERATIONS,
    STATUS,
    AnyOperation,
    Style,
    each_operation,
    new_client,
    per_operation,
    serve,
    strict_start,
)
from contract_tests.support.examples import ok_example
from contract_tests.support.round_trip import comparable
from kulmipay_toolkit import spec
from kulmipay_toolkit.strict import ContractViolation, strict_parse


def declared_statuses(operation: AnyOperation) -> dict[str, tuple[int]]:
    return {str(status): (status,) for status in sorted(spec.declared_statuses(operation.id))}


@pytest.mark.parametrize(("operation", "status"), per_operation(declared_statuses))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_spec_generated_reply_is_parsed_to_its_model(operation: AnyOperation, status: int, data: Any) -> None:
    """`strict_parse(..., operation_id=...)` takes every spec-valid reply to the right model: the
    operation's own for a 200, field errors or Error otherwise."""
    body = data.draw(strategies.response_bodies(operation.id, status))
    parsed = strict_parse(httpx.Response(status, json=body), operation_id=operation.id)
    if status == 200:
        assert isinstance(parsed, operation.ok_model)
        schema = spec.response_schema(200, operation.id)
        assert comparable(parsed.to_dict(), schema) == comparable(body, schema)
    else:
        field_errors = status == 400 and all(isinstance(value, list) for value in body.values())
        assert isinstance(parsed, ValidationError if field_errors else Error)
        assert parsed.to_dict() == body


@each_operation
def test_strict_helper_sends_what_sync_detailed_sends(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    """It builds the request with the generated `_get_kwargs`; this keeps the two from drifting."""
    route = operation.serve(router, httpx.Response(401, json={"detail": "Invalid api token"}))
    operation.call(style, new_client())
    operation.strict_call(style, new_client())
    assert route.call_count == 2
    generated, checked = (call.request for call in route.calls)
    assert (checked.method, checked.url, checked.content) == (
        generated.method,
        generated.url,
        generated.content,
    )
    assert checked.headers.multi_items() == generated.headers.multi_items()


@each_operation
@pytest.mark.parametrize(
    ("status", "detail"),
    [(404, "Not found."), (503, "Service temporarily unavailable, try again later.")],
    ids=["404", "503"],
)
def test_strict_helper_answers_like_sync_detailed(
    style: Style, router: respx.MockRouter, operation: AnyOperation, status: int, detail: str
) -> None:
    """Status code, content, headers, and the parsed error (a 404 is the status call's unknown invoice)."""
    body = {"detail": detail}
    operation.serve(router, httpx.Response(status, json=body, headers={"X-Request-Id": "r-1"}))
    reply = operation.strict_call(style, new_client())
    assert reply.status_code is HTTPStatus(status)
    assert json.loads(reply.content) == body
    assert reply.headers["x-request-id"] == "r-1"
    assert isinstance(reply.parsed, Error) and reply.parsed.detail == detail


@each_operation
@pytest.mark.parametrize("status", [200, 401])
def test_strict_parse_reads_the_generated_response_too(
    router: respx.MockRouter, operation: AnyOperation, status: int
) -> None:
    """`strict_parse` takes the generated client's own `Response` (of the spec's 200 example, or a 401)."""
    body = ok_example(operation.id) if status == 200 else {"detail": "Invalid api token"}
    operation.serve(router, httpx.Response(status, json=body))
    parsed = strict_parse(operation.call("sync", new_client()), operation_id=operation.id)
    assert isinstance(parsed, operation.ok_model if status == 200 else Error)
    assert parsed.to_dict() == body


def test_strict_parse_judges_by_the_operation_it_is_told() -> None:
    """The same reply is judged per operation: a status 200 is no push 200, nor the reverse
    (`operation_id` defaults to the push, so a status reply needs it said)."""
    status_reply = httpx.Response(200, json=ok_example(STATUS.id, "complete"))
    assert isinstance(strict_parse(status_reply, operation_id=STATUS.id), PaymentStatusResponse)
    with pytest.raises(ContractViolation, match='"customer" is a required property'):
        strict_parse(status_reply)
    push_reply = httpx.Response(200, json=ok_example(spec.STK_PUSH_OPERATION_ID))
    with pytest.raises(ContractViolation, match='"meta" is a required property'):
        strict_parse(push_reply, operation_id=STATUS.id)


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


@each_operation
def test_undeclared_status_is_a_violation_whatever_the_client_setting(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    """Whatever the client setting, the strict helper refuses a status the operation does not declare."""
    operation.serve(router, httpx.Response(418, json={"detail": "teapot"}))
    with pytest.raises(ContractViolation, match="Unknown response http status: 418"):
        operation.strict_call(style, new_client(raise_on_unexpected_status=False))


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
        strict_start(style, new_client())
    assert any(problem.startswith(complaint) for problem in raised.value.problems), raised.value.problems


def test_long_problems_are_shortened() -> None:
    with pytest.raises(ContractViolation) as raised:
        strict_parse(httpx.Response(401, content=b"x" * 5000, headers={"Content-Type": "application/json"}))
    assert len(str(raised.value)) < 300


# Each strict helper and the generated `*_detailed` it stands in for, by the helper's name.
STRICT_HELPERS: dict[str, tuple[Callable[..., object], Callable[..., object]]] = {
    helper.__name__: (helper, twin)
    for operation in OPERATIONS
    for helper, twin in [
        (operation.strict_sync, operation.sync_detailed),
        (operation.strict_async, operation.asyncio_detailed),
    ]
}


@pytest.mark.parametrize(("helper", "twin"), STRICT_HELPERS.values(), ids=STRICT_HELPERS.keys())
def test_strict_helper_is_keyword_only_like_the_generated_function(
    helper: Callable[..., object], twin: Callable[..., object]
) -> None:
    """Every parameter KEYWORD_ONLY, the same names as the generated `*_detailed` it stands in for,
    and async exactly when that is."""
    parameters = inspect.signature(helper).parameters.values()
    twin_parameters = inspect.signature(twin).parameters.values()
    assert [p.kind for p in parameters] == [inspect.Parameter.KEYWORD_ONLY] * len(parameters)
    assert [p.kind for p in twin_parameters] == [inspect.Parameter.KEYWORD_ONLY] * len(twin_parameters)
    assert [p.name for p in parameters] == [p.name for p in twin_parameters] == ["client", "body"]
    assert inspect.iscoroutinefunction(helper) == inspect.iscoroutinefunction(twin)


@each_operation
def test_strict_helper_refuses_positional_arguments(
    router: respx.MockRouter, operation: AnyOperation
) -> None:
    """Called positionally it fails before sending anything (no route: any request would fail too)."""
    with pytest.raises(TypeError, match="positional argument"):
        operation.strict_sync(new_client(), operation.valid_request())
    assert router.calls.call_count == 0
