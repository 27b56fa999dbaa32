"""One assertion for every test that produces reports: the exit code, `summary.json`, `summary.md`
and `junit.xml` all tell the same verdict (`verdict.py` promises it, CI reads any of them); and
`check_row`, a report's row made up for a test."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from kulmipay_toolkit.conformance.verdict import CheckRow, Verdict

# The verdicts a CI system must show as an error (not a failure of the server, not a pass).
ERRORS = frozenset({Verdict.INCONCLUSIVE, Verdict.UNREACHABLE, Verdict.INTERRUPTED})


def assert_reports_agree(report_dir: Path, exit_code: int) -> dict[str, Any]:
    """Every report in `report_dir` says the verdict `exit_code` stands for. Returns summary.json."""
    verdict = Verdict(exit_code)
    assert verdict is not Verdict.USAGE_ERROR, "a usage error writes no reports"

    summary: dict[str, Any] = json.loads((report_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["verdict"] == verdict.name, f"summary.json says {summary['verdict']}, exit {exit_code}"
    assert summary["exit_code"] == exit_code, (
        f"summary.json exit_code {summary['exit_code']}, exit {exit_code}"
    )

    first_line = (report_dir / "summary.md").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# Conformance: {verdict.name}", (
        f"summary.md opens {first_line!r}, exit {exit_code}"
    )

    root = ET.parse(report_dir / "junit.xml").getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    assert len(suites) == 1, f"junit.xml has {len(suites)} test suites"
    suite = suites[0]
    properties = {prop.get("name"): prop.get("value") for prop in suite.iter("property")}
    assert properties.get("verdict") == verdict.name, (
        f"junit.xml property verdict={properties.get('verdict')}"
    )
    cases = [case for case in suite.iter("testcase") if case.get("name") == "verdict"]
    assert len(cases) == 1, f"junit.xml has {len(cases)} testcases named 'verdict'"
    case = cases[0]
    failures, errors = case.findall("failure"), case.findall("error")
    assert len(failures) == (1 if verdict is Verdict.VIOLATION else 0), (
        f"junit.xml verdict testcase has {len(failures)} <failure> for {verdict.name}"
    )
    assert len(errors) == (1 if verdict in ERRORS else 0), (
        f"junit.xml verdict testcase has {len(errors)} <error> for {verdict.name}"
    )
    if verdict is Verdict.CONFORMANT:
        assert list(case) == [], f"a CONFORMANT verdict testcase holds {[child.tag for child in case]}"
    return summary


def check_row(
    name: str = "currency_is_kes",
    judged: int = 3,
    failed: int = 0,
    not_judged_because: str = "",
    required: bool = True,
) -> CheckRow:
    """A row of a domain check, judged 3 times and failed none, unless told otherwise."""
    return CheckRow(name, "domain", judged, failed, not_judged_because, required)
