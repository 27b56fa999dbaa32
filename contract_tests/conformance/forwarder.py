"""What a user's `ssh -L 8443:sandbox.kulmipay.com:443` is to a conformance run: a loopback port
that forwards raw bytes to another server. This one also keeps every byte sent upstream, so a
test can read exactly which requests reached the "real sandbox" behind it."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Request:
    line: str
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class Forwarder:
    def __init__(self, upstream_port: int, *, label: str = "") -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.label = label  # what stands behind it, for the test's own use
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.streams: list[bytearray] = []  # one per connection: what the client sent
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Forwarder:
        self._spawn(self._accept)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._closed.set()
        self.listener.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _spawn(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self._closed.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            for end in (client, upstream):  # relay at once, as ssh does: no Nagle wait per request
                end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                stream = bytearray()
                self.streams.append(stream)
            self._spawn(self._pump, client, upstream, stream)
            self._spawn(self._pump, upstream, client, None)

    def _pump(self, source: socket.socket, sink: socket.socket, record: bytearray | None) -> None:
        source.settimeout(0.2)
        try:
            while not self._closed.is_set():
                try:
                    data = source.recv(65536)
                except TimeoutError:
                    continue
                if not data:
                    break
                if record is not None:
                    record += data
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def requests(self) -> list[Request]:
        """Every HTTP/1.1 request that went upstream (Content-Length bodies; nothing here chunks)."""
        found = []
        with self._lock:
            streams = [bytes(stream) for stream in self.streams]
        for stream in streams:
            rest = stream
            while b"\r\n\r\n" in rest:
                head, _, rest = rest.partition(b"\r\n\r\n")
                match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                length = int(match.group(1)) if match else 0
                body, rest = rest[:length], rest[length:]
                found.append(Request(head.split(b"\r\n", 1)[0].decode("latin-1"), body))
        return found

    def raw(self) -> bytes:
        with self._lock:
            return b"".join(bytes(stream) for stream in self.streams)
