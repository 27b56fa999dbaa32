"""`kulmipay-toolkit conformance` (`conformance/command.py`) as `make conformance` runs it, against
a server given by KULMIPAY_BASE_URL (as `make sandbox` serves it): exit status, reports, and the
key in none of what the run writes or prints; every option has its variable, and the README lists
them with the exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.support import TEST_KEY, repo_root
from contract_tests.support.cli import run_cli
from contract_tests.support.environment import environment
from kulmipay_toolkit import checks, cli
from kulmipay_toolkit.conformance.command import ENVIRONMENT
from kulmipay_toolkit.conformance.verdict import Verdict
from kulmipay_toolkit.emulator import RunningEmulator, Settings

BUDGET = ("--max-examples", "5", "--phases", "examples,coverage", "--seed", "3")


@pytest.fixture(params=[None, "wrong-currency"], ids=["faithful", "wrong-currency"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[RunningEmulator, str | None]]:
    with RunningEmulator(Settings(fault=request.param, clock="manual")) as running:
        yield running, request.param


def test_exit_status_reports_and_no_key_anywhere(
    server: tuple[RunningEmulator, str | None], tmp_path: Path
) -> None:
    emulator, fault = server
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "notes.txt").write_text("mine")  # a run replaces its own reports, nothing else
    result = run_cli(
        *BUDGET,
        "--report-dir",
        str(reports),
        env=environment(KULMIPAY_BASE_URL=emulator.base_url, KULMIPAY_TOKEN=TEST_KEY),
    )
    assert (reports / "notes.txt").read_text() == "mine"
    assert result.returncode == (0 if fault is None else 1), result.stdout[-3000:]

    written = {path.name for path in reports.iterdir()}
    assert {"summary.md", "summary.json", "junit.xml", "cassette.yaml", "html"} <= written
    summary = (reports / "summary.md").read_text()
    assert "KulmiPay STK push conformance" in result.stdout  # the closing table
    if fault:
        assert "### currency_is_kes" in summary and '"Authorization: Bearer $KULMIPAY_TOKEN"' in summary
        assert "currency_is_kes" in (reports / "junit.xml").read_text()

    outputs = [result.stdout, result.stderr] + [
        path.read_text(errors="replace") for path in reports.rglob("*") if path.is_file()
    ]
    assert not [text for text in outputs if TEST_KEY in text]


def test_a_bad_environment_value_is_a_usage_error_not_a_traceback() -> None:
    result = run_cli(env=environment(KULMIPAY_MAX_PUSHES="five"))
    assert result.returncode == 2
    assert "invalid int value: 'five'" in result.stderr and "Traceback" not in result.stderr


def test_help_names_the_environment_variables(tmp_path: Path) -> None:
    result = run_cli("--help", env=environment())
    for name in ("KULMIPAY_BASE_URL", "KULMIPAY_TOKEN", "KULMIPAY_TEST_PHONE", "KULMIPAY_MAX_PUSHES"):
        assert name in result.stdout


def test_every_option_has_a_variable_and_the_readme_lists_them_with_the_exit_codes() -> None:
    parser = cli.build_parser()
    conformance = next(
        action.choices["conformance"] for action in parser._actions if isinstance(action.choices, dict)
    )
    flags = {
        flag for action in conformance._actions for flag in action.option_strings if flag.startswith("--")
    }
    assert flags - {"--help"} == set(ENVIRONMENT)
    readme = (repo_root() / "README.md").read_text()
    for option, (variable, _) in ENVIRONMENT.items():
        assert f"| `{variable}` | `{option}` |" in readme
    for verdict in Verdict:
        assert f"| {int(verdict)} | {verdict.name} |" in readme
    for name in checks.domain_check_names():
        assert f"| `{name}` |" in readme
