"""Builds the 200 body of an STK push from the request, by the rules table (`..rules`), and
keeps each push's record for the status endpoint (`lifecycle.py` derives its state). Fields the
rules do not set are filled from the spec: null where it allows null."""

from __future__ import annotations

import hashlib
import random
import string
import uuid
from datetime import UTC, datetime

from .. import rules, spec
from ..spec import JSON
from .clock import Clock, RealClock
from .lifecycle import Record, copied, is_final, moment, status_reply
from .store import DEFAULT_CAPACITY, BoundedStore

ID_ALPHABET = string.ascii_uppercase + string.digits
ID_LENGTH = 7


def _nullable(schema: JSON) -> bool:
    declared = schema.get("type")
    return isinstance(declared, list) and "null" in declared


def _nullable_properties(contract: spec.Spec, schema_name: str) -> tuple[str, ...]:
    properties = contract.component_schema(schema_name)["properties"]
    return tuple(name for name, schema in properties.items() if _nullable(schema))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class InvoiceBook:
    """Issues invoices and remembers recent ones and the customers seen, within bounds."""

    def __init__(
        self,
        seed: int | None = None,
        capacity: int = DEFAULT_CAPACITY,
        clock: Clock | None = None,
        contract: spec.Spec | None = None,
    ) -> None:
        self.contract = contract or spec.default()
        self._random = random.Random(seed)
        self._salt = str(seed)
        self.clock: Clock = clock or RealClock()
        self.invoices: BoundedStore[Record] = BoundedStore(capacity)
        self.customers: BoundedStore[JSON] = BoundedStore(capacity)
        self._null_fields: dict[str, tuple[str, ...]] = {}  # per schema, read from the spec once

    def _with_spec_nulls(self, schema_name: str, values: JSON) -> JSON:
        """`values` plus every other nullable property of the named schema, set to null, so the
        reply carries each documented key as the real API does."""
        nullable = self._null_fields.get(schema_name)
        if nullable is None:
            nullable = self._null_fields[schema_name] = _nullable_properties(self.contract, schema_name)
        return values | {name: None for name in nullable if name not in values}

    def _new_invoice_id(self) -> str:
        while True:
            candidate = "".join(self._random.choices(ID_ALPHABET, k=ID_LENGTH))
            if candidate not in self.invoices:
                return candidate

    def _customer(self, phone_number: str, timestamp: str) -> JSON:
        known = self.customers.get(phone_number)
        if known is None:
            # Derived from the number, so the id stays stable even after the record is evicted.
            digest = hashlib.sha256(f"{self._salt}:{phone_number}".encode()).digest()
            customer_id = "".join(ID_ALPHABET[byte % len(ID_ALPHABET)] for byte in digest[:ID_LENGTH])
            known = self._with_spec_nulls(
                "Customer",
                {
                    "customer_id": customer_id,
                    "phone_number": phone_number,
                    "country": "KE",
                    "created_at": timestamp,
                    "updated_at": timestamp,
                },
            )
        self.customers.put(phone_number, known)
        return known

    def push(self, request: JSON) -> JSON:
        """The 200 body for a valid STK push request."""
        timestamp = now()
        charge = rules.charge_for(request["amount"], request.get("mobile_tarrif"))
        invoice = self._with_spec_nulls(
            "Invoice",
            {
                "invoice_id": self._new_invoice_id(),
                "state": rules.INITIAL_STATE,
                "value": rules.money(charge.value),
                "charges": rules.money(charge.charges),
                "net_amount": rules.money(charge.net_amount),
                "currency": charge.currency,
                "account": request["phone_number"],
                "api_ref": rules.api_ref_for(request.get("api_ref")),
                "clearing_status": rules.INITIAL_CLEARING_STATUS,
                "retry_count": rules.INITIAL_RETRY_COUNT,
                "created_at": timestamp,
                "updated_at": timestamp,
            },
        )
        reply = self._with_spec_nulls(
            "StkPushResponse",
            {
                "invoice": invoice,
                "customer": dict(self._customer(request["phone_number"], timestamp)),
                "payment_link": None,
                "id": str(uuid.UUID(int=self._random.getrandbits(128), version=4)),
                "refundable": "false",
                "created_at": timestamp,
                "updated_at": timestamp,
            },
        )
        outcome = rules.outcome_for(request["phone_number"])
        record = Record(copied(reply), self.clock.now(), outcome, self.contract)
        self.invoices.put(invoice["invoice_id"], record)
        return reply

    def status(self, invoice_id: str) -> JSON | None:
        """The status endpoint's 200 body, or None for an unknown (or evicted) invoice."""
        record = self.invoices.get(invoice_id)
        return None if record is None else status_reply(record, self.clock.now())

    def settle(self, invoice_id: str, state: str, failed_code: str | None) -> JSON:
        """Settles a pending invoice now. KeyError: unknown; ValueError: already final."""
        record = self.invoices.get(invoice_id)
        if record is None:
            raise KeyError(invoice_id)
        now = self.clock.now()
        current = moment(record, now).state
        if is_final(record, current):
            raise ValueError(f"invoice {invoice_id} is already {current}")
        record.settled = (now, state, failed_code)
        return status_reply(record, now)
