"""Writing a run's reports (`summary.md` for people, `summary.json` for tools, `junit.xml` for
CI) into the run's own working folder, and publishing them into the report folder: each file by
an atomic rename, `summary.json` last, so a reader never sees half a report and two runs in one
checkout never read each other's files."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..keys import redact
from .results import Failure, Sent
from .verdict import CheckRow, Verdict

# What a run publishes; only these are replaced in the report folder, never the folder itself
# (it may be one the user also keeps other things in). `summary.json` goes last.
PUBLISHED = ("cassette.yaml", "events.ndjson", "html", "junit.xml", "summary.md", "summary.json")


@dataclass
class Report:
    verdict: Verdict
    reasons: list[str]
    rows: list[CheckRow]
    context: dict[str, Any]
    diagnosis: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    reproduce: list[str] = field(default_factory=list)  # what to do before pasting a curl
    target_url: str = ""  # where reproductions point (the target, never the gate)
    st_url: str = ""  # the URL schemathesis sent to, rewritten to target_url


def table(rows: list[CheckRow]) -> str:
    width = max([len(row.name) for row in rows] + [5])
    lines = [f"{'check':<{width}}  {'judged':>6}  {'passed':>6}  {'failed':>6}  status"]
    lines += [
        f"{row.name:<{width}}  {row.judged:>6}  {row.passed:>6}  {row.failed:>6}  {row.status}"
        for row in rows
    ]
    return "\n".join(lines)


def curl(sent: Sent, report: Report) -> str:
    uri = sent.uri.replace(report.st_url, report.target_url, 1) if report.st_url else sent.uri
    parts = ["curl", "-X", sent.method, shlex.quote(uri)]
    for name, value in sent.headers:
        if name.lower() == "authorization":
            parts += ["-H", '"Authorization: Bearer $KULMIPAY_TOKEN"']
        elif name.lower() in {"content-type", "accept"}:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if sent.body:
        parts += ["--data-raw", shlex.quote(sent.body.decode("utf-8", errors="replace"))]
    return " ".join(parts)


def markdown(report: Report) -> str:
    lines = [f"# Conformance: {report.verdict.name}", ""]
    lines += [f"> {line}" for line in report.diagnosis] + ([""] if report.diagnosis else [])
    lines += [f"- {reason}" for reason in report.reasons] + ([""] if report.reasons else [])
    lines += [f"- {key}: {value}" for key, value in report.context.items()]
    lines += ["", "## Checks", "", "```", table(report.rows), "```"]
    unjudged = [row for row in report.rows if not row.judged]
    if unjudged:
        lines += ["", "## Not judged", ""] + [f"- {row.name}: {row.not_judged_because}" for row in unjudged]
    if report.findings:
        lines += ["", "## Other findings", ""] + [f"- {finding}" for finding in report.findings]
    if report.failures:
        lines += ["", "## Failures (up to 3 per check), with a reproduction", ""]
        lines += [f"{step}" for step in report.reproduce] + [""]
        for failure in report.failures:
            lines += [f"### {failure.check} (response {failure.status})", "", failure.title, ""]
            if failure.message and failure.message != failure.title:
                lines += [failure.message, ""]
            if failure.request is not None:
                lines += ["```sh", curl(failure.request, report), "```", ""]
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> dict[str, Any]:
    return {
        "verdict": report.verdict.name,
        "exit_code": int(report.verdict),
        "ok": report.verdict is Verdict.CONFORMANT,
        "reasons": report.reasons,
        "diagnosis": report.diagnosis,
        "failed_checks": sorted(row.name for row in report.rows if row.failed),
        "checks": {
            row.name: {
                "kind": row.kind,
                "judged": row.judged,
                "passed": row.passed,
                "failed": row.failed,
                "status": row.status,
                "not_judged_because": row.not_judged_because or None,
            }
            for row in report.rows
        },
        "findings": report.findings,
        "failures": [
            {"check": failure.check, "title": failure.title, "status": failure.status}
            for failure in report.failures
        ],
        "context": report.context,
    }


def junit(report: Report) -> bytes:
    """A testcase per check, and one for the verdict itself, so CI shows what the exit code says."""
    suite = ET.Element("testsuite", name="kulmipay-conformance")
    properties = ET.SubElement(suite, "properties")
    for key, value in {"verdict": report.verdict.name, **report.context}.items():
        ET.SubElement(properties, "property", name=str(key), value=str(value))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for row in report.rows:
        case = ET.SubElement(suite, "testcase", classname=f"conformance.{row.kind}", name=row.name)
        counts["tests"] += 1
        if row.failed:
            counts["failures"] += 1
            titles = [f.title for f in report.failures if f.check == row.name] or [f"{row.failed} failed"]
            failure = ET.SubElement(case, "failure", message=titles[0][:300])
            failure.text = "\n".join(titles)
        elif not row.judged:
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=f"not judged: {row.not_judged_because}")
    verdict = ET.SubElement(suite, "testcase", classname="conformance.run", name="verdict")
    counts["tests"] += 1
    message = f"{report.verdict.name}: " + "; ".join(report.diagnosis + report.reasons)
    if report.verdict is Verdict.VIOLATION:
        counts["failures"] += 1
        ET.SubElement(verdict, "failure", message=message[:1000])
    elif report.verdict is not Verdict.CONFORMANT:
        counts["errors"] += 1
        ET.SubElement(verdict, "error", message=message[:1000])
    for key, value in counts.items():
        suite.set(key, str(value))
    encoded: bytes = ET.tostring(suite, encoding="utf-8", xml_declaration=True)
    return encoded


def write(report: Report, work: Path, secret: str) -> None:
    """The three reports, into the run's working folder, with the key redacted."""
    (work / "summary.md").write_text(redact(markdown(report), secret), encoding="utf-8")
    (work / "junit.xml").write_bytes(redact(junit(report).decode(), secret).encode())
    (work / "summary.json").write_text(
        redact(json.dumps(as_json(report), indent=2), secret), encoding="utf-8"
    )


def publish(work: Path, destination: Path) -> None:
    """Moves what the run wrote into `destination`, entry by entry, each by a rename."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in PUBLISHED:
        source, target = work / name, destination / name
        if not source.exists():
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()  # stale: this run wrote none, so the old one must not stand
            continue
        if source.is_dir():
            # A folder cannot replace a folder in one rename: move the old one aside first.
            aside = work / f"{name}.old"
            if target.exists():
                os.replace(target, aside)
            os.replace(source, target)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(source, target)
