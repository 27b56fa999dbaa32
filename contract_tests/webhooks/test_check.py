"""`webhooks/check.py`: `webhook-check` judges a receiver by the named checks: the example receiver
passes every one (CONFORMANT, each judged), and each faulty receiver fails exactly the check(s) its
fault breaks; an unreachable receiver is UNREACHABLE, quickly; a loopback receiver is reached
directly, never through a proxy; the challenge is in no report. Every run's reports are checked
with `assert_reports_agree`. (The command line and `make` are in test_command.py.)"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from contract_tests.support.network import reserved_port
from contract_tests.support.reports import assert_reports_agree
from contract_tests.support.webhooks import (
    CHALLENGE,
    ScriptedReceiver,
    answers,
    asgi_receiver,
    assert_no_challenge,
    serving,
)
from examples.receiver import FINAL, Receiver, serve
from kulmipay_toolkit.conformance.verdict import Verdict
from kulmipay_toolkit.webhooks.check import CHECKS, Options, Outcome, run
from kulmipay_toolkit.webhooks.receiver import MAX_EVENT_BYTES, ForgedEvent, WebhookRejected, verify_event

SEED = 5
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


def test_the_example_receiver_passes_every_check(tmp_path: Path) -> None:
    """examples/receiver.py is CONFORMANT, every named check judged at least once and none failed;
    the reports agree with the exit code (0) and none carries the challenge."""
    with _receiving(Receiver) as url:
        outcome = _check(url, tmp_path)
    assert outcome.verdict is Verdict.CONFORMANT, outcome.reasons
    assert {row.name for row in outcome.rows} == NAMED_CHECKS == set(CHECKS)
    assert [(row.name, row.failed) for row in outcome.rows if row.failed or not row.judged] == []
    assert_reports_agree(tmp_path, outcome.exit_code)
    assert_no_challenge(tmp_path)


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
    assert_no_challenge(tmp_path)


def test_an_unreachable_receiver_is_unreachable_quickly(tmp_path: Path) -> None:
    """Nothing listening (a closed port): UNREACHABLE (exit 4) within seconds, not a VIOLATION;
    the reports agree and none carries the challenge."""
    with reserved_port() as port:
        started = time.monotonic()
        outcome = _check(f"http://127.0.0.1:{port}/kulmipay/events", tmp_path)
        took = time.monotonic() - started
    assert (outcome.verdict, outcome.exit_code) == (Verdict.UNREACHABLE, 4), outcome.reasons
    assert took < 5, f"took {took:.1f} s"
    assert_reports_agree(tmp_path, outcome.exit_code)
    assert_no_challenge(tmp_path)


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
