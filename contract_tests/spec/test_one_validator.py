"""One body validator: every judge of a body the project keeps gives the same yes or no on each item
of a corpus of near misses. They once disagreed: openapi-core (then the strict helper's and the
tests' judge) matched patterns with Python's `re.search`, whose `$` also matches before a final
newline, and checked formats with other libraries than jsonschema-rs (the emulator's and the
conformance run's judge). Now the body is jsonschema-rs's alone, formats included."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from schemathesis import Response
from schemathesis.core.failures import Failure, FailureGroup

from contract_tests.support import AUTH, VALID_PUSH, assert_conforms, push_url
from contract_tests.support.examples import pending_push
from kulmipay_toolkit import checks, spec
from kulmipay_toolkit.emulator.validation import field_errors
from kulmipay_toolkit.spec import JSON
from kulmipay_toolkit.strict import ContractViolation, strict_parse

MISSING = object()
# Zeros of digit sets that are Unicode decimal digits (Python's `\d` and `str.isdigit()` take them).
ARABIC_INDIC = "\u0660"
FULLWIDTH = "\uff10"


def in_digits(zero: str, text: str) -> str:
    """`text` with its ASCII digits spelled in the digit set starting at `zero`."""
    return text.translate({ord("0") + value: ord(zero) + value for value in range(10)})


def push(**changes: object) -> JSON:
    """The minimal valid request with `changes`; a field set to MISSING is left out."""
    body = {**VALID_PUSH, **changes}
    return {name: value for name, value in body.items() if value is not MISSING}


def changed(where: str, value: object, allowed: bool, name: str) -> Any:
    """A 200 item: the spec's PendingPush example with the field at `where` (dotted) set to `value`."""
    *parents, field = where.split(".")

    def change(body: JSON) -> None:
        for parent in parents:
            body = body[parent]
        body[field] = value

    return pytest.param(200, pending_push(change), allowed, id=name)


# (body, whether the spec allows it). Ids ending "-was-valid" or "-was-invalid" are where openapi-core,
# the strict helper's and the tests' body judge before, answered otherwise than jsonschema-rs.
REQUESTS = [
    pytest.param(push(), True, id="minimal"),
    pytest.param(
        push(amount="1500.50", api_ref="order-1042", wallet_id="W", mobile_tarrif="CUSTOMER-PAYS"),
        True,
        id="full",
    ),
    pytest.param(push(amount=10), True, id="amount-number"),
    pytest.param(push(amount="250000.00"), True, id="amount-max"),
    pytest.param(push(api_ref=None), True, id="api-ref-null"),
    pytest.param(push(phone_number="254112345678"), True, id="phone-prefix-1"),
    pytest.param(push(phone_number="254712345678\n"), False, id="phone-trailing-newline-was-valid"),
    pytest.param(push(phone_number="\n254712345678"), False, id="phone-leading-newline"),
    pytest.param(push(phone_number=in_digits(FULLWIDTH, "254712345678")), False, id="phone-fullwidth-digits"),
    pytest.param(
        push(phone_number=in_digits(ARABIC_INDIC, "254712345678")), False, id="phone-arabic-indic-digits"
    ),
    pytest.param(
        push(phone_number="254" + in_digits(ARABIC_INDIC, "7") + "12345678"),
        False,
        id="phone-one-arabic-indic-digit",
    ),
    pytest.param(push(phone_number="+254712345678"), False, id="phone-plus"),
    pytest.param(push(phone_number=254712345678), False, id="phone-number-type"),
    pytest.param(push(phone_number=MISSING), False, id="phone-missing"),
    pytest.param(push(amount="10\n"), False, id="amount-trailing-newline-was-valid"),
    pytest.param(push(amount="10.000"), False, id="amount-three-decimals"),
    pytest.param(push(amount=in_digits(ARABIC_INDIC, "10")), False, id="amount-arabic-indic-digits"),
    pytest.param(push(amount=in_digits(FULLWIDTH, "10")), False, id="amount-fullwidth-digits"),
    pytest.param(push(amount="ten"), False, id="amount-word"),
    pytest.param(push(amount="0"), False, id="amount-zero"),
    pytest.param(push(amount="250000.01"), False, id="amount-over-max"),
    pytest.param(push(amount=0.5), False, id="amount-number-below-min"),
    pytest.param(push(amount=True), False, id="amount-boolean"),
    pytest.param(push(mobile_tarrif="customer-pays"), False, id="tariff-lowercase"),
    pytest.param(push(api_ref="x" * 141), False, id="api-ref-too-long"),
]

