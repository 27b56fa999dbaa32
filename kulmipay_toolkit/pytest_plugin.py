"""A local KulmiPay for your test suite: the `kulmipay_emulator` fixture (registered through the
`pytest11` entry point when `kulmipay-toolkit[emulator]` is installed).

    def test_checkout_pays(kulmipay_emulator):
        client = kulmipay_emulator.client()            # a generated AuthenticatedClient
        invoice_id = my_checkout(client, phone="254712345678")
        kulmipay_emulator.advance(5)                   # the manual clock: the push settles
        assert my_order_state(client, invoice_id) == "paid"
        assert [e["state"] for e in kulmipay_emulator.events()][-1] == "COMPLETE"

One emulator per test session by default (`--kulmipay-emulator-scope=function` for one per
test), on a free loopback port, with a manual clock (outcomes by phone number as in the README's
table) and its `collection_event` webhooks delivered to a local sink the fixture reads back.
`client(in_process=True)` skips the socket (Starlette's test transport, httpx's ASGI transport)
for suites that make thousands of calls."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from kulmipay_client import AuthenticatedClient
from starlette.exceptions import StarletteDeprecationWarning

from . import spec
from .conformance.event_sink import EventSink
from .emulator import RunningEmulator, Settings, create_app
from .loopback import LoopbackServer

TOKEN = "ISSecretKey_test_pytestkulmipayemulator"  # made up: the emulator takes any sandbox key
CHALLENGE = "kulmipay-emulator-fixture-challenge"  # a test double's, not a secret


class KulmiPayEmulator:
    """What a test gets: the running emulator and handles on its clock, invoices and webhooks."""

    def __init__(self, emulator: RunningEmulator, sink: EventSink) -> None:
        self._emulator, self._sink = emulator, sink
        self.base_url = emulator.base_url
        self.token = TOKEN
        self.challenge = CHALLENGE

    def client(self, *, in_process: bool = False, **settings: Any) -> AuthenticatedClient:
        """A generated client pointed at the emulator; `in_process`: no socket at all."""
        client = AuthenticatedClient(base_url=self.base_url, token=self.token, **settings)
        if in_process:
            with warnings.catch_warnings():
                # Starlette 1.x would rather its test transport ran on `httpx2`; on httpx it still works.
                warnings.simplefilter("ignore", StarletteDeprecationWarning)
                from starlette.testclient import TestClient
            app = create_app(emulator=self._emulator.emulator)
            auth = {"Authorization": f"Bearer {self.token}"}
            client.set_httpx_client(TestClient(app, base_url=self.base_url, headers=auth))
            transport = httpx.ASGITransport(app=app)
            client.set_async_httpx_client(
                httpx.AsyncClient(transport=transport, base_url=self.base_url, headers=auth)
            )
        return client

    def advance(self, seconds: float) -> None:
        """Moves the emulator's clock: invoices settle and webhooks go out as their time comes."""
        self._control("clock/advance", {"seconds": seconds})

    def settle(self, invoice_id: str, state: str, failed_code: str | None = None) -> dict[str, Any]:
        """Settles a pending invoice now (`COMPLETE`, or `FAILED` with a code)."""
        body = {"state": state} | ({"failed_code": failed_code} if failed_code else {})
        settled: dict[str, Any] = self._control(f"invoices/{invoice_id}/outcome", body)
        return settled

    def events(self, *, wait: float = 2.0) -> list[dict[str, Any]]:
        """The webhook events delivered so far, once nothing is left to deliver (bounded wait)."""
        emulator = self._emulator.emulator
        deadline = time.monotonic() + wait
        while emulator.deliveries is not None and not emulator.deliveries.idle(emulator.book):
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        return [event for event in self._sink.events() if isinstance(event, dict)]

    def _control(self, path: str, body: dict[str, Any]) -> Any:
        """Through the control plane, over HTTP: it runs in the server's own event loop, where
        the webhook deliverer must be woken."""
        origin = self.base_url.removesuffix(spec.base_path())
        reply = httpx.post(f"{origin}/_emulator/{path}", json=body, timeout=10)
        if reply.status_code != 200:
            raise ValueError(f"the emulator refused {path}: {reply.json().get('detail')}")
        return reply.json()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--kulmipay-emulator-scope",
        choices=("session", "function"),
        default="session",
        help="one KulmiPay emulator per test session (default) or per test",
    )


def _scope(fixture_name: str, config: pytest.Config) -> str:
    scope: str = config.getoption("kulmipay_emulator_scope")
    return scope


@pytest.fixture(scope=_scope)  # type: ignore[arg-type]
def kulmipay_emulator() -> Iterator[KulmiPayEmulator]:
    sink = EventSink()
    with LoopbackServer(sink) as receiver:
        settings = Settings(
            clock="manual", webhook_url=receiver.origin + "/events", webhook_challenge=CHALLENGE
        )
        with RunningEmulator(settings) as emulator:
            yield KulmiPayEmulator(emulator, sink)
