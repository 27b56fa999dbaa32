"""What the generated client accepts that the spec forbids (and a few things it refuses that the spec
allows), each pinned so that a generator upgrade that changes it is noticed; and for each, the strict
helper's verdict. The replies are the spec's own PendingPush example with one thing broken."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import httpx
import pytest
import respx
from kulmipay_client.models import Error, StkPushResponse, ValidationError

from contract_tests.support.calls import Parsed, Style, new_client, serve, start, strict_start, valid_push
from contract_tests.support.examples import pending_push
from kulmipay_toolkit.spec import JSON
from kulmipay_toolkit.strict import ContractViolation


def generated(style: Style, router: respx.MockRouter, reply: httpx.Response) -> Parsed:
    serve(router, reply)
    return start(style, new_client(), valid_push())


def strict_problems(style: Style, router: respx.MockRouter, reply: httpx.Response) -> str:
    """The strict helper's complaint, which it must have."""
    serve(router, reply)
    with pytest.raises(ContractViolation) as raised:
        strict_start(style, new_client(), valid_push())
    assert raised.value.status == reply.status_code
    return "; ".join(raised.value.problems)


def test_pending_push_example_passes_both(style: Style, router: respx.MockRouter) -> None:
    """The baseline every case below breaks one thing of."""
    reply = httpx.Response(200, json=pending_push())
    assert isinstance(generated(style, router, reply).parsed, StkPushResponse)
    assert isinstance(strict_start(style, new_client(), valid_push()).parsed, StkPushResponse)


def test_lenient_non_date_time_string_is_accepted_by_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    """The nullable top-level date-times fall back to the raw value when it does not parse."""
    reply = httpx.Response(
        200, json=pending_push(lambda body: body.update(created_at="yesterday", updated_at=5))
    )
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, StkPushResponse)
    # Typed `datetime | None`, holding a str and an int.
    held: tuple[object, object] = (parsed.created_at, parsed.updated_at)
    assert held == ("yesterday", 5)
    problems = strict_problems(style, router, reply)
    assert '$.created_at: "yesterday" is not a "date-time"' in problems
    assert '$.updated_at: 5 is not of types "null", "string"' in problems


@pytest.mark.parametrize(
    ("spelled", "read_as"),
    [
        ("2023-11-07", datetime.datetime(2023, 11, 7)),
        ("2023-11-07T05:31:56", datetime.datetime(2023, 11, 7, 5, 31, 56)),
        ("2023-11-07 05:31:56+00:00", datetime.datetime(2023, 11, 7, 5, 31, 56, tzinfo=datetime.UTC)),
        ("20231107T053156Z", datetime.datetime(2023, 11, 7, 5, 31, 56, tzinfo=datetime.UTC)),
    ],
    ids=["date-only", "no-offset", "space-separator", "basic-format"],
)
def test_lenient_non_rfc3339_date_time_is_accepted_by_generated_client(
    style: Style, router: respx.MockRouter, spelled: str, read_as: datetime.datetime
) -> None:
    """`datetime.fromisoformat` reads any ISO 8601, not RFC 3339: naive times slip through too."""
    reply = httpx.Response(200, json=pending_push(lambda body: body["invoice"].update(created_at=spelled)))
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, StkPushResponse)
    assert parsed.invoice.created_at == read_as
    assert f'$.invoice.created_at: "{spelled}" is not a "date-time"' in strict_problems(style, router, reply)


def test_lowercase_rfc3339_date_time_is_rejected_by_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    """The reverse: RFC 3339 allows `t` and `z`, the spec's validator agrees, Python 3.11 does not.
    The strict helper says the spec allows it and the client cannot read it."""
    reply = httpx.Response(
        200, json=pending_push(lambda body: body["invoice"].update(created_at="2023-11-07t05:31:56z"))
    )
    with pytest.raises(ValueError, match="Invalid isoformat string"):
        generated(style, router, reply)
    assert "the generated client cannot read this spec-valid body" in strict_problems(style, router, reply)


def test_lenient_customer_comment_pattern_is_not_checked_by_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    reply = httpx.Response(200, json=pending_push(lambda body: body.update(customer_comment="paid! <b>")))
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, StkPushResponse) and parsed.customer_comment == "paid! <b>"
    assert '$.customer_comment: "paid! <b>" does not match' in strict_problems(style, router, reply)


@pytest.mark.parametrize(
    "spelled",
    [
        "3C90C3CC0D444B5088888DD25736052A",
        "{3c90c3cc-0d44-4b50-8888-8dd25736052a}",
        "urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a",
    ],
    ids=["no-hyphens", "braces", "urn"],
)
def test_lenient_non_canonical_uuid_is_accepted_by_generated_client(
    style: Style, router: respx.MockRouter, spelled: str
) -> None:
    """`uuid.UUID()` reads several spellings the `uuid` format refuses; `to_dict()` then re-spells it."""
    reply = httpx.Response(200, json=pending_push(lambda body: body.update(id=spelled)))
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, StkPushResponse)
    assert parsed.id == uuid.UUID("3c90c3cc-0d44-4b50-8888-8dd25736052a")
    assert parsed.to_dict()["id"] != spelled
    assert f'$.id: "{spelled}" is not a "uuid"' in strict_problems(style, router, reply)


