"""STK push domain checks, as schemathesis custom checks: what a plain schema run cannot see.

Each rule looks only at accepted pushes (a 200 to a request the spec calls valid): what the
server does with invalid input is `negative_data_rejection`'s business, and a 200 that breaks
the schema is `response_schema_conformance`'s. The expectations come from `rules.py`, the same
table the emulator applies. A rule is a plain function that raises AssertionError; `domain_check`
registers it under its own name."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, Response
from schemathesis.core.failures import Failure

from . import rules, spec

JSON = dict[str, Any]
AnyCase = Case[Any]
Rule = Callable[[JSON, JSON, AnyCase], None]  # (request body, invoice, case)
Check = Callable[[CheckContext, Response, AnyCase], bool | None]


class DomainRuleBroken(Failure):
    """A failure whose title carries the specifics: reports that keep only titles (the VCR
    cassette, our summary) then still say what was wrong, not just which check said so."""

    kind_title = "STK push domain rule broken"


def accepted_push(response: Response, case: AnyCase) -> tuple[JSON, JSON] | None:
    """(request body, invoice) when this exchange is an accepted, valid STK push."""
    if response.status_code != 200 or not isinstance(case.body, dict):
        return None
    if not spec.request_body_validator().is_valid(case.body):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    invoice = body.get("invoice") if isinstance(body, dict) else None
    return (case.body, invoice) if isinstance(invoice, dict) else None


def domain_check(rule: Rule) -> Check:
    @functools.wraps(rule)
    def check(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        push = accepted_push(response, case)
        if push is None:
            return None
        try:
            rule(*push, case)
        except AssertionError as broken:
            raise DomainRuleBroken(
                operation=case.operation.label,
                title=f"{rule.__name__}: {broken}",
                message=str(broken),
                case_id=case.id,
            ) from None
        return True

    registered: Check = schemathesis.check(check)
    return registered


@domain_check
def api_ref_is_echoed(request: JSON, invoice: JSON, case: AnyCase) -> None:
    """`invoice.api_ref` is the request's `api_ref`, or KulmiPay's default when absent/null."""
    expected = rules.api_ref_for(request.get("api_ref"))
    assert invoice.get("api_ref") == expected, (
        f"invoice.api_ref is {invoice.get('api_ref')!r}; the request's api_ref was "
        f"{request.get('api_ref', '<absent>')!r}, so {expected!r} was expected"
    )


@domain_check
def account_is_phone_number(request: JSON, invoice: JSON, case: AnyCase) -> None:
    """`invoice.account` is the phone number that was prompted."""
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
def invoice_amounts_follow_rules(request: JSON, invoice: JSON, case: AnyCase) -> None:
    """`value` is the amount rounded up to a shilling; `charges` and `net_amount` follow the
    fee and the tariff (`mobile_tarrif`) as the rules table states them."""
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
    assert not problems, (
        f"for amount {request['amount']!r} and mobile_tarrif {tariff or rules.DEFAULT_TARIFF}: "
        + "; ".join(problems)
    )


@domain_check
def currency_is_kes(request: JSON, invoice: JSON, case: AnyCase) -> None:
    """M-Pesa collects in Kenyan shillings only."""
    assert invoice.get("currency") == rules.CURRENCY, (
        f"invoice.currency is {invoice.get('currency')!r}, expected {rules.CURRENCY!r}"
    )


class _IssuedInvoices:
    """invoice_id -> the case that first received it, for one run (one `st` process)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.first_case: dict[str, str] = {}

    def claim(self, invoice_id: str, case_id: str) -> str:
        with self.lock:
            return self.first_case.setdefault(invoice_id, case_id)


ISSUED = _IssuedInvoices()


@domain_check
def invoice_ids_are_unique(request: JSON, invoice: JSON, case: AnyCase) -> None:
    """Two pushes never share an `invoice_id`: the status endpoint and webhooks key on it."""
    invoice_id = invoice.get("invoice_id")
    if not isinstance(invoice_id, str):
        return  # a missing id is the schema check's to report
    # The same case may be checked again (shrinking, replay): only another case is a reuse.
    first = ISSUED.claim(invoice_id, case.id)
    assert first == case.id, f"invoice_id {invoice_id!r} was already issued to an earlier push"
