"""`kulmipay-toolkit sandbox` as a user runs it: a real subprocess on a real port. Bad ports are
one line, not a traceback; Ctrl-C and SIGTERM stop it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from contract_tests.conftest import AUTH, VALID_PUSH, push_url, repo_root

STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def sandbox(*arguments: str) -> subprocess.Popen[str]:
    env = {name: value for name, value in os.environ.items() if name not in {"PORT", "KULMIPAY_FAULT"}}
    return subprocess.Popen(
        [sys.executable, "-m", "kulmipay_toolkit.cli", "sandbox", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env | {"PYTHONUNBUFFERED": "1"},
        cwd=repo_root(),
    )


def run_sandbox(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kulmipay_toolkit.cli", "sandbox", *arguments],
        capture_output=True,
        text=True,
        env=os.environ | (env or {}),
        cwd=repo_root(),
        timeout=STARTUP_SECONDS,
    )


def wait_until_listening(server: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"the sandbox did not listen on {port} within {STARTUP_SECONDS} s")


@pytest.mark.parametrize(
    ("arguments", "env"),
    [
        (("--port", "99999"), {}),
        (("--port", "-1"), {}),
        (("--port", "0"), {}),
        (("--port", "eighty"), {}),
        ((), {"PORT": "99999"}),  # `make sandbox PORT=99999` passes --port, the env is the other way in
    ],
)
def test_a_port_out_of_range_is_a_usage_error(arguments: tuple[str, ...], env: dict[str, str]) -> None:
    result = run_sandbox(*arguments, env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("kulmipay-toolkit sandbox: error: argument --port: ")
    assert "not a port number (1-65535)" in result.stderr
    assert result.stdout == ""


def test_a_port_in_use_is_one_line_saying_what_to_do() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_sandbox("--port", str(port))
    assert result.returncode == 1
    assert result.stdout == ""  # no banner for a server that is not there
    assert result.stderr.splitlines() == [
        f"kulmipay-toolkit sandbox: 127.0.0.1:{port} is already in use: stop whatever listens there, "
        "or pick another port with --port N (make sandbox PORT=N)"
    ]


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_it_cleanly_with_status_0(stop_signal: signal.Signals) -> None:
    port = free_port()
    server = sandbox("--port", str(port))
    try:
        wait_until_listening(server, port)
        # Served before the signal, so the stop is from a running server, not one starting up.
        response = httpx.post(f"http://127.0.0.1:{port}/api/v1/{push_url()}", json=VALID_PUSH, headers=AUTH)
        assert response.status_code == 200
        server.send_signal(stop_signal)
        output, errors = server.communicate(timeout=STARTUP_SECONDS)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert "Traceback" not in errors and "KeyboardInterrupt" not in errors
    assert server.returncode == 0, errors
    assert "stop with Ctrl-C" in output


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_it_starts_up_is_still_a_clean_stop(stop_signal: signal.Signals) -> None:
    """The port listens before the app is built: a signal in between must not be lost or a traceback."""
    port = free_port()
    server = sandbox("--port", str(port))
    try:
        wait_until_listening(server, port)
        server.send_signal(stop_signal)
        _, errors = server.communicate(timeout=STARTUP_SECONDS)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert "Traceback" not in errors
    assert server.returncode == 0, errors