RESPONSES = [
    pytest.param(200, pending_push(), True, id="pending-push"),
    changed("invoice.created_at", "2023-11-07t05:31:56z", True, "date-time-lowercase"),
    changed("invoice.created_at", "2016-12-31T23:59:60Z", True, "date-time-leap-second-was-invalid"),
    changed("invoice.created_at", "2023-11-07T05:31:56.123456Z", True, "date-time-fraction"),
    changed("invoice.created_at", "2023-11-07", False, "date-time-date-only"),
    changed("invoice.created_at", "2023-11-07T05:31:56", False, "date-time-no-offset"),
    changed("invoice.created_at", "2023-11-07 05:31:56+00:00", False, "date-time-space"),
    changed("invoice.created_at", "20231107T053156Z", False, "date-time-basic-format"),
    changed("invoice.created_at", "2023-11-07T05:31:56+0000", False, "date-time-offset-no-colon"),
    changed("invoice.created_at", "2023-11-07T05:31:56Z\n", False, "date-time-trailing-newline-was-valid"),
    changed("invoice.created_at", "2023-02-30T05:31:56Z", False, "date-time-february-30"),
    changed(
        "invoice.created_at",
        in_digits(ARABIC_INDIC, "2023-11-07") + "T05:31:56Z",
        False,
        "date-time-arabic-indic-digits",
    ),
    changed("created_at", "yesterday", False, "date-time-word"),
    changed("id", "3C90C3CC-0D44-4B50-8888-8DD25736052A", True, "uuid-uppercase"),
    changed("id", "3c90c3cc0d444b5088888dd25736052a", False, "uuid-no-hyphens"),
    changed("id", "{3c90c3cc-0d44-4b50-8888-8dd25736052a}", False, "uuid-braces"),
    changed("id", "urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a", False, "uuid-urn"),
    changed("id", "3c90c3cc-0d44-4b50-8888-8dd25736052a\n", False, "uuid-trailing-newline"),
    changed("customer.email", "customer@example.com", True, "email"),
    changed("customer.email", "not-an-email", False, "email-no-at"),
    changed("customer.email", "user@", False, "email-no-domain-was-valid"),
    changed("customer.email", "@example.com", False, "email-no-local-part-was-valid"),
    changed("customer.email", "user@@example.com", False, "email-two-ats-was-valid"),
    changed("customer.email", "user name@example.com", False, "email-space-was-valid"),
    changed("customer.email", "user@example.com\n", False, "email-trailing-newline-was-valid"),
    changed("customer_comment", "paid\n", False, "comment-trailing-newline-was-valid"),
    changed("customer_comment", "paid! <b>", False, "comment-markup"),
    # `format: decimal` is no format jsonschema-rs knows: an annotation, not a reason to refuse.
    changed("invoice.value", "ten", True, "unknown-format-ignored"),
    pytest.param(400, {"amount": ["Enter a valid amount."]}, True, id="field-errors"),
    pytest.param(400, {"detail": "JSON parse error"}, True, id="bad-request-detail"),
    pytest.param(400, {}, False, id="field-errors-empty"),
    pytest.param(401, {"detail": ""}, False, id="detail-empty"),
]


@functools.cache
def operation() -> schemathesis.APIOperation[Any, Any, Any, Any]:
    path, method, _ = spec.stk_push_operation()
    return schemathesis.openapi.from_dict(spec.document())[path][method.upper()]


def as_schemathesis(status: int, body: object) -> Response:
    """A reply as schemathesis's checks receive it in the conformance run."""
    request = requests.Request("POST", spec.server_urls()[0] + spec.stk_push_path()).prepare()
    return Response(
        status_code=status,
        headers={"content-type": ["application/json"]},
        content=json.dumps(body).encode(),
        request=request,
        elapsed=0.0,
        verify=True,
    )


def request_verdicts(body: JSON, http: httpx.Client) -> dict[str, bool]:
    """Each request judge's yes or no."""
    served = http.post(push_url(), json=body, headers=AUTH)
    assert served.status_code in (200, 400), served.text
    accepted = as_schemathesis(200, pending_push())  # the server said yes: do the checks?
    return {
        "spec.request_body_validator": spec.request_body_validator().is_valid(body),
        "emulator field_errors": field_errors(body) == {},
        "emulator over HTTP": served.status_code == 200,
        "spec.request_errors": spec.request_errors(json.dumps(body).encode(), headers=AUTH) == [],
        "checks.accepted_push": checks.accepted_push(accepted, operation().Case(body=body)) is not None,
    }


def response_verdicts(status: int, body: JSON) -> dict[str, bool]:
    """Each reply judge's yes or no."""
    return {
        "spec.response_body_validator": spec.response_body_validator(status).is_valid(body),
        "spec.response_errors": spec.response_errors(status, json.dumps(body).encode()) == [],
        "assert_conforms": _passes(lambda: assert_conforms(httpx.Response(status, json=body))),
        "strict_parse": _strict_allows(status, body),
        "conformance response_schema_conformance": _passes(
            lambda: operation().validate_response(as_schemathesis(status, body), case=operation().Case())
        ),
    }


def _passes(check: Callable[[], object]) -> bool:
    try:
        check()
    except (AssertionError, Failure, FailureGroup):
        return False
    return True


def _strict_allows(status: int, body: JSON) -> bool:
    try:
        strict_parse(httpx.Response(status, json=body))
    except ContractViolation as violation:
        # Spec-valid bodies the generated models cannot read (a leap second, a lowercase `t`) are
        # refused too, but for that reason alone: the spec's verdict is still yes.
        cannot_read = "the generated client cannot read this spec-valid body"
        return all(problem.startswith(cannot_read) for problem in violation.problems)
    return True


@pytest.mark.parametrize(("body", "allowed"), REQUESTS)
def test_every_request_judge_agrees(body: JSON, allowed: bool, http: httpx.Client) -> None:
    verdicts = request_verdicts(body, http)
    assert verdicts == dict.fromkeys(verdicts, allowed)


@pytest.mark.parametrize(("status", "body", "allowed"), RESPONSES)
def test_every_response_judge_agrees(status: int, body: JSON, allowed: bool) -> None:
    verdicts = response_verdicts(status, body)
    assert verdicts == dict.fromkeys(verdicts, allowed)
