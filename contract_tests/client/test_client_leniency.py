"""What the generated client accepts that the spec forbids (and a few things it refuses that the spec
allows), for either operation, each pinned so that a generator upgrade that changes it is noticed;
and for each, the strict helper's verdict. The replies are the spec's own 200 examples (`pending`
unless said) with one thing broken.

The two 200s share the invoice; the payment's own fields (`id`, `customer`, `customer_comment`,
`created_at`, `updated_at`, `payment_link`) are the push reply's top level and the status reply's
`meta` (`Operation.details`). The last tests are the status call's own: the invoice states."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import httpx
import pytest
import respx
from kulmipay_client.models import Error, PaymentLink, PaymentStatusResponse, ValidationError

from contract_tests.support.calls import (
    PUSH,
    STATUS,
    AnyOperation,
    Style,
    each_operation,
    new_client,
    per_operation,
)
from contract_tests.support.examples import (
    Change,
    ok_example,
    ok_examples,
    ok_reply,
    set_details,
    set_invoice,
)
from kulmipay_toolkit import spec, status_checks
from kulmipay_toolkit.spec import JSON
from kulmipay_toolkit.strict import ContractViolation

CANNOT_READ = "the generated client cannot read this spec-valid body"


def generated(style: Style, router: respx.MockRouter, operation: AnyOperation, reply: httpx.Response) -> Any:
    """The generated function's answer to `reply`."""
    operation.serve(router, reply)
    return operation.call(style, new_client())


def strict_problems(
    style: Style, router: respx.MockRouter, operation: AnyOperation, reply: httpx.Response
) -> str:
    """The strict helper's complaint, which it must have."""
    operation.serve(router, reply)
    with pytest.raises(ContractViolation) as raised:
        operation.strict_call(style, new_client())
    assert raised.value.status == reply.status_code
    return "; ".join(raised.value.problems)


@pytest.mark.parametrize(
    ("operation", "name"),
    per_operation(lambda operation: {name: (name,) for name in ok_examples(operation.id)}),
)
def test_spec_200_example_passes_both(
    style: Style, router: respx.MockRouter, operation: AnyOperation, name: str
) -> None:
    """The baseline every case below breaks one thing of."""
    example = ok_example(operation.id, name)
    assert isinstance(
        generated(style, router, operation, httpx.Response(200, json=example)).parsed, operation.ok_model
    )
    parsed = operation.strict_call(style, new_client()).parsed
    assert isinstance(parsed, operation.ok_model) and parsed.invoice.state == example["invoice"]["state"]


@each_operation
def test_lenient_non_date_time_string_is_accepted_by_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    """The nullable date-times of the payment (not the invoice's) fall back to the raw value when it
    does not parse."""
    reply = ok_reply(operation.id, set_details(operation, created_at="yesterday", updated_at=5))
    details = operation.details_of(generated(style, router, operation, reply).parsed)
    # Typed `datetime | None | Unset`, holding a str and an int.
    held: tuple[object, object] = (details.created_at, details.updated_at)
    assert held == ("yesterday", 5)
    problems = strict_problems(style, router, operation, reply)
    assert f'{operation.details_path}.created_at: "yesterday" is not a "date-time"' in problems
    assert f'{operation.details_path}.updated_at: 5 is not of types "null", "string"' in problems


@each_operation
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
    style: Style, router: respx.MockRouter, operation: AnyOperation, spelled: str, read_as: datetime.datetime
) -> None:
    """`datetime.fromisoformat` reads any ISO 8601, not RFC 3339: naive times slip through too."""
    reply = ok_reply(operation.id, set_invoice(created_at=spelled, updated_at=spelled))
    parsed = generated(style, router, operation, reply).parsed
    assert isinstance(parsed, operation.ok_model)
    assert parsed.invoice.created_at == parsed.invoice.updated_at == read_as
    problems = strict_problems(style, router, operation, reply)
    assert f'$.invoice.created_at: "{spelled}" is not a "date-time"' in problems
    assert f'$.invoice.updated_at: "{spelled}" is not a "date-time"' in problems


@each_operation
@pytest.mark.parametrize("field", ["created_at", "updated_at"])
def test_lowercase_rfc3339_date_time_is_rejected_by_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation, field: str
) -> None:
    """The reverse: RFC 3339 allows `t` and `z`, the spec's validator agrees, Python 3.11 does not.
    The strict helper says the spec allows it and the client cannot read it."""
    reply = ok_reply(operation.id, set_invoice(**{field: "2023-11-07t05:31:56z"}))
    with pytest.raises(ValueError, match="Invalid isoformat string"):
        generated(style, router, operation, reply)
    assert CANNOT_READ in strict_problems(style, router, operation, reply)


