"""The guard's terms on the wire. A stand-in for the real sandbox sits behind a loopback
forwarder (as it would behind `ssh -L`): loopback alone earns no trust, so the run needs a test
phone, and what reaches the stand-in holds no more pushes than the cap and no phone but the
test phone, however the stand-in answers and whatever checks schemathesis runs. Only this
toolkit's emulator, proven by its handshake through the same forwarder, gets a full run."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from contract_tests.conformance.forwarder import Forwarder
from contract_tests.support import TEST_KEY
from kulmipay_toolkit import spec
from kulmipay_toolkit.conformance import checklist
from kulmipay_toolkit.conformance.options import Options
from kulmipay_toolkit.conformance.runner import run
from kulmipay_toolkit.conformance.verdict import Verdict
from kulmipay_toolkit.emulator import RunningEmulator, Settings, create_app
from kulmipay_toolkit.errors import GuardRefusal
from kulmipay_toolkit.guard import DIALABLE
from kulmipay_toolkit.loopback import LoopbackServer

TEST_PHONE = "254708374149"
MAX_PUSHES = 3
EXAMPLE_PHONE = "254712345678"  # the spec's examples: only a trusted run sends it


class _Fixed(BaseHTTPRequestHandler):
    """Answers every request with one status and a JSON body, whatever it was."""

    status = 200

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"detail": "stand-in"}'
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_TRACE = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


def _without_identity(app: ASGIApp) -> ASGIApp:
    """The emulator's behaviour without its handshake: a stand-in that is not this toolkit's."""

    async def hidden(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/_emulator/"):
            body = b'{"detail": "Not found."}'
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 404, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return hidden


def _fixed_server(status: int) -> ThreadingHTTPServer:
    handler = type("Handler", (_Fixed,), {"status": status})
    return ThreadingHTTPServer(("127.0.0.1", 0), handler)


@pytest.fixture(params=["ignores-auth", "always-500", "always-200"])
def stand_in(request: pytest.FixtureRequest) -> Iterator[Forwarder]:
    """The "real sandbox" behind a loopback forwarder: an emulator that ignores auth (checks that
    re-send bodies without the key must not turn into extra pushes), or a server that answers
    every request 500, or 200."""
    if request.param == "ignores-auth":
        app = _without_identity(create_app(Settings(seed=3, fault="ignores-auth")))
        with LoopbackServer(app) as emulator, Forwarder(emulator.port, label=request.param) as fwd:
            yield fwd
        return
    server = _fixed_server(500 if request.param == "always-500" else 200)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with Forwarder(server.server_address[1], label=request.param) as fwd:
            yield fwd
    finally:
        server.shutdown()
        server.server_close()


def _remote_options(forwarder: Forwarder, reports: Path, **extra: object) -> Options:
    fields: dict[str, object] = {
        "base_url": forwarder.url + spec.base_path(),
        "token": TEST_KEY,
        "test_phone": TEST_PHONE,
        "max_pushes": MAX_PUSHES,
        "rate_limit": "200/s",
        "max_examples": 5,
        "seed": 5,
        "phases": ("coverage",),
        "report_dir": reports,
        "quiet": True,
        "lifecycle_wait": 0,  # read each push once: its settling is not what these tests are about
    }
    return Options(**(fields | extra))  # type: ignore[arg-type]


def _pushes_and_numbers(forwarder: Forwarder) -> tuple[list[str], set[str]]:
    """(phones of the schema-valid pushes that reached the stand-in, every dialable run sent
    elsewhere: in request lines and in any other body)."""
    validator = spec.request_body_validator()
    phones, numbers = [], set()
    for request in forwarder.requests():
        body = request.json()
        if isinstance(body, dict) and validator.is_valid(body):
            phones.append(body["phone_number"])  # the rest of a valid push (an amount) dials nobody
            texts = [request.line]
        else:
            texts = [request.line, request.body.decode("utf-8", errors="replace")]
        for text in texts:
            for found in DIALABLE.finditer(text):
                digits = re.sub(r"\D", "", found.group())
                if set(digits) != {"0"}:
                    numbers.add(digits)
    return phones, numbers


@pytest.mark.parametrize("every_check", [False, True], ids=["audited-checks", "every-check"])
def test_a_forwarded_sandbox_gets_the_cap_and_only_the_test_phone(
    stand_in: Forwarder, tmp_path: Path, every_check: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if every_check and stand_in.label == "always-500":
        pytest.skip(
            "a stand-in that never answers 2xx gets no resend from any check: the audited run covers it"
        )
    if every_check:
        # As if a schemathesis upgrade slipped a resending check into the list: the gate holds.
        everything = [check.name for check in checklist.BUILT_INS]
        monkeypatch.setattr(checklist, "built_ins", lambda *, remote: list(checklist.BUILT_INS))
        assert "ignored_auth" in everything
    # The emulator stand-in answers like a sandbox, so the coverage phase's many shapes reach it;
    # the fixed stand-ins answer everything alike, and fuzzing is the cheaper way to push at them.
    phases = ("coverage",) if stand_in.label == "ignores-auth" else ("fuzzing",)
    outcome = run(
        _remote_options(stand_in, tmp_path, phases=phases, max_examples=8 if "fuzzing" in phases else 5)
    )
    phones, numbers = _pushes_and_numbers(stand_in)
    assert stand_in.requests(), "the run reached the stand-in"
    assert phones, "pushes were sent (else this test proves nothing)"
    assert set(phones) == {TEST_PHONE} and len(phones) <= MAX_PUSHES, phones
    assert numbers <= {TEST_PHONE}, numbers
    summary = outcome.summary.read_text()
    assert "remote terms" in summary and "egress gate" in summary


def test_without_a_test_phone_a_forwarded_sandbox_is_refused_before_any_push(tmp_path: Path) -> None:
    server = _fixed_server(200)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with Forwarder(server.server_address[1]) as forwarder:
            with pytest.raises(GuardRefusal, match="KULMIPAY_TEST_PHONE is required"):
                run(_remote_options(forwarder, tmp_path, test_phone=None))
            # Only the identity handshake went out: a GET, never a push.
            assert [request.line.split()[0] for request in forwarder.requests()] == ["GET"]
    finally:
        server.shutdown()
        server.server_close()


def test_the_emulator_behind_a_forwarder_proves_itself_and_gets_the_full_budget(tmp_path: Path) -> None:
    with RunningEmulator(Settings(seed=3, clock="manual")) as emulator, Forwarder(emulator.port) as forwarder:
        outcome = run(
            _remote_options(
                forwarder,
                tmp_path,
                test_phone=None,
                rate_limit=None,
                phases=("examples", "coverage"),
                max_examples=5,
            )
        )
        accounts = {
            record.reply["invoice"]["account"] for record in emulator.emulator.book.invoices._items.values()
        }
    assert outcome.verdict is Verdict.CONFORMANT, outcome.summary.read_text()
    assert "proved to be this toolkit's emulator" in outcome.summary.read_text()
    assert EXAMPLE_PHONE in accounts  # unconfined: the spec's examples went as written


def test_the_opt_in_lifts_the_limits_and_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = _fixed_server(200)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with Forwarder(server.server_address[1]) as forwarder:
            options = _remote_options(forwarder, tmp_path, test_phone=None, trust_target=True, max_examples=3)
            outcome = run(options)
            bodies = [request.json() for request in forwarder.requests()]
    finally:
        server.shutdown()
        server.server_close()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert "KULMIPAY_TRUST_TARGET=1" in summary["context"]["trust"]
    assert "KULMIPAY_TRUST_TARGET=1" in outcome.summary.read_text()
    assert any(isinstance(body, dict) and body.get("phone_number") == EXAMPLE_PHONE for body in bodies)
