"""Neither call is retried: the STK push is not idempotent (a retry is a second prompt, maybe a
second charge), and a status read is not retried either. Whatever goes wrong, the generated client
and the strict helper send exactly one request and the failure surfaces typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from kulmipay_client.models import Error

from contract_tests.support.calls import (
    CALLS,
    TRANSPORT_FAILURES,
    AnyOperation,
    Style,
    each_operation,
    new_client,
)
from kulmipay_toolkit.strict import ContractViolation


@each_operation
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("failure", TRANSPORT_FAILURES.values(), ids=TRANSPORT_FAILURES.keys())
def test_transport_failure_is_sent_once_and_raised_typed(
    style: Style,
    router: respx.MockRouter,
    operation: AnyOperation,
    call: Callable[..., object],
    failure: type[httpx.TransportError],
) -> None:
    """A timeout or a dropped connection: one request, the httpx error raised as it is."""
    route = operation.serve(router, side_effect=failure)
    with pytest.raises(failure):
        call(operation, style, new_client())
    assert route.call_count == 1


@each_operation
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(503, json={"detail": "Service temporarily unavailable, try again later."}),
        httpx.Response(500, json={"detail": "A server error occurred."}),
        httpx.Response(429, json={"detail": "Request was throttled."}, headers={"Retry-After": "1"}),
    ],
    ids=["503", "500", "429"],
)
def test_server_error_is_sent_once_and_parsed_as_error(
    style: Style,
    router: respx.MockRouter,
    operation: AnyOperation,
    call: Callable[..., Any],
    reply: httpx.Response,
) -> None:
    """429, 500 and 503 (even with Retry-After): one request, the reply parsed as an Error."""
    route = operation.serve(router, reply)
    answer = call(operation, style, new_client())
    assert route.call_count == 1
    assert answer.status_code == reply.status_code
    assert isinstance(answer.parsed, Error)


@each_operation
def test_strict_helper_sends_once_when_the_error_reply_breaks_the_spec(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    route = operation.serve(router, httpx.Response(502, text="<html>Bad Gateway</html>"))
    with pytest.raises(ContractViolation, match=r"^HTTP 502 "):
        operation.strict_call(style, new_client())
    assert route.call_count == 1
