"""Lifecycle checks: what the status endpoint must say about a push, judged over the run.

The judgements are plain functions over invoices (so the runner's lifecycle probe, which reads
statuses over time, applies the very same ones); the schemathesis checks below wrap them. Each
class-based check is built once per run and keeps what it has seen of each invoice. On an
exchange it does not judge, a check returns True (schemathesis then records nothing)."""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, Response

from . import rules, spec
from .checks import NOT_APPLICABLE, accepted_push, answered_with_invoice, rule_broken
from .spec import JSON

AnyCase = Case[Any]
CHECK_NAMES = (
    "status_agrees_with_push",
    "transitions_are_legal",
    "state_fields_match_state",
    "unknown_invoice_is_not_found",
)


def agreement_problems(pushed: JSON, read: JSON) -> list[str]:
    """How a status read's invoice differs from the push's where the spec says it never changes."""
    return [
        f"invoice.{name} is {read.get(name)!r} on the status read, {pushed.get(name)!r} on the push"
        for name in spec.state_machine().unchanged_after_push
        if name in pushed and not _same(name, read.get(name), pushed.get(name))
    ]


def _same(name: str, read: Any, pushed: Any) -> bool:
    """Equal, or for the invoice's `format: decimal` fields equal as amounts: `10` and `10.00` are
    the same money (the spec's own push and status examples write it both ways)."""
    if read == pushed:
        return True
    field = spec.component_schema("Invoice")["properties"].get(name, {})
    if field.get("format") != "decimal":
        return False
    try:
        return rules.to_decimal(read) == rules.to_decimal(pushed)
    except ValueError:
        return False


def transition_problem(before: str, after: str) -> str | None:
    if after in spec.state_machine().reachable(before):
        return None
    return f"state went from {before} to {after}, which the spec's state machine does not allow"


def state_field_problems(invoice: JSON) -> list[str]:
    """Fields set exactly in some states (`set-exactly-when`), checked against the state."""
    state = invoice.get("state")
    problems = []
    for name, states in spec.state_machine().set_exactly_when.items():
        present = invoice.get(name) is not None
        if present != (state in states):
            should = "set" if state in states else "null"
            problems.append(f"{name} is {invoice.get(name)!r} in state {state}; it must be {should}")
    return problems


def _is_status(case: AnyCase) -> bool:
    return case.path == spec.status_path()


def _status_invoice(response: Response, case: AnyCase) -> JSON | None:
    """The invoice of a 200 status reply to a valid request, else None."""
    body = answered_with_invoice(response, case, spec.STATUS_OPERATION_ID)
    return None if body is None else body["invoice"]


def _fail(name: str, problems: list[str], case: AnyCase) -> None:
    if problems:
        raise rule_broken(name, "; ".join(problems), case)


class status_agrees_with_push:
    """The status endpoint shows the pushed invoice: the same id, money, account and api_ref."""

    def __init__(self) -> None:
        self.pushed: dict[str, JSON] = {}

    def after_response(self, ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        if (push := accepted_push(response, case)) is not None:
            invoice = push[1]["invoice"]
            self.pushed.setdefault(str(invoice.get("invoice_id")), invoice)
            return NOT_APPLICABLE
        read = _status_invoice(response, case)  # None unless the request body is a valid dict
        asked = str(case.body.get("invoice_id")) if isinstance(case.body, dict) else ""
        if read is None or asked not in self.pushed:
            return NOT_APPLICABLE
        problems = agreement_problems(self.pushed[asked], read)
        if read.get("invoice_id") != asked:
            problems.insert(0, f"asked for invoice {asked!r}, got {read.get('invoice_id')!r}")
        _fail("status_agrees_with_push", problems, case)
        return None


class transitions_are_legal:
    """Successive reads of one invoice move only along the spec's state machine."""

    def __init__(self) -> None:
        self.last: dict[str, str] = {}

    def after_response(self, ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        if (push := accepted_push(response, case)) is not None:
            invoice = push[1]["invoice"]
            if isinstance(invoice.get("state"), str):
                self.last.setdefault(str(invoice.get("invoice_id")), invoice["state"])
            return NOT_APPLICABLE
        read = _status_invoice(response, case)
        state, invoice_id = (read or {}).get("state"), str((read or {}).get("invoice_id"))
        if read is None or not isinstance(state, str) or invoice_id not in self.last:
            if read is not None and isinstance(state, str):
                self.last[invoice_id] = state
            return NOT_APPLICABLE
        before, self.last[invoice_id] = self.last[invoice_id], state
        problem = transition_problem(before, state)
        _fail("transitions_are_legal", [problem] if problem else [], case)
        return None


def state_fields_match_state(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """`mpesa_reference` only when COMPLETE, `failed_code`/`failed_reason` only when FAILED, on
    every invoice the push or the status endpoint shows."""
    push = accepted_push(response, case)
    invoice = push[1]["invoice"] if push is not None else _status_invoice(response, case)
    if invoice is None or not isinstance(invoice.get("state"), str):
        return NOT_APPLICABLE
    _fail("state_fields_match_state", state_field_problems(invoice), case)
    return None


class unknown_invoice_is_not_found:
    """A status read for an invoice this run never pushed is answered 404, not a made-up invoice."""

    def __init__(self) -> None:
        self.issued: set[str] = set()

    def after_response(self, ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        if (push := accepted_push(response, case)) is not None:
            self.issued.add(str(push[1]["invoice"].get("invoice_id")))
            return NOT_APPLICABLE
        body = case.body if isinstance(case.body, dict) else None
        valid = body is not None and spec.request_body_validator(spec.STATUS_OPERATION_ID).is_valid(body)
        if not _is_status(case) or not valid or body is None or str(body["invoice_id"]) in self.issued:
            return NOT_APPLICABLE
        # Only a well-formed read reaches the look-up; anything refused before it says nothing.
        well_formed = case.method.upper() == "POST" and (case.media_type or "").startswith("application/json")
        if not well_formed or response.status_code not in (200, 404):
            return NOT_APPLICABLE
        if response.status_code != 404:
            status = response.status_code
            problem = (
                f"invoice {body['invoice_id']!r} was never pushed, yet the status read answered {status}"
            )
            _fail("unknown_invoice_is_not_found", [problem], case)
        return None


for _check in (
    status_agrees_with_push,
    transitions_are_legal,
    state_fields_match_state,
    unknown_invoice_is_not_found,
):
    schemathesis.check(_check)
