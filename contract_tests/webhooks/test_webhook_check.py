"""`webhook-check` judges a receiver by the named checks: the example receiver passes every one
(CONFORMANT, each judged), and each faulty receiver fails exactly the check(s) its fault breaks; an
unreachable receiver is UNREACHABLE, quickly; usage errors are one line (exit 2) and write no
reports; the challenge is in no report, no output, and no `make -n` line. Every run's reports are
checked with `assert_reports_agree`."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from contract_tests.conformance.reports import assert_reports_agree
from contract_tests.conftest import repo_root
from contract_tests.webhooks.helpers import CHALLENGE, ScriptedReceiver, answers, asgi_receiver, serving
from examples.receiver import FINAL, Receiver, serve
from kulmipay_toolkit.conformance.verdict import Verdict
from kulmipay_toolkit.webhooks.check import CHECKS, Options, Outcome, run
from kulmipay_toolkit.webhooks.receiver import MAX_EVENT_BYTES, ForgedEvent, WebhookRejected, verify_event

SEED = 5
MAKE_VARIABLES = frozenset({"MAKEFLAGS", "MFLAGS", "MAKELEVEL"})
SLOW_SECONDS = 1.0
SLOW_TIMEOUT = 0.3


class _Faulty(Receiver):
    """The example receiver's judgement (`judge`), with one fault in a subclass's `status_for`.
    `seen` and `release` are made fresh for each server (`_server`)."""

    seen: ClassVar[set[bytes]] = set()
    release: ClassVar[threading.Event] = threading.Event()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_EVENT_BYTES:
            self.answer(413)
            return
        status = self.status_for(self.rfile.read(length))
        with contextlib.suppress(OSError):  # a client that gave up has closed the socket
            self.answer(status)

    def status_for(self, body: bytes) -> int:
        return self.judge(body)

    def judge(self, body: bytes) -> int:
        """What examples/receiver.py answers."""
        try:
            event = verify_event(body, challenge=self.challenge)
        except ForgedEvent:
            return 403
        except WebhookRejected:
            return 400
        self.payments.record(event.invoice_id, str(event.state))
        return 200


class AcceptsForged(_Faulty):
    """Acts on any event that parses, whatever its challenge."""

    def status_for(self, body: bytes) -> int:
        status = self.judge(body)
        return 200 if status == 403 else status


class FailsOnDuplicates(_Faulty):
    """Treats a retry (the very same event again) as an error: 500."""

    def status_for(self, body: bytes) -> int:
        if body in self.seen:
            return 500
        self.seen.add(body)
        return self.judge(body)


class RefusesOutOfOrder(_Faulty):
    """Refuses (409) a final state for an invoice it never saw PENDING for."""

    def status_for(self, body: bytes) -> int:
        with contextlib.suppress(WebhookRejected):
            event = verify_event(body, challenge=self.challenge)
            if str(event.state) in FINAL and event.invoice_id not in self.payments.states:
                return 409
        return self.judge(body)


class TooSlow(_Faulty):
    """Does the real work (marking the order paid) before answering a COMPLETE: 1 s."""

    def status_for(self, body: bytes) -> int:
        status = self.judge(body)
        if status == 200 and str(verify_event(body, challenge=self.challenge).state) == "COMPLETE":
            self.release.wait(SLOW_SECONDS)
        return status


class RefusesUnknownFields(_Faulty):
    """Refuses (422) an event with fields the spec does not list."""

    def status_for(self, body: bytes) -> int:
        status = self.judge(body)
        if status == 200 and verify_event(body, challenge=self.challenge).additional_properties:
            return 422
        return status


# The checks webhook-check names (its module docstring); a renamed check is a breaking change.
NAMED_CHECKS = frozenset(
    {
        "valid_events_acknowledged",
        "duplicates_acknowledged",
        "out_of_order_acknowledged",
        "extra_fields_accepted",
        "forged_events_refused",
        "never_a_server_error",
        "answers_in_time",
    }
)
FAULTY: list[tuple[type[_Faulty], frozenset[str], float | None]] = [
    (AcceptsForged, frozenset({"forged_events_refused"}), None),
    (FailsOnDuplicates, frozenset({"duplicates_acknowledged", "never_a_server_error"}), None),
    (RefusesOutOfOrder, frozenset({"out_of_order_acknowledged"}), None),
    (TooSlow, frozenset({"answers_in_time"}), SLOW_TIMEOUT),
    (RefusesUnknownFields, frozenset({"extra_fields_accepted"}), None),
]


@contextlib.contextmanager
def _receiving(handler: type[Receiver]) -> Iterator[str]:
    """`handler`, with a memory of its own, served on 127.0.0.1 by examples/receiver.py; its URL."""
    release = threading.Event()
    fresh = type(handler.__name__, (handler,), {"seen": set(), "release": release})
    with serving(serve(0, CHALLENGE, fresh), release) as url:
        yield url


def _check(url: str, report_dir: Path, timeout: float | None = None) -> Outcome:
    options = Options(url=url, challenge=CHALLENGE, report_dir=report_dir, seed=SEED)
    return run(options if timeout is None else replace(options, timeout=timeout))


def _assert_no_challenge(directory: Path) -> None:
    files = [path for path in directory.rglob("*") if path.is_file()]
    assert files, f"no reports in {directory}"
    for path in files:
        assert CHALLENGE.encode() not in path.read_bytes(), f"{path} carries the challenge"


def test_the_example_receiver_passes_every_check(tmp_path: Path) -> None:
    """examples/receiver.py is CONFORMANT, every named check judged at least once and none failed;
    the reports agree with the exit code (0) and none carries the challenge."""
    with _receiving(Receiver) as url:
        outcome = _check(url, tmp_path)
    assert outcome.verdict is Verdict.CONFORMANT, outcome.reasons
    assert {row.name for row in outcome.rows} == NAMED_CHECKS == set(CHECKS)
    assert [(row.name, row.failed) for row in outcome.rows if row.failed or not row.judged] == []
    assert_reports_agree(tmp_path, outcome.exit_code)
    _assert_no_challenge(tmp_path)


@pytest.mark.parametrize(("handler", "broken", "timeout"), FAULTY, ids=[case[0].__name__ for case in FAULTY])
def test_each_faulty_receiver_fails_by_its_named_check(
    tmp_path: Path, handler: type[_Faulty], broken: frozenset[str], timeout: float | None
) -> None:
    """A receiver with one fault is a VIOLATION of exactly the check(s) that fault breaks, each
    named in the reasons; every other check is still judged and passes; the reports agree with
    the exit code (1) and none carries the challenge."""
    with _receiving(handler) as url:
        outcome = _check(url, tmp_path, timeout)
    assert outcome.verdict is Verdict.VIOLATION, outcome.reasons
    assert {row.name for row in outcome.rows if row.failed} == broken, outcome.rows
    assert [row.name for row in outcome.rows if not row.judged] == []
    for name in broken:
        assert any(reason.startswith(f"{name}:") for reason in outcome.reasons), outcome.reasons
    assert_reports_agree(tmp_path, outcome.exit_code)
    _assert_no_challenge(tmp_path)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_receiver_is_unreachable_quickly(tmp_path: Path) -> None:
    """Nothing listening (a closed port): UNREACHABLE (exit 4) within seconds, not a VIOLATION;
    the reports agree and none carries the challenge."""
    started = time.monotonic()
    outcome = _check(f"http://127.0.0.1:{_closed_port()}/kulmipay/events", tmp_path)
    took = time.monotonic() - started
    assert (outcome.verdict, outcome.exit_code) == (Verdict.UNREACHABLE, 4), outcome.reasons
    assert took < 5, f"took {took:.1f} s"
    assert_reports_agree(tmp_path, outcome.exit_code)
    _assert_no_challenge(tmp_path)


def test_a_loopback_receiver_is_reached_directly_not_through_a_proxy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the usual proxy variables set (as on many CI runners), events for a loopback receiver
    still go straight to it: a proxy would get every event and its challenge, and could not reach
    the user's loopback anyway."""
    proxy = ScriptedReceiver(answers(then=502))
    with asgi_receiver(proxy) as proxy_url, _receiving(Receiver) as url:
        proxy_origin = proxy_url.removesuffix(urlsplit(proxy_url).path)
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.setenv(name, proxy_origin)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        outcome = _check(url, tmp_path)
    assert proxy.bodies() == [], f"{len(proxy.bodies())} events went to the proxy"
    assert outcome.verdict is Verdict.CONFORMANT, outcome.reasons


