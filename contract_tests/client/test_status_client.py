"""`get_payment_status` to the push's standard: what the generated client sends (bodies generated from
the spec's status request schema), what it parses (every declared status, the spec's four 200
examples), what it accepts that the spec forbids and the strict helper's verdict on each, one
request per call whatever fails, no key in any text, and keyword-only strict helpers.

Every test that calls the client runs in both call styles (`sync_detailed` and `asyncio_detailed`)."""

from __future__ import annotations

import datetime
import inspect
import json
import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kulmipay_client import AuthenticatedClient, errors
from kulmipay_client.api.payment import get_payment_status, start_mpesa_stk_push
from kulmipay_client.models import (
    Error,
    Invoice,
    PaymentLink,
    PaymentStatusMeta,
    PaymentStatusRequest,
    PaymentStatusResponse,
    ValidationError,
)

from contract_tests.client import status_strategies
from contract_tests.client.status_calls import (
    STATES,
    STATUS_ID,
    StatusParsed,
    captured_status,
    get_status,
    serve_status,
    status_example,
    status_examples,
    status_spec_errors,
    strict_get_status,
    valid_status,
)
from contract_tests.support import TEST_KEY, assert_hidden
from contract_tests.support.calls import BASE_URL, STYLES, Style, new_client
from contract_tests.support.round_trip import comparable, object_properties
from kulmipay_toolkit import keys, spec, status_checks, strict
from kulmipay_toolkit.spec import JSON
from kulmipay_toolkit.strict import ContractViolation, strict_parse

FIELDS = tuple(spec.request_fields(STATUS_ID))
OK_SCHEMA = spec.response_schema(200, STATUS_ID)
ERROR_STATUSES = sorted(spec.declared_statuses(STATUS_ID) - {200})
# Built once, at import: building per example costs more than the example.
OK_BODIES = status_strategies.status_response_bodies(200)
ERROR_BODIES = {status: status_strategies.status_response_bodies(status) for status in ERROR_STATUSES}
CALLS = {"generated": get_status, "strict": strict_get_status}
# The names of the spec's request examples (`byInvoice`, `checkout`), in the order `request_examples` gives.
REQUEST_EXAMPLE_NAMES = list(
    spec.resolve(spec.operation(STATUS_ID)[2]["requestBody"])["content"]["application/json"]["examples"]
)


def as_model(body: JSON) -> PaymentStatusRequest:
    """`body` built the way a user builds it: declared fields as arguments, the rest as extras."""
    request = PaymentStatusRequest(**{name: body[name] for name in FIELDS if name in body})
    for name, value in body.items():
        if name not in FIELDS:
            request[name] = value
    return request


def served(style: Style, reply: httpx.Response, **settings: Any) -> StatusParsed:
    """The generated client's answer to `reply`, which it must have asked for exactly once."""
    with respx.mock(base_url=BASE_URL) as router:
        route = serve_status(router, reply)
        parsed = get_status(style, new_client(**settings), valid_status())
    assert route.call_count == 1
    return parsed


def strict_problems(style: Style, router: respx.MockRouter, reply: httpx.Response) -> str:
    """The strict helper's complaint, which it must have."""
    serve_status(router, reply)
    with pytest.raises(ContractViolation) as raised:
        strict_get_status(style, new_client(), valid_status())
    assert raised.value.status == reply.status_code
    return "; ".join(raised.value.problems)


def generated(style: Style, router: respx.MockRouter, reply: httpx.Response) -> StatusParsed:
    serve_status(router, reply)
    return get_status(style, new_client(), valid_status())


def assert_fields(model: Any, served_object: JSON, schema: spec.JSON) -> None:
    """Each served field is the model attribute of the same name, typed as its schema's format says."""
    properties = object_properties(spec.resolve(schema))
    for name, value in served_object.items():
        assert name in properties, f"{name} is not in the spec"
        prop = spec.resolve(properties[name])
        actual = getattr(model, name)
        if isinstance(value, dict):
            assert_fields(actual, value, prop)
        elif prop.get("format") == "date-time" and value is not None:
            assert actual == datetime.datetime.fromisoformat(value), name
        elif prop.get("format") == "uuid":
            assert actual == uuid.UUID(value), name
        else:
            assert actual == value, name


