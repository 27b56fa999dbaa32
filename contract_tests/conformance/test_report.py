"""`conformance/report.py`: summary.md, summary.json and junit.xml, as `report.write` makes them,
say the same verdict for each one; and `assert_reports_agree`, which every test that produces
reports relies on, is not vacuous: any one report that says something else fails it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from contract_tests.support import TEST_KEY
from contract_tests.support.reports import assert_reports_agree, check_row
from kulmipay_toolkit.conformance import report
from kulmipay_toolkit.conformance.verdict import Evidence, Verdict, decide


def _write_reports(folder: Path, verdict: Verdict) -> None:
    rows = {
        Verdict.CONFORMANT: [check_row()],
        Verdict.VIOLATION: [check_row(failed=1)],
        Verdict.INCONCLUSIVE: [
            check_row(),
            check_row("api_ref_is_echoed", judged=0, not_judged_because="no 200"),
        ],
        Verdict.UNREACHABLE: [check_row(judged=0, not_judged_because="unreachable")],
        Verdict.INTERRUPTED: [check_row(judged=0, not_judged_because="interrupted")],
    }[verdict]
    verdict_found, reasons = decide(
        Evidence(
            rows=rows,
            unreachable="cannot connect" if verdict is Verdict.UNREACHABLE else None,
            interrupted="interrupted by SIGTERM" if verdict is Verdict.INTERRUPTED else None,
        )
    )
    assert verdict_found is verdict
    summary = report.Report(verdict=verdict, reasons=reasons, rows=rows, context={"seed": 1})
    report.write(summary, folder, TEST_KEY)


REPORTED = [verdict for verdict in Verdict if verdict is not Verdict.USAGE_ERROR]


@pytest.mark.parametrize("verdict", REPORTED, ids=[verdict.name for verdict in REPORTED])
def test_the_report_writer_says_the_same_verdict_in_every_file(tmp_path: Path, verdict: Verdict) -> None:
    """summary.md, summary.json and junit.xml, as `report.write` makes them, agree for each verdict."""
    _write_reports(tmp_path, verdict)
    assert_reports_agree(tmp_path, int(verdict))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _drop_verdict_error(path: Path) -> None:
    tree = ET.parse(path)
    case = next(case for case in tree.getroot().iter("testcase") if case.get("name") == "verdict")
    for child in list(case):
        case.remove(child)
    tree.write(path, encoding="utf-8", xml_declaration=True)


# Each turns one report of an INCONCLUSIVE run into one that says something else.
TAMPERINGS: dict[str, Callable[[Path], None]] = {
    "summary.md": lambda out: _edit(out / "summary.md", "INCONCLUSIVE", "CONFORMANT"),
    "summary.json verdict": lambda out: _edit(out / "summary.json", '"INCONCLUSIVE"', '"CONFORMANT"'),
    "summary.json exit_code": lambda out: _edit(out / "summary.json", '"exit_code": 3', '"exit_code": 0'),
    "junit property": lambda out: _edit(out / "junit.xml", 'value="INCONCLUSIVE"', 'value="CONFORMANT"'),
    "junit error": lambda out: _drop_verdict_error(out / "junit.xml"),
}


@pytest.mark.parametrize("tamper", list(TAMPERINGS))
def test_the_agreement_helper_catches_any_one_report_that_disagrees(tmp_path: Path, tamper: str) -> None:
    """`assert_reports_agree` is not vacuous: one file saying something else fails it."""
    _write_reports(tmp_path, Verdict.INCONCLUSIVE)
    TAMPERINGS[tamper](tmp_path)
    with pytest.raises(AssertionError):
        assert_reports_agree(tmp_path, int(Verdict.INCONCLUSIVE))
