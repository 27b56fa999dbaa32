"""The conformance suite, tested: it passes on the faithful emulator and catches every fault
profile, naming the check that the profile's table entry says must catch it. A new profile that
the suite does not detect fails here. One run per test, so pytest-xdist spreads them over the
cores; `make bench` measures the default budget and each profile's time to detection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kulmipay_toolkit.conformance.options import Options
from kulmipay_toolkit.conformance.runner import Outcome, run
from kulmipay_toolkit.emulator import FAULTS

# The deterministic phases: the spec's examples and schemathesis's coverage cases catch every
# profile without fuzzing, so this test cannot flake on a seed.
PHASES = ("examples", "coverage")


def _run(fault: str | None, reports: Path) -> Outcome:
    return run(Options(fault=fault, report_dir=reports, quiet=True, phases=PHASES, max_examples=10, seed=11))


def test_the_faithful_emulator_passes(tmp_path: Path) -> None:
    outcome = _run(None, tmp_path)
    assert outcome.exit_code == 0, outcome.summary.read_text()
    assert outcome.verdict.failed_checks == [] and outcome.verdict.extra == []


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_every_fault_profile_is_caught_by_its_check(tmp_path: Path, fault: str) -> None:
    outcome = _run(fault, tmp_path)
    assert outcome.exit_code == 1
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert FAULTS[fault].caught_by in summary["failed_checks"], summary
    assert f"### {FAULTS[fault].caught_by}" in outcome.summary.read_text()