# 1. Requests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=status_strategies.status_request_bodies())
def test_spec_generated_status_body_is_sent_as_the_spec_says(style: Style, body: JSON) -> None:
    """POST to the trailing-slash path, bearer auth, JSON, the user's body verbatim, spec-valid."""
    request = captured_status(style, as_model(body))
    assert request.method == "POST"
    assert request.url.path == spec.base_path() + spec.status_path()
    assert request.url.path.endswith("/")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    # Unset optional fields absent, extras kept: the wire body is the user's body.
    assert json.loads(request.content) == body
    assert status_spec_errors(request) == []


def test_unset_optional_status_fields_are_absent_from_the_body(style: Style) -> None:
    """`checkout_id` and `signature` left unset are left out, not sent as null."""
    request = captured_status(style, valid_status())
    assert json.loads(request.content) == {"invoice_id": "QZ7L0RK"}
    assert status_spec_errors(request) == []


@pytest.mark.parametrize("example", spec.request_examples(STATUS_ID), ids=REQUEST_EXAMPLE_NAMES)
def test_spec_request_examples_are_sent_verbatim(style: Style, example: JSON) -> None:
    """The spec's own request examples go out unchanged and conform."""
    request = captured_status(style, as_model(example))
    assert json.loads(request.content) == example
    assert status_spec_errors(request) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"checkout_id": "6f1c2a9e-3c51-4d1b-9b8e-2c8a4c7e1d55"},
        {"signature": "eyJhbGciOiJIUzI1NiJ9.e30.signature"},
        {"invoice_id": ""},
        {"invoice_id": None},
        {"checkout_id": None, "signature": None},
    ],
    ids=["checkout-without-signature", "signature-without-checkout", "empty-id", "null-id", "null-pair"],
)
def test_lenient_status_request_is_sent_unvalidated_by_generated_client(style: Style, fields: JSON) -> None:
    """The client validates nothing it sends: `dependentRequired` (checkout_id and signature only
    together), minLength and nullability are all left to the server."""
    body = {"invoice_id": "QZ7L0RK"} | fields
    request = captured_status(style, PaymentStatusRequest(**body))
    assert json.loads(request.content) == body
    assert status_spec_errors(request) != []


# 2. Replies --------------------------------------------------------------------------------------


@pytest.mark.parametrize("style", STYLES)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=OK_BODIES)
def test_spec_generated_status_200_round_trips_through_the_model(style: Style, body: JSON) -> None:
    """A spec-generated 200 becomes a PaymentStatusResponse whose `to_dict()` gives the body back."""
    reply = served(style, httpx.Response(200, json=body))
    assert isinstance(reply.parsed, PaymentStatusResponse)
    assert isinstance(reply.parsed.invoice, Invoice) and isinstance(reply.parsed.meta, PaymentStatusMeta)
    # Extra properties included: `to_dict()` gives back what was served.
    assert comparable(reply.parsed.to_dict(), OK_SCHEMA) == comparable(body, OK_SCHEMA)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("status", ERROR_STATUSES)
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_spec_generated_status_error_is_parsed_as_its_typed_model(
    style: Style, status: int, data: Any
) -> None:
    """Each declared error status (404, an unknown invoice, included) parses to its typed model."""
    body = data.draw(ERROR_BODIES[status])
    reply = served(style, httpx.Response(status, json=body))
    assert reply.status_code == status
    # 400 is anyOf(ValidationError, Error); the generated parser always lands on ValidationError
    # (pinned below, in the leniencies).
    assert isinstance(reply.parsed, ValidationError if status == 400 else Error)
    assert reply.parsed.to_dict() == body


@pytest.mark.parametrize("status", sorted(spec.declared_statuses(STATUS_ID)))
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_strict_parse_reads_spec_generated_status_replies(status: int, data: Any) -> None:
    """`strict_parse(..., operation_id=get_payment_status)` takes every spec-valid status reply to
    the right model: PaymentStatusResponse for 200, field errors or Error otherwise."""
    body = data.draw(OK_BODIES if status == 200 else ERROR_BODIES[status])
    parsed = strict_parse(httpx.Response(status, json=body), operation_id=STATUS_ID)
    if status == 200:
        assert isinstance(parsed, PaymentStatusResponse)
        assert comparable(parsed.to_dict(), OK_SCHEMA) == comparable(body, OK_SCHEMA)
    else:
        field_errors = status == 400 and all(isinstance(value, list) for value in body.values())
        assert isinstance(parsed, ValidationError if field_errors else Error)
        assert parsed.to_dict() == body


