"""The conformance run, top to bottom:

options -> guard (key, host) -> the target's trust (its own emulator, a proven one, the user's
word, or else the remote terms behind the egress gate) -> preflight -> schemathesis (`st run`
with our hooks and the audited checks) -> the generated client's probe -> verdict -> reports,
written in the run's own folder and published at the end.

Every request leaves through the gate unless the target is trusted; every request has a timeout;
Ctrl-C and SIGTERM stop `st` too and still leave reports that say INTERRUPTED."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

import httpx

from .. import __version__, guard, identity, spec
from ..errors import Interrupted
from ..gate import EgressPolicy, Gate
from ..keys import redact
from ..loopback import LoopbackServer
from . import checklist, client_probe, lifecycle_probe, preflight, report, results, terms, webhook_probe
from .event_sink import EventSink
from .options import Options, validate
from .report import Report
from .verdict import CheckRow, Evidence, Verdict, decide

CONFIG = Path(__file__).with_name("schemathesis.toml")
# The local emulator accepts any sandbox-shaped key; this one is made up.
LOCAL_TOKEN = "ISSecretKey_test_localconformance0000"
# Off the trusted emulator the examples phase is never run: its cases bypass the hooks, so what
# schemathesis records would not be what the gate sent (the spec's examples carry a real-looking
# number, which the gate would confine, and the checks would judge the wrong request).
REMOTE_PHASES = frozenset({"coverage", "fuzzing", "stateful"})
EVENTS = "events.ndjson"
CASSETTE = "cassette.yaml"
# However the server behaves, `st` is stopped after this (its own timeouts bound each request).
ST_DEADLINE = 1800.0
SANDBOX_PORT = 8765  # what reproductions against the built-in emulator tell you to start


@dataclass
class Outcome:
    verdict: Verdict
    report: Report
    summary: Path
    seconds: float
    st_output: str = field(default="", repr=False)

    @property
    def exit_code(self) -> int:
        return int(self.verdict)


@dataclass
class _Egress:
    """Where the run's requests go and on what terms."""

    url: str  # the gate, or the target itself when trusted
    target: str
    clearance: guard.Clearance
    verify: str | bool
    gate: Gate | None = None
    drive: str | None = None  # the origin of an emulator whose manual clock the run may move
    # The run's own emulator delivers its webhooks to the run's own sink, to be judged.
    sink: EventSink | None = None
    challenge: str = field(default="", repr=False)
    deliveries_idle: Callable[[], bool] | None = None


def run(options: Options) -> Outcome:
    """Raises UsageError or GuardRefusal before anything is sent; otherwise always reports."""
    validate(options)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix=".run-", dir=options.report_dir))
    try:
        with _sigterm_interrupts():
            return _run(options, work, started)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(options: Options, work: Path, started: float) -> Outcome:
    token = options.token or (LOCAL_TOKEN if options.base_url is None else "")
    seed = options.seed if options.seed is not None else secrets.randbelow(2**31)
    evidence = Evidence()
    st_output, probe, found = "", client_probe.ProbeResult(), preflight.Preflight()
    lifecycle = lifecycle_probe.LifecycleResult()
    delivered: webhook_probe.Delivered | None = None
    when = datetime.now(UTC).isoformat(timespec="seconds")
    with ExitStack() as stack:
        egress = _egress(options, token, seed, work, stack)
        remote = egress.clearance.remote
        check_names = checklist.selected(remote=remote)
        try:
            found = preflight.check(
                egress.url,
                egress.target,
                verify=True if remote else egress.verify,
                through_gate=remote,
                timeout=options.request_timeout,
            )
            evidence.unreachable = found.unreachable
            if found.misdirected:
                evidence.incomplete.append(f"nothing was sent to judge: {found.misdirected}")
            elif found.unreachable is None:
                if options.phases:
                    st_output = _schemathesis(options, egress, token, seed, work, check_names, evidence)
                else:
                    evidence.incomplete.append("no schemathesis phase was asked for")
                probe = _probe(options, egress, token)
                pushed = results.read(work / EVENTS, check_names).pushed + probe.invoices
                lifecycle = _lifecycle(options, egress, token, pushed)
                delivered = _webhooks(egress, token, options.request_timeout)
        except (KeyboardInterrupt, Interrupted) as stop:
            evidence.interrupted = (
                f"interrupted by {'SIGTERM' if isinstance(stop, Interrupted) else 'Ctrl-C'}"
            )
    found_results = results.read(work / EVENTS, check_names)
    _merge(found_results, lifecycle)
    if delivered is not None:
        webhook_probe.judge(delivered, egress.challenge, found_results)
    leaks, scanned = _scrub(work, token)
    row_names = check_names + checklist.run_checks(own_emulator=egress.sink is not None)
    evidence.rows = _rows(found_results, row_names, probe, scanned, leaks)
    _note_incomplete(evidence, found_results)
    verdict, reasons = decide(evidence)
    summary = _report(
        options, egress, verdict, reasons, evidence, found, found_results, probe, leaks, seed, when
    )
    summary.context["duration"] = f"{time.monotonic() - started:.1f}s"
    report.write(summary, work, token)
    report.publish(work, options.report_dir)
    return Outcome(
        verdict,
        summary,
        options.report_dir / "summary.md",
        time.monotonic() - started,
        redact(st_output, token),
    )


