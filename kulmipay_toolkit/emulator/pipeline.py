"""The faithful sandbox: one request, top to bottom.

STK push: authenticate -> check media type -> read (bounded) -> parse -> validate (from the
spec) -> apply the rules -> finish. Status: the same first four steps -> validate -> look up
the invoice (its state derived from the clock) -> finish_status. Fault profiles (`faults.py`)
subclass this and override one step.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import spec
from . import auth
from .body import BadBody, check_media_type, parse_object, read_limited
from .clock import clock_for
from .invoices import InvoiceBook
from .reply import Reply, error
from .store import DEFAULT_CAPACITY
from .validation import field_errors

NOT_FOUND = "Not found."


@dataclass(frozen=True)
class Settings:
    fault: str | None = None
    seed: int | None = None
    # Empty: any sandbox key is accepted. Otherwise only these keys are.
    allowed_keys: frozenset[str] = field(default_factory=frozenset)
    capacity: int = DEFAULT_CAPACITY
    clock: str = "real"  # or "manual": moved only through the control plane


class Sandbox:
    """Behaves as KulmiPay's sandbox does for STK push, as far as the spec and rules say."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = clock_for(settings.clock)
        self.book = InvoiceBook(settings.seed, settings.capacity, self.clock)

    async def handle(self, headers: Mapping[str, str], chunks: AsyncIterator[bytes]) -> Reply:
        """An STK push."""
        payload, reply = await self._read(headers, chunks)
        if payload is not None:
            reply = self.validate(payload) or self.accept(payload)
        assert reply is not None
        return self.finish(reply, payload)

    async def handle_status(self, headers: Mapping[str, str], chunks: AsyncIterator[bytes]) -> Reply:
        """A payment status read."""
        payload, reply = await self._read(headers, chunks)
        if payload is not None:
            reply = self.validate_status(payload) or self.look_up(payload)
        assert reply is not None
        return self.finish_status(reply, payload)

    async def _read(
        self, headers: Mapping[str, str], chunks: AsyncIterator[bytes]
    ) -> tuple[dict[str, Any] | None, Reply | None]:
        """(the parsed body, None), or (None, the refusal): authenticate, media type, read, parse."""
        refused = self.authenticate(headers.get("authorization"))
        if refused is not None:
            return None, refused
        try:
            check_media_type(headers.get("content-type"))
            return parse_object(await read_limited(headers.get("content-length"), chunks)), None
        except BadBody as bad:
            return None, bad.reply

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

    def validate_status(self, payload: dict[str, Any]) -> Reply | None:
        errors = field_errors(payload, spec.STATUS_OPERATION_ID)
        return Reply(400, errors) if errors else None

    def look_up(self, payload: dict[str, Any]) -> Reply:
        found = self.book.status(payload["invoice_id"])
        return error(404, NOT_FOUND) if found is None else Reply(200, found)

    def finish_status(self, reply: Reply, payload: dict[str, Any] | None) -> Reply:
        """The status reply's last step, as `finish` is the push's."""
        return reply
