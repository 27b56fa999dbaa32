"""Fixtures of the unit tests: both call styles, and respx standing in for the network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from contract_tests.unit.calls import BASE_URL, STYLES, Style


@pytest.fixture(params=STYLES)
def style(request: pytest.FixtureRequest) -> Style:
    chosen: Style = request.param
    return chosen


@pytest.fixture()
def router() -> Iterator[respx.MockRouter]:
    """Every request must hit a route (an unmatched one fails the test); routes need not be hit."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mocked:
        yield mocked
