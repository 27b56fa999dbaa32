"""The generated client never hangs by default: it times out after 30 s (the official KulmiPay SDK's
default, set by spec/templates/client.py.jinja), and an explicit `timeout=` still wins.

Unlike the rest of this suite, one test opens a real socket: a loopback listener that accepts and
never answers, the server respx cannot stand in for."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from kulmipay_client import AuthenticatedClient, Client
from kulmipay_client.client import DEFAULT_TIMEOUT

from contract_tests.support import TEST_KEY, network
from contract_tests.support.calls import BASE_URL, Style, start, valid_push
from contract_tests.support.network import SilentServer
from kulmipay_toolkit import spec

THIRTY_SECONDS = httpx.Timeout(30.0)
README = Path(__file__).resolve().parents[2] / "generated_client" / "README.md"


def both_clients(**settings: Any) -> list[Client | AuthenticatedClient]:
    return [
        Client(base_url=BASE_URL, **settings),
        AuthenticatedClient(base_url=BASE_URL, token=TEST_KEY, **settings),
    ]


def httpx_timeouts(client: Client | AuthenticatedClient) -> tuple[httpx.Timeout, httpx.Timeout]:
    """The timeouts of the sync and the async httpx client underneath, both closed afterwards."""
    with client.get_httpx_client() as sync_client:
        sync_timeout = sync_client.timeout

    async def async_timeout() -> httpx.Timeout:
        async with client.get_async_httpx_client() as async_client:
            return async_client.timeout

    return sync_timeout, asyncio.run(async_timeout())


def test_default_timeout_is_thirty_seconds() -> None:
    assert DEFAULT_TIMEOUT == THIRTY_SECONDS
    for client in both_clients():
        assert httpx_timeouts(client) == (THIRTY_SECONDS, THIRTY_SECONDS), type(client).__name__


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (httpx.Timeout(5.0, connect=1.0), httpx.Timeout(5.0, connect=1.0)),
        (None, httpx.Timeout(None)),  # None is httpx's "no timeout at all", as the docstring says
    ],
    ids=["httpx-Timeout", "None"],
)
def test_explicit_timeout_wins(timeout: httpx.Timeout | None, expected: httpx.Timeout) -> None:
    for client in both_clients(timeout=timeout):
        assert httpx_timeouts(client) == (expected, expected)
    for client in both_clients():
        assert httpx_timeouts(client.with_timeout(httpx.Timeout(2.0))) == (httpx.Timeout(2.0),) * 2


@pytest.fixture()
def silent_server() -> Iterator[SilentServer]:
    with network.silent_server() as server:
        yield server


def test_silent_server_times_out_after_one_request(style: Style, silent_server: SilentServer) -> None:
    client = AuthenticatedClient(
        base_url=f"http://127.0.0.1:{silent_server.port}{spec.base_path()}",
        token=TEST_KEY,
        timeout=httpx.Timeout(0.5),
    )
    began = time.monotonic()
    with pytest.raises(httpx.TimeoutException):
        start(style, client, valid_push())
    elapsed = time.monotonic() - began
    assert 0.4 <= elapsed < 5, elapsed
    silent_server.stop()
    assert len(silent_server.connections) == 1
    request_line = f"POST {spec.base_path()}{spec.stk_push_path()} HTTP/1.1\r\n".encode()
    assert bytes(silent_server.received).count(request_line) == 1
    assert bytes(silent_server.received).count(b" HTTP/1.1\r\n") == 1


def test_generated_readme_states_the_default_timeout() -> None:
    lines = [line for line in README.read_text().splitlines() if "timeout" in line.lower() and "30 s" in line]
    assert len(lines) == 1, lines
