"""The key never leaks into text: not through exceptions, failed responses or strict-helper errors.
The one place it does (the generated client's own repr) is pinned as a known leak."""

from __future__ import annotations

import httpx
import pytest
import respx
from kulmipay_client import AuthenticatedClient, errors

from contract_tests.conftest import TEST_KEY
from contract_tests.unit.calls import BASE_URL, Style, new_client, serve, start, strict_start, valid_push
from kulmipay_toolkit import keys
from kulmipay_toolkit.strict import ContractViolation


def assert_hidden(*things: object) -> None:
    for thing in things:
        assert TEST_KEY not in str(thing) and TEST_KEY not in repr(thing), type(thing)


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


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(401, text=f"bad key {TEST_KEY}", headers={"Content-Type": "application/json"}),
        httpx.Response(200, json={"invoice": {}, "customer": {}, "customer_comment": f"Bearer {TEST_KEY}!"}),
        httpx.Response(400, json={"detail": [f"Bearer {TEST_KEY}"], "amount": "x"}),
        httpx.Response(401, text=f"Bearer {TEST_KEY}", headers={"Content-Type": "text/plain"}),
        httpx.Response(418, json={"detail": TEST_KEY}),
    ],
    ids=["not-json", "broken-pattern", "field-errors", "text-plain", "undeclared"],
)
def test_contract_violation_does_not_show_an_echoed_key(
    style: Style, router: respx.MockRouter, reply: httpx.Response
) -> None:
    serve(router, reply)
    with pytest.raises(ContractViolation) as raised:
        strict_start(style, new_client(), valid_push())
    assert_hidden(raised.value, *raised.value.args, *raised.value.problems)


def test_contract_violation_redacts_a_key_of_any_shape(style: Style) -> None:
    """A key that does not look like a KulmiPay key is still the client's token: redacted by value."""
    odd_key = "sk-unusual-0123456789abcdef"
    client = AuthenticatedClient(base_url=BASE_URL, token=odd_key)
    with respx.mock(base_url=BASE_URL) as router:
        serve(router, httpx.Response(200, json={"customer": {}, "invoice": odd_key}))
        with pytest.raises(ContractViolation) as raised:
            strict_start(style, client, valid_push())
    assert odd_key not in str(raised.value) and keys.REDACTED in str(raised.value)