def _egress(options: Options, token: str, seed: int, work: Path, stack: ExitStack) -> _Egress:
    from ..emulator import RunningEmulator, Settings  # the emulator only when the run starts one

    if options.base_url is None:
        guard.check_target(guard.Target("http://127.0.0.1/", token))  # the key, before starting anything
        sink = EventSink()
        sink_server = stack.enter_context(LoopbackServer(sink))
        sink_url = sink_server.origin + "/collection-events"
        challenge = secrets.token_urlsafe(24)
        settings = Settings(
            fault=options.fault, seed=seed, clock="manual", webhook_url=sink_url, webhook_challenge=challenge
        )
        running = stack.enter_context(
            RunningEmulator(settings, tls_directory=work / "tls" if options.tls else None)
        )
        # Run first on the way out: both servers wind down together, not one after the other.
        stack.callback(sink_server.request_stop)
        stack.callback(running.request_stop)
        ca = running.certificates.ca_file if running.certificates else None
        verify: str | bool = str(ca) if ca else True
        clearance = guard.clearance_for(guard.Target(running.base_url, token), trusted_by=guard.OWN_EMULATOR)
        deliveries = running.emulator.deliveries
        return _Egress(
            running.base_url,
            running.base_url,
            clearance,
            verify,
            drive=running.base_url.removesuffix(spec.base_path()),
            sink=sink,
            challenge=challenge,
            deliveries_idle=(lambda: deliveries.idle(running.emulator.book))
            if deliveries is not None
            else None,
        )
    verify = str(options.ca_file) if options.ca_file else True
    target = guard.Target(
        options.base_url,
        token,
        options.test_phone,
        options.max_pushes,
        options.allowed_hosts,
        options.rate_limit,
        trust=options.trust_target,
    )
    guard.check_target(target)  # before the handshake: a refused target gets not even that
    # KulmiPay's own hosts are never the emulator: they get no handshake at all.
    proof = None
    if not options.trust_target and not guard.is_kulmipay_host(options.base_url):
        proof = identity.handshake(options.base_url, verify=verify, timeout=options.request_timeout)
    clearance = guard.clearance_for(target, trusted_by=guard.PROVEN if proof else None)
    if not clearance.remote:
        # A proven emulator on a manual clock is one a test drives: the run may move it too.
        drive = identity.identity_url(options.base_url).removesuffix(identity.PATH)
        manual = proof is not None and proof.get("clock") == "manual"
        return _Egress(options.base_url, options.base_url, clearance, verify, drive=drive if manual else None)
    policy = EgressPolicy(clearance.test_phone, clearance.max_positive_pushes)
    gate = Gate(
        options.base_url,
        policy,
        rate_limit=clearance.rate_limit,
        verify=verify,
        timeout=options.request_timeout,
    )
    server = stack.enter_context(LoopbackServer(gate, on_stop=gate.close))
    return _Egress(server.origin + urlsplit(options.base_url).path, options.base_url, clearance, verify, gate)


