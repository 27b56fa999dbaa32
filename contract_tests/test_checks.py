"""Direct tests of the STK push domain checks (`kulmipay_toolkit/checks.py`), each called as
schemathesis calls it: `(ctx, response, case)`, with a `Case` of the loaded spec and a
schemathesis `Response`. The exchange is the spec's own: its minimal push example (with the
`api_ref` of its full one) answered by its `PendingPush` example, which every rule accepts; each
failing case edits it to break one rule. A check returns None when it judged and passed, True
when it did not judge (schemathesis then records nothing), and raises `DomainRuleBroken`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import pytest
from schemathesis import Response
from schemathesis.checks import CHECKS, run_checks
from schemathesis.core import Body
from schemathesis.core.failures import Failure

from contract_tests.support.exchanges import (
    MISSING,
    PUSH,
    SKIPPED,
    AnyCase,
    CheckFunction,
    check_context,
    edited,
    operation,
    push_request,
    reply_example,
    response,
)
from kulmipay_toolkit import checks, rules, spec
from kulmipay_toolkit.checks import DomainRuleBroken
from kulmipay_toolkit.spec import JSON

OTHER_PHONE: Final = "254700000009"  # valid, and not the examples' number
RULES: Final[dict[str, CheckFunction]] = {name: getattr(checks, name) for name in checks.DOMAIN_RULES}


def pending_push(edits: Mapping[str, object] | None = None) -> JSON:
    """The spec's `PendingPush` reply example, edited."""
    return edited(reply_example(PUSH, "pending"), edits or {})


def push_response(status: int, body: object, *, content: bytes | None = None) -> Response:
    """A reply to the push, as schemathesis's checks receive it."""
    return response(status, body, PUSH, content=content)


def case(body: Body, operation_id: str = PUSH) -> AnyCase:
    return operation(operation_id).Case(body=body)


def judge(name: str, request: JSON, reply: JSON, status: int = 200) -> bool | None:
    return RULES[name](check_context(), push_response(status, reply), case(request))


# --- the example exchange ------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(RULES))
def test_the_spec_example_exchange_is_judged_and_passes(name: str) -> None:
    """A rule that flags the spec's own example (or skips it: an invalid request, a lost judgement)."""
    assert spec.request_body_validator(PUSH).is_valid(push_request())
    assert judge(name, push_request(), pending_push()) is None


# --- each rule, broken ---------------------------------------------------------------------------

BROKEN = [
    pytest.param(
        "api_ref_is_echoed", {}, {"invoice.api_ref": "order-9999"}, "'order-9999'", id="api_ref-rewritten"
    ),
    pytest.param(
        "api_ref_is_echoed",
        {"api_ref": MISSING},
        {},
        f"{rules.DEFAULT_API_REF!r} was expected",
        id="api_ref-absent-not-defaulted",
    ),
    pytest.param(
        "api_ref_is_echoed",
        {"api_ref": None},
        {},
        f"{rules.DEFAULT_API_REF!r} was expected",
        id="api_ref-null-not-defaulted",
    ),
    pytest.param(
        "account_is_phone_number", {}, {"invoice.account": OTHER_PHONE}, OTHER_PHONE, id="account-other-phone"
    ),
    pytest.param(
        "invoice_amounts_follow_rules",
        {},
        {"invoice.value": "11"},
        "invoice.value is '11', expected 10.00",
        id="value-off-by-one",
    ),
    pytest.param(
        "invoice_amounts_follow_rules",
        {"amount": "10.50"},
        {},
        "invoice.value is '10', expected 11.00",
        id="fraction-not-rounded-up",
    ),
    pytest.param(
        "invoice_amounts_follow_rules",
        {},
        {"invoice.charges": "0.31"},
        "invoice.charges is '0.31', expected 0.30",
        id="fee-wrong",
    ),
    pytest.param(
        "invoice_amounts_follow_rules",
        {},
        {"invoice.net_amount": "10.00"},
        "invoice.net_amount is '10.00', expected 9.70",
        id="business-pays-fee-not-deducted",
    ),
    pytest.param(
        "invoice_amounts_follow_rules",
        {"mobile_tarrif": "CUSTOMER-PAYS"},
        {},
        "invoice.net_amount is '9.70', expected 10.00",
        id="customer-pays-fee-deducted",
    ),
    pytest.param(
        "invoice_amounts_follow_rules",
        {},
        {"invoice.value": "ten"},
        "invoice.value 'ten' is not a decimal",
        id="value-not-a-decimal",
    ),
    pytest.param(
        "invoice_amounts_follow_rules",
        {},
        {"invoice.value": MISSING, "invoice.net_amount": MISSING, "invoice.charges": "1.00"},
        "invoice.charges is '1.00'",
        id="some-money-fields-still-judged",
    ),
    pytest.param(
        "currency_is_kes", {}, {"invoice.currency": "USD"}, "'USD', expected 'KES'", id="currency-usd"
    ),
    pytest.param(
        "currency_is_kes", {}, {"invoice.currency": MISSING}, "None, expected 'KES'", id="currency-absent"
    ),
    pytest.param(
        "new_invoice_is_pending",
        {},
        {"invoice.state": "COMPLETE"},
        "'COMPLETE', expected 'PENDING'",
        id="state-complete",
    ),
    pytest.param(
        "retry_count_starts_at_zero",
        {},
        {"invoice.retry_count": 1},
        "retry_count 1, expected 0",
        id="retried-already",
    ),
    pytest.param(
        "customer_is_the_prompted_phone",
        {},
        {"customer.phone_number": OTHER_PHONE},
        OTHER_PHONE,
        id="customer-other-phone",
    ),
]


