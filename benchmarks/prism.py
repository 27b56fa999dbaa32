"""Stoplight Prism, the mock server the emulator is compared with, installed into benchmarks/
(`npm ci --prefix benchmarks`, pinned in benchmarks/package-lock.json) and run mocking the same spec."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kulmipay_toolkit import spec

from .processes import LOOPBACK, Server, free_port, running

HERE = Path(__file__).resolve().parent
BINARY = HERE / "node_modules" / ".bin" / "prism"
PACKAGE = HERE / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
# Prism's default is `info`: seven log lines per request. `warn` is the closest to the quiet emulator.
DEFAULT_LEVEL = "info"
QUIET_LEVEL = "warn"


def unavailable_reason() -> str | None:
    """None when Prism can run here, else why not."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not BINARY.exists():
        return "Prism is not installed in benchmarks/node_modules (run `npm ci --prefix benchmarks`)"
    return None


def version() -> str | None:
    try:
        found: str = json.loads(PACKAGE.read_text())["version"]
        return found
    except (OSError, ValueError, KeyError):
        return None


def node_version() -> str | None:
    node = shutil.which("node")
    if node is None:
        return None
    return subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()


@contextmanager
def prism(work: Path, *, level: str = DEFAULT_LEVEL, name: str = "prism") -> Iterator[Server]:
    """`prism mock spec/openapi.yaml -p PORT -h 127.0.0.1 -v LEVEL`. Prism serves the spec's paths
    without the servers' base path, so its API root is the bare origin."""
    port = free_port()
    command = [str(BINARY), "mock", str(spec.spec_path()), "-p", str(port), "-h", LOOPBACK, "-v", level]
    with running(
        name, command, port=port, api_root=f"http://{LOOPBACK}:{port}", log=work / f"{name}-{port}.log"
    ) as server:
        yield server