def _st_command(
    options: Options, egress: _Egress, seed: int, work: Path, check_names: list[str]
) -> list[str]:
    remote = egress.clearance.remote
    phases = [phase for phase in options.phases if not remote or phase in REMOTE_PHASES]
    command = [
        # `st` by module, under this interpreter: its script need not sit beside it (a venv a
        # user installed into, `pipx`, a system Python).
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        str(spec.spec_path()),
        "--url",
        egress.url,
        "--checks",
        ",".join(check_names),
        "--phases",
        ",".join(phases),
        "--max-examples",
        str(options.max_examples),
        "--workers",
        str(options.workers),
        "--seed",
        str(seed),
        "--request-timeout",
        str(options.request_timeout),
        "--request-retries",
        "0",  # an STK push is not idempotent: never resend one
        "--continue-on-failure",
        "--generation-database",
        "none",
        "--report",
        "ndjson,vcr,html",
        "--report-dir",
        str(work),
        "--report-ndjson-path",
        str(work / EVENTS),
        "--report-vcr-path",
        str(work / CASSETTE),
        "--report-html-path",
        str(work / "html"),
    ]
    if options.max_time is not None:
        command += ["--max-time", str(options.max_time)]
    if egress.clearance.rate_limit:
        command += ["--rate-limit", egress.clearance.rate_limit]
    if remote:
        command += ["--suppress-health-check", "all"]  # the positive cap filters by design
    elif isinstance(egress.verify, str):
        command += ["--tls-verify", egress.verify]
    return command


def _st_env(token: str, egress: _Egress, st_pushes: int) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("KULMIPAY_GUARD_")}
    env["KULMIPAY_TOKEN"] = token
    clearance = egress.clearance
    if clearance.remote:
        assert clearance.test_phone is not None
        env |= {terms.MODE_ENV: "remote", terms.PHONE_ENV: clearance.test_phone}
        env[terms.MAX_POSITIVE_ENV] = str(st_pushes)
        # The gate is ours, on loopback: never reach it through the user's proxy (the gate itself
        # reaches the target through it).
        for name in ("NO_PROXY", "no_proxy"):
            env[name] = ",".join(filter(None, [env.get(name, ""), "127.0.0.1", "localhost"]))
    else:
        env[terms.MODE_ENV] = "trusted"
    return env


def _schemathesis(
    options: Options,
    egress: _Egress,
    token: str,
    seed: int,
    work: Path,
    check_names: list[str],
    evidence: Evidence,
) -> str:
    """Runs `st` to the end, or stops it (and re-raises) when the run is interrupted."""
    limit = egress.clearance.max_positive_pushes
    st_pushes = 0 if limit is None else limit - _probe_pushes(options, egress)
    process = subprocess.Popen(
        _st_command(options, egress, seed, work, check_names),
        env=_st_env(token, egress, st_pushes),
        stdout=subprocess.PIPE if options.quiet else None,
        stderr=subprocess.STDOUT if options.quiet else None,
        text=True,
        start_new_session=True,  # Ctrl-C reaches the runner, which stops `st` itself
    )
    deadline = (options.max_time or 0) + ST_DEADLINE
    try:
        output, _ = process.communicate(timeout=deadline)
    except subprocess.TimeoutExpired:
        _stop(process)
        evidence.incomplete.append(f"schemathesis did not finish within {deadline:.0f} s and was stopped")
        return ""
    except BaseException:
        _stop(process)
        raise
    if process.returncode not in (0, 1):
        evidence.incomplete.append(f"schemathesis exited {process.returncode} (see its output)")
    return output or ""


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def _probe_pushes(options: Options, egress: _Egress) -> int:
    return 1 if egress.clearance.remote else options.client_pushes


def _probe(options: Options, egress: _Egress, token: str) -> client_probe.ProbeResult:
    remote = egress.clearance.remote
    return client_probe.probe(
        egress.url,
        token,
        _probe_pushes(options, egress),
        test_phone=egress.clearance.test_phone,
        verify=True if remote else egress.verify,
        timeout=options.request_timeout,
        through_gate=remote,
    )