def test_strict_parse_reads_the_generated_status_response_too(router: respx.MockRouter) -> None:
    """`strict_parse` takes the generated client's own `Response` for the status call."""
    serve_status(router, httpx.Response(200, json=status_example("complete")))
    parsed = strict_parse(get_status("sync", new_client(), valid_status()), operation_id=STATUS_ID)
    assert isinstance(parsed, PaymentStatusResponse) and parsed.invoice.mpesa_reference == "SKL7H2M9QX"


def test_strict_parse_judges_by_the_operation_it_is_told() -> None:
    """The same reply is judged per operation: a status 200 is no push 200 (`operation_id`
    defaults to the push, so a status reply needs it said)."""
    reply = httpx.Response(200, json=status_example("complete"))
    assert isinstance(strict_parse(reply, operation_id=STATUS_ID), PaymentStatusResponse)
    with pytest.raises(ContractViolation, match='"customer" is a required property'):
        strict_parse(reply)


@pytest.mark.parametrize("status", [201, 302, 418, 422, 502])
def test_undeclared_status_raises_unexpected_status(style: Style, status: int) -> None:
    """With `raise_on_unexpected_status=True`, a status the operation does not declare raises."""
    with pytest.raises(errors.UnexpectedStatus) as raised:
        served(style, httpx.Response(status, json={"detail": "teapot"}))
    assert (raised.value.status_code, raised.value.content) == (status, b'{"detail":"teapot"}')


def test_lenient_undeclared_status_is_parsed_as_none_by_default_in_generated_client(style: Style) -> None:
    """`raise_on_unexpected_status` defaults to False: an undeclared reply is silently `None`."""
    reply = served(style, httpx.Response(418, json={"detail": "teapot"}), raise_on_unexpected_status=False)
    assert reply.status_code == 418 and reply.parsed is None


def test_undeclared_status_is_a_violation_of_the_strict_helper(
    style: Style, router: respx.MockRouter
) -> None:
    """Whatever the client setting, the strict helper refuses a status the operation does not declare."""
    serve_status(router, httpx.Response(418, json={"detail": "teapot"}))
    with pytest.raises(ContractViolation, match="Unknown response http status: 418"):
        strict_get_status(style, new_client(raise_on_unexpected_status=False), valid_status())


def test_strict_get_status_sends_what_sync_detailed_sends(style: Style, router: respx.MockRouter) -> None:
    """It builds the request with the generated `_get_kwargs`; this keeps the two from drifting."""
    route = serve_status(router, httpx.Response(401, json={"detail": "Invalid api token"}))
    get_status(style, new_client(), valid_status())
    strict_get_status(style, new_client(), valid_status())
    assert route.call_count == 2
    made, checked = (call.request for call in route.calls)
    assert (checked.method, checked.url, checked.content) == (made.method, made.url, made.content)
    assert checked.headers.multi_items() == made.headers.multi_items()


def test_strict_get_status_answers_like_sync_detailed(style: Style, router: respx.MockRouter) -> None:
    """Status code, content, headers, and the parsed 404 (an unknown invoice)."""
    body = {"detail": "Not found."}
    serve_status(router, httpx.Response(404, json=body, headers={"X-Request-Id": "r-1"}))
    reply = strict_get_status(style, new_client(), valid_status())
    assert reply.status_code is HTTPStatus.NOT_FOUND
    assert json.loads(reply.content) == body
    assert reply.headers["x-request-id"] == "r-1"
    assert isinstance(reply.parsed, Error) and reply.parsed.detail == body["detail"]


# 3. The spec's 200 examples ----------------------------------------------------------------------


def test_the_status_200_has_one_example_per_state() -> None:
    """The examples below are the spec's, one per state of the machine."""
    assert set(status_examples()) == set(STATES)
    assert {name.upper() for name in STATES} == set(spec.state_machine().transitions)


@pytest.mark.parametrize("state", STATES)
def test_status_example_parses_field_for_field(style: Style, state: str) -> None:
    """Every field of the example is the model attribute of that name; state, mpesa_reference and
    failed_code are the example's own, and set exactly in the states the state machine says."""
    example = status_example(state)
    reply = served(style, httpx.Response(200, json=example))
    parsed = reply.parsed
    assert isinstance(parsed, PaymentStatusResponse)
    assert_fields(parsed, example, OK_SCHEMA)
    invoice = parsed.invoice
    assert invoice.state == state.upper() == example["invoice"]["state"]
    assert invoice.mpesa_reference == example["invoice"]["mpesa_reference"]
    assert invoice.failed_code == example["invoice"]["failed_code"]
    assert invoice.failed_reason == example["invoice"]["failed_reason"]
    for name, states in spec.state_machine().set_exactly_when.items():
        assert (getattr(invoice, name) is not None) == (invoice.state in states), name
    assert comparable(parsed.to_dict(), OK_SCHEMA) == comparable(example, OK_SCHEMA)


