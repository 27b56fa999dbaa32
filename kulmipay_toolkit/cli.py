"""`kulmipay-toolkit`: the command line behind `make sandbox` and `make conformance`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import guard, spec
from .conformance.options import DEFAULT_MAX_EXAMPLES, DEFAULT_PHASES, DEFAULT_REPORT_DIR, Options
from .emulator.faults import FAULTS
from .emulator.pipeline import Settings
from .emulator.server import LOOPBACK, make_certificates, serve

DEFAULT_TLS_DIR = Path("reports/sandbox/tls")


def _sandbox(args: argparse.Namespace) -> int:
    certificates = make_certificates(args.tls_dir) if args.tls else None
    allowed = frozenset(key for key in (args.allow_key or []) if key)
    settings = Settings(fault=args.fault or None, seed=args.seed, allowed_keys=allowed)
    scheme = "https" if certificates else "http"
    print(f"KulmiPay sandbox emulator on {scheme}://{LOOPBACK}:{args.port}{spec.base_path()}", flush=True)
    print(f"  fault profile: {settings.fault or 'none (faithful)'}", flush=True)
    if certificates:
        # Clients trust this CA with e.g. `curl --cacert` or SSL_CERT_FILE / REQUESTS_CA_BUNDLE.
        print(f"  CA certificate: {certificates.ca_file.resolve()}", flush=True)
    serve(settings, args.port, certificates)
    return 0


def _conformance(args: argparse.Namespace) -> int:
    # Imported here: `sandbox` should not pay for schemathesis and the generated client.
    from .conformance.runner import print_outcome, run

    options = Options(
        base_url=args.base_url or None,
        token=args.token or None,
        test_phone=args.test_phone or None,
        max_pushes=args.max_pushes,
        allowed_hosts=tuple(args.allow_host or ()),
        rate_limit=args.rate_limit,
        max_examples=args.max_examples,
        max_time=args.max_time,
        seed=args.seed,
        workers=args.workers,
        report_dir=args.report_dir,
        fault=args.fault,
        tls=args.tls,
        ca_file=args.ca_file,
        phases=tuple(args.phases.split(",")),
    )
    try:
        outcome = run(options)
    except guard.GuardRefusal as refusal:
        print(f"conformance: refused, nothing was sent: {refusal}", file=sys.stderr)
        return 2
    print_outcome(outcome)
    return outcome.exit_code


def _env(name: str, default: object) -> str:
    """An environment variable as argparse's default: a string, converted (and refused with a
    usage error, not a traceback) by the argument's own `type`."""
    return os.environ.get(name, "").strip() or str(default)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kulmipay-toolkit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    sandbox = commands.add_parser("sandbox", help="run the local emulator in the foreground")
    sandbox.add_argument("--port", type=int, default=_env("PORT", 8765))
    sandbox.add_argument(
        "--fault",
        choices=sorted(FAULTS),
        default=os.environ.get("KULMIPAY_FAULT") or None,
        help="serve with this fault profile (default: faithful)",
    )
    sandbox.add_argument("--tls", action="store_true", help="serve HTTPS with a local CA")
    sandbox.add_argument("--tls-dir", type=Path, default=DEFAULT_TLS_DIR)
    sandbox.add_argument("--seed", type=int, default=None, help="seed ids for reproducible runs")
    sandbox.add_argument("--allow-key", action="append", help="accept only these sandbox keys (repeatable)")
    sandbox.set_defaults(run=_sandbox)

    conformance = commands.add_parser(
        "conformance",
        help="validate a live server against the spec (default: the local emulator)",
        description="Exit 0 if and only if no violation was found. Reports go to --report-dir.",
    )
    conformance.add_argument(
        "--base-url",
        default=os.environ.get("KULMIPAY_BASE_URL"),
        help="server to validate, e.g. https://sandbox.kulmipay.com/api/v1 "
        "(env KULMIPAY_BASE_URL; default: start the local emulator)",
    )
    conformance.add_argument(
        "--token",
        default=os.environ.get("KULMIPAY_TOKEN"),
        help="sandbox secret key (env KULMIPAY_TOKEN; prefer the env: argv is visible)",
    )
    conformance.add_argument(
        "--test-phone",
        default=os.environ.get("KULMIPAY_TEST_PHONE"),
        help="off loopback, the only number positive pushes go to (env KULMIPAY_TEST_PHONE)",
    )
    conformance.add_argument(
        "--max-pushes",
        type=int,
        default=_env("KULMIPAY_MAX_PUSHES", guard.DEFAULT_MAX_PUSHES),
        help="off loopback, at most this many positive pushes (env KULMIPAY_MAX_PUSHES)",
    )
    conformance.add_argument(
        "--allow-host", action="append", help="allow this non-loopback, non-sandbox host (repeatable)"
    )
    conformance.add_argument(
        "--rate-limit",
        default=os.environ.get("KULMIPAY_RATE_LIMIT"),
        help=f"e.g. 2/s (default off loopback: {guard.DEFAULT_REMOTE_RATE_LIMIT})",
    )
    conformance.add_argument(
        "--max-examples",
        type=int,
        default=_env("KULMIPAY_MAX_EXAMPLES", DEFAULT_MAX_EXAMPLES),
        help="schemathesis examples per phase (raise for deeper runs)",
    )
    conformance.add_argument(
        "--phases",
        default=",".join(DEFAULT_PHASES),
        help="schemathesis phases (off loopback, examples is always skipped)",
    )
    conformance.add_argument("--max-time", type=int, default=None, help="time budget in seconds")
    conformance.add_argument("--seed", type=int, default=None)
    conformance.add_argument("--workers", type=int, default=1)
    conformance.add_argument("--report-dir", type=Path, default=DEFAULT_REPORT_DIR)
    conformance.add_argument(
        "--fault",
        choices=sorted(FAULTS),
        default=None,
        help="local emulator only: serve this fault profile (the run must fail)",
    )
    conformance.add_argument("--tls", action="store_true", help="local emulator only: over HTTPS")
    conformance.add_argument("--ca-file", type=Path, default=None, help="trust this CA for the target")
    conformance.set_defaults(run=_conformance)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
