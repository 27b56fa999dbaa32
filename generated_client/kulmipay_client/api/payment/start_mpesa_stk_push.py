from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.stk_push_request import StkPushRequest
from ...models.stk_push_response import StkPushResponse
from ...models.validation_error import ValidationError
from ...types import Response


def _get_kwargs(
    *,
    body: StkPushRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/payment/mpesa-stk-push/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ValidationError | StkPushResponse | None:
    if response.status_code in (
        200,
        400,
        401,
        403,
        404,
        405,
        413,
        415,
        429,
        500,
        503,
    ):
        try:
            response.json()
        except ValueError:
            raise errors.UnparsableResponse(response.status_code, response.content) from None
    if response.status_code == 200:
        response_200 = StkPushResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:

        def _parse_response_400(data: object) -> Error | ValidationError:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_bad_request_type_0 = ValidationError.from_dict(data)

                return componentsschemas_bad_request_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_bad_request_type_1 = Error.from_dict(data)

            return componentsschemas_bad_request_type_1

        response_400 = _parse_response_400(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 405:
        response_405 = Error.from_dict(response.json())

        return response_405

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ValidationError | StkPushResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: StkPushRequest,
) -> Response[Error | ValidationError | StkPushResponse]:
    """Start M-Pesa STK Push

     Sends an STK push prompt to `phone_number` for `amount` KES and returns the PENDING invoice.

    Path: the official SDK and the newest guide send `/payment/mpesa-stk-push/` with a
    trailing slash (`x-source: official-sdk`); the API reference page spells it
    `/payment/mpesa-stk-push` without one.

    Not idempotent: there is no idempotency key, so a retried request is a second prompt
    and possibly a second charge. Clients must not retry it automatically.

    Args:
        body (StkPushRequest): What the merchant sends. Unknown fields are ignored by the server.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Error | ValidationError | StkPushResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: StkPushRequest,
) -> Error | ValidationError | StkPushResponse | None:
    """Start M-Pesa STK Push

     Sends an STK push prompt to `phone_number` for `amount` KES and returns the PENDING invoice.

    Path: the official SDK and the newest guide send `/payment/mpesa-stk-push/` with a
    trailing slash (`x-source: official-sdk`); the API reference page spells it
    `/payment/mpesa-stk-push` without one.

    Not idempotent: there is no idempotency key, so a retried request is a second prompt
    and possibly a second charge. Clients must not retry it automatically.

    Args:
        body (StkPushRequest): What the merchant sends. Unknown fields are ignored by the server.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Error | ValidationError | StkPushResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: StkPushRequest,
) -> Response[Error | ValidationError | StkPushResponse]:
    """Start M-Pesa STK Push

     Sends an STK push prompt to `phone_number` for `amount` KES and returns the PENDING invoice.

    Path: the official SDK and the newest guide send `/payment/mpesa-stk-push/` with a
    trailing slash (`x-source: official-sdk`); the API reference page spells it
    `/payment/mpesa-stk-push` without one.

    Not idempotent: there is no idempotency key, so a retried request is a second prompt
    and possibly a second charge. Clients must not retry it automatically.

    Args:
        body (StkPushRequest): What the merchant sends. Unknown fields are ignored by the server.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Error | ValidationError | StkPushResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: StkPushRequest,
) -> Error | ValidationError | StkPushResponse | None:
    """Start M-Pesa STK Push

     Sends an STK push prompt to `phone_number` for `amount` KES and returns the PENDING invoice.

    Path: the official SDK and the newest guide send `/payment/mpesa-stk-push/` with a
    trailing slash (`x-source: official-sdk`); the API reference page spells it
    `/payment/mpesa-stk-push` without one.

    Not idempotent: there is no idempotency key, so a retried request is a second prompt
    and possibly a second charge. Clients must not retry it automatically.

    Args:
        body (StkPushRequest): What the merchant sends. Unknown fields are ignored by the server.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Error | ValidationError | StkPushResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
