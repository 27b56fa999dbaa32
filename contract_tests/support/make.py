"""What `make -n <target>` would run, so that a test can check the Makefile passes on what the
user gives it (a dry run: nothing is executed)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from contract_tests.support import repo_root
from contract_tests.support.environment import environment

# What a make above the test (e.g. `make test`) passes down; it must not leak into the dry run.
MAKE_VARIABLES = frozenset({"MAKEFLAGS", "MFLAGS", "MAKELEVEL"})


@dataclass(frozen=True)
class DryRun:
    line: str  # the one `kulmipay-toolkit <target>` line
    output: str  # everything make printed, stdout and stderr


def dry_run(target: str, *variables: str) -> DryRun:
    result = subprocess.run(
        ["make", "-n", target, *variables],
        cwd=repo_root(),
        env=environment(without=MAKE_VARIABLES),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if f"kulmipay-toolkit {target}" in line]
    assert len(lines) == 1, result.stdout
    return DryRun(lines[0], result.stdout + result.stderr)
