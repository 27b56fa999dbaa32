"""What a conformance run is asked to do, and its defaults. Light on purpose: the CLI reads the
defaults for `--help` without importing schemathesis or the generated client."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import guard

DEFAULT_REPORT_DIR = Path("reports/conformance")
DEFAULT_MAX_EXAMPLES = 50
DEFAULT_PHASES = ("examples", "coverage", "fuzzing")


@dataclass(frozen=True)
class Options:
    base_url: str | None = None  # None: start the local emulator
    token: str | None = field(default=None, repr=False)
    test_phone: str | None = None
    max_pushes: int = guard.DEFAULT_MAX_PUSHES
    allowed_hosts: tuple[str, ...] = ()
    rate_limit: str | None = None
    max_examples: int = DEFAULT_MAX_EXAMPLES
    max_time: int | None = None
    seed: int | None = None
    workers: int = 1
    report_dir: Path = DEFAULT_REPORT_DIR
    fault: str | None = None  # local emulator only: serve this fault profile
    tls: bool = False  # local emulator only: serve HTTPS with a local CA
    ca_file: Path | None = None  # trust this CA for the target
    client_pushes: int = 2
    phases: tuple[str, ...] = DEFAULT_PHASES
    quiet: bool = False  # keep st's live output off the terminal (self-test)
