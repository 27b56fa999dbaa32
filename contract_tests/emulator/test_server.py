"""`emulator/server.py`: the emulator as a server. Concurrency (a client that stalls half-way
through a request holds up no one else), HTTPS with a local CA (made once per `--tls-dir` and then
reused: a second sandbox on the same directory must not replace the CA that clients of the first
one already trust), the official SDK as a drop-in, the access log, and uvicorn's "Invalid HTTP
request received." warning (schemathesis sends malformed requests on purpose, so with the access
log off it is noise and is kept out; with it on, and for anything else uvicorn logs, the output is
as before). The `kulmipay-toolkit sandbox` command behind `make sandbox` is tested in
test_command.py."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import kulmipay
import pytest

from contract_tests.support import AUTH, TEST_KEY, VALID_PUSH, assert_conforms, push_url
from kulmipay_toolkit.emulator import RunningEmulator
from kulmipay_toolkit.emulator.server import INVALID_REQUEST, Certificates, make_certificates


def test_32_concurrent_clients_get_only_200s_and_distinct_invoices(emulator: RunningEmulator) -> None:
    async def client_loop(number: int) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=emulator.base_url, timeout=30) as client:
            phone = f"2547{number:08d}"
            return [
                await client.post(push_url(), json={**VALID_PUSH, "phone_number": phone}, headers=AUTH)
                for _ in range(10)
            ]

    async def main() -> list[httpx.Response]:
        results = await asyncio.gather(*(client_loop(number) for number in range(32)))
        return [response for responses in results for response in responses]

    responses = asyncio.run(main())
    assert {response.status_code for response in responses} == {200}
    # Concurrency shares nothing it should not: every push got an invoice of its own.
    invoice_ids = {response.json()["invoice"]["invoice_id"] for response in responses}
    assert len(invoice_ids) == len(responses)


def test_half_a_request_does_not_wedge_the_server(emulator: RunningEmulator, http: httpx.Client) -> None:
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as stalled:
        stalled.sendall(b"POST /api/v1/payment/mpesa-stk-push/ HTTP/1.1\r\nHost: x\r\nContent-Le")
        with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as half_body:
            half_body.sendall(
                b"POST /api/v1/payment/mpesa-stk-push/ HTTP/1.1\r\nHost: x\r\n"
                + f"Authorization: {AUTH['Authorization']}\r\n".encode()
                + b'Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"amount"'
            )
            response = http.post(push_url(), json=VALID_PUSH, headers=AUTH)
            assert response.status_code == 200


def test_https_with_the_local_ca_and_connection_reuse(tls_emulator: RunningEmulator) -> None:
    assert tls_emulator.base_url.startswith("https://127.0.0.1:")
    context = tls_emulator.ssl_context()
    assert context is not None
    with httpx.Client(base_url=tls_emulator.base_url, verify=context) as client:
        for _ in range(3):
            response = client.post(push_url(), json=VALID_PUSH, headers=AUTH)
            assert response.status_code == 200
            assert_conforms(response)
    with pytest.raises(httpx.ConnectError):  # the CA is ours, not the system's
        httpx.post(f"{tls_emulator.base_url}/{push_url()}", json=VALID_PUSH, headers=AUTH)


def test_the_official_sdk_works_unchanged(emulator: RunningEmulator) -> None:
    service = kulmipay.APIService(token=TEST_KEY, base_url=emulator.base_url)
    reply = service.collect.mpesa_stk_push(phone_number="254712345678", amount=10, api_ref="sdk-1")
    assert reply["invoice"]["api_ref"] == "sdk-1"
    assert reply["invoice"]["value"] == "10.00"
    # Its own defaults: api_ref "API Request", mobile_tarrif BUSINESS-PAYS.
    reply = service.collect.mpesa_stk_push(phone_number="254712345678", amount="99.5")
    assert (reply["invoice"]["api_ref"], reply["invoice"]["net_amount"]) == ("API Request", "97.00")


def test_the_official_sdk_over_https(tls_emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    assert tls_emulator.certificates is not None
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_emulator.certificates.ca_file))
    service = kulmipay.APIService(token=TEST_KEY, base_url=tls_emulator.base_url)
    assert (
        service.collect.mpesa_stk_push(phone_number="254712345678", amount=10)["invoice"]["currency"] == "KES"
    )


def test_the_sdk_sees_refusals_as_its_typed_errors(emulator: RunningEmulator) -> None:
    service = kulmipay.APIService(token="ISSecretKey_live_notforhere", base_url=emulator.base_url)
    with pytest.raises(kulmipay.exceptions.KulmiPayUnauthorized, match="live environment"):
        service.collect.mpesa_stk_push(phone_number="254712345678", amount=10)


def test_access_log_has_one_line_per_request_and_never_the_key(caplog: pytest.LogCaptureFixture) -> None:
    # The emulator is left (stopped) first: uvicorn finishes every request, its access line
    # included, before its thread ends, so every line is in by the time the block is over.
    with (
        caplog.at_level(logging.INFO, "kulmipay_toolkit.emulator"),
        RunningEmulator(access_log=True) as running,
    ):
        httpx.post(f"{running.base_url}/{push_url()}?key={TEST_KEY}", json=VALID_PUSH, headers=AUTH)
    lines = [record.getMessage() for record in caplog.records if record.name == "kulmipay_toolkit.emulator"]
    # The logger is process-wide: another test's emulator may log beside this one, never a 200 here.
    lines = [line for line in lines if " 200 " in line]
    assert len(lines) == 1
    assert lines[0].startswith("POST /api/v1/payment/mpesa-stk-push/ 200 ")
    assert lines[0].endswith("ms")
    assert TEST_KEY not in caplog.text


def contents(found: Certificates) -> tuple[bytes, bytes, bytes]:
    return found.ca_file.read_bytes(), found.cert_file.read_bytes(), found.key_file.read_bytes()


def push_trusting(ca: bytes, running: RunningEmulator) -> int:
    trusting = ssl.create_default_context(cadata=ca.decode())
    with httpx.Client(base_url=running.base_url, verify=trusting) as client:
        return client.post(push_url(), json=VALID_PUSH, headers=AUTH).status_code


def test_a_second_call_on_the_same_directory_reuses_the_ca(tmp_path: Path) -> None:
    first = make_certificates(tmp_path)
    before = contents(first)
    second = make_certificates(tmp_path)
    assert second == first
    assert contents(second) == before


def test_a_client_trusting_the_first_ca_talks_to_a_server_started_second(tmp_path: Path) -> None:
    trusted_ca = make_certificates(tmp_path).ca_file.read_bytes()  # what a client of the first copied
    with RunningEmulator(tls_directory=tmp_path) as running:  # makes its certificates a second time
        assert push_trusting(trusted_ca, running) == 200


def remove_key(found: Certificates) -> None:
    found.key_file.unlink()


def garble_ca(found: Certificates) -> None:
    found.ca_file.write_text("not a certificate")


def truncate_cert(found: Certificates) -> None:
    found.cert_file.write_bytes(found.cert_file.read_bytes()[:200])


def swap_key(found: Certificates) -> None:
    """Every file still loads on its own, but the key is not the certificate's."""
    found.key_file.write_bytes(make_certificates(found.ca_file.parent / "other").key_file.read_bytes())


@pytest.mark.parametrize("damage", [remove_key, garble_ca, truncate_cert, swap_key])
def test_a_broken_set_is_made_again_and_works(tmp_path: Path, damage: Callable[[Certificates], None]) -> None:
    damage(make_certificates(tmp_path))
    remade = make_certificates(tmp_path)
    with RunningEmulator(tls_directory=tmp_path) as running:
        assert push_trusting(remade.ca_file.read_bytes(), running) == 200


def test_a_ca_that_did_not_issue_the_server_certificate_is_replaced(tmp_path: Path) -> None:
    found = make_certificates(tmp_path)
    found.ca_file.write_bytes(make_certificates(tmp_path / "other").ca_file.read_bytes())
    remade = make_certificates(tmp_path)
    with RunningEmulator(tls_directory=tmp_path) as running:
        assert push_trusting(remade.ca_file.read_bytes(), running) == 200


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
