"""Calling the generated client's two operations the two ways users do (sync and asyncio), against respx.

An `Operation` is what a test needs of one: its generated `sync_detailed`/`asyncio_detailed`, the
strict helpers standing in for them, its path, the models of its request and of its 200. A test of
what both operations do takes one (`@each_operation`); the STK push's own tests use the `PUSH`
shorthands below (`start`, `strict_start`, `serve`, `valid_push`).

Every call opens and closes its client, so each call wants a fresh one (`new_client`)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import httpx
import pytest
import respx
from kulmipay_client import AuthenticatedClient
from kulmipay_client.api.payment import get_payment_status, start_mpesa_stk_push
from kulmipay_client.models import (
    Error,
    PaymentStatusRequest,
    PaymentStatusResponse,
    StkPushRequest,
    StkPushResponse,
    ValidationError,
)
from kulmipay_client.types import Response

from contract_tests.support import TEST_KEY, minimal_request
from kulmipay_toolkit import spec, strict

Style = Literal["sync", "async"]
R = TypeVar("R")
RequestT = TypeVar("RequestT", bound=StkPushRequest | PaymentStatusRequest)
OkT = TypeVar("OkT", bound=StkPushResponse | PaymentStatusResponse)
STYLES: tuple[Style, ...] = ("sync", "async")
# What the generated function answers: its 200's model or an error's.
Reply = Response[Error | ValidationError | OkT]

# `.test` is reserved (RFC 2606): should respx ever let a request through, nothing real answers.
BASE_URL = f"https://sandbox.kulmipay.test{spec.base_path()}"
# Built once: a fresh httpx client otherwise loads the CA bundle again, ~40 ms of every call.
_TLS = ssl.create_default_context()


def new_client(**settings: Any) -> AuthenticatedClient:
    defaults: dict[str, Any] = {"raise_on_unexpected_status": True, "verify_ssl": _TLS}
    return AuthenticatedClient(base_url=BASE_URL, token=TEST_KEY, **(defaults | settings))


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


@dataclass(frozen=True)
class Operation(Generic[RequestT, OkT]):
    """One operation of the generated client, as the tests call it."""

    name: str  # the test id: `push`, `status`
    id: str  # the spec's operationId
    request_model: type[RequestT]
    ok_model: type[OkT]
    sync_detailed: Callable[..., Reply[OkT]]
    asyncio_detailed: Callable[..., Awaitable[Reply[OkT]]]
    strict_sync: Callable[..., Response[strict.ParsedModel]]
    strict_async: Callable[..., Awaitable[Response[strict.ParsedModel]]]
    # Where a 200 holds the payment's own fields (`id`, `customer`, `customer_comment`,
    # `created_at`, `updated_at`, `payment_link`): the push's top level, the status reply's `meta`.
    details: str | None

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> str:
        """Its path below the base path, as the spec spells it."""
        return spec.operation(self.id)[0]

    @property
    def details_path(self) -> str:
        """The JSON path of `details` in the strict helper's complaints: `$` or `$.meta`."""
        return "$" if self.details is None else f"$.{self.details}"

    def details_of(self, reply: Any) -> Any:
        """The part of a 200, its JSON body or its parsed model, holding the payment's own fields."""
        if self.details is None:
            return reply
        return reply[self.details] if isinstance(reply, dict) else getattr(reply, self.details)

    def valid_request(self) -> RequestT:
        """The spec's request example with the required fields only, as a model."""
        return self.request_model(**minimal_request(self.id))

    def serve(
        self, router: respx.MockRouter, reply: httpx.Response | None = None, **mock: Any
    ) -> respx.Route:
        """Answers its path with `reply`, or as `mock` says."""
        route: respx.Route = router.post(self.path)
        return route.mock(return_value=reply, **mock)

    def call(self, style: Style, client: AuthenticatedClient, body: RequestT | None = None) -> Reply[OkT]:
        """`sync_detailed` or `asyncio_detailed`, with `body` (a valid request unless given)."""
        sent = self.valid_request() if body is None else body
        return in_style(
            style,
            client,
            lambda: self.sync_detailed(client=client, body=sent),
            lambda: self.asyncio_detailed(client=client, body=sent),
        )

    def strict_call(
        self, style: Style, client: AuthenticatedClient, body: RequestT | None = None
    ) -> Response[strict.ParsedModel]:
        """The strict helper's sync or async variant, with `body` (a valid request unless given)."""
        sent = self.valid_request() if body is None else body
        return in_style(
            style,
            client,
            lambda: self.strict_sync(client=client, body=sent),
            lambda: self.strict_async(client=client, body=sent),
        )


PUSH: Operation[StkPushRequest, StkPushResponse] = Operation(
    name="push",
    id=spec.STK_PUSH_OPERATION_ID,
    request_model=StkPushRequest,
    ok_model=StkPushResponse,
    sync_detailed=start_mpesa_stk_push.sync_detailed,
    asyncio_detailed=start_mpesa_stk_push.asyncio_detailed,
    strict_sync=strict.strict_start_mpesa_stk_push,
    strict_async=strict.strict_start_mpesa_stk_push_async,
    details=None,
)
STATUS: Operation[PaymentStatusRequest, PaymentStatusResponse] = Operation(
    name="status",
    id=spec.STATUS_OPERATION_ID,
    request_model=PaymentStatusRequest,
    ok_model=PaymentStatusResponse,
    sync_detailed=get_payment_status.sync_detailed,
    asyncio_detailed=get_payment_status.asyncio_detailed,
    strict_sync=strict.strict_get_payment_status,
    strict_async=strict.strict_get_payment_status_async,
    details="meta",
)
AnyOperation = Operation[Any, Any]
OPERATIONS: tuple[AnyOperation, ...] = (PUSH, STATUS)
# A test of what both operations do: `@each_operation` gives it `operation`, once per operation.
each_operation = pytest.mark.parametrize("operation", OPERATIONS, ids=str)


def per_operation(rows: Callable[[AnyOperation], Mapping[str, tuple[Any, ...]]]) -> list[Any]:
    """A table for `pytest.mark.parametrize(("operation", ...), per_operation(rows))`: each
    operation with each row `rows` gives it, the operation first, named `push-<row>`, `status-<row>`."""
    return [
        pytest.param(operation, *row, id=f"{operation}-{name}")
        for operation in OPERATIONS
        for name, row in rows(operation).items()
    ]


# Either way to make a call (`call(operation, style, client)`): the generated function, or the
# strict helper standing in for it.
CALLS: dict[str, Callable[..., Any]] = {"generated": Operation.call, "strict": Operation.strict_call}
# How the network fails a call, by test id.
TRANSPORT_FAILURES: dict[str, type[httpx.TransportError]] = {
    "connect-timeout": httpx.ConnectTimeout,
    "read-timeout": httpx.ReadTimeout,
    "connection-dropped": httpx.RemoteProtocolError,
}

# The STK push's, for the tests of it alone.
Parsed = Reply[StkPushResponse]
start = PUSH.call
strict_start = PUSH.strict_call
serve = PUSH.serve
valid_push = PUSH.valid_request