# Spec-valid values the generated parser cannot read, in fields whose parser swallows the error and
# keeps the raw JSON value (the payment's nullable date-times, its oneOf `payment_link`).
RAW_KEPT: dict[str, tuple[str, object]] = {
    "created_at-lowercase": ("created_at", "2023-11-07t05:31:56z"),
    "updated_at-leap-second": ("updated_at", "2016-12-31T23:59:60Z"),
    "payment_link-lowercase-created_at": (
        "payment_link",
        {"title": "Order 1042", "created_at": "2023-11-07t05:31:56z"},
    ),
}
DECLARED_TYPES: dict[str, type] = {
    "created_at": datetime.datetime,
    "updated_at": datetime.datetime,
    "payment_link": PaymentLink,
}


@each_operation
@pytest.mark.parametrize(("field", "raw"), RAW_KEPT.values(), ids=RAW_KEPT.keys())
def test_lenient_unreadable_spec_valid_value_is_kept_raw_by_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation, field: str, raw: object
) -> None:
    """Where the invoice's date-times raise, the payment's keep the raw value: a str (or dict) in a
    field typed `datetime | None` (or `PaymentLink | None`). The strict helper keeps its promise (a
    spec-valid body the models cannot read is a ContractViolation, as for the invoice's date-times
    above): it either says so or hands back the declared type, never the raw value."""
    reply = ok_reply(operation.id, set_details(operation, **{field: raw}))
    assert spec.response_errors(200, reply.content, path=operation.path) == []
    parsed = generated(style, router, operation, reply).parsed
    assert isinstance(parsed, operation.ok_model)
    held: object = getattr(operation.details_of(parsed), field)
    assert held == raw
    try:
        strict_reply = operation.strict_call(style, new_client())
    except ContractViolation as violation:
        assert CANNOT_READ in str(violation)
        return
    assert isinstance(strict_reply.parsed, operation.ok_model)
    held = getattr(operation.details_of(strict_reply.parsed), field)
    assert isinstance(held, DECLARED_TYPES[field]), f"{field} is {held!r}, typed {DECLARED_TYPES[field]}"


@each_operation
def test_lenient_customer_comment_pattern_is_not_checked_by_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    reply = ok_reply(operation.id, set_details(operation, customer_comment="paid! <b>"))
    parsed = generated(style, router, operation, reply).parsed
    assert isinstance(parsed, operation.ok_model)
    assert operation.details_of(parsed).customer_comment == "paid! <b>"
    problems = strict_problems(style, router, operation, reply)
    assert f'{operation.details_path}.customer_comment: "paid! <b>" does not match' in problems


@each_operation
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
    style: Style, router: respx.MockRouter, operation: AnyOperation, spelled: str
) -> None:
    """`uuid.UUID()` reads several spellings the `uuid` format refuses; `to_dict()` then re-spells it."""
    reply = ok_reply(operation.id, set_details(operation, id=spelled))
    parsed = generated(style, router, operation, reply).parsed
    assert isinstance(parsed, operation.ok_model)
    details = operation.details_of(parsed)
    assert details.id == uuid.UUID("3c90c3cc-0d44-4b50-8888-8dd25736052a")
    assert details.to_dict()["id"] != spelled
    assert f'{operation.details_path}.id: "{spelled}" is not a "uuid"' in strict_problems(
        style, router, operation, reply
    )


@each_operation
def test_non_uuid_id_raises_value_error_in_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    """An `id` that is no uuid at all is not let through: `uuid.UUID()` raises ValueError."""
    reply = ok_reply(operation.id, set_details(operation, id="not-a-uuid"))
    with pytest.raises(ValueError, match="badly formed hexadecimal UUID string"):
        generated(style, router, operation, reply)
    assert f'{operation.details_path}.id: "not-a-uuid" is not a "uuid"' in strict_problems(
        style, router, operation, reply
    )


@each_operation
def test_unknown_invoice_state_raises_value_error_in_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    """Enums are checked: the state is a StrEnum, so an unknown one is a ValueError naming it (not
    a ContractViolation)."""
    reply = ok_reply(operation.id, set_invoice(state="SETTLED"))
    with pytest.raises(ValueError, match="'SETTLED' is not a valid"):
        generated(style, router, operation, reply)
    assert '$.invoice.state: "SETTLED" is not one of' in strict_problems(style, router, operation, reply)


