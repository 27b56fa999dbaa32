"""Serving the emulator with uvicorn on 127.0.0.1 over a real socket: in the foreground
(`make sandbox`) or in a background thread (tests, the conformance runner)."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import ipaddress
import logging
import os
import signal
import socket
import ssl
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType

import trustme
import uvicorn
from cryptography import x509
from cryptography.exceptions import InvalidSignature

from ..loopback import LOOPBACK, LoopbackServer, listen
from .app import create_app
from .faults import emulator_for
from .pipeline import Emulator, Settings


@dataclass(frozen=True)
class Certificates:
    """A locally made CA and a server certificate for 127.0.0.1 and localhost."""

    ca_file: Path
    cert_file: Path
    key_file: Path


def make_certificates(directory: Path) -> Certificates:
    """The CA and server certificate in `directory`, made only if they are missing or unusable:
    clients of a sandbox already running trust that CA, so a second one must not replace it."""
    directory.mkdir(parents=True, exist_ok=True)
    found = Certificates(directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")
    # Two sandboxes starting together on one directory must not each write half of the set.
    with _locked(directory / ".lock"):
        if not _usable(found):
            authority = trustme.CA()
            server = authority.issue_cert(LOOPBACK, "localhost")
            # The CA last: a set interrupted half-way has no CA matching it and is made again.
            _write(found.cert_file, server.private_key_and_cert_chain_pem.bytes(), private=True)
            _write(found.key_file, server.private_key_pem.bytes(), private=True)
            _write(found.ca_file, authority.cert_pem.bytes(), private=False)
    return found


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(path: Path, content: bytes, *, private: bool) -> None:
    """Atomically, so that a client reading the CA never sees half of it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o600 if private else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _usable(found: Certificates) -> bool:
    """All three files load, the server certificate was issued by that CA for 127.0.0.1, the key
    is its key, and both are in date."""
    try:
        authority = x509.load_pem_x509_certificate(found.ca_file.read_bytes())
        server = x509.load_pem_x509_certificates(found.cert_file.read_bytes())[0]
        server.verify_directly_issued_by(authority)
        now = datetime.datetime.now(datetime.UTC)
        for cert in (authority, server):
            if not cert.not_valid_before_utc <= now < cert.not_valid_after_utc:
                return False
        names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        if ipaddress.ip_address(LOOPBACK) not in names.get_values_for_type(x509.IPAddress):
            return False
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(found.cert_file, found.key_file)
        ssl.create_default_context(cafile=str(found.ca_file))
    except (OSError, ValueError, TypeError, IndexError, InvalidSignature, x509.ExtensionNotFound):
        return False  # ssl.SSLError is an OSError
    return True


INVALID_REQUEST = "Invalid HTTP request received."


class _QuietInvalidRequests(logging.Filter):
    """uvicorn warns about every malformed request, which it answers with a 400 anyway; a
    conformance run sends some on purpose (a NUL byte in a header). Without the access log that
    line is noise; every other record, errors included, still passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.WARNING and record.getMessage() == INVALID_REQUEST)


_QUIET_INVALID_REQUESTS = _QuietInvalidRequests()


def _set_log_levels(access_log: bool) -> None:
    logging.getLogger("kulmipay_toolkit.emulator").setLevel(logging.INFO if access_log else logging.WARNING)
    # Process-wide, as uvicorn's own log level is: the latest server's setting wins.
    error_log = logging.getLogger("uvicorn.error")
    if access_log:
        error_log.removeFilter(_QUIET_INVALID_REQUESTS)
    else:
        error_log.addFilter(_QUIET_INVALID_REQUESTS)


def _config(
    emulator: Emulator, port: int, certificates: Certificates | None, access_log: bool
) -> uvicorn.Config:
    _set_log_levels(access_log)
    return uvicorn.Config(
        create_app(emulator=emulator),
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
    settings: Settings,
    port: int,
    certificates: Certificates | None = None,
    access_log: bool = True,
    *,
    listener: socket.socket | None = None,
) -> None:
    """Runs in the foreground (main thread) until SIGINT or SIGTERM, then returns normally.
    `listener`: a socket from `listen(port)`; without one, `port` is bound here."""
    server: uvicorn.Server | None = None
    stop_requested = False

    def stop(number: int, frame: FrameType | None) -> None:
        # Installed before anything slow, so a signal during start-up stops the server as soon as it
        # is up. uvicorn swaps in its own handlers while serving and, once shut down, raises the
        # signal again for the handler it found (this one): no KeyboardInterrupt, no death by SIGTERM.
        nonlocal stop_requested
        stop_requested = True
        if server is not None:
            server.should_exit = True

    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        listener = listener or listen(port)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        server = uvicorn.Server(_config(emulator_for(settings), port, certificates, access_log))
        server.should_exit = stop_requested
        server.run(sockets=[listener])
    finally:
        if listener is not None:
            listener.close()
        for number, handler in previous.items():
            signal.signal(number, handler)


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
        self.emulator = emulator_for(settings or Settings())
        _set_log_levels(access_log)
        self._server = LoopbackServer(
            create_app(emulator=self.emulator),
            cert_file=self.certificates.cert_file if self.certificates else None,
            key_file=self.certificates.key_file if self.certificates else None,
            log_level="info" if access_log else "warning",
        )
        self.port: int = self._server.port

    @property
    def base_url(self) -> str:
        return f"{self._server.origin}{self.emulator.spec.base_path()}"

    def ssl_context(self) -> ssl.SSLContext | None:
        if self.certificates is None:
            return None
        return ssl.create_default_context(cafile=str(self.certificates.ca_file))

    def start(self) -> RunningEmulator:
        self._server.start()
        return self

    def request_stop(self) -> None:
        self._server.request_stop()

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> RunningEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
