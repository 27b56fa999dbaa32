"""An ASGI app served by uvicorn on 127.0.0.1 in a background thread: the emulator for tests and
the conformance run, and the run's egress gate. The one place that starts such a server and
waits for it to listen."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp, Message, Receive

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 10.0


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """A raw ASGI request's whole body, or None once it is over `limit` bytes (for the small
    ASGI apps served here: the egress gate, the run's webhook sink)."""
    received = bytearray()
    while True:
        message: Message = await receive()
        received += message.get("body", b"")
        if len(received) > limit:
            return None
        if not message.get("more_body"):
            return bytes(received)


def listen(port: int = 0) -> socket.socket:
    """A TCP socket bound to 127.0.0.1:`port` (0: a free one) and listening, or OSError.

    Made with IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY on accepted connections only for
    such sockets, and without it every keep-alive exchange waits ~40 ms on a delayed ACK."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        # As uvicorn does: a restart need not wait for the last run's TIME_WAIT connections.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK, port))
        listener.listen()  # with SO_REUSEADDR, a bind can succeed on a port another socket listens on
    except OSError:
        listener.close()
        raise
    return listener


class LoopbackServer:
    def __init__(
        self,
        app: ASGIApp,
        *,
        cert_file: Path | None = None,
        key_file: Path | None = None,
        log_level: str = "warning",
        on_stop: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        # Bound here and handed to uvicorn: picking a free port and binding it later would race
        # with other servers started meanwhile (tests run in parallel).
        self._socket = listen()
        self.port: int = self._socket.getsockname()[1]
        self.tls = cert_file is not None
        self._on_stop = on_stop
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=LOOPBACK,
                port=self.port,
                access_log=False,
                log_level=log_level,
                lifespan="off",
                # A client that sends half a request is dropped after this, not waited on for ever.
                timeout_keep_alive=5,
                ssl_certfile=str(cert_file) if cert_file else None,
                ssl_keyfile=str(key_file) if key_file else None,
            )
        )
        self._thread = threading.Thread(target=self._run, name="kulmipay-loopback", daemon=True)

    def _run(self) -> None:
        async def serve() -> None:
            try:
                await self.server.serve(sockets=[self._socket])
            finally:
                if self._on_stop is not None:
                    await self._on_stop()

        asyncio.run(serve())

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://{LOOPBACK}:{self.port}"

    def start(self) -> LoopbackServer:
        self._thread.start()
        started = threading.Event()
        for _ in range(int(START_TIMEOUT / 0.01)):
            if self.server.started:
                return self
            if not self._thread.is_alive():
                raise RuntimeError(f"the server could not start on {LOOPBACK}:{self.port}")
            started.wait(0.01)
        raise RuntimeError(f"the server did not start within {START_TIMEOUT:.0f} s")

    def request_stop(self) -> None:
        """Asks the server to stop without waiting: several then wind down together."""
        self.server.should_exit = True

    def stop(self) -> None:
        self.request_stop()
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
