"""`conformance/runner.py`: every way a run ends gets the right verdict (`verdict.decide` itself is
tested in test_verdict.py, the report writer in test_report.py): runs that must not pass vacuously
(wrong base path, refused key), runs that reach nothing, usage errors, signals, two runs sharing a
report folder, and the reproductions a failing run prints.
Every run that writes reports is checked with `assert_reports_agree`: the exit code, summary.md,
summary.json and junit.xml all say the same thing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from contract_tests.support import TEST_KEY, network, repo_root
from contract_tests.support.cli import run_cli, toolkit
from contract_tests.support.environment import environment
from contract_tests.support.network import reserved_port
from contract_tests.support.processes import Lines
from contract_tests.support.recorder import Recorder
from contract_tests.support.reports import assert_reports_agree
from kulmipay_toolkit import __version__
from kulmipay_toolkit.conformance.options import Options
from kulmipay_toolkit.conformance.runner import Outcome, run
from kulmipay_toolkit.conformance.verdict import Verdict
from kulmipay_toolkit.emulator import RunningEmulator, Settings

# A cheap run: the deterministic phases, few examples, a fixed seed.
CHEAP = Options(token=TEST_KEY, phases=("examples", "coverage"), max_examples=5, seed=3, quiet=True)
CHEAP_ARGS = ("--phases", "examples,coverage", "--max-examples", "5", "--seed", "3")
TEST_PHONE = "254708374149"  # what a target that is not the proven emulator requires
ONLY_KEY = "ISSecretKey_test_onlythisone"
REDACTED = "[REDACTED]"
ST_STARTS_WITHIN = 20.0  # seconds from the command to st's banner


def _start_cli(*args: str, env: dict[str, str], output: Path) -> subprocess.Popen[bytes]:
    """`run_cli`'s command, started without waiting; stdout and stderr go to files in `output`
    (a pipe nobody reads could fill up and stall the run)."""
    output.mkdir(parents=True, exist_ok=True)
    with (output / "stdout").open("wb") as out, (output / "stderr").open("wb") as err:
        return subprocess.Popen(
            toolkit("conformance", *args),
            env=env,
            cwd=repo_root(),
            stdout=out,
            stderr=err,
        )


def _stop_if_running(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)


def _every_file(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): path.read_text(encoding="utf-8", errors="replace")
        for path in folder.rglob("*")
        if path.is_file()
    }


# --- no vacuous pass -------------------------------------------------------------------------


def test_a_base_url_without_the_api_path_is_inconclusive_not_a_pass(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    """The proven emulator at the wrong base path (`/`, not `/api/v1`): every request misses the
    API. The run must say so (a diagnosis naming /api/v1, domain checks judged 0 with a reason)
    and end INCONCLUSIVE: not CONFORMANT, and not a VIOLATION blamed on the server."""
    outcome = run(replace(CHEAP, base_url=f"http://127.0.0.1:{emulator.port}/", report_dir=tmp_path))
    summary = assert_reports_agree(tmp_path, outcome.exit_code)
    markdown = (tmp_path / "summary.md").read_text(encoding="utf-8")
    diagnosis = [line for line in markdown.splitlines() if line.startswith("> ")]
    assert [line for line in diagnosis if "/api/v1" in line], markdown[:2000]
    domain = {name: row for name, row in summary["checks"].items() if row["kind"] == "domain"}
    assert domain, summary["checks"]
    assert all(row["judged"] == 0 and row["not_judged_because"] for row in domain.values()), domain
    assert outcome.verdict is Verdict.INCONCLUSIVE and outcome.exit_code == 3, (
        f"{outcome.verdict.name}: {summary['reasons']}"
    )


# --- a refused key ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def refused_key_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcome, Path]:
    """The proven emulator that accepts only another key, run with TEST_KEY."""
    report_dir = tmp_path_factory.mktemp("refused-key")
    with RunningEmulator(Settings(seed=7, allowed_keys=frozenset({ONLY_KEY}))) as emulator:
        outcome = run(replace(CHEAP, base_url=emulator.base_url, report_dir=report_dir))
    return outcome, report_dir


def _refused_lines(report_dir: Path) -> list[str]:
    summary = json.loads((report_dir / "summary.json").read_text(encoding="utf-8"))
    return [line for line in summary["diagnosis"] if "key was refused" in line]


def test_a_refused_key_is_inconclusive_says_so_and_leaks_nowhere(
    refused_key_run: tuple[Outcome, Path],
) -> None:
    """Every valid push answered 401: INCONCLUSIVE (nothing was judged, nothing broke), a
    diagnosis line that says the key was refused, and the key in no report nor in st's output."""
    outcome, report_dir = refused_key_run
    assert_reports_agree(report_dir, outcome.exit_code)
    assert outcome.verdict is Verdict.INCONCLUSIVE and outcome.exit_code == 3
    assert _refused_lines(report_dir), json.loads((report_dir / "summary.json").read_text())["diagnosis"]
    markdown = (report_dir / "summary.md").read_text(encoding="utf-8")
    assert [line for line in markdown.splitlines() if line.startswith("> ") and "key was refused" in line]
    files = _every_file(report_dir)
    assert {"summary.md", "summary.json", "junit.xml"} <= set(files)
    assert [name for name, text in files.items() if TEST_KEY in text] == []
    assert TEST_KEY not in outcome.st_output


