"""The Makefile passes what the user gives it: `make conformance FAULT=... SEED=... TLS=1` must
reach `kulmipay-toolkit conformance`, and `make sandbox SEED=...` (what a failing run's report
tells you to run) must reach the sandbox. Dry runs (`make -n`): nothing is executed."""

from __future__ import annotations

import itertools
import shlex
import shutil

import pytest

from contract_tests.support.make import dry_run

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _command(target: str, *variables: str) -> list[str]:
    """The words of the one `kulmipay-toolkit <target>` line `make -n` would run."""
    return shlex.split(dry_run(target, *variables).line)


def _passes(words: list[str], option: str, value: str) -> bool:
    return (option, value) in itertools.pairwise(words) or f"{option}={value}" in words


def test_make_conformance_passes_fault_and_seed() -> None:
    """`make conformance FAULT=rounds-down SEED=4` runs the suite with --fault rounds-down --seed 4."""
    words = _command("conformance", "FAULT=rounds-down", "SEED=4")
    assert _passes(words, "--fault", "rounds-down"), words
    assert _passes(words, "--seed", "4"), words


def test_make_conformance_passes_tls() -> None:
    """`make conformance TLS=1` serves the local emulator over HTTPS (--tls)."""
    words = _command("conformance", "TLS=1")
    assert "--tls" in words, words


def test_make_conformance_without_variables_passes_none_of_them() -> None:
    """Without FAULT, SEED or TLS the command carries none of their options (no empty --fault)."""
    words = _command("conformance")
    assert not {"--fault", "--seed", "--tls"} & set(words), words


def test_make_sandbox_takes_the_seed_that_reproductions_name() -> None:
    """A failing run's summary.md says `make sandbox PORT=8765 SEED=11 FAULT=...`: SEED must reach
    the sandbox, or the emulator started is not the one the run used."""
    words = _command("sandbox", "PORT=8765", "SEED=11", "FAULT=wrong-currency")
    assert _passes(words, "--port", "8765"), words
    assert _passes(words, "--fault", "wrong-currency"), words
    assert _passes(words, "--seed", "11"), words
