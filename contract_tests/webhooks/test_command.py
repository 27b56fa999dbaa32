"""`kulmipay-toolkit webhook-check` (`webhooks/command.py`) as a user runs it, and as
`make webhook-check` does: usage errors are one line (exit 2) and write no reports; it passes the
example receiver; the challenge goes by the environment, so it is in no output, no report and no
`make -n` line. (What the checks judge is in test_check.py.)"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from contract_tests.support.cli import run_toolkit
from contract_tests.support.environment import environment
from contract_tests.support.make import dry_run
from contract_tests.support.reports import assert_reports_agree
from contract_tests.support.webhooks import CHALLENGE, assert_no_challenge, serving
from examples.receiver import serve

SEED = 5


def _cli(cwd: Path, *arguments: str, challenge: str | None = CHALLENGE) -> subprocess.CompletedProcess[str]:
    """`kulmipay-toolkit webhook-check` in a subprocess, reports under `cwd/reports`; the
    challenge (if any) by its environment variable, as `make webhook-check` passes it."""
    env = environment() if challenge is None else environment(KULMIPAY_WEBHOOK_CHALLENGE=challenge)
    return run_toolkit(
        "webhook-check", "--report-dir", str(cwd / "reports"), *arguments, env=env, cwd=cwd, timeout=60
    )


USAGE_ERRORS: dict[str, tuple[tuple[str, ...], str | None, str]] = {
    "no URL": ((), CHALLENGE, "--url"),
    "non-loopback host": (("--url", "http://example.com/x"), CHALLENGE, "--allow-host example.com"),
    "no challenge": (("--url", "http://127.0.0.1:9/x"), None, "KULMIPAY_WEBHOOK_CHALLENGE"),
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_usage_errors_are_one_line_and_send_nothing(tmp_path: Path, case: str) -> None:
    """No URL, a non-loopback host without --allow-host, or no challenge: exit 2, one stderr line
    saying what to give, no traceback, no report folder, and never the challenge."""
    arguments, challenge, hint = USAGE_ERRORS[case]
    result = _cli(tmp_path, *arguments, challenge=challenge)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert hint in lines[0], lines[0]
    assert result.stdout == ""
    assert CHALLENGE not in result.stderr
    assert not (tmp_path / "reports").exists(), "a usage error wrote reports"


def test_the_cli_passes_the_example_receiver_and_prints_no_challenge(tmp_path: Path) -> None:
    """`webhook-check --url <example receiver>` exits 0, says CONFORMANT, and neither its output nor
    its reports carry the challenge."""
    with serving(serve(0, CHALLENGE)) as url:
        result = _cli(tmp_path, "--url", url, "--seed", str(SEED))
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "CONFORMANT" in result.stdout
    assert CHALLENGE not in result.stdout + result.stderr
    assert_reports_agree(tmp_path / "reports", 0)
    assert_no_challenge(tmp_path / "reports")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("target", "option"), [("webhook-check", "--url"), ("sandbox", "--webhook-url")])
def test_make_passes_the_url_and_never_shows_the_challenge(target: str, option: str) -> None:
    """`make -n <target> WEBHOOK_URL=... WEBHOOK_CHALLENGE=sekrit` runs the toolkit with the URL
    on its command line and the challenge nowhere make prints (it goes by the environment)."""
    url = "http://127.0.0.1:9/x"
    run = dry_run(target, f"WEBHOOK_URL={url}", "WEBHOOK_CHALLENGE=sekrit")
    assert f"{option} {url}" in run.line, run.line
    assert "sekrit" not in run.output
