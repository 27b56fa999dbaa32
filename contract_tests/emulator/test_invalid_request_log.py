"""uvicorn's "Invalid HTTP request received." warning: schemathesis sends malformed requests on
purpose (a NUL byte), so with the access log off the warning is noise and is kept out; with it
on, and for anything else uvicorn logs, the output is as before."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterator

import pytest

from kulmipay_toolkit.emulator import RunningEmulator
from kulmipay_toolkit.emulator.server import INVALID_REQUEST

UVICORN_ERRORS = "uvicorn.error"


@contextlib.contextmanager
def uvicorn_records(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """uvicorn's "uvicorn" logger does not propagate to the root, where caplog listens: listen on
    `uvicorn.error` itself, so that its filters apply as they do to uvicorn's own handler. Entered
    in the test (caplog's handler is new in each phase) and after the emulator is made (uvicorn's
    logging set-up removes the handlers it finds)."""
    logger = logging.getLogger(UVICORN_ERRORS)
    logger.addHandler(caplog.handler)
    try:
        yield
    finally:
        logger.removeHandler(caplog.handler)


def send_raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        reply = b""
        while chunk := connection.recv(65536):  # uvicorn closes the connection after its 400
            reply += chunk
        return reply


NUL_IN_REQUEST_LINE = b"POST /api/v1/payment/mpesa-stk-push/\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def warnings_about_invalid_requests(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.getMessage() == INVALID_REQUEST]


def test_a_nul_byte_gets_a_400_and_no_warning_with_the_access_log_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with RunningEmulator() as running, uvicorn_records(caplog):
        reply = send_raw(running.port, NUL_IN_REQUEST_LINE)
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert warnings_about_invalid_requests(caplog) == []


def test_with_the_access_log_on_the_warning_is_still_there(caplog: pytest.LogCaptureFixture) -> None:
    with RunningEmulator(access_log=True) as running, uvicorn_records(caplog):
        reply = send_raw(running.port, NUL_IN_REQUEST_LINE)
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert [record.levelno for record in warnings_about_invalid_requests(caplog)] == [logging.WARNING]


def test_real_errors_are_still_logged_with_the_access_log_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with RunningEmulator(), uvicorn_records(caplog):
        logger = logging.getLogger(UVICORN_ERRORS)
        logger.error("Exception in ASGI application")
        logger.warning("Unsupported upgrade request.")
        logger.error(INVALID_REQUEST)  # the same words at another level are not the noise
    assert [(record.levelno, record.getMessage()) for record in caplog.records] == [
        (logging.ERROR, "Exception in ASGI application"),
        (logging.WARNING, "Unsupported upgrade request."),
        (logging.ERROR, INVALID_REQUEST),
    ]
