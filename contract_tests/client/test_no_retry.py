"""The STK push is not idempotent (a retry is a second prompt, maybe a second charge): whatever goes
wrong, the client sends exactly one request and the failure surfaces typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from kulmipay_client.models import Error

from contract_tests.support.calls import Style, new_client, serve, start, strict_start, valid_push
from kulmipay_toolkit.strict import ContractViolation

CALLS = {"generated": start, "strict": strict_start}
TRANSPORT_FAILURES: dict[str, type[httpx.TransportError]] = {
    "connect-timeout": httpx.ConnectTimeout,
    "read-timeout": httpx.ReadTimeout,
    "connection-dropped": httpx.RemoteProtocolError,
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("failure", TRANSPORT_FAILURES.values(), ids=TRANSPORT_FAILURES.keys())
def test_transport_failure_is_sent_once_and_raised_typed(
    style: Style, router: respx.MockRouter, call: Callable[..., object], failure: type[httpx.TransportError]
) -> None:
    route = serve(router, side_effect=failure)
    with pytest.raises(failure):
        call(style, new_client(), valid_push())
    assert route.call_count == 1


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
    style: Style, router: respx.MockRouter, call: Callable[..., Any], reply: httpx.Response
) -> None:
    route = serve(router, reply)
    answer = call(style, new_client(), valid_push())
    assert route.call_count == 1
    assert answer.status_code == reply.status_code
    assert isinstance(answer.parsed, Error)


def test_strict_helper_sends_once_when_the_error_reply_breaks_the_spec(
    style: Style, router: respx.MockRouter
) -> None:
    route = serve(router, httpx.Response(502, text="<html>Bad Gateway</html>"))
    with pytest.raises(ContractViolation, match=r"^HTTP 502 "):
        strict_start(style, new_client(), valid_push())
    assert route.call_count == 1
