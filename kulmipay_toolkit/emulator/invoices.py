"""Builds the 200 body of an STK push from the request, by the rules table (`..rules`).
Fields the rules do not set are filled from the spec: null where it allows null."""

from __future__ import annotations

import hashlib
import random
import string
import uuid
from datetime import UTC, datetime
from typing import Any

from .. import rules, spec
from .store import DEFAULT_CAPACITY, BoundedStore

JSON = dict[str, Any]
ID_ALPHABET = string.ascii_uppercase + string.digits
ID_LENGTH = 7


def _nullable(schema: JSON) -> bool:
    declared = schema.get("type")
    return isinstance(declared, list) and "null" in declared


def _with_spec_nulls(schema_name: str, values: JSON) -> JSON:
    """`values` plus every other nullable property of the named schema, set to null, so the
    reply carries each documented key as the real API does."""
    properties = spec.component_schema(schema_name)["properties"]
    nulls = {name: None for name, schema in properties.items() if _nullable(schema)}
    return values | {name: None for name in nulls if name not in values}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class InvoiceBook:
    """Issues invoices and remembers recent ones and the customers seen, within bounds."""

    def __init__(self, seed: int | None = None, capacity: int = DEFAULT_CAPACITY) -> None:
        self._random = random.Random(seed)
        self._salt = str(seed)
        self.invoices: BoundedStore[JSON] = BoundedStore(capacity)
        self.customers: BoundedStore[JSON] = BoundedStore(capacity)

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
            known = _with_spec_nulls(
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
        invoice = _with_spec_nulls(
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
        self.invoices.put(invoice["invoice_id"], dict(invoice))
        return _with_spec_nulls(
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
