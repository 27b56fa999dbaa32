"""The faithful emulator: one request, top to bottom.

STK push: authenticate -> check media type -> read (bounded) -> parse -> validate (from the
spec) -> apply the rules -> finish. Status: the same first four steps -> validate -> look up
the invoice (its state derived from the clock) -> finish_status. Fault profiles (`faults.py`)
subclass this and override one step.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from .. import spec
from ..errors import BadBody
from ..guard import is_loopback
from ..spec import Spec
from . import auth
from .body import check_media_type, parse_object, read_limited
from .clock import clock_for
from .delivery import Deliveries
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
    spec: Spec | None = None  # the contract to serve; None: the one this package ships
    webhook_url: str | None = None  # where `collection_event`s go (loopback, or an allowed host)
    webhook_challenge: str = field(default="", repr=False)
    webhook_allowed_hosts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.webhook_url is not None:
            check_webhook_url(self.webhook_url, self.webhook_allowed_hosts)
            if not self.webhook_challenge:
                raise ValueError(
                    "a webhook needs its challenge (--webhook-challenge / KULMIPAY_WEBHOOK_CHALLENGE)"
                )


def check_webhook_url(url: str, allowed_hosts: tuple[str, ...]) -> None:
    """ValueError unless `url` is http(s) on loopback or on a host named explicitly: the emulator
    must not become a way to reach other hosts."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"http", "https"} or not host:
        raise ValueError(f"webhook URL {url!r} is not an http(s) URL")
    if not is_loopback(host) and host not in allowed_hosts:
        raise ValueError(
            f"webhook URL host {host} is not loopback; name it with --webhook-allow-host {host} "
            "if you mean it"
        )


class Emulator:
    """Behaves as KulmiPay's sandbox does for STK push, as far as the spec and rules say."""

    deliveries_class: type[Deliveries] = Deliveries

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.spec: Spec = settings.spec or spec.default()
        self.clock = clock_for(settings.clock)
        self.book = InvoiceBook(settings.seed, settings.capacity, self.clock, self.spec)
        self.deliveries = self.make_deliveries() if settings.webhook_url else None

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
        errors = field_errors(payload, spec.STK_PUSH_OPERATION_ID, self.spec)
        return Reply(400, errors) if errors else None

    def accept(self, payload: dict[str, Any]) -> Reply:
        reply = self.book.push(payload)
        record = self.book.invoices.get(reply["invoice"]["invoice_id"])
        # Events only for invoices with a positive value, as KulmiPay documents.
        if self.deliveries is not None and record is not None and Decimal(reply["invoice"]["value"]) > 0:
            self.deliveries.watch(record)
            self.deliveries.wake(self.book)
        return Reply(200, reply)

    def make_deliveries(self) -> Deliveries:
        """The webhook deliverer; delivery fault profiles set `deliveries_class`."""
        assert self.settings.webhook_url is not None
        return self.deliveries_class(self.settings.webhook_url, self.settings.webhook_challenge, self.clock)

    def wake_deliveries(self) -> None:
        """After the clock moved: states may have changed and retries come due."""
        if self.deliveries is not None:
            self.deliveries.wake(self.book)

    async def event_log(self, headers: Mapping[str, str]) -> Reply:
        """`GET /webhooks/events/`: the deliveries, newest first."""
        refused = self.authenticate(headers.get("authorization"))
        if refused is not None:
            return refused
        if self.deliveries is None:
            return Reply(200, [])
        logged = [event.logged(self.deliveries.url) for event in self.deliveries.log.values()]
        return Reply(200, logged[::-1])

    def finish(self, reply: Reply, payload: dict[str, Any] | None) -> Reply:
        """Last chance to alter what is sent; `payload` is None when the body was never parsed."""
        return reply

    def validate_status(self, payload: dict[str, Any]) -> Reply | None:
        errors = field_errors(payload, spec.STATUS_OPERATION_ID, self.spec)
        return Reply(400, errors) if errors else None

    def look_up(self, payload: dict[str, Any]) -> Reply:
        found = self.book.status(payload["invoice_id"])
        return error(404, NOT_FOUND) if found is None else Reply(200, found)

    def finish_status(self, reply: Reply, payload: dict[str, Any] | None) -> Reply:
        """The status reply's last step, as `finish` is the push's."""
        return reply
