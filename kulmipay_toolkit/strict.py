"""Strict parsing of STK push replies: the spec judges a reply before the generated models read it.

The generated client (openapi-python-client) checks little: it ignores the Content-Type, response
headers, patterns, most formats and the JSON types of plain fields, and reads a 400 `{"detail": ...}`
as a `ValidationError` (contract_tests/client/test_client_leniency.py pins each). Here
`spec.response_errors` judges the reply first: openapi-core its status, media type and headers, and
the body the same jsonschema-rs validator the emulator and the conformance checks use, formats
included. Only a reply the spec allows reaches the generated models.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any, Protocol

import attrs
import httpx
from kulmipay_client import AuthenticatedClient, Client
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

from . import spec
from .errors import BodySchemaError
from .errors import ContractViolation as ContractViolation  # raised to users of the strict helpers

# Any model a documented reply parses into.
ParsedModel = StkPushResponse | PaymentStatusResponse | Error | ValidationError


class RawResponse(Protocol):
    """What strict parsing reads: an `httpx.Response` or the generated client's `Response`."""

    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


def strict_parse(
    response: RawResponse,
    *,
    secrets: Iterable[str | None] = (),
    operation_id: str = spec.STK_PUSH_OPERATION_ID,
    contract: spec.Spec | None = None,
) -> ParsedModel:
    """The reply as a generated model, once the spec allows it; `ContractViolation` otherwise.

    `secrets` (the key in use) are redacted from the error; key-shaped text always is. `contract`:
    judge by another `Spec` (an edited copy) instead of the one this package ships."""
    status = int(response.status_code)
    headers = dict(response.headers)
    content_type = next((value for name, value in headers.items() if name.lower() == "content-type"), "")
    contract = contract or spec.default()
    path = contract.operation(operation_id)[0]
    errors = contract.response_errors(
        status, response.content, content_type=content_type, headers=headers, path=path
    )
    if errors:
        raise ContractViolation(
            status, [line for error in errors for line in _described(error)], secrets=secrets
        )
    # Every declared reply is JSON, and `spec.response_errors` has just parsed this one: it cannot fail.
    data: dict[str, Any] = json.loads(response.content)
    try:
        model = _model(status, data, operation_id)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # The spec allows the body and the generated code still chokes: client and spec disagree.
        problem = f"the generated client cannot read this spec-valid body: {type(exc).__name__}: {exc}"
        raise ContractViolation(status, [problem], secrets=secrets) from None
    # Some generated parsers swallow their own failure and keep the raw JSON value in a typed
    # field (a lowercase `t` date-time, a leap second, a PaymentLink it cannot read): a model
    # that lies about its types is a disagreement too.
    raw = _kept_raw(model, "$")
    if raw:
        problems = [
            f"the generated client cannot read this spec-valid body: it kept {where} raw, not as {kind}"
            for where, kind in raw
        ]
        raise ContractViolation(status, problems, secrets=secrets)
    return model


def strict_start_mpesa_stk_push(
    *, client: AuthenticatedClient | Client, body: StkPushRequest
) -> Response[ParsedModel]:
    """`start_mpesa_stk_push.sync_detailed`, with `parsed` strictly parsed. Sends exactly once."""
    # Not `sync_detailed` itself: it parses while it answers, so the replies this module exists to
    # report would surface as KeyError or JSONDecodeError from inside it, before any check. The
    # request is still the generated one (`_get_kwargs`), sent on the client's own httpx client.
    response = client.get_httpx_client().request(**start_mpesa_stk_push._get_kwargs(body=body))
    return _checked(client, response)


async def strict_start_mpesa_stk_push_async(
    *, client: AuthenticatedClient | Client, body: StkPushRequest
) -> Response[ParsedModel]:
    """`start_mpesa_stk_push.asyncio_detailed`, with `parsed` strictly parsed. Sends exactly once."""
    response = await client.get_async_httpx_client().request(**start_mpesa_stk_push._get_kwargs(body=body))
    return _checked(client, response)


def strict_get_payment_status(
    *, client: AuthenticatedClient | Client, body: PaymentStatusRequest
) -> Response[ParsedModel]:
    """`get_payment_status.sync_detailed`, with `parsed` strictly parsed. Sends exactly once."""
    response = client.get_httpx_client().request(**get_payment_status._get_kwargs(body=body))
    return _checked(client, response, spec.STATUS_OPERATION_ID)


async def strict_get_payment_status_async(
    *, client: AuthenticatedClient | Client, body: PaymentStatusRequest
) -> Response[ParsedModel]:
    """`get_payment_status.asyncio_detailed`, with `parsed` strictly parsed. Sends exactly once."""
    response = await client.get_async_httpx_client().request(**get_payment_status._get_kwargs(body=body))
    return _checked(client, response, spec.STATUS_OPERATION_ID)


def _checked(
    client: AuthenticatedClient | Client,
    response: httpx.Response,
    operation_id: str = spec.STK_PUSH_OPERATION_ID,
) -> Response[ParsedModel]:
    authorization = response.request.headers.get("authorization", "")
    token = client.token if isinstance(client, AuthenticatedClient) else None
    secrets = (authorization, authorization.partition(" ")[2], token)
    parsed = strict_parse(response, secrets=secrets, operation_id=operation_id)
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def _kept_raw(model: Any, where: str) -> list[tuple[str, str]]:
    """(path, declared type) of every field whose value is still raw JSON though typed otherwise."""
    found: list[tuple[str, str]] = []
    for attribute in attrs.fields(type(model)) if attrs.has(type(model)) else ():
        if attribute.name == "additional_properties":
            continue
        value, declared = getattr(model, attribute.name), str(attribute.type)
        path = f"{where}.{attribute.name}"
        typed_text = "datetime" in declared or "UUID" in declared
        typed_object = any(word[:1].isupper() for word in declared.split(" | ") if word != "Unset")
        if attrs.has(type(value)):
            found += _kept_raw(value, path)
        elif (isinstance(value, str) and typed_text) or (isinstance(value, dict) and typed_object):
            found.append((path, declared))
    return found


def _model(status: int, data: dict[str, Any], operation_id: str) -> ParsedModel:
    if status == HTTPStatus.OK and operation_id == spec.STATUS_OPERATION_ID:
        return PaymentStatusResponse.from_dict(data)
    if status == HTTPStatus.OK:
        return StkPushResponse.from_dict(data)
    # The 400 schema is anyOf(ValidationError, Error). The generated parser tries ValidationError
    # first, which never fails, so `{"detail": "..."}` would come back as a field error. The body
    # is valid here, so lists everywhere means field errors and anything else is an `Error`.
    if data and all(isinstance(value, list) for value in data.values()):
        return ValidationError.from_dict(data)
    return Error.from_dict(data)


def _described(error: Exception) -> list[str]:
    """What broke, one line each: `body $.invoice.created_at: "x" is not a "date-time"`."""
    # Imported here, as `spec` imports openapi-core: only on the way to a report does it cost anything.
    from openapi_core.validation.response.exceptions import HeaderValidationError

    if isinstance(error, BodySchemaError):
        return [f"body {error}"]
    if isinstance(error, HeaderValidationError):
        return [f"header {error.name}: {error.__cause__ or error}"]
    return [str(error.__cause__ or error)]
