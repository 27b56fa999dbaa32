"""The generated client never shows the key in text: not in its repr, the requests it sent, its
exceptions or failed responses. (What the toolkit raises is in test_keys.py.)"""

from __future__ import annotations

import httpx
import pytest
import respx
from kulmipay_client import errors

from contract_tests.support import TEST_KEY, assert_hidden
from contract_tests.support.calls import Style, new_client, serve, start, strict_start, valid_push


def test_client_repr_does_not_show_the_key(style: Style, router: respx.MockRouter) -> None:
    """attrs would print every field, `token` included, and after a call the Authorization header
    in `_headers` too; the client template in spec/templates/ marks both `repr=False`."""
    client = new_client()
    assert TEST_KEY not in repr(client) and str(client) == repr(client)
    serve(router, httpx.Response(401, json={"detail": "Invalid api token"}))
    start(style, client, valid_push())
    assert client.token == TEST_KEY  # still there, just not printed
    assert TEST_KEY not in repr(client)


def test_sent_request_does_not_show_the_key(style: Style, router: respx.MockRouter) -> None:
    """httpx prints Authorization as `[secure]`."""
    route = serve(router, httpx.Response(401, json={"detail": "Invalid api token"}))
    start(style, new_client(), valid_push())
    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert_hidden(request, request.headers, request.url)


def test_unexpected_status_does_not_show_the_key(style: Style, router: respx.MockRouter) -> None:
    serve(router, httpx.Response(418, json={"detail": "teapot"}))
    with pytest.raises(errors.UnexpectedStatus) as raised:
        start(style, new_client(), valid_push())
    assert_hidden(raised.value, *raised.value.args)


@pytest.mark.parametrize("failure", [httpx.ConnectTimeout, httpx.ReadTimeout, httpx.RemoteProtocolError])
def test_transport_errors_do_not_show_the_key(
    style: Style, router: respx.MockRouter, failure: type[httpx.TransportError]
) -> None:
    serve(router, side_effect=failure)
    with pytest.raises(failure) as raised:
        start(style, new_client(), valid_push())
    assert_hidden(raised.value, raised.value.request, raised.value.request.headers, *raised.value.args)


def test_failed_response_does_not_show_the_key(style: Style, router: respx.MockRouter) -> None:
    serve(router, httpx.Response(503, json={"detail": "Service temporarily unavailable, try again later."}))
    reply = start(style, new_client(), valid_push())
    strict_reply = strict_start(style, new_client(), valid_push())
    assert_hidden(reply, reply.headers, reply.parsed, strict_reply, strict_reply.parsed)
