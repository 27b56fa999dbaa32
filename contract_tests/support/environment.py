"""The environment a test hands to a subprocess (or to the CLI run in process): this one's,
without the caller's own KULMIPAY_* settings, which would otherwise change what is tested (a
KULMIPAY_BASE_URL exported in the shell sends a run elsewhere)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import pytest

PREFIX = "KULMIPAY_"


def environment(*, without: Iterable[str] = (), **variables: str) -> dict[str, str]:
    """`os.environ` without any KULMIPAY_* variable nor the names in `without`, plus `variables`."""
    dropped = set(without)
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(PREFIX) and name not in dropped
    }
    return kept | variables


def use_environment(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    """This process's own environment made `environment(**variables)`, for the test's duration."""
    wanted = environment(**variables)
    for name in set(os.environ) - set(wanted):
        monkeypatch.delenv(name)
    for name, value in wanted.items():
        monkeypatch.setenv(name, value)