def test_the_refused_key_diagnosis_still_shows_what_a_key_looks_like(
    refused_key_run: tuple[Outcome, Path],
) -> None:
    """The hint "(a sandbox secret key, ISSecretKey_test_...)" is advice, not a secret: redacting
    key-shaped text must not turn it into "[REDACTED]..."."""
    _, report_dir = refused_key_run
    lines = _refused_lines(report_dir)
    assert lines
    assert all(REDACTED not in line and "ISSecretKey_test_" in line for line in lines), lines


# --- unreachable -----------------------------------------------------------------------------


def test_nothing_listening_is_unreachable_at_once(tmp_path: Path) -> None:
    """A closed loopback port: UNREACHABLE (exit 4) in seconds, with reports."""
    with reserved_port() as port:
        started = time.monotonic()
        base_url = f"http://127.0.0.1:{port}/api/v1"
        outcome = run(replace(CHEAP, base_url=base_url, test_phone=TEST_PHONE, report_dir=tmp_path))
        elapsed = time.monotonic() - started
    assert outcome.verdict is Verdict.UNREACHABLE and outcome.exit_code == 4, outcome.report.reasons
    summary = assert_reports_agree(tmp_path, 4)
    assert summary["reasons"], summary
    assert elapsed < 10, f"took {elapsed:.1f} s to find nothing listening"


@pytest.fixture()
def silent_server() -> Iterator[str]:
    """The base URL of a loopback server that accepts connections and never answers."""
    with network.silent_server() as server:
        yield f"http://127.0.0.1:{server.port}/api/v1"


def test_a_server_that_never_answers_is_unreachable_within_the_timeouts(
    silent_server: str, tmp_path: Path
) -> None:
    """Accepted but never answered, with --request-timeout 1: UNREACHABLE within ~15 s, reports
    written (no hang until the 30-minute `st` deadline)."""
    started = time.monotonic()
    outcome = run(
        replace(CHEAP, base_url=silent_server, test_phone=TEST_PHONE, report_dir=tmp_path, request_timeout=1)
    )
    elapsed = time.monotonic() - started
    assert outcome.verdict is Verdict.UNREACHABLE and outcome.exit_code == 4, outcome.report.reasons
    assert_reports_agree(tmp_path, 4)
    assert elapsed < 15, f"took {elapsed:.1f} s"