@pytest.mark.parametrize(("name", "request_changes", "reply_edits", "says"), BROKEN)
def test_each_rule_fails_the_reply_that_breaks_it(
    name: str, request_changes: JSON, reply_edits: JSON, says: str
) -> None:
    """A rule that lets through the one thing it exists to catch, or fails without saying what."""
    request = push_request(**request_changes)
    assert spec.request_body_validator(PUSH).is_valid(request)  # else the rule would rightly skip it
    with pytest.raises(DomainRuleBroken) as broken:
        judge(name, request, pending_push(reply_edits))
    assert says in broken.value.message
    assert broken.value.title == f"{name}: {broken.value.message}"


PASSING_VARIANTS = [
    pytest.param(
        "api_ref_is_echoed",
        {"api_ref": MISSING},
        {"invoice.api_ref": rules.DEFAULT_API_REF},
        id="api_ref-absent-defaulted",
    ),
    pytest.param(
        "api_ref_is_echoed",
        {"api_ref": None},
        {"invoice.api_ref": rules.DEFAULT_API_REF},
        id="api_ref-null-defaulted",
    ),
    pytest.param("invoice_amounts_follow_rules", {"amount": "9.01"}, {}, id="fraction-rounded-up"),
    pytest.param("invoice_amounts_follow_rules", {"amount": 10}, {}, id="amount-as-json-number"),
    pytest.param(
        "invoice_amounts_follow_rules", {}, {"invoice.value": "10.00"}, id="money-compared-as-decimals"
    ),
    pytest.param(
        "invoice_amounts_follow_rules",
        {"mobile_tarrif": "CUSTOMER-PAYS"},
        {"invoice.net_amount": "10.00"},
        id="customer-pays-on-top",
    ),
    pytest.param(
        "invoice_amounts_follow_rules",
        {},
        {"invoice.charges": MISSING, "invoice.net_amount": MISSING},
        id="value-alone",
    ),
]


@pytest.mark.parametrize(("name", "request_changes", "reply_edits"), PASSING_VARIANTS)
def test_each_rule_accepts_the_other_right_answers(
    name: str, request_changes: JSON, reply_edits: JSON
) -> None:
    """A rule stricter than the rules table: defaults, rounding up, tariffs, `10` and `10.00` alike."""
    assert judge(name, push_request(**request_changes), pending_push(reply_edits)) is None


