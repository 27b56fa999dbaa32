"""Shared fixtures: the emulator on a real loopback socket, and the spec's response check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kulmipay_toolkit import spec
from kulmipay_toolkit.emulator import RunningEmulator, Settings

# Made up for the tests; every leak test greps output for it.
TEST_KEY = "ISSecretKey_test_contracttests9f3a7c"
AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
VALID_PUSH = {"amount": "10", "phone_number": "254712345678"}


@pytest.fixture(scope="session")
def emulator() -> Iterator[RunningEmulator]:
    with RunningEmulator(Settings(seed=7)) as running:
        yield running


@pytest.fixture(scope="session")
def tls_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    with RunningEmulator(Settings(seed=7), tls_directory=tmp_path_factory.mktemp("tls")) as running:
        yield running


@pytest.fixture()
def http(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, timeout=10) as client:
        yield client


def push_url() -> str:
    return spec.stk_push_path().lstrip("/")


def assert_conforms(response: httpx.Response) -> None:
    """The response is one the spec declares, body and all (`spec.response_errors`: the body by
    the one jsonschema-rs validator, formats included, that the strict helper and checks share)."""
    errors = spec.response_errors(
        response.status_code,
        response.content,
        content_type=response.headers.get("content-type", ""),
        headers=dict(response.headers),
    )
    assert errors == [], f"{response.status_code} {response.text[:300]}: {errors}"


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
