"""When spec and client disagree the suite fails loudly: edit a copy of the spec (as if `make client`
had not been run after a change) and the unchanged client's traffic no longer passes the spec."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from contract_tests import support
from contract_tests.support.calls import Style, new_client, serve, start, strict_start, valid_push
from contract_tests.support.captured import spec_errors
from contract_tests.support.examples import pending_push
from kulmipay_toolkit import spec
from kulmipay_toolkit.strict import ContractViolation, strict_parse

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture()
def edited_spec(tmp_path: Path) -> Callable[[Edit], spec.Spec]:
    """A `Spec` loaded from an edited copy of the contract; the default one is not touched."""
    return functools.partial(support.edited_spec, tmp_path)


def rename_phone_number(document: dict[str, Any]) -> None:
    request = document["components"]["schemas"]["StkPushRequest"]
    request["properties"]["msisdn"] = request["properties"].pop("phone_number")
    request["required"] = ["msisdn" if name == "phone_number" else name for name in request["required"]]


def rename_invoice_currency(document: dict[str, Any]) -> None:
    invoice = document["components"]["schemas"]["Invoice"]
    invoice["properties"]["currency_code"] = invoice["properties"].pop("currency")
    invoice["required"] = ["currency_code" if name == "currency" else name for name in invoice["required"]]


def test_request_field_renamed_in_the_spec_fails_the_captured_request(
    style: Style, router: respx.MockRouter, edited_spec: Callable[[Edit], spec.Spec]
) -> None:
    route = serve(router, httpx.Response(401, json={"detail": "Invalid api token"}))
    start(style, new_client(), valid_push())
    request = route.calls.last.request
    assert spec_errors(request) == []
    edited = edited_spec(rename_phone_number)
    assert "msisdn" in edited.request_fields()
    errors = spec_errors(request, edited)
    assert errors, "the client still sends phone_number and the spec now wants msisdn"
    assert '$: "msisdn" is a required property' in [str(error) for error in errors]


def test_response_field_renamed_in_the_spec_fails_the_strict_helper(
    style: Style, router: respx.MockRouter, edited_spec: Callable[[Edit], spec.Spec]
) -> None:
    serve(router, httpx.Response(200, json=pending_push()))
    reply = strict_start(style, new_client(), valid_push())  # today's contract: fine
    edited = edited_spec(rename_invoice_currency)
    with pytest.raises(ContractViolation, match=r'\$\.invoice: "currency_code" is a required property'):
        strict_parse(
            httpx.Response(reply.status_code, content=reply.content, headers=reply.headers), contract=edited
        )
