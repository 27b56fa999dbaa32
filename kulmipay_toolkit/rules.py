"""KulmiPay's domain rules for an STK push: one table that the emulator applies and the
conformance checks assert, so the two can never disagree.

| rule | value | source |
| --- | --- | --- |
| rounding | fractions of a shilling round up (`invoice.value` = ceil(amount)) | docs-guide |
| currency | `KES` | docs-guide |
| default `api_ref` | `MPesa Express` when absent or null | docs-guide |
| default tariff | `BUSINESS-PAYS` (the official SDK's default; a real account's own) | official-sdk |
| fee | 3% of `invoice.value`, to the cent, half up | inferred |
| `BUSINESS-PAYS` | `net_amount` = value - charges (fee deducted from settlement) | docs-guide |
| `CUSTOMER-PAYS` | `net_amount` = value (the customer pays the fee on top) | docs-guide |
| new invoice | state `PENDING`, `retry_count` 0 | docs-guide |
| new invoice | `clearing_status` `PENDING` | inferred |
| receipt | `mpesa_reference` null until the state is `COMPLETE` | docs |
| customer | the reply's `customer` is the prompted phone's | docs |
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from . import spec

CURRENCY: Final = "KES"
DEFAULT_API_REF: Final = "MPesa Express"
DEFAULT_TARIFF: Final = "BUSINESS-PAYS"
FEE_RATE: Final = Decimal("0.03")
INITIAL_STATE: Final = "PENDING"  # a test pins it to the spec's Invoice.state enum
COMPLETE_STATE: Final = "COMPLETE"  # the only state with an M-Pesa receipt
INITIAL_CLEARING_STATUS: Final = "PENDING"  # inferred: nothing settles before the customer pays
INITIAL_RETRY_COUNT: Final = 0
CENT: Final = Decimal("0.01")

# Tariff name (the spec's `mobile_tarrif` enum) -> does the customer pay the fee on top?
# A test pins these keys to the spec's enum, so a new tariff in the spec cannot go unruled.
CUSTOMER_PAYS_FEE: Final[dict[str, bool]] = {"BUSINESS-PAYS": False, "CUSTOMER-PAYS": True}


@dataclass(frozen=True)
class Charge:
    """What an invoice must say about money, for one request."""

    value: Decimal
    charges: Decimal
    net_amount: Decimal
    currency: str = CURRENCY


def to_decimal(amount: object) -> Decimal:
    """The request's amount (decimal string or JSON number) as an exact Decimal."""
    if isinstance(amount, bool) or not isinstance(amount, str | int | float):
        raise ValueError(f"amount must be a decimal string or a number, not {amount!r}")
    try:
        # str() first: Decimal(0.1) would carry the float's binary error.
        parsed = Decimal(str(amount))
    except InvalidOperation as error:
        raise ValueError(f"amount {amount!r} is not a decimal number") from error
    if not parsed.is_finite():
        raise ValueError(f"amount {amount!r} is not a finite number")
    return parsed


def charge_for(amount: object, tariff: str | None) -> Charge:
    value = Decimal(math.ceil(to_decimal(amount)))
    charges = (value * FEE_RATE).quantize(CENT, rounding=ROUND_HALF_UP)
    customer_pays = CUSTOMER_PAYS_FEE[tariff or DEFAULT_TARIFF]
    net_amount = value if customer_pays else value - charges
    return Charge(value=value, charges=charges, net_amount=net_amount)


def api_ref_for(api_ref: str | None) -> str:
    return DEFAULT_API_REF if api_ref is None else api_ref


def money(amount: Decimal) -> str:
    """How the emulator writes money: a decimal string with two places, e.g. `10.00`."""
    return str(amount.quantize(CENT))


# The lifecycle after a push: which outcome a test phone number gets, and when. The states and
# which transitions are legal come from the spec (`spec.state_machine()`); a test pins every
# timeline here to it. Any valid number not in the table pays.
PROCESSING_AFTER: Final = 2.0  # seconds until the customer is typing the PIN
SETTLED_AFTER: Final = 5.0  # seconds until M-Pesa answers
SLOW_PAYER_AFTER: Final = 50.0
SETTLED_CLEARING_STATUS: Final = "AVAILABLE"  # inferred: the spec's COMPLETE example
FAILED_CODE_LINK: Final = "https://developers.kulmipay.com/troubleshooting"  # inferred


@dataclass(frozen=True)
class Outcome:
    """What happens to a push: `(seconds after it, state)` steps, and the failure code if any."""

    description: str
    steps: tuple[tuple[float, str], ...]
    failed_code: str | None = None


PAYS: Final = Outcome("pays", ((PROCESSING_AFTER, "PROCESSING"), (SETTLED_AFTER, "COMPLETE")))
# Safaricom's STK result codes, as KulmiPay appears to pass them through (unconfirmed).
FAILURE_REASONS: Final[dict[str, str]] = {
    "1032": "Request cancelled by user",
    "1037": "DS timeout user cannot be reached",
    "1": "The balance is insufficient for the transaction",
    "2001": "The initiator information is invalid",
}
OUTCOMES: Final[dict[str, Outcome]] = {
    "254700000001": Outcome("cancelled by the customer", ((SETTLED_AFTER, "FAILED"),), "1032"),
    # Never answered: FAILED when the prompt expires (the spec's `prompt-expires-after-seconds`).
    "254700000002": Outcome(
        "never answers the prompt", ((spec.state_machine().prompt_expires_after, "FAILED"),), "1037"
    ),
    "254700000003": Outcome(
        "insufficient balance", ((PROCESSING_AFTER, "PROCESSING"), (SETTLED_AFTER, "FAILED")), "1"
    ),
    "254700000004": Outcome(
        "wrong PIN", ((PROCESSING_AFTER, "PROCESSING"), (SETTLED_AFTER, "FAILED")), "2001"
    ),
    "254700000005": Outcome(
        "a slow payer", ((SLOW_PAYER_AFTER - 5, "PROCESSING"), (SLOW_PAYER_AFTER, "COMPLETE"))
    ),
}


def outcome_for(phone_number: str) -> Outcome:
    return OUTCOMES.get(phone_number, PAYS)
