"""Servers under test, each in its own process on 127.0.0.1 (so that the client being measured
never shares a GIL with them): started, awaited, measured through /proc, and stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kulmipay_toolkit import spec

LOOPBACK = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 60.0  # Prism takes a few seconds to parse the spec; a Python server under one
STOP_TIMEOUT_S = 10.0


class ServerFailed(RuntimeError):
    """A server under test would not start (its log's tail is in the message)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def child_env() -> dict[str, str]:
    """This environment without the toolkit's own settings (KULMIPAY_FAULT would make the sandbox
    serve a fault profile, KULMIPAY_BASE_URL would point conformance at a remote server)."""
    return {name: value for name, value in os.environ.items() if not name.startswith("KULMIPAY_")}


def toolkit_command() -> list[str]:
    """`kulmipay-toolkit` from this venv; the console script execs Python, so its pid is the server's."""
    script = Path(sys.executable).with_name("kulmipay-toolkit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kulmipay_toolkit.cli"]


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    api_root: str  # e.g. http://127.0.0.1:PORT/api/v1 (Prism mocks the paths without the base path)
    ca_file: Path | None
    log: Path

    @property
    def push_url(self) -> str:
        return self.api_root + spec.stk_push_path()

    @property
    def pid(self) -> int:
        return self.process.pid

    def memory_kib(self) -> dict[str, int]:
        """Resident set now (VmRSS) and its peak so far (VmHWM), from /proc/<pid>/status."""
        found: dict[str, int] = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0])
        return found

    def start_profiling(self) -> None:
        """SIGUSR1: `benchmarks.sandbox_process --profile` starts its profiler on it."""
        self.process.send_signal(signal.SIGUSR1)

    def interrupt(self) -> None:
        """SIGINT: uvicorn shuts down cleanly on it, so a profiling wrapper gets to write its stats."""
        self.process.send_signal(signal.SIGINT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_S)


def _log_tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_until_listening(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            code = server.process.returncode
            raise ServerFailed(f"{server.name} exited with {code} before listening:\n{_log_tail(server.log)}")
        try:
            socket.create_connection((LOOPBACK, server.port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise ServerFailed(f"{server.name} was not listening on {LOOPBACK}:{server.port} after {timeout:.0f}s")


@contextmanager
def running(
    name: str,
    command: Sequence[str],
    *,
    port: int,
    api_root: str,
    log: Path,
    ca_file: Path | None = None,
    ready_timeout: float = READY_TIMEOUT_S,
) -> Iterator[Server]:
    """The server, listening; stopped (only this process, by its pid) on the way out. Its output
    goes to `log`: the sandbox writes one access line per request, which must not reach a terminal."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=child_env(),
            cwd=REPO_ROOT,
        )
        server = Server(name, process, port, api_root, ca_file, log)
        try:
            _wait_until_listening(server, ready_timeout)
            yield server
        finally:
            server.stop()


@contextmanager
def sandbox(work: Path, *, tls: bool = False, name: str = "emulator") -> Iterator[Server]:
    """`kulmipay-toolkit sandbox --port P --seed 1 [--tls --tls-dir DIR]`, exactly as a user runs it."""
    port = free_port()
    command = [*toolkit_command(), "sandbox", "--port", str(port), "--seed", "1"]
    ca_file = None
    if tls:
        tls_dir = work / f"tls-{port}"
        command += ["--tls", "--tls-dir", str(tls_dir)]
        ca_file = tls_dir / "ca.pem"  # the CA the sandbox prints; it writes it before listening
    scheme = "https" if tls else "http"
    with running(
        name,
        command,
        port=port,
        api_root=f"{scheme}://{LOOPBACK}:{port}{spec.base_path()}",
        log=work / f"{name}-{port}.log",
        ca_file=ca_file,
    ) as server:
        yield server


@contextmanager
def sandbox_variant(
    work: Path, *, access_log: bool, profile: Path | None = None, name: str = "emulator-quiet"
) -> Iterator[Server]:
    """The same emulator from `benchmarks.sandbox_process`: access log on or off, optionally profiled."""
    port = free_port()
    command = [sys.executable, "-m", "benchmarks.sandbox_process", "--port", str(port)]
    if access_log:
        command.append("--access-log")
    if profile is not None:
        command += ["--profile", str(profile)]
    with running(
        name,
        command,
        port=port,
        api_root=f"http://{LOOPBACK}:{port}{spec.base_path()}",
        log=work / f"{name}-{port}.log",
    ) as server:
        yield server
