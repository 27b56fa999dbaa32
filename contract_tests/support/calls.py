"""Calling the generated client the two ways users do (sync and asyncio), against respx.

Every call opens and closes its client, so each call wants a fresh one (`new_client`)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar

import httpx
import respx
from kulmipay_client import AuthenticatedClient
from kulmipay_client.api.payment import start_mpesa_stk_push
from kulmipay_client.models import Error, StkPushRequest, StkPushResponse, ValidationError
from kulmipay_client.types import Response

from contract_tests.support import TEST_KEY, VALID_PUSH
from kulmipay_toolkit import spec, strict

Style = Literal["sync", "async"]
R = TypeVar("R")
STYLES: tuple[Style, ...] = ("sync", "async")
Parsed = Response[Error | ValidationError | StkPushResponse]

# `.test` is reserved (RFC 2606): should respx ever let a request through, nothing real answers.
BASE_URL = f"https://sandbox.kulmipay.test{spec.base_path()}"
# Built once: a fresh httpx client otherwise loads the CA bundle again, ~40 ms of every call.
_TLS = ssl.create_default_context()


def new_client(**settings: Any) -> AuthenticatedClient:
    defaults: dict[str, Any] = {"raise_on_unexpected_status": True, "verify_ssl": _TLS}
    return AuthenticatedClient(base_url=BASE_URL, token=TEST_KEY, **(defaults | settings))


def valid_push() -> StkPushRequest:
    return StkPushRequest(amount=VALID_PUSH["amount"], phone_number=VALID_PUSH["phone_number"])


def serve(router: respx.MockRouter, reply: httpx.Response | None = None, **mock: Any) -> respx.Route:
    """Answers the STK push path (as the spec spells it) with `reply`, or as `mock` says."""
    route: respx.Route = router.post(spec.stk_push_path())
    return route.mock(return_value=reply, **mock)


def in_style(
    style: Style, client: AuthenticatedClient, sync: Callable[[], R], asynchronous: Callable[[], Awaitable[R]]
) -> R:
    """One call, the way `style` says, inside the client's own context (each call opens and closes it)."""
    if style == "sync":
        with client:
            return sync()

    async def run() -> R:
        async with client:
            return await asynchronous()

    return asyncio.run(run())


def start(style: Style, client: AuthenticatedClient, body: StkPushRequest) -> Parsed:
    """`sync_detailed` or `asyncio_detailed`."""
    return in_style(
        style,
        client,
        lambda: start_mpesa_stk_push.sync_detailed(client=client, body=body),
        lambda: start_mpesa_stk_push.asyncio_detailed(client=client, body=body),
    )


def strict_start(
    style: Style, client: AuthenticatedClient, body: StkPushRequest
) -> Response[strict.ParsedModel]:
    """The strict helper's sync or async variant."""
    return in_style(
        style,
        client,
        lambda: strict.strict_start_mpesa_stk_push(client=client, body=body),
        lambda: strict.strict_start_mpesa_stk_push_async(client=client, body=body),
    )
