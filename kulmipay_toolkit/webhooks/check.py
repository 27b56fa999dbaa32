"""`kulmipay-toolkit webhook-check`: a contract test of the user's own `collection_event`
receiver. It sends the events this toolkit's emulator would send (one invoice per outcome in
`rules`, every state of its lifecycle, built by the emulator's own code and validated against the
spec's CollectionEvent) and judges how the receiver answers:

| check | the receiver must |
| --- | --- |
| `valid_events_acknowledged` | answer every valid event 200 or 201 (the spec's `x-delivery`) |
| `duplicates_acknowledged` | acknowledge an event it has seen (a retry after a lost answer) |
| `out_of_order_acknowledged` | acknowledge a final state that arrives before PENDING |
| `extra_fields_accepted` | acknowledge an event with fields the spec does not list |
| `forged_events_refused` | refuse (4xx) an event whose challenge is wrong or missing |
| `never_a_server_error` | never answer 5xx |
| `answers_in_time` | answer within the timeout (the spec's `receiver-timeout-seconds`) |

The same verdicts, exit codes and reports as `make conformance`; the challenge never appears in
them. Targets: loopback, or a host named with `--allow-host`."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from .. import __version__, guard, rules, spec
from ..conformance import report
from ..conformance.verdict import CheckRow, Evidence, Verdict, decide
from ..emulator.clock import ManualClock
from ..emulator.invoices import InvoiceBook
from ..emulator.lifecycle import history, invoice_at
from ..errors import UsageError
from ..spec import JSON
from . import events

DEFAULT_REPORT_DIR = Path("reports/webhook-check")
CHECKS = (
    "valid_events_acknowledged",
    "duplicates_acknowledged",
    "out_of_order_acknowledged",
    "extra_fields_accepted",
    "forged_events_refused",
    "never_a_server_error",
    "answers_in_time",
)
EXTRA_FIELDS = {"provider_reference": "kulmipay-toolkit-extra", "metadata": {"added_later": True}}


@dataclass(frozen=True)
class Options:
    url: str
    challenge: str = field(repr=False)
    allowed_hosts: tuple[str, ...] = ()
    timeout: float = field(default_factory=lambda: events.terms().receiver_timeout)
    report_dir: Path = DEFAULT_REPORT_DIR
    seed: int | None = None


@dataclass
class _Tally:
    judged: int = 0
    failed: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    verdict: Verdict
    summary: Path
    rows: list[CheckRow]
    reasons: list[str]

    @property
    def exit_code(self) -> int:
        return int(self.verdict)


def validate(options: Options) -> None:
    parts = urlsplit(options.url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in {"http", "https"} or not host:
        raise UsageError(f"--url {options.url!r} is not an http(s) URL")
    if not guard.is_loopback(host) and host not in options.allowed_hosts:
        raise UsageError(f"refusing {host}: only loopback, or a host named with --allow-host {host}")
    if not options.challenge:
        raise UsageError("the receiver's challenge is needed (KULMIPAY_WEBHOOK_CHALLENGE or --challenge)")
    if not options.timeout > 0:
        raise UsageError(f"--timeout must be positive, not {options.timeout}")
    try:
        options.report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        raise UsageError(f"--report-dir {options.report_dir} cannot be created: {problem.strerror}") from None


def lifecycles(challenge: str, seed: int) -> list[list[JSON]]:
    """Per invoice, its events in order: what the emulator sends for each outcome."""
    clock = ManualClock()
    book = InvoiceBook(seed=seed, clock=clock)
    template = spec.request_examples()[0]
    records = []
    for phone in [template["phone_number"], *rules.OUTCOMES]:
        reply = book.push({**template, "phone_number": phone})
        record = book.invoices.get(reply["invoice"]["invoice_id"])
        assert record is not None
        records.append(record)
    last = max(after for outcome in [rules.PAYS, *rules.OUTCOMES.values()] for after, _ in outcome.steps)
    clock.advance(last + 1)
    sequences = []
    for record in records:
        sequence = [
            events.event_for(invoice_at(record, at), challenge) for at in history(record, clock.now())
        ]
        for event in sequence:  # never send what the spec does not allow: that would judge nothing
            problems = spec.body_errors(events.validator(), event)
            assert not problems, problems
        sequences.append(sequence)
    return sequences


class _Sender:
    def __init__(self, client: httpx.Client, options: Options, tallies: dict[str, _Tally]) -> None:
        self.client, self.options, self.tallies = client, options, tallies
        self.answered = 0
        self.unreachable: str | None = None

    def send(self, event: JSON, what: str) -> int | None:
        """The receiver's status for one event (None: no answer); timing and 5xx judged here."""
        started = time.monotonic()
        try:
            status = self.client.post(self.options.url, json=event).status_code
        except httpx.TimeoutException:
            self.count("answers_in_time", f"{what}: no answer within {self.options.timeout:g} s")
            return None
        except httpx.HTTPError as problem:
            if not self.answered:
                self.unreachable = f"{self.options.url}: {type(problem).__name__}: {str(problem)[:160]}"
            return None
        self.answered += 1
        elapsed = time.monotonic() - started
        self.count(
            "answers_in_time", f"{what}: took {elapsed:.1f} s" if elapsed > self.options.timeout else None
        )
        self.count("never_a_server_error", f"{what}: answered {status}" if status >= 500 else None)
        return status

    def count(self, name: str, problem: str | None) -> None:
        tally = self.tallies[name]
        tally.judged += 1
        if problem is not None:
            tally.failed += 1
            if len(tally.messages) < 3:
                tally.messages.append(f"{name}: {problem}")

    def expect_ack(self, name: str, event: JSON, what: str) -> None:
        status = self.send(event, what)
        acknowledged = events.terms().acknowledged_by
        if status is not None:
            wanted = " or ".join(map(str, sorted(acknowledged)))
            self.count(name, None if status in acknowledged else f"{what}: answered {status}, not {wanted}")

    def expect_refusal(self, event: JSON, what: str) -> None:
        status = self.send(event, what)
        if status is not None:
            refused = 400 <= status < 500
            self.count("forged_events_refused", None if refused else f"{what}: answered {status}, not a 4xx")


