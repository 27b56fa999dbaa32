"""Reading what `st` recorded (the VCR cassette) into a per-check verdict, and writing the
human summary: every check with pass/fail counts and, per failure, a curl reproduction with
the key left as `$KULMIPAY_TOKEN`."""

from __future__ import annotations

import json
import shlex
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import cassettes
from ..cassettes import RecordedRequest
from ..keys import redact


@dataclass
class Failure:
    check: str
    message: str
    curl: str
    status: str


@dataclass
class Verdict:
    passed: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    requests: int = 0
    extra: list[str] = field(default_factory=list)  # findings outside schemathesis (client, leaks)

    @property
    def failed_checks(self) -> list[str]:
        return sorted(self.failed)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.extra


def _curl(request: RecordedRequest) -> str:
    parts = ["curl", "-X", request.method, shlex.quote(request.uri)]
    for name, value in request.headers:
        if name.lower() == "authorization":
            parts += ["-H", '"Authorization: Bearer $KULMIPAY_TOKEN"']
        elif name.lower() in {"content-type", "accept"}:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if request.body:
        parts += ["--data-raw", shlex.quote(request.body.decode("utf-8", errors="replace"))]
    return " ".join(parts)


def read_cassette(path: Path) -> Verdict:
    verdict = Verdict()
    if not path.exists():
        return verdict
    for interaction in cassettes.load(path).interactions:
        verdict.requests += 1
        for check in interaction.checks:
            if check.passed:
                verdict.passed[check.name] += 1
                continue
            verdict.failed[check.name] += 1
            if verdict.failed[check.name] <= 3:  # a few reproductions per check suffice
                status = str(interaction.response.status) if interaction.response else "none"
                verdict.failures.append(
                    Failure(check.name, check.message, _curl(interaction.request), status)
                )
    return verdict


def table(verdict: Verdict) -> str:
    names = sorted(set(verdict.passed) | set(verdict.failed))
    width = max([len(name) for name in names] + [5])
    lines = [f"{'check':<{width}}  {'passed':>6}  {'failed':>6}"]
    lines += [f"{name:<{width}}  {verdict.passed[name]:>6}  {verdict.failed[name]:>6}" for name in names]
    return "\n".join(lines)


def write_summary(verdict: Verdict, directory: Path, context: dict[str, Any], secret: str) -> Path:
    """summary.md for people, summary.json for tools (the self-test reads it)."""
    status = "PASSED" if verdict.ok else "FAILED"
    lines = [f"# Conformance: {status}", ""]
    lines += [f"- {key}: {value}" for key, value in context.items()]
    lines += [f"- requests recorded: {verdict.requests}", "", "## Checks", "", "```", table(verdict), "```"]
    if verdict.extra:
        lines += ["", "## Other findings", ""] + [f"- {finding}" for finding in verdict.extra]
    if verdict.failures:
        lines += ["", "## Failures (up to 3 per check), with a reproduction", ""]
        for failure in verdict.failures:
            lines += [
                f"### {failure.check} (response {failure.status})",
                "",
                failure.message,
                "",
                "```sh",
                failure.curl,
                "```",
                "",
            ]
    summary = directory / "summary.md"
    summary.write_text(redact("\n".join(lines) + "\n", secret), encoding="utf-8")
    data = {
        "ok": verdict.ok,
        "failed_checks": verdict.failed_checks,
        "passed": dict(verdict.passed),
        "failed": dict(verdict.failed),
        "extra": verdict.extra,
        "requests": verdict.requests,
        "context": context,
    }
    (directory / "summary.json").write_text(redact(json.dumps(data, indent=2), secret), encoding="utf-8")
    return summary