def missing(operation: AnyOperation) -> dict[str, tuple[Change, type[Exception], str]]:
    """A required part missing (or null), by name: the change, what the generated client raises,
    and the strict helper's complaint."""
    rows: dict[str, tuple[Change, type[Exception], str]] = {
        "no-invoice-id": (
            lambda body: body["invoice"].pop("invoice_id"),
            KeyError,
            '$.invoice: "invoice_id" is a required property',
        ),
    }
    details = operation.details
    if details is not None:  # an object of its own: the status reply's `meta`
        rows[f"no-{details}"] = (
            lambda body: body.pop(details),
            KeyError,
            f'$: "{details}" is a required property',
        )
        rows[f"null-{details}"] = (
            lambda body: body.update({details: None}),
            TypeError,
            f"{operation.details_path}: null is not of type",
        )
    return rows


@pytest.mark.parametrize(("operation", "change", "raised", "complaint"), per_operation(missing))
def test_missing_or_null_required_part_raises_in_generated_client(
    style: Style,
    router: respx.MockRouter,
    operation: AnyOperation,
    change: Change,
    raised: type[Exception],
    complaint: str,
) -> None:
    """No leniency: a bare KeyError or TypeError, not a typed error."""
    reply = ok_reply(operation.id, change)
    with pytest.raises(raised):
        generated(style, router, operation, reply)
    assert complaint in strict_problems(style, router, operation, reply)


def located(operation: AnyOperation, reply: Any, where: str) -> Any:
    """The `invoice`, the payment's own fields (`details`) or its `customer`, of a 200's JSON body
    or of its parsed model."""
    if where == "invoice":
        return reply["invoice"] if isinstance(reply, dict) else reply.invoice
    details = operation.details_of(reply)
    if where == "details":
        return details
    return details["customer"] if isinstance(details, dict) else details.customer


# Plain fields of the wrong JSON type (or length), by test id: where, which, and the value.
WRONG_TYPES: dict[str, tuple[str, str, Any]] = {
    "invoice.retry_count-string": ("invoice", "retry_count", "3"),
    "invoice.retry_count-boolean": ("invoice", "retry_count", True),
    "invoice.value-number": ("invoice", "value", 10),
    "invoice.currency-null": ("invoice", "currency", None),
    "invoice.mpesa_reference-number": ("invoice", "mpesa_reference", 42),
    # Safaricom's result codes are numbers: a numeric failed_code reads as an int.
    "invoice.failed_code-number": ("invoice", "failed_code", 1032),
    "invoice.invoice_id-empty": ("invoice", "invoice_id", ""),
    "customer.customer_id-number": ("customer", "customer_id", 7),
    "customer.phone_number-number": ("customer", "phone_number", 254712345678),
    "customer.email-not-an-email": ("customer", "email", "not-an-email"),
}
# The push's top level has one plain field more.
PUSH_WRONG_TYPES = WRONG_TYPES | {"refundable-boolean": ("details", "refundable", False)}


@pytest.mark.parametrize(
    ("operation", "where", "field", "value"),
    per_operation(lambda operation: PUSH_WRONG_TYPES if operation is PUSH else WRONG_TYPES),
)
def test_lenient_wrong_json_type_is_accepted_by_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation, where: str, field: str, value: Any
) -> None:
    """Plain fields are taken as they come: no type, format, minLength or nullability check."""

    def change(body: JSON) -> None:
        located(operation, body, where)[field] = value

    reply = ok_reply(operation.id, change)
    parsed = generated(style, router, operation, reply).parsed
    assert isinstance(parsed, operation.ok_model)
    assert getattr(located(operation, parsed, where), field) == value
    path = {"invoice": "$.invoice", "details": operation.details_path}.get(
        where, f"{operation.details_path}.customer"
    )
    assert f"{path}.{field}: " in strict_problems(style, router, operation, reply)


@each_operation
@pytest.mark.parametrize("link", ["https://pay.example/x", {"id": "not-a-uuid", "is_active": True}])
def test_lenient_malformed_payment_link_is_kept_raw_by_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation, link: Any
) -> None:
    """`payment_link` is oneOf(PaymentLink, null): what fails PaymentLink is kept as the raw value
    (the model's ValueError on the bad uuid is swallowed)."""
    reply = ok_reply(operation.id, set_details(operation, payment_link=link))
    parsed = generated(style, router, operation, reply).parsed
    assert isinstance(parsed, operation.ok_model) and operation.details_of(parsed).payment_link == link
    assert f"{operation.details_path}.payment_link: " in strict_problems(style, router, operation, reply)


@each_operation
@pytest.mark.parametrize("content_type", ["text/html", "text/plain; charset=utf-8", None])
def test_lenient_content_type_is_ignored_by_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation, content_type: str | None
) -> None:
    reply = ok_reply(operation.id)
    if content_type is None:
        del reply.headers["content-type"]
    else:
        reply.headers["content-type"] = content_type
    assert isinstance(generated(style, router, operation, reply).parsed, operation.ok_model)
    assert "Content for the following mimetype not found" in strict_problems(style, router, operation, reply)


