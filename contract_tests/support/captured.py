"""Requests the generated client put on the wire (caught by respx), and the spec's verdict on them."""

from __future__ import annotations

from typing import Any

import httpx
import respx

from contract_tests.support.calls import BASE_URL, Operation, RequestT, Style, new_client
from kulmipay_toolkit import spec

# The reply does not matter here; a small declared one keeps parsing out of the way.
_REPLY = httpx.Response(401, json={"detail": "Invalid api token"})


def captured(style: Style, operation: Operation[RequestT, Any], body: RequestT) -> httpx.Request:
    """The one request `body` became."""
    with respx.mock(base_url=BASE_URL) as router:
        route = operation.serve(router, _REPLY)
        operation.call(style, new_client(), body)
    assert route.call_count == 1
    request: httpx.Request = route.calls.last.request
    return request


def spec_errors(request: httpx.Request, contract: spec.Spec | None = None) -> list[Exception]:
    """Every way the captured request breaks the spec (or another `contract`): method, path,
    headers, body."""
    contract = contract or spec.default()
    return contract.request_errors(
        request.content,
        headers=dict(request.headers),
        method=request.method.lower(),
        path=request.url.path.removeprefix(contract.base_path()),
        content_type=request.headers.get("content-type", ""),
    )
