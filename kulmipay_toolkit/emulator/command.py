"""`kulmipay-toolkit sandbox`: the emulator in the foreground, behind `make sandbox`."""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
from pathlib import Path
from typing import Any

from .. import spec
from ..loopback import LOOPBACK, listen
from .faults import FAULTS
from .pipeline import Settings
from .server import make_certificates, serve

DEFAULT_TLS_DIR = Path("reports/sandbox/tls")


def _sandbox(args: argparse.Namespace) -> int:
    # Until serve() installs its own handlers, SIGTERM interrupts as Ctrl-C does: a signal that
    # arrives while starting up (the port already listens) is then a clean stop too.
    on_sigterm = signal.signal(signal.SIGTERM, signal.default_int_handler)
    listener = None
    try:
        certificates = make_certificates(args.tls_dir) if args.tls else None
        allowed = frozenset(key for key in (args.allow_key or []) if key)
        try:
            settings = Settings(
                fault=args.fault or None,
                seed=args.seed,
                allowed_keys=allowed,
                clock=args.clock,
                webhook_url=args.webhook_url or None,
                webhook_challenge=args.webhook_challenge or "",
                webhook_allowed_hosts=tuple(args.webhook_allow_host or ()),
            )
        except ValueError as problem:
            print(f"kulmipay-toolkit sandbox: usage error: {problem}", file=sys.stderr)
            return 2
        try:
            # Bound before the banner: a taken port is one line on stderr, not a log and a traceback.
            listener = listen(args.port)
        except OSError as problem:
            reason = (
                "is already in use: stop whatever listens there, or pick another port with --port N "
                "(make sandbox PORT=N)"
                if problem.errno == errno.EADDRINUSE
                else f"cannot be listened on: {problem.strerror or problem}"
            )
            print(f"kulmipay-toolkit sandbox: {LOOPBACK}:{args.port} {reason}", file=sys.stderr)
            return 1
        scheme = "https" if certificates else "http"
        print(f"KulmiPay sandbox emulator on {scheme}://{LOOPBACK}:{args.port}{spec.base_path()}", flush=True)
        print(f"  fault profile: {settings.fault or 'none (faithful)'}", flush=True)
        if settings.webhook_url:
            print(f"  webhooks: collection_event to {settings.webhook_url}", flush=True)
        if settings.clock == "manual":
            print("  clock: manual (POST /_emulator/clock/advance moves it)", flush=True)
        if certificates:
            # Clients trust this CA with e.g. `curl --cacert` or SSL_CERT_FILE / REQUESTS_CA_BUNDLE.
            print(f"  CA certificate: {certificates.ca_file.resolve()}", flush=True)
        print("  stop with Ctrl-C", flush=True)
        # returns on SIGINT / SIGTERM
        serve(settings, args.port, certificates, access_log=not args.quiet, listener=listener)
    except KeyboardInterrupt:
        pass
    finally:
        if listener is not None:
            listener.close()
        signal.signal(signal.SIGTERM, on_sigterm)
    return 0


def _env(name: str, default: object) -> str:
    """An environment variable as argparse's default: a string, converted (and refused with a
    usage error, not a traceback) by the argument's own `type`."""
    return os.environ.get(name, "").strip() or str(default)


def _port(text: str) -> int:
    """A TCP port for argparse: anything else is a usage error, not a traceback from bind()."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return port


def add_parser(commands: Any) -> None:
    sandbox = commands.add_parser(
        "sandbox",
        help="run the local emulator in the foreground",
        epilog="Ctrl-C (SIGINT) or SIGTERM stops it cleanly, with exit status 0. "
        "Exit status 1: the port could not be listened on (e.g. already in use); 2: usage error.",
    )
    sandbox.add_argument("--port", type=_port, default=_env("PORT", 8765), help="1-65535 (env PORT)")
    sandbox.add_argument(
        "--fault",
        choices=sorted(FAULTS),
        default=os.environ.get("KULMIPAY_FAULT") or None,
        help="serve with this fault profile (default: faithful)",
    )
    sandbox.add_argument("--tls", action="store_true", help="serve HTTPS with a local CA")
    sandbox.add_argument("--tls-dir", type=Path, default=DEFAULT_TLS_DIR)
    sandbox.add_argument("--seed", type=int, default=None, help="seed ids for reproducible runs")
    sandbox.add_argument(
        "--quiet",
        action="store_true",
        help="no log line per request (warnings and errors are still logged)",
    )
    sandbox.add_argument(
        "--clock",
        choices=("real", "manual"),
        default=os.environ.get("KULMIPAY_CLOCK") or "real",
        help="real time, or manual: invoices move only when /_emulator/clock/advance says "
        "(env KULMIPAY_CLOCK)",
    )
    sandbox.add_argument("--allow-key", action="append", help="accept only these sandbox keys (repeatable)")
    sandbox.add_argument(
        "--webhook-url",
        default=os.environ.get("KULMIPAY_WEBHOOK_URL") or None,
        help="send collection_event webhooks here (loopback unless allowed; env KULMIPAY_WEBHOOK_URL)",
    )
    sandbox.add_argument(
        "--webhook-challenge",
        default=os.environ.get("KULMIPAY_WEBHOOK_CHALLENGE") or "",
        help="the challenge every event carries (env KULMIPAY_WEBHOOK_CHALLENGE; prefer the env)",
    )
    sandbox.add_argument("--webhook-allow-host", action="append", help="a non-loopback webhook host to allow")
    sandbox.set_defaults(run=_sandbox)