@pytest.mark.parametrize(
    ("state", "mpesa_reference", "failed_code"),
    [
        ("pending", None, None),
        ("processing", None, None),
        ("complete", "SKL7H2M9QX", None),
        ("failed", None, "1032"),
    ],
)
def test_status_example_values_are_read_as_written(
    style: Style, state: str, mpesa_reference: str | None, failed_code: str | None
) -> None:
    """The values themselves, written out: a spec edit that changes an example shows up here."""
    parsed = served(style, httpx.Response(200, json=status_example(state))).parsed
    assert isinstance(parsed, PaymentStatusResponse)
    assert (parsed.invoice.state, parsed.invoice.mpesa_reference, parsed.invoice.failed_code) == (
        state.upper(),
        mpesa_reference,
        failed_code,
    )
    assert parsed.meta.id == uuid.UUID("3c90c3cc-0d44-4b50-8888-8dd25736052a")


@pytest.mark.parametrize("state", STATES)
def test_status_example_passes_the_strict_helper(style: Style, router: respx.MockRouter, state: str) -> None:
    """The baseline every leniency below breaks one thing of."""
    serve_status(router, httpx.Response(200, json=status_example(state)))
    parsed = strict_get_status(style, new_client(), valid_status()).parsed
    assert isinstance(parsed, PaymentStatusResponse) and parsed.invoice.state == state.upper()


# 4. Leniencies of the generated client on status replies -----------------------------------------


def set_invoice(**fields: Any) -> Callable[[JSON], object]:
    return lambda body: body["invoice"].update(fields)


def set_meta(**fields: Any) -> Callable[[JSON], object]:
    return lambda body: body["meta"].update(fields)


def test_unknown_invoice_state_raises_value_error_in_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    """`invoice.state` outside the enum is not let through: the generated StrEnum raises a
    ValueError naming it (not ContractViolation)."""
    reply = httpx.Response(200, json=status_example("pending", set_invoice(state="SETTLED")))
    with pytest.raises(ValueError, match="'SETTLED' is not a valid"):
        generated(style, router, reply)
    assert '$.invoice.state: "SETTLED" is not one of' in strict_problems(style, router, reply)


def test_non_uuid_meta_id_raises_value_error_in_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    """`meta.id` that is no uuid at all is not let through either: `uuid.UUID()` raises ValueError."""
    reply = httpx.Response(200, json=status_example("pending", set_meta(id="not-a-uuid")))
    with pytest.raises(ValueError, match="badly formed hexadecimal UUID string"):
        generated(style, router, reply)
    assert '$.meta.id: "not-a-uuid" is not a "uuid"' in strict_problems(style, router, reply)


@pytest.mark.parametrize(
    "spelled",
    [
        "3C90C3CC0D444B5088888DD25736052A",
        "{3c90c3cc-0d44-4b50-8888-8dd25736052a}",
        "urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a",
    ],
    ids=["no-hyphens", "braces", "urn"],
)
def test_lenient_non_canonical_meta_id_is_accepted_by_generated_client(
    style: Style, router: respx.MockRouter, spelled: str
) -> None:
    """`uuid.UUID()` reads spellings the `uuid` format refuses; `to_dict()` then re-spells them."""
    reply = httpx.Response(200, json=status_example("pending", set_meta(id=spelled)))
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, PaymentStatusResponse)
    assert parsed.meta.id == uuid.UUID("3c90c3cc-0d44-4b50-8888-8dd25736052a")
    assert parsed.meta.to_dict()["id"] != spelled
    assert f'$.meta.id: "{spelled}" is not a "uuid"' in strict_problems(style, router, reply)


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
    body = status_example(state, set_invoice(**fields))
    assert status_checks.state_field_problems(body["invoice"]) != []
    reply = httpx.Response(200, json=body)
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, PaymentStatusResponse)
    for name, value in fields.items():
        assert getattr(parsed.invoice, name) == value
    strict_parsed = strict_get_status(style, new_client(), valid_status()).parsed
    assert isinstance(strict_parsed, PaymentStatusResponse)
    assert strict_parsed.to_dict() == parsed.to_dict()


