"""Ports for tests that need one by number, without borrowing it: a port that was free a moment
ago may be taken by another test's server by the time it is used (the tests run in parallel)."""

from __future__ import annotations

import contextlib
import socket
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
