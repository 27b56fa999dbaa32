"""`kulmipay-toolkit sandbox` (`emulator/command.py`) as a user runs it, and as `make sandbox`
does: a real subprocess on a real port. It serves a push and logs it, never the key; bad ports
and a non-loopback webhook are one line, not a traceback; Ctrl-C and SIGTERM stop it cleanly."""

from __future__ import annotations

import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest

from contract_tests.support import AUTH, TEST_KEY, VALID_PUSH, push_url, repo_root
from contract_tests.support.cli import run_toolkit, toolkit
from contract_tests.support.environment import environment
from contract_tests.support.network import reserved_port
from contract_tests.support.processes import Lines
from contract_tests.support.webhooks import CHALLENGE

STARTUP_SECONDS = 30
# The banner's last line, printed once the port listens (connections wait in its backlog).
LISTENING = "stop with Ctrl-C"


def run_sandbox(*arguments: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return run_toolkit(
        "sandbox", *arguments, env=environment(without={"PORT"}, **variables), timeout=STARTUP_SECONDS
    )


@dataclass
class Sandbox:
    process: subprocess.Popen[str]
    output: Lines  # stdout and stderr, as they come
    port: int

    def wait_for(self, text: str) -> str:
        """The first output line holding `text`, once it is printed; fails the test if the
        sandbox exits or STARTUP_SECONDS pass first."""
        line = self.output.wait_for(lambda line: text in line, timeout=STARTUP_SECONDS)
        if line is None:
            self.process.kill()
            pytest.fail(f"no {text!r} from the sandbox within {STARTUP_SECONDS} s: {self.output.text()}")
        return line

    def stop(self, stop_signal: signal.Signals) -> str:
        """Sends `stop_signal` and waits for the exit; everything it printed."""
        self.process.send_signal(stop_signal)
        self.process.wait(timeout=STARTUP_SECONDS)
        return self.output.text()


@contextmanager
def sandbox(*arguments: str) -> Iterator[Sandbox]:
    """`kulmipay-toolkit sandbox` on a port reserved for it (never borrowed: the port stays held
    until the sandbox listens on it), listening by the time the block begins."""
    with reserved_port() as port:
        process = subprocess.Popen(
            toolkit("sandbox", "--port", str(port), *arguments),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment(without={"PORT"}, PYTHONUNBUFFERED="1"),
            cwd=repo_root(),
        )
        running = Sandbox(process, Lines(process.stdout), port)
        try:
            running.wait_for(LISTENING)
            yield running
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_make_sandbox_command_serves_a_push() -> None:
    with sandbox("--seed", "1") as running:
        url = f"http://127.0.0.1:{running.port}/api/v1/{push_url()}"
        assert httpx.post(url, json=VALID_PUSH, headers=AUTH).status_code == 200
        running.wait_for("POST /api/v1/payment/mpesa-stk-push/ 200")
        output = running.stop(signal.SIGTERM)
    assert f"on http://127.0.0.1:{running.port}/api/v1" in output
    assert TEST_KEY not in output


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
    result = run_sandbox(*arguments, **env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("kulmipay-toolkit sandbox: error: argument --port: ")
    assert "not a port number (1-65535)" in result.stderr
    assert result.stdout == ""


def test_a_port_in_use_is_one_line_saying_what_to_do() -> None:
    with socket.socket() as taken:  # listening, and held open while the sandbox tries the port
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


def test_a_non_loopback_webhook_is_a_one_line_usage_error() -> None:
    """`kulmipay-toolkit sandbox --webhook-url http://example.com/x --webhook-challenge c` exits 2
    with one stderr line naming --webhook-allow-host, no traceback, and never starts a server."""
    result = run_sandbox(
        "--webhook-url",
        "http://example.com/x",
        "--webhook-challenge",
        CHALLENGE,
        PORT="1",  # were it to listen, port 1 would fail differently (exit 1)
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == "", "it printed a banner: it started"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "--webhook-allow-host" in lines[0]
    assert CHALLENGE not in result.stderr


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_it_cleanly_with_status_0(stop_signal: signal.Signals) -> None:
    with sandbox() as running:
        # Served before the signal, so the stop is from a running server, not one starting up.
        url = f"http://127.0.0.1:{running.port}/api/v1/{push_url()}"
        assert httpx.post(url, json=VALID_PUSH, headers=AUTH).status_code == 200
        output = running.stop(stop_signal)
    assert "Traceback" not in output and "KeyboardInterrupt" not in output
    assert running.process.returncode == 0, output
    assert "stop with Ctrl-C" in output


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_it_starts_up_is_still_a_clean_stop(stop_signal: signal.Signals) -> None:
    """The port listens before the app is built: a signal in between must not be lost or a traceback."""
    with sandbox() as running:
        output = running.stop(stop_signal)
    assert "Traceback" not in output
    assert running.process.returncode == 0, output