def test_lenient_non_date_time_meta_strings_are_accepted_by_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    """The nullable `meta` date-times fall back to the raw value when it does not parse."""
    reply = httpx.Response(
        200, json=status_example("pending", set_meta(created_at="yesterday", updated_at=5))
    )
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, PaymentStatusResponse)
    # Typed `datetime | None | Unset`, holding a str and an int.
    held: tuple[object, object] = (parsed.meta.created_at, parsed.meta.updated_at)
    assert held == ("yesterday", 5)
    problems = strict_problems(style, router, reply)
    assert '$.meta.created_at: "yesterday" is not a "date-time"' in problems
    assert '$.meta.updated_at: 5 is not of types "null", "string"' in problems


@pytest.mark.parametrize(
    ("spelled", "read_as"),
    [
        ("2023-11-07", datetime.datetime(2023, 11, 7)),
        ("2023-11-07T05:31:56", datetime.datetime(2023, 11, 7, 5, 31, 56)),
        ("20231107T053156Z", datetime.datetime(2023, 11, 7, 5, 31, 56, tzinfo=datetime.UTC)),
    ],
    ids=["date-only", "no-offset", "basic-format"],
)
def test_lenient_non_rfc3339_invoice_date_time_is_accepted_by_generated_client(
    style: Style, router: respx.MockRouter, spelled: str, read_as: datetime.datetime
) -> None:
    """`datetime.fromisoformat` reads any ISO 8601, not RFC 3339: naive times slip through too."""
    reply = httpx.Response(200, json=status_example("complete", set_invoice(updated_at=spelled)))
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, PaymentStatusResponse)
    assert parsed.invoice.updated_at == read_as
    assert f'$.invoice.updated_at: "{spelled}" is not a "date-time"' in strict_problems(style, router, reply)


def test_lowercase_rfc3339_invoice_date_time_is_rejected_by_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    """RFC 3339 allows `t` and `z` and the spec's validator agrees; Python 3.11's `fromisoformat`
    does not. The strict helper says the spec allows it and the client cannot read it."""
    reply = httpx.Response(
        200, json=status_example("complete", set_invoice(updated_at="2023-11-07t05:32:01z"))
    )
    with pytest.raises(ValueError, match="Invalid isoformat string"):
        generated(style, router, reply)
    assert "the generated client cannot read this spec-valid body" in strict_problems(style, router, reply)


# Spec-valid values the generated parser cannot read, in fields whose parser swallows the error and
# keeps the raw JSON value (the nullable `meta` date-times, the oneOf `meta.payment_link`).
RAW_KEPT: dict[str, tuple[Callable[[JSON], object], str, object]] = {
    "meta-created_at-lowercase": (
        set_meta(created_at="2023-11-07t05:31:56z"),
        "created_at",
        "2023-11-07t05:31:56z",
    ),
    "meta-updated_at-leap-second": (
        set_meta(updated_at="2016-12-31T23:59:60Z"),
        "updated_at",
        "2016-12-31T23:59:60Z",
    ),
    "meta-payment_link-lowercase-created_at": (
        set_meta(payment_link={"title": "Order 1042", "created_at": "2023-11-07t05:31:56z"}),
        "payment_link",
        {"title": "Order 1042", "created_at": "2023-11-07t05:31:56z"},
    ),
}
META_TYPES: dict[str, type] = {
    "created_at": datetime.datetime,
    "updated_at": datetime.datetime,
    "payment_link": PaymentLink,
}


@pytest.mark.parametrize(("change", "field", "raw"), RAW_KEPT.values(), ids=RAW_KEPT.keys())
def test_lenient_unreadable_spec_valid_meta_value_is_kept_raw_by_generated_client(
    style: Style, router: respx.MockRouter, change: Callable[[JSON], object], field: str, raw: object
) -> None:
    """Where the invoice's date-times raise, `meta`'s keep the raw value: a str (or dict) in a field
    typed `datetime | None` (or `PaymentLink | None`)."""
    body = status_example("pending", change)
    assert spec.response_errors(200, json.dumps(body).encode(), path=spec.status_path()) == []
    parsed = generated(style, router, httpx.Response(200, json=body)).parsed
    assert isinstance(parsed, PaymentStatusResponse)
    held: object = getattr(parsed.meta, field)
    assert held == raw


