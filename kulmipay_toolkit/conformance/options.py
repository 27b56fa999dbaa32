"""What a conformance run is asked to do, its defaults, and the checks on what was asked: every
mistake is a usage error found before anything is sent. Light on purpose: the CLI reads it for
`--help` without importing schemathesis or the generated client."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import gate, guard
from ..errors import UsageError

DEFAULT_REPORT_DIR = Path("reports/conformance")
DEFAULT_MAX_EXAMPLES = 50
ALL_PHASES = ("examples", "coverage", "fuzzing", "stateful")
DEFAULT_PHASES = ("examples", "coverage", "fuzzing", "stateful")
DEFAULT_REQUEST_TIMEOUT = 10.0
MAX_WORKERS = 64


@dataclass(frozen=True)
class Options:
    base_url: str | None = None  # None: start the local emulator
    token: str | None = field(default=None, repr=False)
    test_phone: str | None = None
    max_pushes: int = guard.DEFAULT_MAX_PUSHES
    allowed_hosts: tuple[str, ...] = ()
    rate_limit: str | None = None
    trust_target: bool = False
    max_examples: int = DEFAULT_MAX_EXAMPLES
    max_time: int | None = None
    seed: int | None = None
    workers: int = 1
    report_dir: Path = DEFAULT_REPORT_DIR
    fault: str | None = None  # local emulator only: serve this fault profile
    tls: bool = False  # local emulator only: serve HTTPS with a local CA
    ca_file: Path | None = None  # trust this CA for the target
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    # How long to keep reading the run's own pushes off the emulator (None: the prompt's expiry
    # plus a margin, so every push has settled; 0: read each once).
    lifecycle_wait: float | None = None
    client_pushes: int = 2
    # Empty: no schemathesis at all, only the run's own probes (the self-test's cheapest runs for
    # faults only they can see; such a run is never CONFORMANT).
    phases: tuple[str, ...] = DEFAULT_PHASES
    quiet: bool = False  # keep st's live output off the terminal (self-test)


def validate(options: Options) -> None:
    """UsageError for the first thing wrong with `options`. Sends nothing."""
    if options.max_examples < 1:
        raise UsageError(f"--max-examples must be at least 1, not {options.max_examples}")
    if not 1 <= options.workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be from 1 to {MAX_WORKERS}, not {options.workers}")
    if options.max_time is not None and options.max_time < 1:
        raise UsageError(f"--max-time must be at least 1 second, not {options.max_time}")
    if options.lifecycle_wait is not None and options.lifecycle_wait < 0:
        raise UsageError(f"--lifecycle-wait must be 0 or more seconds, not {options.lifecycle_wait}")
    if not options.request_timeout > 0:
        raise UsageError(f"--request-timeout must be positive, not {options.request_timeout}")
    unknown = [phase for phase in options.phases if phase not in ALL_PHASES]
    if unknown:
        raise UsageError(f"--phases takes a comma-separated list of {', '.join(ALL_PHASES)}; got {unknown}")
    if options.rate_limit:
        try:
            gate.parse_rate(options.rate_limit)
        except ValueError as problem:
            raise UsageError(f"--rate-limit: {problem}") from None
    if options.base_url is not None and (options.fault or options.tls):
        raise UsageError(
            "--fault and --tls serve the local emulator; leave out KULMIPAY_BASE_URL to use them"
        )
    if options.ca_file is not None and not options.ca_file.is_file():
        raise UsageError(f"--ca-file {options.ca_file} is not a readable file")
    try:
        options.report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        raise UsageError(f"--report-dir {options.report_dir} cannot be created: {problem.strerror}") from None
    if options.fault is not None:
        from ..emulator.faults import FAULTS  # the emulator only when a fault is asked for

        if options.fault not in FAULTS:
            raise UsageError(f"unknown fault profile {options.fault!r}; known: {', '.join(sorted(FAULTS))}")