def test_plain_http_to_a_tls_port_is_unreachable_or_diagnosed(
    tls_emulator: RunningEmulator, tmp_path: Path
) -> None:
    """http:// to the HTTPS emulator never passes: UNREACHABLE, or a diagnosis naming TLS/HTTPS."""
    base_url = tls_emulator.base_url.replace("https://", "http://", 1)
    outcome = run(replace(CHEAP, base_url=base_url, test_phone=TEST_PHONE, report_dir=tmp_path))
    summary = assert_reports_agree(tmp_path, outcome.exit_code)
    named = [line for line in summary["diagnosis"] if "TLS" in line or "HTTPS" in line.upper()]
    assert outcome.verdict is Verdict.UNREACHABLE or (outcome.verdict is not Verdict.CONFORMANT and named), (
        f"{outcome.verdict.name}: {summary['diagnosis']} {summary['reasons']}"
    )


# --- usage errors ----------------------------------------------------------------------------

USAGE_ERRORS = [
    ("--max-examples", "0"),
    ("--workers", "0"),
    ("--phases", "foo"),
    ("--report-dir", "/dev/null/x"),
    ("--rate-limit", "fast"),
]


@pytest.mark.parametrize("wrong", USAGE_ERRORS, ids=[" ".join(args) for args in USAGE_ERRORS])
def test_a_usage_error_is_one_line_sends_nothing_and_keeps_the_old_reports(
    recorder: Recorder, tmp_path: Path, wrong: tuple[str, str]
) -> None:
    """Exit 2, one line on stderr (`conformance: usage error...`), no traceback, not one request
    to the target, and the previous run's summary.json (and nothing else) still in the folder."""
    reports = tmp_path / "reports"
    reports.mkdir()
    previous = reports / "summary.json"
    previous.write_text('{"verdict": "CONFORMANT", "exit_code": 0}\n', encoding="utf-8")
    stamp = previous.stat().st_mtime_ns
    where = () if wrong[0] == "--report-dir" else ("--report-dir", str(reports))
    env = environment(
        KULMIPAY_BASE_URL=f"{recorder.url}/api/v1", KULMIPAY_TOKEN=TEST_KEY, KULMIPAY_TEST_PHONE=TEST_PHONE
    )
    result = run_cli(*where, *wrong, env=env)
    assert result.returncode == 2, (result.stdout[-2000:], result.stderr[-2000:])
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("conformance: usage error"), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert recorder.requests == []
    assert previous.read_text(encoding="utf-8") == '{"verdict": "CONFORMANT", "exit_code": 0}\n'
    assert previous.stat().st_mtime_ns == stamp
    assert [path.name for path in reports.iterdir()] == ["summary.json"]


# --- signals ---------------------------------------------------------------------------------


