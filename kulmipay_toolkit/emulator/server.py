"""Serving the emulator with uvicorn on 127.0.0.1 over a real socket: in the foreground
(`make sandbox`) or in a background thread (tests, the conformance runner, benchmarks)."""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import trustme
import uvicorn

from .. import spec
from .app import create_app
from .faults import sandbox_for
from .pipeline import Sandbox, Settings

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Certificates:
    """A locally made CA and a server certificate for 127.0.0.1 and localhost."""

    ca_file: Path
    cert_file: Path
    key_file: Path


def make_certificates(directory: Path) -> Certificates:
    directory.mkdir(parents=True, exist_ok=True)
    authority = trustme.CA()
    server = authority.issue_cert(LOOPBACK, "localhost")
    found = Certificates(directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")
    authority.cert_pem.write_to_path(str(found.ca_file))
    server.private_key_and_cert_chain_pem.write_to_path(str(found.cert_file))
    server.private_key_pem.write_to_path(str(found.key_file))
    return found


def _config(
    sandbox: Sandbox, port: int, certificates: Certificates | None, access_log: bool
) -> uvicorn.Config:
    logging.getLogger("kulmipay_toolkit.emulator").setLevel(logging.INFO if access_log else logging.WARNING)
    return uvicorn.Config(
        create_app(sandbox=sandbox),
        host=LOOPBACK,
        port=port,
        access_log=False,  # our own access line has the latency and nothing sensitive
        log_level="info" if access_log else "warning",
        lifespan="off",
        # A client that sends half a request is dropped after this, not waited on for ever.
        timeout_keep_alive=5,
        ssl_certfile=str(certificates.cert_file) if certificates else None,
        ssl_keyfile=str(certificates.key_file) if certificates else None,
    )


def serve(
    settings: Settings, port: int, certificates: Certificates | None = None, access_log: bool = True
) -> None:
    """Runs in the foreground until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    uvicorn.Server(_config(sandbox_for(settings), port, certificates, access_log)).run()


class RunningEmulator:
    """The emulator on a free loopback port in a background thread, as a context manager."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        tls_directory: Path | None = None,
        access_log: bool = False,
    ) -> None:
        self.certificates = make_certificates(tls_directory) if tls_directory else None
        # Bound here and handed to uvicorn: picking a free port and binding it later would race
        # with other servers started meanwhile (tests run in parallel).
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((LOOPBACK, 0))
        self.port: int = self._socket.getsockname()[1]
        self.sandbox = sandbox_for(settings or Settings())
        self._server = uvicorn.Server(_config(self.sandbox, self.port, self.certificates, access_log))
        self._thread = threading.Thread(target=self._run, name="kulmipay-emulator", daemon=True)

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._socket]))

    @property
    def base_url(self) -> str:
        scheme = "https" if self.certificates else "http"
        return f"{scheme}://{LOOPBACK}:{self.port}{spec.base_path()}"

    def ssl_context(self) -> ssl.SSLContext | None:
        if self.certificates is None:
            return None
        return ssl.create_default_context(cafile=str(self.certificates.ca_file))

    def start(self) -> RunningEmulator:
        self._thread.start()
        for _ in range(1000):
            if self._server.started:
                return self
            if not self._thread.is_alive():
                raise RuntimeError(f"the emulator could not start on {LOOPBACK}:{self.port}")
            threading.Event().wait(0.01)
        raise RuntimeError("the emulator did not start within 10 s")

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> RunningEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
