"""The status twin of support/calls.py, captured.py and examples.py: calling `get_payment_status` the two
ways users do (sync and asyncio) against respx, the request it sent, and the spec's own 200 examples.

The client settings, base URL and call styles are support/calls.py's own: only the operation differs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import httpx
import respx
from kulmipay_client import AuthenticatedClient
from kulmipay_client.api.payment import get_payment_status
from kulmipay_client.models import Error, PaymentStatusRequest, PaymentStatusResponse, ValidationError
from kulmipay_client.types import Response

from contract_tests.support.calls import BASE_URL, Style, in_style, new_client
from kulmipay_toolkit import spec, strict
from kulmipay_toolkit.spec import JSON

StatusParsed = Response[Error | ValidationError | PaymentStatusResponse]

STATUS_ID = spec.STATUS_OPERATION_ID
# The spec's 200 examples, by the state each shows: `pending` -> `components/examples/StatusPending`.
STATES = ("pending", "processing", "complete", "failed")

# The reply does not matter when only the request does; a small declared one keeps parsing out of the way.
_REPLY = httpx.Response(401, json={"detail": "Invalid api token"})


def valid_status() -> PaymentStatusRequest:
    """The spec's first request example (`byInvoice`), as a model."""
    return PaymentStatusRequest.from_dict(spec.request_examples(STATUS_ID)[0])


def serve_status(router: respx.MockRouter, reply: httpx.Response | None = None, **mock: Any) -> respx.Route:
    """Answers the status path (as the spec spells it) with `reply`, or as `mock` says."""
    route: respx.Route = router.post(spec.status_path())
    return route.mock(return_value=reply, **mock)


def get_status(style: Style, client: AuthenticatedClient, body: PaymentStatusRequest) -> StatusParsed:
    """`get_payment_status.sync_detailed` or `asyncio_detailed`."""
    return in_style(
        style,
        client,
        lambda: get_payment_status.sync_detailed(client=client, body=body),
        lambda: get_payment_status.asyncio_detailed(client=client, body=body),
    )


def strict_get_status(
    style: Style, client: AuthenticatedClient, body: PaymentStatusRequest
) -> Response[strict.ParsedModel]:
    """The strict helper's sync or async variant."""
    return in_style(
        style,
        client,
        lambda: strict.strict_get_payment_status(client=client, body=body),
        lambda: strict.strict_get_payment_status_async(client=client, body=body),
    )


def captured_status(style: Style, body: PaymentStatusRequest) -> httpx.Request:
    """The one request `body` became."""
    with respx.mock(base_url=BASE_URL) as router:
        route = serve_status(router, _REPLY)
        get_status(style, new_client(), body)
    assert route.call_count == 1
    request: httpx.Request = route.calls.last.request
    return request


def status_spec_errors(request: httpx.Request) -> list[Exception]:
    """Every way the captured request breaks the spec: method, path, headers, body."""
    return spec.request_errors(
        request.content,
        headers=dict(request.headers),
        method=request.method.lower(),
        path=request.url.path.removeprefix(spec.base_path()),
        content_type=request.headers.get("content-type", ""),
    )


def status_examples() -> dict[str, JSON]:
    """The 200 reply's examples, by name (fresh copies)."""
    media = spec.resolve(spec.operation(STATUS_ID)[2]["responses"]["200"])["content"]["application/json"]
    return {
        name: copy.deepcopy(spec.resolve(example)["value"]) for name, example in media["examples"].items()
    }


def status_example(state: str = "pending", change: Callable[[JSON], object] = lambda body: None) -> JSON:
    """The spec's 200 example for `state` (a fresh copy), after `change`."""
    body = status_examples()[state]
    change(body)
    return body
