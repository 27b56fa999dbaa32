"""`loopback.py`: serving an ASGI app on 127.0.0.1 in a background thread, the one way the toolkit
starts its servers (the emulator, the egress gate, the run's webhook sink). A listening socket of
its own on a free port, an app served at `origin` once `start` returns, a server that cannot start
reported at once (not after the start timeout), `on_stop` run and the port let go on the way out;
and `read_body`, the small apps' bounded body reader. Loopback only, every wait bounded."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from kulmipay_toolkit.loopback import LOOPBACK, START_TIMEOUT, LoopbackServer, listen, read_body


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    """An ASGI app that answers every request 200 `hello <path>`."""
    body = f"hello {scope['path']}".encode()
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]}
    )
    await send({"type": "http.response.body", "body": body})


def _read(limit: int, *chunks: bytes) -> tuple[bytes | None, int]:
    """`read_body` over a request arriving in `chunks`; what it returned, and how many chunks it
    took from the server."""
    incoming: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]
    taken = 0

    async def receive() -> Message:
        nonlocal taken
        taken += 1
        return incoming.pop(0)

    return asyncio.run(read_body(receive, limit)), taken


def test_read_body_joins_the_chunks_up_to_the_limit() -> None:
    """A body cut at its first chunk, or one exactly at the limit refused."""
    assert _read(6, b"abc", b"", b"def") == (b"abcdef", 3)
    assert _read(6, b"") == (b"", 1)


def test_read_body_gives_up_as_soon_as_the_limit_is_passed() -> None:
    """A body over the limit read to its end (memory for whatever a client sends) before it is refused."""
    assert _read(4, b"abc", b"de", b"fgh") == (None, 2)


def test_listen_holds_a_free_loopback_port_of_its_own() -> None:
    """A socket off loopback, not listening, without IPPROTO_TCP (40 ms ACK waits), or on a taken port."""
    with listen() as listener:
        host, port = listener.getsockname()
        assert (host, listener.proto) == (LOOPBACK, socket.IPPROTO_TCP) and port > 0
        with socket.create_connection((LOOPBACK, port), timeout=5):
            pass
        with pytest.raises(OSError):
            listen(port).close()


def test_the_app_is_served_at_its_origin_until_stopped() -> None:
    """`start` returning before the app answers, a wrong origin, or `on_stop` skipped and the port kept."""
    stopped: list[str] = []

    async def on_stop() -> None:
        stopped.append("stopped")

    with LoopbackServer(hello, on_stop=on_stop) as server:
        assert server.origin == f"http://{LOOPBACK}:{server.port}"
        reply = httpx.get(server.origin + "/events", timeout=5)
        assert (reply.status_code, reply.text) == (200, "hello /events")
        assert stopped == []
    assert stopped == ["stopped"]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((LOOPBACK, server.port), timeout=5).close()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_server_that_cannot_start_says_so_at_once(tmp_path: Path) -> None:
    """A dead server thread (here: missing TLS files) waited on for the whole start timeout, or hung on."""
    server = LoopbackServer(hello, cert_file=tmp_path / "server.pem", key_file=tmp_path / "server-key.pem")
    assert server.origin.startswith("https://")
    started = time.monotonic()
    try:
        with pytest.raises(RuntimeError, match="could not start"):
            server.start()
    finally:
        server.stop()
    assert time.monotonic() - started < START_TIMEOUT / 2