@pytest.mark.parametrize(("change", "field", "raw"), RAW_KEPT.values(), ids=RAW_KEPT.keys())
def test_strict_helper_never_returns_a_spec_valid_value_the_model_kept_raw(
    style: Style, router: respx.MockRouter, change: Callable[[JSON], object], field: str, raw: object
) -> None:
    """The strict helper's promise (a spec-valid body the models cannot read is a ContractViolation,
    as it is for `invoice.updated_at` above): it either says so or hands back the declared type,
    never the raw value in a field typed otherwise."""
    body = status_example("pending", change)
    serve_status(router, httpx.Response(200, json=body))
    try:
        reply = strict_get_status(style, new_client(), valid_status())
    except ContractViolation as violation:
        assert "the generated client cannot read this spec-valid body" in str(violation)
        return
    assert isinstance(reply.parsed, PaymentStatusResponse)
    held: object = getattr(reply.parsed.meta, field)
    assert isinstance(held, META_TYPES[field]), f"meta.{field} is {held!r}, typed {META_TYPES[field]}"


def test_lenient_meta_customer_comment_pattern_is_not_checked_by_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    reply = httpx.Response(200, json=status_example("pending", set_meta(customer_comment="paid! <b>")))
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, PaymentStatusResponse) and parsed.meta.customer_comment == "paid! <b>"
    assert '$.meta.customer_comment: "paid! <b>" does not match' in strict_problems(style, router, reply)


@pytest.mark.parametrize(
    ("where", "field", "value"),
    [
        ("invoice", "failed_code", 1032),
        ("invoice", "mpesa_reference", 42),
        ("invoice", "retry_count", "0"),
        ("invoice", "invoice_id", ""),
        ("invoice", "value", 10),
        ("meta", "customer", {"customer_id": 7}),
    ],
    ids=lambda item: str(item),
)
def test_lenient_wrong_json_type_is_accepted_by_generated_client(
    style: Style, router: respx.MockRouter, where: str, field: str, value: Any
) -> None:
    """Plain fields are taken as they come: no type, minLength or nullability check (a numeric
    `failed_code`, as Safaricom's result codes are numbers, reads as an int)."""
    state = "failed" if field == "failed_code" else "complete"
    reply = httpx.Response(200, json=status_example(state, lambda body: body[where].update({field: value})))
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, PaymentStatusResponse)
    held = getattr(getattr(parsed, where), field)
    assert (held.to_dict() if field == "customer" else held) == value
    assert f"$.{where}.{field}" in strict_problems(style, router, reply)


@pytest.mark.parametrize("link", ["https://pay.example/x", {"id": "not-a-uuid", "is_active": True}])
def test_lenient_malformed_meta_payment_link_is_kept_raw_by_generated_client(
    style: Style, router: respx.MockRouter, link: Any
) -> None:
    """`meta.payment_link` is oneOf(PaymentLink, null): what fails PaymentLink is kept raw."""
    reply = httpx.Response(200, json=status_example("pending", set_meta(payment_link=link)))
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, PaymentStatusResponse) and parsed.meta.payment_link == link
    assert "$.meta.payment_link: " in strict_problems(style, router, reply)


@pytest.mark.parametrize(
    ("change", "raised", "complaint"),
    [
        (lambda body: body.pop("meta"), KeyError, '$: "meta" is a required property'),
        (lambda body: body.update(meta=None), TypeError, "$.meta: null is not of type"),
        (lambda body: body["invoice"].pop("invoice_id"), KeyError, '$.invoice: "invoice_id" is a required'),
    ],
    ids=["no-meta", "null-meta", "no-invoice-id"],
)
def test_missing_or_null_required_object_raises_in_generated_client(
    style: Style,
    router: respx.MockRouter,
    change: Callable[[JSON], object],
    raised: type[Exception],
    complaint: str,
) -> None:
    """A required part missing (or null) is no leniency: a bare KeyError or TypeError, not a typed error."""
    reply = httpx.Response(200, json=status_example("pending", change))
    with pytest.raises(raised):
        generated(style, router, reply)
    assert complaint in strict_problems(style, router, reply)


def test_push_reply_served_to_status_call_raises_key_error_in_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    """A server answering the status call with the push's shape (no `meta`): the strict helper,
    judging by the status operation's schema, says what is missing."""
    pushed = status_example("pending")
    push_shaped = {"invoice": pushed["invoice"], **pushed["meta"]}
    reply = httpx.Response(200, json=push_shaped)
    with pytest.raises(KeyError, match="meta"):
        generated(style, router, reply)
    assert '$: "meta" is a required property' in strict_problems(style, router, reply)


