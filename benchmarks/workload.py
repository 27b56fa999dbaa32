"""What every benchmark sends: one made-up sandbox key and the body the official SDK sends, so
that every client under test puts the same bytes on the wire."""

from __future__ import annotations

import json
from typing import Any, Final

from kulmipay_toolkit import spec

# Made up; the local emulator accepts any sandbox-shaped key. Never a real key: nothing here leaves loopback.
TOKEN: Final = "ISSecretKey_test_benchmark00000000000000"
PHONE: Final = "254712345678"
AMOUNT: Final = "10"
# The official SDK's defaults for the two optional fields it always sends.
PAYLOAD: Final[dict[str, Any]] = {
    "amount": AMOUNT,
    "phone_number": PHONE,
    "api_ref": "API Request",
    "mobile_tarrif": "BUSINESS-PAYS",
}
# Schema-invalid on purpose: a server that validates requests must refuse it.
INVALID_PAYLOAD: Final[dict[str, Any]] = {"amount": "ten shillings", "phone_number": PHONE}


def push_path() -> str:
    """The STK push path below the API root, e.g. `/payment/mpesa-stk-push/`."""
    return spec.stk_push_path()


def distinct_phone(index: int) -> str:
    """A different valid Safaricom number for each index below 10**8 (the memory run's customers)."""
    return f"2547{index % 10**8:08d}"


def body_bytes(phone: str = PHONE) -> bytes:
    return json.dumps({**PAYLOAD, "phone_number": phone}, separators=(",", ":")).encode()