def _lifecycle(
    options: Options, egress: _Egress, token: str, pushed: list[dict[str, object]]
) -> lifecycle_probe.LifecycleResult:
    timeout = options.request_timeout
    if egress.drive is not None:
        return lifecycle_probe.drive(
            egress.url, token, control=egress.drive, verify=egress.verify, timeout=timeout
        )
    if egress.clearance.trusted_by in (guard.OWN_EMULATOR, guard.PROVEN):
        return lifecycle_probe.wait(egress.url, token, verify=egress.verify, timeout=timeout)
    # Anything else: no new push; the run's own pushes are read until they settle.
    unique = list({str(invoice.get("invoice_id")): invoice for invoice in pushed}.values())
    remote = egress.clearance.remote
    return lifecycle_probe.wait(
        egress.url,
        token,
        verify=True if remote else egress.verify,
        timeout=timeout,
        invoices=unique,
        through_gate=remote,
        limit=options.lifecycle_wait,
    )


def _webhooks(egress: _Egress, token: str, timeout: float) -> webhook_probe.Delivered | None:
    """Drains the emulator's deliveries to the run's sink; what arrived, with each invoice's
    status read after it, or None when the run has no sink (not its own emulator)."""
    if egress.sink is None or egress.deliveries_idle is None:
        return None
    sink = egress.sink
    webhook_probe.drain(egress.deliveries_idle, lambda: len(sink.events()))
    received = sink.events()
    statuses: dict[str, dict[str, object] | None] = {}
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(
        base_url=egress.url + "/", verify=egress.verify, timeout=timeout, headers=headers
    ) as client:
        for invoice_id in {str(event.get("invoice_id")) for event in received if isinstance(event, dict)}:
            reply = client.post(spec.status_path().lstrip("/"), json={"invoice_id": invoice_id})
            invoice = reply.json().get("invoice") if reply.status_code == 200 else None
            statuses[invoice_id] = invoice if isinstance(invoice, dict) else None
    return webhook_probe.Delivered(received, statuses)


def _merge(found: results.Results, lifecycle: lifecycle_probe.LifecycleResult) -> None:
    """The probe's judgements join schemathesis's, under the same check names."""
    for name, tally in lifecycle.tallies.items():
        total = found.tally(name)
        total.judged += tally.judged
        total.failed += tally.failed
    for line in lifecycle.failures:
        name, _, message = line.partition(": ")
        found.failures.append(results.Failure(name, line, message, 200, None))
    found.lifecycle_reads = lifecycle.reads


def _scrub(work: Path, secret: str) -> tuple[list[str], int]:
    """Belt and braces: any file `st` wrote holding the key is rewritten without it, and said."""
    leaks, scanned = [], 0
    for path in sorted(p for p in work.rglob("*") if p.is_file()):
        scanned += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        if secret in text:
            path.write_text(redact(text, secret), encoding="utf-8")
            leaks.append(f"the key was found in {path.name} and removed from it")
    return leaks, scanned


def _rows(
    found: results.Results,
    check_names: list[str],
    probe: client_probe.ProbeResult,
    scanned: int,
    leaks: list[str],
) -> list[CheckRow]:
    domain, optional = set(checklist.domain_checks()), checklist.optional()
    rows = []
    for name in check_names:
        tally = found.tally(name)
        kind = "domain" if name in domain else "webhook" if name in webhook_probe.CHECKS else "schemathesis"
        why = "" if tally.judged else _why_not_judged(name, kind, found)
        rows.append(CheckRow(name, kind, tally.judged, tally.failed, why, required=name not in optional))
    rows.append(
        CheckRow(
            "generated_client_probe",
            "run",
            probe.judged,
            len(probe.findings),
            "" if probe.judged else probe.unjudged_because,
        )
    )
    rows.append(
        CheckRow("key_never_in_reports", "run", scanned, len(leaks), "" if scanned else "no report file")
    )
    return rows


def _why_not_judged(name: str, kind: str, found: results.Results) -> str:
    answered = ", ".join(f"{status} x{count}" for status, count in sorted(found.positive_statuses.items()))
    if kind == "webhook":
        return "no collection_event arrived from the run's emulator"
    if kind == "domain":
        why = "no accepted push (a 200 to a schema-valid push) reached it"
        return why + (f"; valid pushes were answered {answered}" if answered else "")
    if name == "negative_data_rejection":
        return "no negative case was answered"
    if name == "positive_data_acceptance":
        return "no positive case was answered"
    if name in checklist.optional():
        return next(check.why for check in checklist.BUILT_INS if check.name == name)
    return "no exchange it applies to was answered"


