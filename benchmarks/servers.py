"""The servers under test, each in its own process on 127.0.0.1 so that a client being measured
never shares a GIL with its server: the emulator exactly as `kulmipay-toolkit sandbox` runs, and
Stoplight Prism (pinned in benchmarks/package-lock.json) mocking the same spec. Their output goes
to a log file, never to the terminal; only the processes started here are stopped, by pid."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from contract_tests.support.cli import toolkit
from contract_tests.support.environment import environment
from contract_tests.support.network import reserved_port
from kulmipay_toolkit import spec

LOOPBACK = "127.0.0.1"
REPO = Path(__file__).resolve().parents[1]
PRISM = REPO / "benchmarks" / "node_modules" / ".bin" / "prism"
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
            env=environment(),  # no KULMIPAY_FAULT or KULMIPAY_BASE_URL of the caller's
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


@contextmanager
def emulator(
    work: Path, *, quiet: bool = False, tls: bool = False, profile: Path | None = None
) -> Iterator[Server]:
    """`kulmipay-toolkit sandbox --seed 1 [--quiet] [--tls]`, optionally under cProfile."""
    with reserved_port() as port:  # held until the server stops: never borrowed
        command = toolkit("sandbox", "--port", str(port), "--seed", "1", *(["--quiet"] if quiet else []))
        if profile is not None:
            command[1:1] = ["-m", "cProfile", "-o", str(profile)]
        ca_file = None
        if tls:
            command += ["--tls", "--tls-dir", str(work / f"tls-{port}")]
            ca_file = work / f"tls-{port}" / "ca.pem"  # written before the sandbox listens
        origin = f"{'https' if tls else 'http'}://{LOOPBACK}:{port}"
        with running(
            command, port, origin + spec.base_path(), work / f"emulator-{port}.log", ca_file
        ) as server:
            yield server


def prism_status() -> dict[str, str]:
    """Whether Prism can run here, and which one on which node."""
    node = shutil.which("node")
    if node is None or not PRISM.exists():
        return {"status": "not run: " + ("no node" if node is None else "npm ci --prefix benchmarks first")}
    package = json.loads((PRISM.parents[1] / "@stoplight" / "prism-cli" / "package.json").read_text())
    shown = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    return {"status": "ok", "version": package["version"], "node": shown}


@contextmanager
def prism(work: Path, level: str) -> Iterator[Server]:
    """`prism mock spec/openapi.yaml -v LEVEL`: `info` is its default, `warn` its quietest useful."""
    with reserved_port() as port:  # node binds with SO_REUSEADDR too
        command = [str(PRISM), "mock", str(spec.spec_path()), "-p", str(port), "-h", LOOPBACK, "-v", level]
        with running(command, port, f"http://{LOOPBACK}:{port}", work / f"prism-{port}.log") as server:
            yield server
