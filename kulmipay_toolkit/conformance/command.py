"""`kulmipay-toolkit conformance`: its options, each with the environment variable that sets it
in CI (the README's table is pinned to `ENVIRONMENT` by a test), and its exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .. import guard
from ..errors import GuardRefusal, UsageError
from .options import (
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_PHASES,
    DEFAULT_REPORT_DIR,
    DEFAULT_REQUEST_TIMEOUT,
    Options,
)
from .verdict import EXIT_CODES, Verdict

TRUE = {"1", "true", "yes", "on"}

# option -> (environment variable, help). The one list of what CI can set.
ENVIRONMENT: dict[str, tuple[str, str]] = {
    "--base-url": (
        "KULMIPAY_BASE_URL",
        "server to validate, e.g. https://sandbox.kulmipay.com/api/v1 (default: start the local emulator)",
    ),
    "--token": ("KULMIPAY_TOKEN", "sandbox secret key; prefer the variable: argv is visible to others"),
    "--test-phone": (
        "KULMIPAY_TEST_PHONE",
        "the only number schema-valid pushes go to off the trusted emulator",
    ),
    "--max-pushes": (
        "KULMIPAY_MAX_PUSHES",
        f"off the trusted emulator, at most this many pushes "
        f"({guard.MIN_REMOTE_PUSHES}-{guard.MAX_PUSHES_CEILING})",
    ),
    "--allow-host": (
        "KULMIPAY_ALLOW_HOSTS",
        "allow this non-loopback, non-sandbox host (repeatable; env: a,b)",
    ),
    "--rate-limit": (
        "KULMIPAY_RATE_LIMIT",
        f"e.g. 2/s (default off the trusted emulator: {guard.DEFAULT_REMOTE_RATE_LIMIT})",
    ),
    "--trust-target": ("KULMIPAY_TRUST_TARGET", "lift the remote limits for a server you vouch for (env: 1)"),
    "--max-examples": (
        "KULMIPAY_MAX_EXAMPLES",
        f"schemathesis examples per phase (default {DEFAULT_MAX_EXAMPLES})",
    ),
    "--phases": ("KULMIPAY_PHASES", f"schemathesis phases (default {','.join(DEFAULT_PHASES)})"),
    "--max-time": ("KULMIPAY_MAX_TIME", "time budget in seconds for fuzzing"),
    "--seed": ("KULMIPAY_SEED", "seed for schemathesis and the local emulator (default: random, reported)"),
    "--workers": ("KULMIPAY_WORKERS", "schemathesis workers (default 1)"),
    "--request-timeout": (
        "KULMIPAY_REQUEST_TIMEOUT",
        f"seconds per request (default {DEFAULT_REQUEST_TIMEOUT:g})",
    ),
    "--lifecycle-wait": (
        "KULMIPAY_LIFECYCLE_WAIT",
        "off the emulator, seconds to keep reading the run's pushes' status (default: prompt expiry + 15)",
    ),
    "--report-dir": ("KULMIPAY_REPORT_DIR", f"where reports go (default {DEFAULT_REPORT_DIR})"),
    "--fault": ("KULMIPAY_FAULT", "local emulator only: serve this fault profile (the run must fail)"),
    "--tls": ("KULMIPAY_TLS", "local emulator only: serve HTTPS with a local CA (env: 1)"),
    "--ca-file": ("KULMIPAY_CA_FILE", "trust this CA certificate for the target"),
}


def _default(option: str) -> str | None:
    return os.environ.get(ENVIRONMENT[option][0], "").strip() or None


def _help(option: str) -> str:
    variable, text = ENVIRONMENT[option]
    return f"{text} [env {variable}]"


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "conformance",
        help="validate a live server against the spec (default: the local emulator)",
        description="Validates a server against spec/openapi.yaml. Reports go to --report-dir.",
        epilog=f"Exit codes:\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for option in ("--base-url", "--token", "--test-phone", "--rate-limit", "--phases"):
        parser.add_argument(option, default=_default(option), help=_help(option))
    for option, default in (
        ("--max-pushes", guard.DEFAULT_MAX_PUSHES),
        ("--max-examples", DEFAULT_MAX_EXAMPLES),
        ("--max-time", None),
        ("--seed", None),
        ("--workers", 1),
    ):
        parser.add_argument(option, type=int, default=_default(option) or default, help=_help(option))
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=_default("--request-timeout") or DEFAULT_REQUEST_TIMEOUT,
        help=_help("--request-timeout"),
    )
    parser.add_argument(
        "--lifecycle-wait", type=float, default=_default("--lifecycle-wait"), help=_help("--lifecycle-wait")
    )
    parser.add_argument("--report-dir", type=Path, default=_default("--report-dir") or DEFAULT_REPORT_DIR)
    parser.add_argument("--ca-file", type=Path, default=_default("--ca-file"), help=_help("--ca-file"))
    parser.add_argument("--fault", default=_default("--fault"), help=_help("--fault"))
    hosts = [host.strip() for host in (_default("--allow-host") or "").split(",") if host.strip()]
    parser.add_argument("--allow-host", action="append", default=hosts, help=_help("--allow-host"))
    for flag in ("--trust-target", "--tls"):
        on = (_default(flag) or "").lower() in TRUE
        parser.add_argument(flag, action="store_true", default=on, help=_help(flag))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: `sandbox` and `--help` should not pay for schemathesis and the client.
    from .runner import print_outcome
    from .runner import run as run_conformance

    options = Options(
        base_url=args.base_url,
        token=args.token,
        test_phone=args.test_phone,
        max_pushes=args.max_pushes,
        allowed_hosts=tuple(args.allow_host),
        rate_limit=args.rate_limit,
        trust_target=args.trust_target,
        max_examples=args.max_examples,
        max_time=args.max_time,
        seed=args.seed,
        workers=args.workers,
        report_dir=args.report_dir,
        fault=args.fault,
        tls=args.tls,
        ca_file=args.ca_file,
        request_timeout=args.request_timeout,
        lifecycle_wait=args.lifecycle_wait,
        phases=tuple(phase.strip() for phase in (args.phases or ",".join(DEFAULT_PHASES)).split(",")),
    )
    try:
        outcome = run_conformance(options)
    except UsageError as problem:
        print(f"conformance: usage error, nothing was sent: {problem}", file=sys.stderr)
        return int(Verdict.USAGE_ERROR)
    except GuardRefusal as refusal:
        print(f"conformance: refused, nothing was sent: {refusal}", file=sys.stderr)
        return int(Verdict.USAGE_ERROR)
    print_outcome(outcome)
    return outcome.exit_code
