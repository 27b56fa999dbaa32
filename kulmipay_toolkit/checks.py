"""STK push domain checks, as schemathesis custom checks: what a plain schema run cannot see.

Each rule looks only at accepted pushes (a 200 to a request the spec calls valid): what the
server does with invalid input is `negative_data_rejection`'s business, and a 200 that breaks
the schema is `response_schema_conformance`'s. The expectations come from `rules.py`, the same
table the emulator applies. A rule is a plain function that raises AssertionError; `domain_check`
registers it under its own name. On any other exchange a check returns True, which schemathesis
reads as "skipped": it is then not recorded, so a check's recorded results are what it judged."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, Response
from schemathesis.core.failures import Failure

from . import rules, spec
from .errors import NotApplicable
from .spec import JSON

AnyCase = Case[Any]
Rule = Callable[[JSON, JSON, AnyCase], None]  # (request body, reply body, case)
Check = Callable[[CheckContext, Response, AnyCase], bool | None]
# What schemathesis's `run_checks` reads as "this check skipped the exchange" (not recorded).
NOT_APPLICABLE = True


DOMAIN_RULES: list[str] = []


def field_of(data: JSON, name: str) -> Any:
    if name not in data:
        raise NotApplicable(name)
    return data[name]


class DomainRuleBroken(Failure):
    """A failure whose title carries the specifics: reports that keep only titles (the VCR
    cassette, our summary) then still say what was wrong, not just which check said so."""

    kind_title = "STK push domain rule broken"


def accepted_push(response: Response, case: AnyCase) -> tuple[JSON, JSON] | None:
    """(request body, reply body) when this exchange is an accepted, valid STK push whose reply
    has an `invoice` object."""
    body = answered_with_invoice(response, case, spec.STK_PUSH_OPERATION_ID)
    return (case.body, body) if body is not None and isinstance(case.body, dict) else None


def answered_with_invoice(response: Response, case: AnyCase, operation_id: str) -> JSON | None:
    """The reply body of a 200 to a schema-valid request of that operation, when it carries an
    `invoice` object; else None. What every push and lifecycle check judges, and nothing else."""
    path = spec.operation(operation_id)[0]
    if case.path != path or response.status_code != 200 or not isinstance(case.body, dict):
        return None
    if not spec.request_body_validator(operation_id).is_valid(case.body):
        return None
    try:
        body = response.json()
    except (ValueError, LookupError):  # not JSON, or a charset header naming no known codec
        return None
    invoice = body.get("invoice") if isinstance(body, dict) else None
    return body if isinstance(invoice, dict) else None


def rule_broken(name: str, message: str, case: AnyCase) -> DomainRuleBroken:
    """The failure a push or lifecycle rule reports on `case`, its specifics in the title."""
    return DomainRuleBroken(
        operation=case.operation.label, title=f"{name}: {message}", message=message, case_id=case.id
    )


def domain_check(rule: Rule) -> Check:
    @functools.wraps(rule)
    def check(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        push = accepted_push(response, case)
        if push is None:
            return NOT_APPLICABLE
        try:
            rule(*push, case)
        except NotApplicable:
            return NOT_APPLICABLE
        except AssertionError as broken:
            raise rule_broken(rule.__name__, str(broken), case) from None
        return None

    registered: Check = schemathesis.check(check)
    DOMAIN_RULES.append(rule.__name__)
    return registered


@domain_check
def api_ref_is_echoed(request: JSON, reply: JSON, case: AnyCase) -> None:
    """`invoice.api_ref` is the request's `api_ref`, or KulmiPay's default when absent/null."""
    invoice = reply["invoice"]
    expected = rules.api_ref_for(request.get("api_ref"))
    assert invoice.get("api_ref") == expected, (
        f"invoice.api_ref is {invoice.get('api_ref')!r}; the request's api_ref was "
        f"{request.get('api_ref', '<absent>')!r}, so {expected!r} was expected"
    )


@domain_check
def account_is_phone_number(request: JSON, reply: JSON, case: AnyCase) -> None:
    """`invoice.account` is the phone number that was prompted."""
    invoice = reply["invoice"]
    assert invoice.get("account") == request["phone_number"], (
        f"invoice.account is {invoice.get('account')!r}, expected the request's "
        f"phone_number {request['phone_number']!r}"
    )


def _decimal(invoice: JSON, field: str) -> Decimal | None:
    if field not in invoice:
        return None
    try:
        return rules.to_decimal(invoice[field])
    except ValueError:
        raise AssertionError(f"invoice.{field} {invoice[field]!r} is not a decimal") from None


@domain_check
def invoice_amounts_follow_rules(request: JSON, reply: JSON, case: AnyCase) -> None:
    """`value` is the amount rounded up to a shilling; `charges` and `net_amount` follow the
    fee and the tariff (`mobile_tarrif`) as the rules table states them."""
    invoice = reply["invoice"]
    tariff = request.get("mobile_tarrif")
    expected = rules.charge_for(request["amount"], tariff)
    problems = [
        f"invoice.{field} is {invoice[field]!r}, expected {rules.money(want)}"
        for field, want in (
            ("value", expected.value),
            ("charges", expected.charges),
            ("net_amount", expected.net_amount),
        )
        if (got := _decimal(invoice, field)) is not None and got != want
    ]
    if all(field not in invoice for field in ("value", "charges", "net_amount")):
        raise NotApplicable("no money fields")
    assert not problems, (
        f"for amount {request['amount']!r} and mobile_tarrif {tariff or rules.DEFAULT_TARIFF}: "
        + "; ".join(problems)
    )


@domain_check
def currency_is_kes(request: JSON, reply: JSON, case: AnyCase) -> None:
    """M-Pesa collects in Kenyan shillings only."""
    invoice = reply["invoice"]
    assert invoice.get("currency") == rules.CURRENCY, (
        f"invoice.currency is {invoice.get('currency')!r}, expected {rules.CURRENCY!r}"
    )


@domain_check
def new_invoice_is_pending(request: JSON, reply: JSON, case: AnyCase) -> None:
    """A push is answered at once, before the customer sees the prompt: the invoice is PENDING."""
    state = field_of(reply["invoice"], "state")
    expected = rules.INITIAL_STATE
    assert state == expected, f"a new invoice is in state {state!r}, expected {expected!r}"


@domain_check
def retry_count_starts_at_zero(request: JSON, reply: JSON, case: AnyCase) -> None:
    """Nothing has been retried on an invoice that was just created."""
    retries = field_of(reply["invoice"], "retry_count")
    assert retries == rules.INITIAL_RETRY_COUNT, (
        f"a new invoice has retry_count {retries!r}, expected {rules.INITIAL_RETRY_COUNT}"
    )


@domain_check
def customer_is_the_prompted_phone(request: JSON, reply: JSON, case: AnyCase) -> None:
    """`customer` is the customer the push was sent to: its phone number is the request's."""
    customer = reply.get("customer")
    phone = field_of(customer if isinstance(customer, dict) else {}, "phone_number")
    assert phone == request["phone_number"], (
        f"customer.phone_number is {phone!r}, expected the request's phone_number {request['phone_number']!r}"
    )


# Named as schemathesis reports it (a class-based check is registered under its class name).
class invoice_ids_are_unique:
    """Two pushes never share an `invoice_id`: the status endpoint and webhooks key on it. One
    instance per run (schemathesis builds class-based checks once per run)."""

    def __init__(self) -> None:
        self.first_case: dict[str, str] = {}

    def after_response(self, ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        push = accepted_push(response, case)
        invoice_id = push[1]["invoice"].get("invoice_id") if push is not None else None
        if not isinstance(invoice_id, str):
            return NOT_APPLICABLE  # a missing id is the schema check's to report
        # The same case may be checked again (shrinking, replay): only another case is a reuse.
        first = self.first_case.setdefault(invoice_id, case.id)
        if first != case.id:
            broken = AssertionError(f"invoice_id {invoice_id!r} was already issued to an earlier push")
            raise rule_broken("invoice_ids_are_unique", str(broken), case)
        return None


schemathesis.check(invoice_ids_are_unique)


def domain_check_names() -> list[str]:
    """Every check this module registers, in the order they are listed here."""
    return [*DOMAIN_RULES, "invoice_ids_are_unique"]
