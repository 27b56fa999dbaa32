"""`kulmipay-toolkit` as a user runs it, from this checkout: a subprocess of this interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from contract_tests.support import repo_root


def toolkit(*args: str) -> list[str]:
    """The command line of `kulmipay-toolkit ARGS` (its module, so no script need be on PATH)."""
    return [sys.executable, "-m", "kulmipay_toolkit.cli", *args]


def run_toolkit(
    *args: str, env: dict[str, str], cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`kulmipay-toolkit ARGS`, run to its end, its output captured."""
    return subprocess.run(
        toolkit(*args), env=env, cwd=cwd or repo_root(), capture_output=True, text=True, timeout=timeout
    )


def run_cli(*args: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`kulmipay-toolkit conformance ARGS`."""
    return run_toolkit("conformance", *args, env=env, cwd=cwd)
