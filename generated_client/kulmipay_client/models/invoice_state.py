from typing import Literal

InvoiceState = Literal["COMPLETE", "FAILED", "PENDING", "PROCESSING"]

INVOICE_STATE_VALUES: set[InvoiceState] = {
    "COMPLETE",
    "FAILED",
    "PENDING",
    "PROCESSING",
}


def check_invoice_state(value: str) -> InvoiceState:
    if value in INVOICE_STATE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {INVOICE_STATE_VALUES!r}")
