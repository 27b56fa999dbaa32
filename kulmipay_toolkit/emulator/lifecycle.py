"""An invoice's life after the push: its state at a moment, derived from when it was pushed,
the outcome its phone number gets (`rules.OUTCOMES`) and any settlement a test made through the
control plane. Nothing is scheduled: reading the status computes it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .. import rules, spec
from ..spec import JSON

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def copied(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars): on every push's path, and about four
    times cheaper than `copy.deepcopy`, which must handle any object."""
    if isinstance(value, dict):
        return {key: copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copied(item) for item in value]
    return value


@dataclass
class Record:
    """What the emulator keeps of a push: its answer, when it came (on the clock) and its fate."""

    reply: JSON
    pushed_at: float
    outcome: rules.Outcome
    contract: spec.Spec
    settled: tuple[float, str, str | None] | None = None  # (clock time, state, failed_code)

    @property
    def invoice_id(self) -> str:
        return str(self.reply["invoice"]["invoice_id"])


@dataclass(frozen=True)
class Moment:
    state: str
    since: float  # seconds after the push when this state began
    failed_code: str | None


def history(record: Record, now: float) -> list[Moment]:
    """Every state the invoice has been in by `now`, in order, each with when it began."""
    visited = [Moment(record.contract.state_machine().initial, 0.0, None)]
    for after, _ in record.outcome.steps:
        if record.pushed_at + after <= now:
            current = moment(record, record.pushed_at + after)
            if current != visited[-1]:
                visited.append(current)
    last = moment(record, now)
    if last != visited[-1]:
        visited.append(last)
    return visited


def moment(record: Record, now: float) -> Moment:
    age = now - record.pushed_at
    current = Moment(record.contract.state_machine().initial, 0.0, None)
    for after, state in record.outcome.steps:
        if record.settled is not None and record.pushed_at + after > record.settled[0]:
            break  # a settlement cuts the phone's own timeline short
        if after <= age:
            failing = record.contract.state_machine().set_exactly_when["failed_code"]
            failed = record.outcome.failed_code if state in failing else None
            current = Moment(state, after, failed)
    if record.settled is not None and record.settled[0] <= now:
        settled_at, state, failed_code = record.settled
        current = Moment(state, settled_at - record.pushed_at, failed_code)
    return current


def is_final(record: Record, state: str) -> bool:
    return state in record.contract.state_machine().terminal


def receipt(invoice_id: str) -> str:
    """An M-Pesa receipt's shape: ten capitals and digits, derived from the invoice."""
    digest = hashlib.sha256(f"receipt:{invoice_id}".encode()).digest()
    return "S" + "".join(RECEIPT_ALPHABET[byte % len(RECEIPT_ALPHABET)] for byte in digest[:9])


def invoice_at(record: Record, at: Moment) -> JSON:
    """The invoice as it stood when `at` began (what its webhook event carries)."""
    reply = status_reply(record, record.pushed_at + at.since)
    invoice: JSON = reply["invoice"]
    return invoice


def status_reply(record: Record, now: float) -> JSON:
    """The status endpoint's 200: the invoice as it stands, and the push's own record as `meta`."""
    push: JSON = copied(record.reply)
    invoice = push.pop("invoice")
    current = moment(record, now)
    invoice["state"] = current.state
    _fill_state_fields(invoice, current, record)
    if current.since:
        changed = datetime.fromisoformat(invoice["created_at"]) + timedelta(seconds=current.since)
        invoice["updated_at"] = changed.isoformat(timespec="seconds")
    if current.state == rules.COMPLETE_STATE:
        invoice["clearing_status"] = rules.SETTLED_CLEARING_STATUS
    meta = {
        name: push[name]
        for name in record.contract.component_schema("PaymentStatusMeta")["properties"]
        if name in push
    }
    meta["updated_at"] = invoice["updated_at"]
    return {"invoice": invoice, "meta": meta}


def _fill_state_fields(invoice: JSON, current: Moment, record: Record) -> None:
    """The fields the spec's state machine sets exactly in some states, set or nulled to match."""
    values = {
        "mpesa_reference": receipt(record.invoice_id),
        "failed_code": current.failed_code,
        "failed_reason": rules.FAILURE_REASONS.get(current.failed_code or "", "The payment failed"),
    }
    for name, states in record.contract.state_machine().set_exactly_when.items():
        invoice[name] = values.get(name) if current.state in states else None
    invoice["failed_code_link"] = rules.FAILED_CODE_LINK if invoice.get("failed_code") else None
