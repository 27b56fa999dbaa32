"""The conformance suite, tested: it passes on the faithful emulator and catches every fault
profile, naming the check the profile's table entry says must catch it. A new profile that the
suite does not detect fails here. Runs at a small budget; `make bench` measures the default."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kulmipay_toolkit.conformance.runner import Options, Outcome, run
from kulmipay_toolkit.emulator import FAULTS

# The deterministic phases: the spec's examples and schemathesis's coverage cases catch every
# profile without fuzzing, so this test cannot flake on a seed.
PHASES = ("examples", "coverage")


def _run(fault: str | None, reports: Path) -> Outcome:
    directory = reports / (fault or "faithful")
    return run(
        Options(fault=fault, report_dir=directory, quiet=True, phases=PHASES, max_examples=10, seed=11)
    )


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str | None, Outcome]:
    reports = tmp_path_factory.mktemp("selftest")
    profiles: list[str | None] = [None, *sorted(FAULTS)]
    with ThreadPoolExecutor(max_workers=2) as pool:  # one `st` per core
        results = dict(zip(profiles, pool.map(lambda fault: _run(fault, reports), profiles), strict=True))
    timings = {str(fault): round(outcome.seconds, 2) for fault, outcome in results.items()}
    Path("reports").mkdir(exist_ok=True)
    Path("reports/selftest-timings.json").write_text(json.dumps(timings, indent=2))
    return results


def test_the_faithful_emulator_passes(outcomes: dict[str | None, Outcome]) -> None:
    outcome = outcomes[None]
    assert outcome.exit_code == 0, outcome.summary.read_text()
    assert outcome.verdict.failed_checks == [] and outcome.verdict.extra == []


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_every_fault_profile_is_caught_by_its_check(outcomes: dict[str | None, Outcome], fault: str) -> None:
    outcome = outcomes[fault]
    assert outcome.exit_code == 1
    summary = json.loads((outcome.summary.parent / "summary.json").read_text())
    assert FAULTS[fault].caught_by in summary["failed_checks"], summary
    assert f"### {FAULTS[fault].caught_by}" in outcome.summary.read_text()