@each_operation
@pytest.mark.parametrize("status", [401, 404])
@pytest.mark.parametrize("body", [{"detail": ""}, {"detail": 5}, {"detail": None}])
def test_lenient_error_detail_is_not_checked_by_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation, status: int, body: JSON
) -> None:
    """`detail` is taken whatever it is: of a 401, or a 404 (the status call's unknown invoice)."""
    reply = httpx.Response(status, json=body)
    parsed = generated(style, router, operation, reply).parsed
    assert isinstance(parsed, Error) and parsed.detail == body["detail"]
    assert "$.detail: " in strict_problems(style, router, operation, reply)


@each_operation
def test_bad_request_detail_is_misparsed_as_validation_error_by_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    """A spec-valid 400 `{"detail": ...}` (the spec's own `malformed` example) never becomes an
    `Error`: ValidationError is tried first and accepts anything. The strict helper gets it right."""
    body = {"detail": "JSON parse error - Expecting value: line 1 column 1 (char 0)"}
    parsed = generated(style, router, operation, httpx.Response(400, json=body)).parsed
    assert isinstance(parsed, ValidationError)
    held: object = parsed["detail"]  # typed list[str], holding a str
    assert held == body["detail"]
    strict_parsed = operation.strict_call(style, new_client()).parsed
    assert isinstance(strict_parsed, Error) and strict_parsed.detail == body["detail"]


@pytest.mark.parametrize("body", [{}, {"amount": "Enter a valid amount."}, {"amount": []}])
def test_lenient_malformed_field_errors_are_accepted_by_generated_client(
    style: Style, router: respx.MockRouter, body: JSON
) -> None:
    """Empty (minProperties 1), a message that is not a list, an empty list (minItems 1)."""
    parsed = generated(style, router, PUSH, httpx.Response(400, json=body)).parsed
    assert isinstance(parsed, ValidationError) and parsed.to_dict() == body
    problems = strict_problems(style, router, PUSH, httpx.Response(400, json=body))
    assert (
        "$: " in problems and "not valid under any of the schemas listed in the 'anyOf' keyword" in problems
    )


@each_operation
def test_lenient_response_headers_are_not_checked_by_generated_client(
    style: Style, router: respx.MockRouter, operation: AnyOperation
) -> None:
    reply = httpx.Response(429, json={"detail": "Slow down."}, headers={"Retry-After": "soon"})
    assert isinstance(generated(style, router, operation, reply).parsed, Error)
    assert "header Retry-After: " in strict_problems(style, router, operation, reply)


# The status call's own: the invoice's states --------------------------------------------------


@pytest.mark.parametrize(
    ("state", "fields"),
    [
        ("pending", {"mpesa_reference": "SKL7H2M9QX"}),
        ("complete", {"mpesa_reference": None}),
        ("complete", {"failed_code": "1032", "failed_reason": "Request cancelled by user"}),
        ("failed", {"failed_code": None}),
    ],
    ids=[
        "receipt-while-pending",
        "complete-without-receipt",
        "failure-while-complete",
        "failed-without-code",
    ],
)
def test_lenient_state_fields_against_the_state_are_accepted_by_generated_client_and_strict_helper(
    style: Style, router: respx.MockRouter, state: str, fields: JSON
) -> None:
    """`set-exactly-when` (mpesa_reference only when COMPLETE, failed_code/failed_reason only when
    FAILED) is a domain rule in `x-state-machine`, not schema: both the generated client and the
    schema-only strict helper accept it. `status_checks.state_field_problems` is what flags it."""
    body = ok_example(STATUS.id, state, set_invoice(**fields))
    assert status_checks.state_field_problems(body["invoice"]) != []
    parsed = generated(style, router, STATUS, httpx.Response(200, json=body)).parsed
    assert isinstance(parsed, PaymentStatusResponse)
    for name, value in fields.items():
        assert getattr(parsed.invoice, name) == value
    strict_parsed = STATUS.strict_call(style, new_client()).parsed
    assert isinstance(strict_parsed, PaymentStatusResponse)
    assert strict_parsed.to_dict() == parsed.to_dict()


def test_push_reply_served_to_status_call_raises_key_error_in_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    """A server answering the status call with the push's shape (no `meta`): the strict helper,
    judging by the status operation's schema, says what is missing."""
    reply = httpx.Response(200, json=ok_example(PUSH.id))
    with pytest.raises(KeyError, match="meta"):
        generated(style, router, STATUS, reply)
    assert '$: "meta" is a required property' in strict_problems(style, router, STATUS, reply)