def _cli(cwd: Path, *arguments: str, challenge: str | None = CHALLENGE) -> subprocess.CompletedProcess[str]:
    """`kulmipay-toolkit webhook-check` in a subprocess, reports under `cwd/reports`; the
    challenge (if any) by its environment variable, as `make webhook-check` passes it."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("KULMIPAY_")}
    if challenge is not None:
        env["KULMIPAY_WEBHOOK_CHALLENGE"] = challenge
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kulmipay_toolkit.cli",
            "webhook-check",
            "--report-dir",
            str(cwd / "reports"),
            *arguments,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


USAGE_ERRORS: dict[str, tuple[tuple[str, ...], str | None, str]] = {
    "no URL": ((), CHALLENGE, "--url"),
    "non-loopback host": (("--url", "http://example.com/x"), CHALLENGE, "--allow-host example.com"),
    "no challenge": (("--url", "http://127.0.0.1:9/x"), None, "KULMIPAY_WEBHOOK_CHALLENGE"),
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_usage_errors_are_one_line_and_send_nothing(tmp_path: Path, case: str) -> None:
    """No URL, a non-loopback host without --allow-host, or no challenge: exit 2, one stderr line
    saying what to give, no traceback, no report folder, and never the challenge."""
    arguments, challenge, hint = USAGE_ERRORS[case]
    result = _cli(tmp_path, *arguments, challenge=challenge)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert hint in lines[0], lines[0]
    assert result.stdout == ""
    assert CHALLENGE not in result.stderr
    assert not (tmp_path / "reports").exists(), "a usage error wrote reports"


def test_the_cli_passes_the_example_receiver_and_prints_no_challenge(tmp_path: Path) -> None:
    """`webhook-check --url <example receiver>` exits 0, says CONFORMANT, and neither its output nor
    its reports carry the challenge."""
    with _receiving(Receiver) as url:
        result = _cli(tmp_path, "--url", url, "--seed", str(SEED))
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "CONFORMANT" in result.stdout
    assert CHALLENGE not in result.stdout + result.stderr
    assert_reports_agree(tmp_path / "reports", 0)
    _assert_no_challenge(tmp_path / "reports")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("target", "option"), [("webhook-check", "--url"), ("sandbox", "--webhook-url")])
def test_make_passes_the_url_and_never_shows_the_challenge(target: str, option: str) -> None:
    """`make -n <target> WEBHOOK_URL=... WEBHOOK_CHALLENGE=sekrit` runs the toolkit with the URL
    on its command line and the challenge nowhere make prints (it goes by the environment)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in MAKE_VARIABLES and not name.startswith("KULMIPAY_")
    }
    url = "http://127.0.0.1:9/x"
    result = subprocess.run(
        ["make", "-n", target, f"WEBHOOK_URL={url}", "WEBHOOK_CHALLENGE=sekrit"],
        cwd=repo_root(),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if f"kulmipay-toolkit {target}" in line]
    assert len(lines) == 1, result.stdout
    assert f"{option} {url}" in lines[0], lines[0]
    assert "sekrit" not in result.stdout + result.stderr