NOTHING_TO_JUDGE = [
    pytest.param(
        "invoice_amounts_follow_rules",
        {"invoice.value": MISSING, "invoice.charges": MISSING, "invoice.net_amount": MISSING},
        id="no-money-fields",
    ),
    pytest.param("new_invoice_is_pending", {"invoice.state": MISSING}, id="no-state"),
    pytest.param("retry_count_starts_at_zero", {"invoice.retry_count": MISSING}, id="no-retry_count"),
    pytest.param("customer_is_the_prompted_phone", {"customer": MISSING}, id="no-customer"),
    pytest.param("customer_is_the_prompted_phone", {"customer": None}, id="null-customer"),
    pytest.param(
        "customer_is_the_prompted_phone", {"customer.phone_number": MISSING}, id="customer-without-phone"
    ),
]


@pytest.mark.parametrize(("name", "reply_edits"), NOTHING_TO_JUDGE)
def test_a_rule_skips_a_reply_without_what_it_judges(name: str, reply_edits: JSON) -> None:
    """An optional field left out counted as passed (or failed) instead of not judged."""
    assert judge(name, push_request(), pending_push(reply_edits)) is SKIPPED


# --- exchanges no push rule judges ---------------------------------------------------------------


def _wrong_everywhere() -> JSON:
    """The example reply with every rule broken at once: if any exchange below were judged, it
    would fail (see the first test)."""
    return pending_push(
        {
            "invoice.api_ref": "order-9999",
            "invoice.account": OTHER_PHONE,
            "invoice.value": "11",
            "invoice.currency": "USD",
            "invoice.state": "COMPLETE",
            "invoice.retry_count": 3,
            "customer.phone_number": OTHER_PHONE,
        }
    )


@pytest.mark.parametrize("name", list(RULES))
def test_the_wrong_everywhere_reply_fails_every_rule(name: str) -> None:
    """The control for the skips below: judged, that reply breaks this rule."""
    with pytest.raises(DomainRuleBroken):
        judge(name, push_request(), _wrong_everywhere())


NOT_AN_ACCEPTED_PUSH: list[Any] = [
    pytest.param(400, push_request(), PUSH, None, id="400"),
    pytest.param(201, push_request(), PUSH, None, id="201"),
    pytest.param(500, push_request(), PUSH, None, id="500"),
    pytest.param(200, push_request(phone_number="0712345678"), PUSH, None, id="schema-invalid-request"),
    pytest.param(200, push_request(amount=MISSING), PUSH, None, id="request-without-amount"),
    pytest.param(200, [push_request()], PUSH, None, id="request-not-an-object"),
    pytest.param(
        200,
        spec.request_examples(spec.STATUS_OPERATION_ID)[0],
        spec.STATUS_OPERATION_ID,
        None,
        id="a-status-read",
    ),
    pytest.param(200, push_request(), PUSH, b"<html>OK</html>", id="reply-not-json"),
    pytest.param(200, push_request(), PUSH, b"", id="reply-empty"),
    pytest.param(200, push_request(), PUSH, b"[]", id="reply-a-list"),
    pytest.param(200, push_request(), PUSH, b'{"invoice": null}', id="reply-invoice-null"),
    pytest.param(200, push_request(), PUSH, b'{"invoice": "QZ7L0RK"}', id="reply-invoice-a-string"),
]


@pytest.mark.parametrize("name", [*RULES, "invoice_ids_are_unique"])
@pytest.mark.parametrize(("status", "sent", "operation_id", "content"), NOT_AN_ACCEPTED_PUSH)
def test_only_an_accepted_valid_push_is_judged(
    name: str, status: int, sent: Body, operation_id: str, content: bytes | None
) -> None:
    """A rule judging what belongs to another check (errors, invalid input, status reads, no invoice)."""
    check: CheckFunction = RULES[name] if name in RULES else checks.invoice_ids_are_unique().after_response
    reply = push_response(status, _wrong_everywhere(), content=content)
    assert check(check_context(), reply, case(sent, operation_id)) is SKIPPED


# --- invoice_ids_are_unique (one instance per run) -----------------------------------------------


def _push_with_id(invoice_id: object) -> tuple[Response, AnyCase]:
    return push_response(200, pending_push({"invoice.invoice_id": invoice_id})), case(push_request())