def test_non_uuid_id_raises_value_error_in_generated_client(style: Style, router: respx.MockRouter) -> None:
    reply = httpx.Response(200, json=pending_push(lambda body: body.update(id="not-a-uuid")))
    with pytest.raises(ValueError, match="badly formed hexadecimal UUID string"):
        generated(style, router, reply)
    assert '$.id: "not-a-uuid" is not a "uuid"' in strict_problems(style, router, reply)


def test_unknown_invoice_state_raises_value_error_in_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    """Enums are checked: the state is a StrEnum, so an unknown one is a ValueError naming it."""
    reply = httpx.Response(200, json=pending_push(lambda body: body["invoice"].update(state="SETTLED")))
    with pytest.raises(ValueError, match="'SETTLED' is not a valid"):
        generated(style, router, reply)
    assert '$.invoice.state: "SETTLED" is not one of' in strict_problems(style, router, reply)


def test_missing_required_invoice_field_raises_key_error_in_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    reply = httpx.Response(200, json=pending_push(lambda body: body["invoice"].pop("invoice_id")))
    with pytest.raises(KeyError, match="invoice_id"):
        generated(style, router, reply)
    assert '$.invoice: "invoice_id" is a required property' in strict_problems(style, router, reply)


@pytest.mark.parametrize(
    ("where", "field", "value"),
    [
        ("invoice", "retry_count", "3"),
        ("invoice", "retry_count", True),
        ("invoice", "value", 10),
        ("invoice", "currency", None),
        ("invoice", "mpesa_reference", 42),
        ("customer", "phone_number", 254712345678),
        ("customer", "email", "not-an-email"),
        (None, "refundable", False),
    ],
    ids=lambda item: str(item),
)
def test_lenient_wrong_json_type_is_accepted_by_generated_client(
    style: Style, router: respx.MockRouter, where: str | None, field: str, value: Any
) -> None:
    """Plain fields are taken as they come: no type, format or nullability check."""

    def change(body: JSON) -> None:
        (body if where is None else body[where])[field] = value

    reply = httpx.Response(200, json=pending_push(change))
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, StkPushResponse)
    assert getattr(parsed if where is None else getattr(parsed, where), field) == value
    path = f"$.{field}" if where is None else f"$.{where}.{field}"
    assert f"{path}: " in strict_problems(style, router, reply)


@pytest.mark.parametrize("link", ["https://pay.example/x", {"id": "not-a-uuid", "is_active": True}])
def test_lenient_malformed_payment_link_is_kept_raw_by_generated_client(
    style: Style, router: respx.MockRouter, link: Any
) -> None:
    """`payment_link` is oneOf(PaymentLink, null): what fails PaymentLink is kept as the raw value
    (the model's ValueError on the bad uuid is swallowed)."""
    reply = httpx.Response(200, json=pending_push(lambda body: body.update(payment_link=link)))
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, StkPushResponse) and parsed.payment_link == link
    assert "$.payment_link: " in strict_problems(style, router, reply)


@pytest.mark.parametrize("content_type", ["text/html", "text/plain; charset=utf-8", None])
def test_lenient_content_type_is_ignored_by_generated_client(
    style: Style, router: respx.MockRouter, content_type: str | None
) -> None:
    reply = httpx.Response(200, json=pending_push())
    if content_type is None:
        del reply.headers["content-type"]
    else:
        reply.headers["content-type"] = content_type
    assert isinstance(generated(style, router, reply).parsed, StkPushResponse)
    assert "Content for the following mimetype not found" in strict_problems(style, router, reply)


@pytest.mark.parametrize("body", [{"detail": ""}, {"detail": 5}, {"detail": None}])
def test_lenient_error_detail_is_not_checked_by_generated_client(
    style: Style, router: respx.MockRouter, body: JSON
) -> None:
    reply = httpx.Response(401, json=body)
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, Error) and parsed.detail == body["detail"]
    assert "$.detail: " in strict_problems(style, router, reply)


def test_bad_request_detail_is_misparsed_as_validation_error_by_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    """A spec-valid 400 `{"detail": ...}` (the spec's own `malformed` example) never becomes an
    `Error`: ValidationError is tried first and accepts anything. The strict helper gets it right."""
    body = {"detail": "JSON parse error - Expecting value: line 1 column 1 (char 0)"}
    parsed = generated(style, router, httpx.Response(400, json=body)).parsed
    assert isinstance(parsed, ValidationError)
    held: object = parsed["detail"]  # typed list[str], holding a str
    assert held == body["detail"]
    strict_parsed = strict_start(style, new_client(), valid_push()).parsed
    assert isinstance(strict_parsed, Error) and strict_parsed.detail == body["detail"]


@pytest.mark.parametrize("body", [{}, {"amount": "Enter a valid amount."}, {"amount": []}])
def test_lenient_malformed_field_errors_are_accepted_by_generated_client(
    style: Style, router: respx.MockRouter, body: JSON
) -> None:
    """Empty (minProperties 1), a message that is not a list, an empty list (minItems 1)."""
    parsed = generated(style, router, httpx.Response(400, json=body)).parsed
    assert isinstance(parsed, ValidationError) and parsed.to_dict() == body
    problems = strict_problems(style, router, httpx.Response(400, json=body))
    assert (
        "$: " in problems and "not valid under any of the schemas listed in the 'anyOf' keyword" in problems
    )


def test_lenient_response_headers_are_not_checked_by_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    reply = httpx.Response(429, json={"detail": "Slow down."}, headers={"Retry-After": "soon"})
    assert isinstance(generated(style, router, reply).parsed, Error)
    assert "header Retry-After: " in strict_problems(style, router, reply)
