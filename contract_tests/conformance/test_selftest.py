"""The conformance suite, tested: it passes on the faithful emulator and catches every fault
profile, naming the check that the profile's table entry says must catch it. A new profile that
the suite does not detect fails here. Each profile runs only the phases its entry names (the
cheapest that expose it), so the self-test stays cheap as profiles are added; one run per test,
so pytest-xdist spreads them over the cores; `make bench` measures the default budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kulmipay_toolkit.conformance.options import Options
from kulmipay_toolkit.conformance.runner import Outcome, run
from kulmipay_toolkit.conformance.verdict import Verdict
from kulmipay_toolkit.emulator import FAULTS

# The deterministic phases: the spec's examples and schemathesis's coverage cases, so this test
# cannot flake on a seed.
FAITHFUL_PHASES = ("examples", "coverage")


def _run(fault: str | None, reports: Path, phases: tuple[str, ...]) -> Outcome:
    return run(Options(fault=fault, report_dir=reports, quiet=True, phases=phases, max_examples=10, seed=11))


def test_the_faithful_emulator_is_conformant_and_every_check_judged(tmp_path: Path) -> None:
    outcome = _run(None, tmp_path, FAITHFUL_PHASES)
    assert outcome.verdict is Verdict.CONFORMANT, outcome.summary.read_text()
    summary = json.loads((tmp_path / "summary.json").read_text())
    judged = {
        name: row["judged"] for name, row in summary["checks"].items() if row["status"] != "not applicable"
    }
    assert judged and all(count > 0 for count in judged.values()), judged


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_every_fault_profile_is_caught_by_its_check(tmp_path: Path, fault: str) -> None:
    outcome = _run(fault, tmp_path, FAULTS[fault].phases)
    assert outcome.verdict is Verdict.VIOLATION and outcome.exit_code == 1
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert FAULTS[fault].caught_by in summary["failed_checks"], summary
    assert f"### {FAULTS[fault].caught_by}" in outcome.summary.read_text()
