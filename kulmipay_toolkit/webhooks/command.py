"""`kulmipay-toolkit webhook-check`: its options (each with the variable CI sets) and exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..conformance.verdict import EXIT_CODES, Verdict
from ..errors import UsageError
from . import events


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "webhook-check",
        help="contract-test your own collection_event receiver",
        description="Sends the events KulmiPay would send to your receiver and judges its answers.",
        epilog=f"Exit codes:\n{EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("KULMIPAY_WEBHOOK_URL"),
        help="your receiver [env KULMIPAY_WEBHOOK_URL]",
    )
    parser.add_argument(
        "--challenge",
        default=os.environ.get("KULMIPAY_WEBHOOK_CHALLENGE"),
        help="the challenge your receiver expects; prefer the variable [env KULMIPAY_WEBHOOK_CHALLENGE]",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=os.environ.get("KULMIPAY_WEBHOOK_TIMEOUT") or events.terms().receiver_timeout,
        help="seconds an answer may take [env KULMIPAY_WEBHOOK_TIMEOUT; default the spec's receiver timeout]",
    )
    parser.add_argument(
        "--allow-host", action="append", default=[], help="a non-loopback receiver host to allow"
    )
    parser.add_argument("--seed", type=int, default=os.environ.get("KULMIPAY_SEED") or None)
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=Path(os.environ.get("KULMIPAY_WEBHOOK_REPORT_DIR") or "reports/webhook-check"),
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .check import Options, print_outcome
    from .check import run as run_check

    if not args.url:
        print(
            "webhook-check: usage error, nothing was sent: give --url (or KULMIPAY_WEBHOOK_URL)",
            file=sys.stderr,
        )
        return int(Verdict.USAGE_ERROR)
    options = Options(
        url=args.url,
        challenge=args.challenge or "",
        allowed_hosts=tuple(args.allow_host),
        timeout=args.timeout,
        report_dir=args.report_dir,
        seed=args.seed,
    )
    try:
        outcome = run_check(options)
    except UsageError as problem:
        print(f"webhook-check: usage error, nothing was sent: {problem}", file=sys.stderr)
        return int(Verdict.USAGE_ERROR)
    print_outcome(outcome)
    return outcome.exit_code
