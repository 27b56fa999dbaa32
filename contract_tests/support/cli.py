"""`kulmipay-toolkit conformance` as a user runs it: a subprocess, run to its end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from contract_tests.support import repo_root


def run_cli(*args: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kulmipay_toolkit.cli", "conformance", *args],
        env=env,
        cwd=cwd or repo_root(),
        capture_output=True,
        text=True,
        timeout=300,
    )