@pytest.mark.parametrize("content_type", ["text/html", "text/plain; charset=utf-8", None])
def test_lenient_content_type_is_ignored_by_generated_client(
    style: Style, router: respx.MockRouter, content_type: str | None
) -> None:
    reply = httpx.Response(200, json=status_example("complete"))
    if content_type is None:
        del reply.headers["content-type"]
    else:
        reply.headers["content-type"] = content_type
    assert isinstance(generated(style, router, reply).parsed, PaymentStatusResponse)
    assert "Content for the following mimetype not found" in strict_problems(style, router, reply)


@pytest.mark.parametrize("body", [{"detail": ""}, {"detail": 5}, {"detail": None}])
def test_lenient_not_found_detail_is_not_checked_by_generated_client(
    style: Style, router: respx.MockRouter, body: JSON
) -> None:
    """The status call's own 404 (an unknown invoice): `detail` is taken whatever it is."""
    reply = httpx.Response(404, json=body)
    parsed = generated(style, router, reply).parsed
    assert isinstance(parsed, Error) and parsed.detail == body["detail"]
    assert "$.detail: " in strict_problems(style, router, reply)


def test_bad_request_detail_is_misparsed_as_validation_error_by_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    """A spec-valid 400 `{"detail": ...}` never becomes an `Error` (ValidationError is tried first
    and accepts anything); the strict helper gets it right."""
    body = {"detail": "JSON parse error - Expecting value: line 1 column 1 (char 0)"}
    parsed = generated(style, router, httpx.Response(400, json=body)).parsed
    assert isinstance(parsed, ValidationError)
    held: object = parsed["detail"]  # typed list[str], holding a str
    assert held == body["detail"]
    strict_parsed = strict_get_status(style, new_client(), valid_status()).parsed
    assert isinstance(strict_parsed, Error) and strict_parsed.detail == body["detail"]


def test_lenient_response_headers_are_not_checked_by_generated_client(
    style: Style, router: respx.MockRouter
) -> None:
    reply = httpx.Response(429, json={"detail": "Slow down."}, headers={"Retry-After": "soon"})
    assert isinstance(generated(style, router, reply).parsed, Error)
    assert "header Retry-After: " in strict_problems(style, router, reply)


# 5. No retries -----------------------------------------------------------------------------------

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
    """A timeout or a dropped connection: one request, the httpx error raised as it is."""
    route = serve_status(router, side_effect=failure)
    with pytest.raises(failure):
        call(style, new_client(), valid_status())
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
    """429, 500 and 503 (even with Retry-After): one request, the reply parsed as an Error."""
    route = serve_status(router, reply)
    answer = call(style, new_client(), valid_status())
    assert route.call_count == 1
    assert answer.status_code == reply.status_code
    assert isinstance(answer.parsed, Error)


def test_strict_helper_sends_once_when_the_error_reply_breaks_the_spec(
    style: Style, router: respx.MockRouter
) -> None:
    route = serve_status(router, httpx.Response(502, text="<html>Bad Gateway</html>"))
    with pytest.raises(ContractViolation, match=r"^HTTP 502 "):
        strict_get_status(style, new_client(), valid_status())
    assert route.call_count == 1


# 6. The key never leaks --------------------------------------------------------------------------


def test_sent_status_request_does_not_show_the_key(style: Style, router: respx.MockRouter) -> None:
    """The key is on the wire, and in no repr of the request (httpx prints `[secure]`) or client."""
    client = new_client()
    route = serve_status(router, httpx.Response(401, json={"detail": "Invalid api token"}))
    get_status(style, client, valid_status())
    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert_hidden(request, request.headers, request.url, client)


def test_unexpected_status_does_not_show_the_key(style: Style, router: respx.MockRouter) -> None:
    serve_status(router, httpx.Response(418, json={"detail": "teapot"}))
    with pytest.raises(errors.UnexpectedStatus) as raised:
        get_status(style, new_client(), valid_status())
    assert_hidden(raised.value, *raised.value.args)


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("failure", TRANSPORT_FAILURES.values(), ids=TRANSPORT_FAILURES.keys())
def test_transport_errors_do_not_show_the_key(
    style: Style, router: respx.MockRouter, call: Callable[..., object], failure: type[httpx.TransportError]
) -> None:
    serve_status(router, side_effect=failure)
    with pytest.raises(failure) as raised:
        call(style, new_client(), valid_status())
    assert_hidden(raised.value, raised.value.request, raised.value.request.headers, *raised.value.args)


