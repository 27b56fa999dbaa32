"""What every benchmark sends: a made-up sandbox key and the body the official SDK sends, so that
every client and load generator puts the same bytes on the wire. Nothing here leaves loopback."""

from __future__ import annotations

import json
from typing import Any, Final

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
BODY: Final = json.dumps(PAYLOAD, separators=(",", ":"))
# Schema-invalid on purpose: a server that validates requests must refuse it.
INVALID_PAYLOAD: Final[dict[str, Any]] = {"amount": "ten shillings", "phone_number": PHONE}
