"""The servers under test, each in its own process on 127.0.0.1 so that a client being measured
never shares a GIL with its server: the emulator exactly as `kulmipay-toolkit sandbox` runs, and
Stoplight Prism (pinned in benchmarks/package-lock.json) mocking the same spec. Their output goes
to a log file, never to the terminal; only the processes started here are stopped, by pid."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from kulmipay_toolkit import spec

LOOPBACK = "127.0.0.1"
REPO = Path(__file__).resolve().parents[1]
PRISM = REPO / "benchmarks" / "node_modules" / ".bin" / "prism"
TOOLKIT = [sys.executable, "-m", "kulmipay_toolkit.cli"]
READY_TIMEOUT_S = 60.0  # Prism parses the spec for a few seconds; the emulator starts in about one


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    api_root: str  # Prism serves the spec's paths without the servers' base path
    ca_file: Path | None = None

    @property
    def push_url(self) -> str:
        return self.api_root + spec.stk_push_path()

    def memory_mib(self) -> dict[str, float]:
        """Resident set now (VmRSS) and its peak so far (VmHWM), in MiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
        kib = {name: value.split() for name, _, value in (line.partition(":") for line in status)}
        return {
            "rss_mib": round(int(kib["VmRSS"][0]) / 1024, 1),
            "hwm_mib": round(int(kib["VmHWM"][0]) / 1024, 1),
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def child_env() -> dict[str, str]:
    """Without the toolkit's own settings: KULMIPAY_FAULT would make the sandbox serve a fault, and
    KULMIPAY_BASE_URL would point a conformance run away from its own emulator."""
    return {name: value for name, value in os.environ.items() if not name.startswith("KULMIPAY_")}


@contextmanager
def running(
    command: Sequence[str], port: int, api_root: str, log: Path, ca_file: Path | None = None
) -> Iterator[Server]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=child_env(),
            cwd=REPO,
        )
        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not listen on port {port}; see {log}")
                try:
                    socket.create_connection((LOOPBACK, port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield Server(process, api_root, ca_file)
        finally:
            process.terminate()  # the sandbox stops cleanly on SIGTERM (and so writes its profile)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def emulator(
    work: Path, *, quiet: bool = False, tls: bool = False, profile: Path | None = None
) -> AbstractContextManager[Server]:
    """`kulmipay-toolkit sandbox --seed 1 [--quiet] [--tls]`, optionally under cProfile."""
    port = free_port()
    command = [*TOOLKIT, "sandbox", "--port", str(port), "--seed", "1", *(["--quiet"] if quiet else [])]
    if profile is not None:
        command[1:1] = ["-m", "cProfile", "-o", str(profile)]
    ca_file = None
    if tls:
        command += ["--tls", "--tls-dir", str(work / f"tls-{port}")]
        ca_file = work / f"tls-{port}" / "ca.pem"  # written before the sandbox listens
    origin = f"{'https' if tls else 'http'}://{LOOPBACK}:{port}"
    return running(command, port, origin + spec.base_path(), work / f"emulator-{port}.log", ca_file)


def prism_status() -> dict[str, str]:
    """Whether Prism can run here, and which one on which node."""
    node = shutil.which("node")
    if node is None or not PRISM.exists():
        return {"status": "not run: " + ("no node" if node is None else "npm ci --prefix benchmarks first")}
    package = json.loads((PRISM.parents[1] / "@stoplight" / "prism-cli" / "package.json").read_text())
    shown = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    return {"status": "ok", "version": package["version"], "node": shown}


def prism(work: Path, level: str) -> AbstractContextManager[Server]:
    """`prism mock spec/openapi.yaml -v LEVEL`: `info` is its default, `warn` its quietest useful."""
    port = free_port()
    command = [str(PRISM), "mock", str(spec.spec_path()), "-p", str(port), "-h", LOOPBACK, "-v", level]
    return running(command, port, f"http://{LOOPBACK}:{port}", work / f"prism-{port}.log")
