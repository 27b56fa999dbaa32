"""The conformance run: guard -> (local emulator) -> schemathesis (`st run`, our hooks and
checks) -> the generated client -> reports. Exit status 0 if and only if nothing broke."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from .. import guard, spec
from ..emulator import RunningEmulator, Settings
from ..keys import redact
from . import client_probe, hooks
from .options import Options
from .report import Verdict, read_cassette, table, write_summary

CONFIG = Path(__file__).with_name("schemathesis.toml")
# The local emulator accepts any sandbox-shaped key; this one is made up.
LOCAL_TOKEN = "ISSecretKey_test_localconformance0000"
# Off loopback the examples phase is never run: its cases bypass the hooks that keep
# generated numbers away from real phones (and the spec's examples carry a real-looking one).
REMOTE_PHASES = frozenset({"coverage", "fuzzing"})
# ...and `ignored_auth` is left out: after a 2xx it re-sends the same (positive) body without
# and with a wrong key, outside the hooks, which a sandbox that ignored auth would push again.
# Missing-auth cases still come from the coverage phase, through the hooks.
REMOTE_EXCLUDED_CHECKS = ("ignored_auth",)
CASSETTE = "cassette.yaml"
# What a run writes into the report folder; only these are replaced, never the folder itself
# (it may be one the user also keeps other things in).
REPORT_ENTRIES = ("summary.md", "summary.json", "junit.xml", CASSETTE, "html")


@dataclass
class Outcome:
    exit_code: int
    verdict: Verdict
    summary: Path
    seconds: float
    st_output: str = field(default="", repr=False)


def _st_command(
    options: Options, base_url: str, clearance: guard.Clearance, ca_file: Path | None
) -> list[str]:
    report_dir = options.report_dir
    phases = [phase for phase in options.phases if clearance.loopback or phase in REMOTE_PHASES]
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        str(spec.spec_path()),
        "--url",
        base_url,
        "--checks",
        "all",
        "--phases",
        ",".join(phases),
        "--max-examples",
        str(options.max_examples),
        "--workers",
        str(options.workers),
        "--request-retries",
        "0",  # an STK push is not idempotent: never resend one
        "--continue-on-failure",
        "--generation-database",
        "none",
        "--report",
        "junit,vcr,html",
        "--report-dir",
        str(report_dir),
        "--report-junit-path",
        str(report_dir / "junit.xml"),
        "--report-vcr-path",
        str(report_dir / CASSETTE),
        "--report-html-path",
        str(report_dir / "html"),
    ]
    if options.seed is not None:
        command += ["--seed", str(options.seed)]
    if options.max_time is not None:
        command += ["--max-time", str(options.max_time)]
    if clearance.rate_limit:
        command += ["--rate-limit", clearance.rate_limit]
    if clearance.remote:
        command += ["--suppress-health-check", "all"]  # the positive cap filters by design
        command += ["--exclude-checks", ",".join(REMOTE_EXCLUDED_CHECKS)]
    if ca_file is not None:
        command += ["--tls-verify", str(ca_file)]
    return command


def _st_env(token: str, clearance: guard.Clearance, st_pushes: int | None) -> dict[str, str]:
    env = dict(os.environ, KULMIPAY_TOKEN=token)
    for name in (hooks.PHONE_ENV, hooks.MAX_POSITIVE_ENV):
        env.pop(name, None)
    if clearance.remote:
        assert clearance.test_phone is not None and st_pushes is not None
        env[hooks.PHONE_ENV] = clearance.test_phone
        env[hooks.MAX_POSITIVE_ENV] = str(st_pushes)
    return env


def _clear_reports(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name in REPORT_ENTRIES:
        entry = directory / name
        if entry.is_dir():
            shutil.rmtree(entry)
        elif entry.exists():
            entry.unlink()


def _scrub_reports(directory: Path, secret: str) -> list[str]:
    """Belt and braces: any report file holding the key is rewritten without it, and said."""
    leaks = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        if secret in text:
            path.write_text(redact(text, secret), encoding="utf-8")
            leaks.append(f"the key was found in {path.name} and removed from it")
    return leaks


def run(options: Options) -> Outcome:
    started = time.perf_counter()
    token = options.token or (LOCAL_TOKEN if options.base_url is None else "")
    with ExitStack() as stack:
        if options.base_url is None:
            guard.clear(guard.Target("http://127.0.0.1/", token))  # the key, before starting anything
            tls_dir = options.report_dir.parent / "conformance-tls" if options.tls else None
            emulator = stack.enter_context(
                RunningEmulator(Settings(fault=options.fault, seed=options.seed), tls_directory=tls_dir)
            )
            base_url = emulator.base_url
            ca_file = emulator.certificates.ca_file if emulator.certificates else None
        else:
            base_url, ca_file = options.base_url, options.ca_file
        target = guard.Target(
            base_url, token, options.test_phone, options.max_pushes, options.allowed_hosts, options.rate_limit
        )
        clearance = guard.clear(target)  # raises GuardRefusal before any request is sent

        client_pushes = options.client_pushes
        st_pushes = None
        if clearance.remote:
            assert clearance.max_positive_pushes is not None
            client_pushes = min(1, clearance.max_positive_pushes)
            st_pushes = clearance.max_positive_pushes - client_pushes

        _clear_reports(options.report_dir)
        st = subprocess.run(
            _st_command(options, base_url, clearance, ca_file),
            env=_st_env(token, clearance, st_pushes),
            stdout=subprocess.PIPE if options.quiet else None,
            stderr=subprocess.STDOUT if options.quiet else None,
            text=True,
            check=False,
        )
        sent, findings = client_probe.probe(
            base_url,
            token,
            client_pushes,
            test_phone=clearance.test_phone,
            verify=str(ca_file) if ca_file else True,
        )

    verdict = read_cassette(options.report_dir / CASSETTE)
    verdict.extra += findings
    if st.returncode != 0 and not verdict.failed:
        verdict.extra.append(f"schemathesis exited {st.returncode} without a check failure (see its output)")
    verdict.extra += _scrub_reports(options.report_dir, token)
    context = {
        "target": base_url,
        "fault profile": options.fault or "none" if options.base_url is None else "n/a (external server)",
        "guard": "loopback (no limits)"
        if clearance.loopback
        else f"remote: positive pushes only to the test phone, at most {clearance.max_positive_pushes}, "
        f"rate {clearance.rate_limit}",
        "schemathesis exit code": st.returncode,
        "generated client pushes": sent,
    }
    summary = write_summary(verdict, options.report_dir, context, token)
    return Outcome(
        0 if verdict.ok else 1,
        verdict,
        summary,
        time.perf_counter() - started,
        redact(st.stdout or "", token),
    )


def print_outcome(outcome: Outcome) -> None:
    status = "PASSED" if outcome.exit_code == 0 else "FAILED"
    print(f"\nKulmiPay STK push conformance: {status} in {outcome.seconds:.1f}s")
    print(table(outcome.verdict))
    for finding in outcome.verdict.extra:
        print(f"  ! {finding}")
    print(f"Reports: {outcome.summary.parent}/ (summary.md, junit.xml, {CASSETTE}, html/)")