@pytest.mark.parametrize("status", [200, 404, 503])
def test_replies_do_not_show_the_key(style: Style, router: respx.MockRouter, status: int) -> None:
    """Neither call's Response, headers or parsed model carries the key."""
    body = status_example("complete") if status == 200 else {"detail": "Not found."}
    serve_status(router, httpx.Response(status, json=body))
    reply = get_status(style, new_client(), valid_status())
    strict_reply = strict_get_status(style, new_client(), valid_status())
    assert_hidden(reply, reply.headers, reply.parsed, strict_reply, strict_reply.parsed)


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, json=status_example("pending", set_invoice(state=f"Bearer {TEST_KEY}"))),
        httpx.Response(200, json=status_example("pending", set_meta(customer_comment=f"Bearer {TEST_KEY}!"))),
        httpx.Response(200, json=status_example("pending", set_meta(id=TEST_KEY))),
        httpx.Response(200, json={"invoice": TEST_KEY, "meta": {}}),
        httpx.Response(404, text=f"no invoice for {TEST_KEY}", headers={"Content-Type": "application/json"}),
        httpx.Response(400, json={"detail": [f"Bearer {TEST_KEY}"], "invoice_id": "x"}),
        httpx.Response(401, text=f"Bearer {TEST_KEY}", headers={"Content-Type": "text/plain"}),
        httpx.Response(418, json={"detail": TEST_KEY}),
    ],
    ids=[
        "state",
        "broken-pattern",
        "meta-id",
        "invoice-not-object",
        "not-json",
        "field-errors",
        "text-plain",
        "undeclared",
    ],
)
def test_contract_violation_does_not_show_an_echoed_key(
    style: Style, router: respx.MockRouter, reply: httpx.Response
) -> None:
    """A server echoing the key back into a broken status reply: the violation hides it."""
    serve_status(router, reply)
    with pytest.raises(ContractViolation) as raised:
        strict_get_status(style, new_client(), valid_status())
    assert_hidden(raised.value, *raised.value.args, *raised.value.problems)


def test_contract_violation_redacts_a_key_of_any_shape(style: Style) -> None:
    """A key that does not look like a KulmiPay key is still the client's token: redacted by value."""
    odd_key = "sk-unusual-0123456789abcdef"
    client = AuthenticatedClient(base_url=BASE_URL, token=odd_key)
    with respx.mock(base_url=BASE_URL) as router:
        serve_status(router, httpx.Response(200, json={"meta": {}, "invoice": odd_key}))
        with pytest.raises(ContractViolation) as raised:
            strict_get_status(style, client, valid_status())
    assert odd_key not in str(raised.value) and keys.REDACTED in str(raised.value)


# 7. Strict helper signatures ---------------------------------------------------------------------

STRICT_HELPERS = {
    "strict_get_payment_status": (strict.strict_get_payment_status, get_payment_status.sync_detailed),
    "strict_get_payment_status_async": (
        strict.strict_get_payment_status_async,
        get_payment_status.asyncio_detailed,
    ),
    "strict_start_mpesa_stk_push": (strict.strict_start_mpesa_stk_push, start_mpesa_stk_push.sync_detailed),
    "strict_start_mpesa_stk_push_async": (
        strict.strict_start_mpesa_stk_push_async,
        start_mpesa_stk_push.asyncio_detailed,
    ),
}


@pytest.mark.parametrize(("helper", "twin"), STRICT_HELPERS.values(), ids=STRICT_HELPERS.keys())
def test_strict_helper_is_keyword_only_like_the_generated_function(
    helper: Callable[..., object], twin: Callable[..., object]
) -> None:
    """Every parameter KEYWORD_ONLY, the same names as the generated `*_detailed` it stands in for,
    and async exactly when that is."""
    parameters = inspect.signature(helper).parameters.values()
    twin_parameters = inspect.signature(twin).parameters.values()
    assert [p.kind for p in parameters] == [inspect.Parameter.KEYWORD_ONLY] * len(parameters)
    assert [p.kind for p in twin_parameters] == [inspect.Parameter.KEYWORD_ONLY] * len(twin_parameters)
    assert [p.name for p in parameters] == [p.name for p in twin_parameters] == ["client", "body"]
    assert inspect.iscoroutinefunction(helper) == inspect.iscoroutinefunction(twin)


@pytest.mark.parametrize("helper", [strict.strict_get_payment_status, strict.strict_start_mpesa_stk_push])
def test_strict_helper_refuses_positional_arguments(
    router: respx.MockRouter, helper: Callable[..., object]
) -> None:
    """Called positionally it fails before sending anything (no route: any request would fail too)."""
    with pytest.raises(TypeError, match="positional argument"):
        helper(new_client(), valid_status())
    assert router.calls.call_count == 0
