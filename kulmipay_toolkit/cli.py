"""`kulmipay-toolkit`: the command line behind `make sandbox` and `make conformance`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .emulator.faults import FAULTS
from .emulator.pipeline import Settings
from .emulator.server import LOOPBACK, make_certificates, serve

DEFAULT_TLS_DIR = Path("reports/sandbox/tls")


def _sandbox(args: argparse.Namespace) -> int:
    certificates = make_certificates(args.tls_dir) if args.tls else None
    allowed = frozenset(key for key in (args.allow_key or []) if key)
    settings = Settings(fault=args.fault or None, seed=args.seed, allowed_keys=allowed)
    scheme = "https" if certificates else "http"
    print(f"KulmiPay sandbox emulator on {scheme}://{LOOPBACK}:{args.port}/api/v1", flush=True)
    print(f"  fault profile: {settings.fault or 'none (faithful)'}", flush=True)
    if certificates:
        # Clients trust this CA with e.g. `curl --cacert` or SSL_CERT_FILE / REQUESTS_CA_BUNDLE.
        print(f"  CA certificate: {certificates.ca_file.resolve()}", flush=True)
    serve(settings, args.port, certificates)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kulmipay-toolkit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    sandbox = commands.add_parser("sandbox", help="run the local emulator in the foreground")
    sandbox.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8765")))
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