def _note_incomplete(evidence: Evidence, found: results.Results) -> None:
    if evidence.interrupted or evidence.unreachable:
        return
    if found.exchanges == 0 and found.network_errors:
        evidence.unreachable = "no request got an answer: " + next(iter(found.network_errors))
        return
    evidence.incomplete += [f"schemathesis stopped: {error}" for error in found.engine_errors]
    lost = sum(found.network_errors.values())
    if lost:
        evidence.incomplete.append(f"{lost} requests got no answer ({next(iter(found.network_errors))})")
    if not found.finished and not evidence.incomplete:
        evidence.incomplete.append("schemathesis did not finish its run (see its output)")


def _report(
    options: Options,
    egress: _Egress,
    verdict: Verdict,
    reasons: list[str],
    evidence: Evidence,
    found: preflight.Preflight,
    found_results: results.Results,
    probe: client_probe.ProbeResult,
    leaks: list[str],
    seed: int,
    when: str,
) -> Report:
    clearance = egress.clearance
    diagnosis = list(found.diagnosis)
    refused = {status for status in found_results.positive_statuses if status in client_probe.AUTH_REFUSALS}
    if found_results.positive_statuses and refused == set(found_results.positive_statuses):
        diagnosis.append(
            f"the key was refused ({', '.join(map(str, sorted(refused)))}) on every valid push: "
            "check KULMIPAY_TOKEN (a sandbox secret key, ISSecretKey_test_...)"
        )
    context: dict[str, object] = {
        "target": egress.target,
        "trust": clearance.describe(),
        "fault profile": (options.fault or "none") if options.base_url is None else "n/a (external server)",
        "seed": seed,
        "started": when,
        "toolkit version": __version__,
        "phases": ",".join(options.phases),
        "max examples": options.max_examples,
        "exchanges judged": found_results.exchanges,
        "generated client pushes": probe.sent,
        "lifecycle status reads": found_results.lifecycle_reads,
        "webhook events received": found_results.webhook_events,
    }
    if egress.gate is not None:
        log, policy = egress.gate.log, egress.gate.policy
        context["egress gate"] = (
            f"{log.forwarded} forwarded, {policy.pushes} pushes of {policy.max_pushes}, "
            f"{sum(log.refused.values())} refused"
        )
    summary = Report(
        verdict=verdict,
        reasons=reasons,
        rows=evidence.rows,
        context=context,
        diagnosis=diagnosis,
        findings=probe.findings + leaks,
        failures=found_results.failures,
        target_url=egress.target,
        st_url=egress.url,
    )
    if options.base_url is None:
        local = f"{'https' if options.tls else 'http'}://127.0.0.1:{SANDBOX_PORT}{spec.base_path()}"
        summary.target_url = local
        start = f"make sandbox PORT={SANDBOX_PORT} SEED={seed}"
        start += (f" FAULT={options.fault}" if options.fault else "") + (" TLS=1" if options.tls else "")
        summary.reproduce = [
            f"The run's emulator is gone; start the same one first: `{start}`.",
            "Then `export KULMIPAY_TOKEN=...` with any sandbox-shaped key (ISSecretKey_test_ then anything).",
        ]
    else:
        summary.reproduce = [
            "`export KULMIPAY_TOKEN=...` (your sandbox key) first: `VAR=x make conformance` does not "
            "export it to your shell."
        ]
    return summary


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM ends the run as Ctrl-C does: `st` is stopped and the reports say so."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise Interrupted()

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def print_outcome(outcome: Outcome) -> None:
    summary = outcome.report
    print(f"\nKulmiPay STK push conformance: {outcome.verdict.name} in {outcome.seconds:.1f}s")
    print(f"  trust: {summary.context['trust']}")
    for line in summary.diagnosis:
        print(f"  > {line}")
    for reason in summary.reasons:
        print(f"  - {reason}")
    print(report.table(summary.rows))
    for finding in summary.findings:
        print(f"  ! {finding}")
    print(f"Reports: {outcome.summary.parent}/ (summary.md, summary.json, junit.xml, {CASSETTE}, html/)")
