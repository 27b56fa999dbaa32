"""The generated client never shows the key in text, whichever operation it calls: not in its repr,
the requests it sent, its exceptions or failed replies, nor the strict helper's replies. (What the
toolkit raises is in test_keys.py.)"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import respx
from kulmipay_client import errors

from contract_tests.support import TEST_KEY, assert_hidden
from contract_tests.support.calls import (
    CALLS,
    TRANSPORT_FAILURES,
    AnyOperation,
    Style,
    each_operation,
    new_client,
)
from contract_tests.support.examples import ok_example


@each_operation
def test_client_repr_does_not_show_the_key(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    """attrs would print every field, `token` included, and after a call the Authorization header
    in `_headers` too; the client template in spec/templates/ marks both `repr=False`."""
    client = new_client()
    assert TEST_KEY not in repr(client) and str(client) == repr(client)
    operation.serve(router, httpx.Response(401, json={"detail": "Invalid api token"}))
    operation.call(style, client)
    assert client.token == TEST_KEY  # still there, just not printed
    assert TEST_KEY not in repr(client)


@each_operation
def test_sent_request_does_not_show_the_key(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    """The key is on the wire, and in no repr of the request (httpx prints `[secure]`)."""
    route = operation.serve(router, httpx.Response(401, json={"detail": "Invalid api token"}))
    operation.call(style, new_client())
    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert_hidden(request, request.headers, request.url)


@each_operation
def test_unexpected_status_does_not_show_the_key(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    operation.serve(router, httpx.Response(418, json={"detail": "teapot"}))
    with pytest.raises(errors.UnexpectedStatus) as raised:
        operation.call(style, new_client())
    assert_hidden(raised.value, *raised.value.args)


@each_operation
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("failure", TRANSPORT_FAILURES.values(), ids=TRANSPORT_FAILURES.keys())
def test_transport_errors_do_not_show_the_key(
    style: Style,
    router: respx.MockRouter,
    operation: AnyOperation,
    call: Callable[..., object],
    failure: type[httpx.TransportError],
) -> None:
    operation.serve(router, side_effect=failure)
    with pytest.raises(failure) as raised:
        call(operation, style, new_client())
    assert_hidden(raised.value, raised.value.request, raised.value.request.headers, *raised.value.args)


@each_operation
@pytest.mark.parametrize("status", [200, 404, 503])
def test_replies_do_not_show_the_key(
    style: Style, router: respx.MockRouter, operation: AnyOperation, status: int
) -> None:
    """Neither the generated function's Response, headers or parsed model carries the key, nor the
    strict helper's."""
    body = ok_example(operation.id) if status == 200 else {"detail": "Not found."}
    operation.serve(router, httpx.Response(status, json=body))
    reply = operation.call(style, new_client())
    strict_reply = operation.strict_call(style, new_client())
    assert_hidden(reply, reply.headers, reply.parsed, strict_reply, strict_reply.parsed)
