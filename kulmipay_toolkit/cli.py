"""`kulmipay-toolkit`: the command line behind `make sandbox`, `make conformance` and
`make webhook-check`. Each command lives beside what it runs; one whose optional dependencies
are not installed says which extra to install, in one line."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

# command -> (module with `add_parser`, the extra it needs)
COMMANDS = {
    "sandbox": ("kulmipay_toolkit.emulator.command", "emulator"),
    "conformance": ("kulmipay_toolkit.conformance.command", "conformance"),
    "webhook-check": ("kulmipay_toolkit.webhooks.command", "emulator"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kulmipay-toolkit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (module, extra) in COMMANDS.items():
        try:
            importlib.import_module(module).add_parser(commands)
        except ImportError as missing:
            _unavailable(commands, name, extra, missing)
    return parser


def _unavailable(commands: Any, name: str, extra: str, missing: ImportError) -> None:
    stub = commands.add_parser(name, help=f"(needs: pip install 'kulmipay-toolkit[{extra}]')", add_help=False)

    def explain(args: argparse.Namespace) -> int:
        print(
            f"kulmipay-toolkit {name}: needs the '{extra}' extra ({missing.name} is not installed): "
            f"pip install 'kulmipay-toolkit[{extra}]'",
            file=sys.stderr,
        )
        return 2

    stub.set_defaults(run=explain, takes_anything=True)  # whatever was asked, the answer is the extra


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and not getattr(args, "takes_anything", False):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
