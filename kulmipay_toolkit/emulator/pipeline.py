"""The faithful sandbox: one STK push request, top to bottom.

authenticate -> check media type -> read (bounded) -> parse -> validate (from the spec)
-> apply the rules -> finish. Fault profiles (`faults.py`) subclass this and override one step.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import auth
from .body import BadBody, check_media_type, parse_object, read_limited
from .invoices import InvoiceBook
from .reply import Reply
from .store import DEFAULT_CAPACITY
from .validation import field_errors


@dataclass(frozen=True)
class Settings:
    fault: str | None = None
    seed: int | None = None
    # Empty: any sandbox key is accepted. Otherwise only these keys are.
    allowed_keys: frozenset[str] = field(default_factory=frozenset)
    capacity: int = DEFAULT_CAPACITY


class Sandbox:
    """Behaves as KulmiPay's sandbox does for STK push, as far as the spec and rules say."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.book = InvoiceBook(settings.seed, settings.capacity)

    async def handle(self, headers: Mapping[str, str], chunks: AsyncIterator[bytes]) -> Reply:
        payload: dict[str, Any] | None = None
        reply = self.authenticate(headers.get("authorization"))
        if reply is None:
            try:
                check_media_type(headers.get("content-type"))
                payload = parse_object(await read_limited(headers.get("content-length"), chunks))
            except BadBody as bad:
                reply = bad.reply
            else:
                reply = self.validate(payload) or self.accept(payload)
        return self.finish(reply, payload)

    def authenticate(self, authorization: str | None) -> Reply | None:
        return auth.authenticate(authorization, self.settings.allowed_keys)

    def validate(self, payload: dict[str, Any]) -> Reply | None:
        errors = field_errors(payload)
        return Reply(400, errors) if errors else None

    def accept(self, payload: dict[str, Any]) -> Reply:
        return Reply(200, self.book.push(payload))

    def finish(self, reply: Reply, payload: dict[str, Any] | None) -> Reply:
        """Last chance to alter what is sent; `payload` is None when the body was never parsed."""
        return reply