def run(options: Options) -> Outcome:
    """UsageError before anything is sent; otherwise always reports."""
    validate(options)
    seed = options.seed if options.seed is not None else secrets.randbelow(2**31)
    tallies = {name: _Tally() for name in CHECKS}
    work = Path(tempfile.mkdtemp(prefix=".run-", dir=options.report_dir))
    started = datetime.now(UTC).isoformat(timespec="seconds")
    evidence = Evidence()
    try:
        # A loopback receiver is reached directly, never through the user's proxy settings.
        direct = guard.is_loopback(urlsplit(options.url).hostname or "")
        with httpx.Client(timeout=options.timeout, follow_redirects=False, trust_env=not direct) as client:
            sender = _Sender(client, options, tallies)
            try:
                _exercise(sender, lifecycles(options.challenge, seed))
            except KeyboardInterrupt:
                evidence.interrupted = "interrupted by Ctrl-C"
        if sender.unreachable and not sender.answered:
            evidence.unreachable = sender.unreachable
        evidence.rows = [
            CheckRow(
                name, "webhook", tally.judged, tally.failed, "" if tally.judged else "nothing was answered"
            )
            for name, tally in tallies.items()
        ]
        verdict, reasons = decide(evidence)
        summary = report.Report(
            verdict=verdict,
            reasons=reasons,
            rows=evidence.rows,
            context={
                "receiver": options.url,
                "seed": seed,
                "started": started,
                "toolkit version": __version__,
                "timeout": f"{options.timeout:g}s",
                "events answered": sender.answered,
            },
            findings=[message for tally in tallies.values() for message in tally.messages],
        )
        report.write(summary, work, options.challenge)
        report.publish(work, options.report_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Outcome(verdict, options.report_dir / "summary.md", evidence.rows, reasons)


def _exercise(sender: _Sender, sequences: list[list[JSON]]) -> None:
    for sequence in sequences:
        state_path = " -> ".join(event["state"] for event in sequence)
        for event in sequence:
            sender.expect_ack("valid_events_acknowledged", event, f"{event['state']} of {state_path}")
        sender.expect_ack("duplicates_acknowledged", sequence[-1], f"{sequence[-1]['state']} again (a retry)")
    # A fresh invoice whose final event arrives first: delivery order is not guaranteed to receivers.
    reordered = [{**event, "invoice_id": event["invoice_id"] + "R"} for event in sequences[0]][::-1]
    for event in reordered:
        sender.expect_ack("out_of_order_acknowledged", event, f"{event['state']} before the rest")
    extra = {**sequences[0][0], **EXTRA_FIELDS}
    sender.expect_ack("extra_fields_accepted", extra, "an event with fields the spec does not list")
    forged = {**sequences[0][-1], "challenge": "not-" + secrets.token_hex(8)}
    sender.expect_refusal(forged, "an event with the wrong challenge")
    missing = {key: value for key, value in sequences[0][-1].items() if key != "challenge"}
    sender.expect_refusal(missing, "an event without a challenge")


def print_outcome(outcome: Outcome) -> None:
    print(f"\nKulmiPay collection_event receiver check: {outcome.verdict.name}")
    for reason in outcome.reasons:
        print(f"  - {reason}")
    print(report.table(outcome.rows))
    print(f"Reports: {outcome.summary.parent}/ (summary.md, summary.json, junit.xml)")
