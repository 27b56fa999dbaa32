"""Each refusal happens before a single request leaves: a recording server (directly, or as
the proxy every other host would be reached through) sees nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.support import TEST_KEY
from contract_tests.support.cli import run_cli
from contract_tests.support.environment import environment, use_environment
from contract_tests.support.recorder import Recorder
from kulmipay_toolkit import cli, spec
from kulmipay_toolkit.conformance import runner

LIVE_KEY = "ISSecretKey_live_0123456789abcdef"


def _proxied(recorder: Recorder, **extra: str) -> dict[str, str]:
    """The variables that send every request through `recorder` as its proxy, plus `extra`."""
    proxy = {name: recorder.url for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    return proxy | {"NO_PROXY": "", "no_proxy": ""} | extra


@pytest.mark.parametrize(
    ("variables", "reason"),
    [
        ({"KULMIPAY_TOKEN": LIVE_KEY}, "refusing a live key"),
        ({"KULMIPAY_TOKEN": LIVE_KEY, "KULMIPAY_BASE_URL": "{recorder}/api/v1"}, "refusing a live key"),
        (
            {
                "KULMIPAY_TOKEN": TEST_KEY,
                "KULMIPAY_BASE_URL": "http://payments.example.com/api/v1",
                "KULMIPAY_TEST_PHONE": "254708374149",
            },
            "--allow-host payments.example.com",
        ),
        (
            {"KULMIPAY_TOKEN": TEST_KEY, "KULMIPAY_BASE_URL": "https://sandbox.kulmipay.com/api/v1"},
            "KULMIPAY_TEST_PHONE is required",
        ),
        (
            {
                "KULMIPAY_TOKEN": TEST_KEY,
                "KULMIPAY_BASE_URL": "https://app.kulmipay.com/api/v1",
                "KULMIPAY_TEST_PHONE": "254708374149",
            },
            "live host",
        ),
        (
            {
                "KULMIPAY_BASE_URL": "https://sandbox.kulmipay.com/api/v1",
                "KULMIPAY_TEST_PHONE": "254708374149",
            },
            "KULMIPAY_TOKEN is empty",
        ),
    ],
)
def test_refused_runs_send_nothing(
    recorder: Recorder,
    tmp_path: Path,
    variables: dict[str, str],
    reason: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # In process (the CLI's own `main`), to spare a Python start-up per case; the control below
    # and test_command.py run the real command.
    variables = {name: value.format(recorder=recorder.url) for name, value in variables.items()}
    use_environment(monkeypatch, **_proxied(recorder, **variables))
    status = cli.main(["conformance", "--report-dir", str(tmp_path / "reports")])
    printed = capsys.readouterr()
    assert status == 2, printed.out + printed.err
    assert reason in printed.err and "nothing was sent" in printed.err
    assert recorder.requests == []
    for secret in (LIVE_KEY, TEST_KEY):
        assert secret not in printed.out + printed.err


def test_the_recorder_would_have_seen_a_request(recorder: Recorder, tmp_path: Path) -> None:
    """The control: with the guard satisfied, the same proxying does reach the recorder."""
    env = environment(
        **_proxied(
            recorder,
            KULMIPAY_TOKEN=TEST_KEY,
            KULMIPAY_TEST_PHONE="254708374149",
            KULMIPAY_BASE_URL="http://payments.example.com/api/v1",
            KULMIPAY_MAX_PUSHES="2",
        )
    )
    run_cli(
        "--allow-host",
        "payments.example.com",
        "--max-examples",
        "1",
        "--phases",
        "fuzzing",
        "--report-dir",
        str(tmp_path / "reports"),
        env=env,
    )
    assert recorder.requests and all("payments.example.com" in line for line in recorder.requests)


@pytest.mark.parametrize(
    "terms",
    [
        {},
        {"KULMIPAY_GUARD_MODE": "remote"},
        {"KULMIPAY_GUARD_MODE": "remote", "KULMIPAY_GUARD_PHONE": "254708374149"},
    ],
    ids=["none", "mode-only", "no-budget"],
)
def test_schemathesis_with_our_hooks_but_without_their_terms_sends_nothing(
    recorder: Recorder, tmp_path: Path, terms: dict[str, str]
) -> None:
    """Fail closed: `st` run by hand with this toolkit's config, and incomplete terms, refuses."""
    env = environment(**_proxied(recorder, KULMIPAY_TOKEN=TEST_KEY, **terms))
    done = subprocess.run(
        [
            *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(runner.CONFIG), "run"),
            *(str(spec.spec_path()), "--url", f"{recorder.url}/api/v1", "--max-examples", "1"),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "MissingTerms" in done.stdout + done.stderr
    assert recorder.requests == []