def test_a_reused_invoice_id_fails_on_the_second_push() -> None:
    """Two pushes answered with one invoice_id (the status endpoint and webhooks key on it) go unnoticed."""
    unique = checks.invoice_ids_are_unique()
    assert unique.after_response(check_context(), *_push_with_id("QZ7L0RK")) is None
    assert unique.after_response(check_context(), *_push_with_id("QZ7L0RL")) is None
    with pytest.raises(DomainRuleBroken, match="already issued") as broken:
        unique.after_response(check_context(), *_push_with_id("QZ7L0RK"))
    assert broken.value.title.startswith("invoice_ids_are_unique: invoice_id 'QZ7L0RK'")


def test_the_same_case_checked_again_is_no_reuse() -> None:
    """Shrinking or replay re-checking one case reported as a reused invoice_id."""
    unique = checks.invoice_ids_are_unique()
    reply, push = _push_with_id("QZ7L0RK")
    assert unique.after_response(check_context(), reply, push) is None
    assert unique.after_response(check_context(), reply, push) is None


@pytest.mark.parametrize("invoice_id", [MISSING, None, 42], ids=["absent", "null", "a-number"])
def test_a_push_without_a_string_invoice_id_is_not_judged(invoice_id: object) -> None:
    """A missing id (the schema check's to report) counted as a judged, unique one."""
    unique = checks.invoice_ids_are_unique()
    assert unique.after_response(check_context(), *_push_with_id(invoice_id)) is SKIPPED
    assert unique.after_response(check_context(), *_push_with_id(invoice_id)) is SKIPPED


def test_an_id_in_a_refused_push_is_not_issued() -> None:
    """An invoice_id in an error reply remembered as issued, failing the real push that later gets it."""
    unique = checks.invoice_ids_are_unique()
    refused = push_response(400, pending_push())
    assert unique.after_response(check_context(), refused, case(push_request())) is SKIPPED
    assert (
        unique.after_response(check_context(), push_response(200, pending_push()), case(push_request()))
        is None
    )


# --- as schemathesis sees them --------------------------------------------------------------------


def test_a_broken_rule_is_a_schemathesis_failure_of_this_case() -> None:
    """A failure schemathesis reports as a crash, or against the wrong operation or case."""
    push = case(push_request())
    with pytest.raises(DomainRuleBroken) as broken:
        RULES["currency_is_kes"](
            check_context(), push_response(200, pending_push({"invoice.currency": "USD"})), push
        )
    assert isinstance(broken.value, Failure)
    assert broken.value.operation == push.operation.label == f"POST {spec.stk_push_path()}"
    assert broken.value.case_id == push.id


@pytest.mark.parametrize(
    ("reply_edits", "recorded"),
    [({"invoice.state": MISSING}, []), ({}, ["success"]), ({"invoice.state": "FAILED"}, ["failure"])],
    ids=["skipped", "passed", "failed"],
)
def test_schemathesis_records_only_what_a_rule_judged(reply_edits: JSON, recorded: list[str]) -> None:
    """`NOT_APPLICABLE` no longer meaning "skipped" to the installed schemathesis (every skip a pass)."""
    seen: list[str] = []
    run_checks(
        case=case(push_request()),
        response=push_response(200, pending_push(reply_edits)),
        ctx=check_context(),
        checks=[RULES["new_invoice_is_pending"]],
        on_failure=lambda name, collected, failure: seen.append("failure"),
        on_success=lambda name, judged: seen.append("success"),
    )
    assert seen == recorded


def test_every_domain_check_is_registered_and_tested_here() -> None:
    """A check the run asks for by name that schemathesis does not know, or one added without a test here."""
    registered = set(CHECKS.get_all_names())
    assert set(checks.domain_check_names()) <= registered
    tested = {param.values[0] for param in BROKEN} | {"invoice_ids_are_unique"}
    assert tested == set(checks.domain_check_names())


# --- bugs these tests found (fixed with them) ---


def test_a_reply_in_an_unknown_charset_is_not_judged() -> None:
    """A server's bogus `charset` crashing the domain checks instead of being skipped."""
    reply = push_response(200, pending_push())
    reply.encoding = "x-no-such-charset"  # what Response.from_requests keeps from the header
    assert RULES["currency_is_kes"](check_context(), reply, case(push_request())) is SKIPPED