def _processes_mentioning(text: str, *, besides: int) -> list[int]:
    """Live processes (not `besides`) whose command line holds `text`; zombies have none."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in (besides, os.getpid()):
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if text.encode() in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds `st` through /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_run_and_st_and_leaves_interrupted_reports(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """SIGTERM or SIGINT to the CLI's PID alone, mid-`st`: exit 130, no traceback, reports that
    say INTERRUPTED, no `.run-*` folder and no `st` process left behind."""
    report_dir = tmp_path / "reports"
    process = subprocess.Popen(
        toolkit("conformance", "--report-dir", str(report_dir),
                "--max-examples", "200", "--phases", "examples,coverage,fuzzing"),
        env=environment(PYTHONUNBUFFERED="1"),  # st (which writes to the run's stdout) too
        cwd=repo_root(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    output, errors = Lines(process.stdout), Lines(process.stderr)
    try:
        # st's banner, its first line: st is running (the run prints nothing before it).
        banner = output.wait_for(lambda line: line.startswith("Schemathesis v"), timeout=ST_STARTS_WITHIN)
        assert banner, f"no st banner within {ST_STARTS_WITHIN:g} s: {errors.text(timeout=0)[-2000:]}"
        st = _processes_mentioning(str(report_dir), besides=process.pid)
        assert st, "st printed its banner, yet no process of this run's is found"
        process.send_signal(signum)
        code = process.wait(timeout=60)
    finally:
        _stop_if_running(process)
        left = _processes_mentioning(str(report_dir), besides=process.pid)
        for pid in left:  # only ours: the path is this test's own tmp_path
            os.kill(pid, signal.SIGKILL)
    stderr = errors.text()
    assert code == 130, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    assert_reports_agree(report_dir, 130)
    assert left == [], f"st still running after the run ended: {left} (was {st})"
    assert list(report_dir.glob(".run-*")) == []


# --- two runs, one report folder -------------------------------------------------------------


def test_two_runs_at_once_in_one_report_dir_both_pass_and_leave_one_whole_report(tmp_path: Path) -> None:
    """Two CLI runs against one proven emulator, publishing into one folder at the same time:
    both CONFORMANT, the surviving reports agree with each other, no `.run-*` left behind."""
    report_dir = tmp_path / "reports"
    with RunningEmulator(Settings(seed=7, clock="manual")) as emulator:
        env = environment(KULMIPAY_BASE_URL=emulator.base_url, KULMIPAY_TOKEN=TEST_KEY)
        processes = [
            _start_cli(*CHEAP_ARGS, "--report-dir", str(report_dir), env=env, output=tmp_path / f"run{index}")
            for index in range(2)
        ]
        try:
            codes = [process.wait(timeout=240) for process in processes]
        finally:
            for process in processes:
                _stop_if_running(process)
    errors = [(tmp_path / f"run{index}" / "stderr").read_text(errors="replace")[-1500:] for index in range(2)]
    assert codes == [0, 0], errors
    assert_reports_agree(report_dir, 0)
    assert list(report_dir.glob(".run-*")) == []


# --- reproductions ---------------------------------------------------------------------------

SANDBOX_URL = "http://127.0.0.1:8765/api/v1/payment/"  # the push, or the status read after it


@pytest.fixture(scope="module")
def wrong_currency_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcome, Path]:
    """The built-in emulator serving `wrong-currency`, seed 11, the examples phase only."""
    report_dir = tmp_path_factory.mktemp("wrong-currency")
    outcome = run(
        Options(fault="wrong-currency", seed=11, phases=("examples",), report_dir=report_dir, quiet=True)
    )
    return outcome, report_dir


def test_a_failure_on_the_built_in_emulator_says_how_to_reproduce_it(
    wrong_currency_run: tuple[Outcome, Path],
) -> None:
    """The run's emulator is gone when you read the report: summary.md names the `make sandbox`
    line that brings the same one back, its curl lines point at that sandbox (port 8765, not the
    run's port) with `$KULMIPAY_TOKEN`, and summary.json records seed, start, version and target."""
    outcome, report_dir = wrong_currency_run
    summary = assert_reports_agree(report_dir, outcome.exit_code)
    assert outcome.verdict is Verdict.VIOLATION, summary["reasons"]
    markdown = (report_dir / "summary.md").read_text(encoding="utf-8")
    assert "make sandbox PORT=8765 SEED=11 FAULT=wrong-currency" in markdown

    context = summary["context"]
    assert context["seed"] == 11
    assert datetime.fromisoformat(context["started"]).tzinfo is not None, context["started"]
    assert context["toolkit version"] == __version__
    assert str(context["target"]).startswith("http://127.0.0.1:"), context["target"]
    run_origin = str(context["target"]).removesuffix("/api/v1")

    curls = [line for line in markdown.splitlines() if line.startswith("curl ")]
    assert curls, markdown
    for line in curls:
        assert SANDBOX_URL in line, line
        assert '"Authorization: Bearer $KULMIPAY_TOKEN"' in line, line
        assert run_origin not in line, line


def test_the_reproduction_says_which_key_to_export(wrong_currency_run: tuple[Outcome, Path]) -> None:
    """The step before the curl lines ("export KULMIPAY_TOKEN=...") must be one a reader can
    follow: redacting key-shaped text must not turn it into `export KULMIPAY_TOKEN=[REDACTED]`."""
    _, report_dir = wrong_currency_run
    markdown = (report_dir / "summary.md").read_text(encoding="utf-8")
    exports = [line for line in markdown.splitlines() if "export KULMIPAY_TOKEN=" in line]
    assert exports, markdown
    assert [line for line in exports if REDACTED in line] == []
