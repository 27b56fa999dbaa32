"""Fixtures shared by every directory: the emulator on a real loopback socket, and the generated
client's two call styles with respx standing in for the network. Helpers are in `support`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import respx

from contract_tests.support.calls import BASE_URL, STYLES, Style
from kulmipay_toolkit.emulator import RunningEmulator, Settings


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


@pytest.fixture(params=STYLES)
def style(request: pytest.FixtureRequest) -> Style:
    """Each call of the generated client made both ways: `sync_detailed` and `asyncio_detailed`."""
    chosen: Style = request.param
    return chosen


@pytest.fixture()
def router() -> Iterator[respx.MockRouter]:
    """Every request must hit a route (an unmatched one fails the test); routes need not be hit."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mocked:
        yield mocked
