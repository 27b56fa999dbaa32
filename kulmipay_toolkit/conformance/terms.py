"""The guard's terms as they reach the `st` process (through its environment), read by the
hooks. Incomplete terms are refused: `MissingTerms`, and `st` sends nothing."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import MissingTerms

MODE_ENV = "KULMIPAY_GUARD_MODE"
PHONE_ENV = "KULMIPAY_GUARD_PHONE"
MAX_POSITIVE_ENV = "KULMIPAY_GUARD_MAX_POSITIVE"


@dataclass
class Terms:
    test_phone: str
    max_positive: int
    used: int = 0

    def __post_init__(self) -> None:
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.used >= self.max_positive:
                return False
            self.used += 1
            return True


def terms_from(environ: Mapping[str, str] = os.environ) -> Terms | None:
    """None for a trusted run; the remote terms otherwise; MissingTerms if they are incomplete."""
    mode = environ.get(MODE_ENV)
    if mode == "trusted":
        return None
    phone, limit = environ.get(PHONE_ENV, ""), environ.get(MAX_POSITIVE_ENV, "")
    if mode != "remote" or not phone or not (limit.isascii() and limit.isdigit()):
        raise MissingTerms(
            f"kulmipay_toolkit hooks need {MODE_ENV}=trusted, or =remote with {PHONE_ENV} and "
            f"{MAX_POSITIVE_ENV}; run conformance through `kulmipay-toolkit conformance`"
        )
    return Terms(phone, int(limit))
