"""One verdict per run, decided in one place; the exit code, the terminal, `summary.md`,
`summary.json` and `junit.xml` all show this same verdict.

| verdict | exit | meaning |
| --- | --- | --- |
| CONFORMANT | 0 | every check judged something and nothing broke the contract |
| VIOLATION | 1 | the server (or the generated client reading it) broke the contract |
| USAGE_ERROR | 2 | the run was asked wrongly or refused by the guard; nothing was sent |
| INCONCLUSIVE | 3 | nothing broke, but some check judged nothing (the reason is named) |
| UNREACHABLE | 4 | the target never answered (nothing listening, TLS mismatch, no answer in time) |
| INTERRUPTED | 130 | stopped by Ctrl-C or SIGTERM before the end |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Verdict(IntEnum):
    CONFORMANT = 0
    VIOLATION = 1
    USAGE_ERROR = 2
    INCONCLUSIVE = 3
    UNREACHABLE = 4
    INTERRUPTED = 130


# The exit codes as every command's --help lists them.
EXIT_CODES = "\n".join(f"  {int(verdict):>3}  {verdict.name}" for verdict in Verdict)


@dataclass(frozen=True)
class CheckRow:
    """One check's line in every report. `kind`: schemathesis, domain or run."""

    name: str
    kind: str
    judged: int
    failed: int
    not_judged_because: str = ""
    required: bool = True  # must judge something for the run to be conclusive

    @property
    def passed(self) -> int:
        return self.judged - self.failed

    @property
    def status(self) -> str:
        if self.failed:
            return "failed"
        if self.judged:
            return "passed"
        return "not judged" if self.required else "not applicable"


@dataclass
class Evidence:
    """What a run saw, before it is judged."""

    rows: list[CheckRow] = field(default_factory=list)
    unreachable: str | None = None
    interrupted: str | None = None
    incomplete: list[str] = field(default_factory=list)  # why the run could not judge everything


def decide(evidence: Evidence) -> tuple[Verdict, list[str]]:
    """The verdict and its reasons, one line each."""
    if evidence.interrupted:
        return Verdict.INTERRUPTED, [evidence.interrupted]
    if evidence.unreachable:
        return Verdict.UNREACHABLE, [evidence.unreachable]
    broken = [f"{row.name}: {row.failed} failed" for row in evidence.rows if row.failed]
    if broken:
        return Verdict.VIOLATION, broken
    unjudged = [
        f"{row.name} judged nothing: {row.not_judged_because}"
        for row in evidence.rows
        if not row.judged and row.required
    ]
    if unjudged or evidence.incomplete:
        return Verdict.INCONCLUSIVE, evidence.incomplete + unjudged
    return Verdict.CONFORMANT, []
