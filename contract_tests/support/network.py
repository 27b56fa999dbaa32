"""Sockets for tests: a port held without borrowing it (a port that was free a moment ago may be
taken by another test's server by the time it is used: the tests run in parallel), and a server
that accepts and never answers."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time
from collections.abc import Iterator

from kulmipay_toolkit.loopback import LOOPBACK


@contextlib.contextmanager
def reserved_port() -> Iterator[int]:
    """A loopback port held by a socket bound to it but not listening, until the block ends.

    Meanwhile a connection to it is refused (nothing listens), no other socket is given it (not
    for port 0, not by number), yet a server that binds with SO_REUSEADDR, as
    `kulmipay_toolkit.loopback.listen` and so `kulmipay-toolkit sandbox` do, can listen on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind((LOOPBACK, 0))
        port: int = holder.getsockname()[1]
        yield port


class SilentServer:
    """A loopback listener that accepts every connection and reads what is sent, never answering.

    Its thread stops when told to, or after `LIFETIME` seconds whatever happens."""

    LIFETIME = 30.0

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        self.port: int = self._listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.received = bytearray()
        self._stop = threading.Event()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._thread = threading.Thread(target=self._serve, name="silent-server", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        deadline = time.monotonic() + self.LIFETIME
        while not self._stop.is_set() and time.monotonic() < deadline:
            for key, _ in self._selector.select(timeout=0.05):
                self._handle(key.fileobj)  # type: ignore[arg-type]

    def _handle(self, ready: socket.socket) -> None:
        if ready is self._listener:
            connection, _ = self._listener.accept()
            connection.setblocking(False)
            self.connections.append(connection)
            self._selector.register(connection, selectors.EVENT_READ)
            return
        try:
            chunk = ready.recv(65536)
        except BlockingIOError:
            return
        if chunk:
            self.received += chunk
        else:  # the client hung up
            self._selector.unregister(ready)

    def stop(self) -> None:
        """Stops the thread, then takes in what it had not seen yet: the counts are final after this."""
        self._stop.set()
        self._thread.join(timeout=5)
        assert not self._thread.is_alive()
        while ready := self._selector.select(timeout=0):
            for key, _ in ready:
                self._handle(key.fileobj)  # type: ignore[arg-type]

    def close(self) -> None:
        self.stop()
        for connection in self.connections:
            connection.close()
        self._selector.close()
        self._listener.close()


@contextlib.contextmanager
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()
