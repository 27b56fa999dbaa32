"""`emulator/clock.py`: the emulator's two clocks. The manual one reads 0 until it is moved, moves
by exactly what it is told and never backwards; the real one counts seconds since it was made."""

from __future__ import annotations

import time

import pytest

from kulmipay_toolkit.emulator.clock import ManualClock, RealClock, clock_for


def test_the_manual_clock_moves_only_when_told_and_by_exactly_that() -> None:
    """Invoices settling on their own under a manual clock, or a move of 5 s landing elsewhere."""
    clock = ManualClock()
    assert (clock.now(), clock.now()) == (0.0, 0.0)
    assert clock.advance(5) == 5.0
    assert clock.advance(0.5) == clock.now() == 5.5
    assert clock.advance(0) == 5.5


def test_the_manual_clock_never_goes_back() -> None:
    """A negative move that unsettles invoices (a FAILED one PENDING again)."""
    clock = ManualClock()
    clock.advance(3)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(-1)
    assert clock.now() == 3.0


def test_the_real_clock_counts_from_when_it_was_made() -> None:
    """Time since boot (or the epoch) read as an invoice's age: every push already expired."""
    before = time.monotonic()
    clock = RealClock()
    first = clock.now()
    second = clock.now()
    assert 0.0 <= first <= second <= time.monotonic() - before


@pytest.mark.parametrize(
    ("kind", "made", "manual"), [("manual", ManualClock, True), ("real", RealClock, False)]
)
def test_each_kind_names_its_clock(kind: str, made: type, manual: bool) -> None:
    """`--clock manual` serving a real clock (tests that cannot move it), or the other way round."""
    clock = clock_for(kind)
    assert isinstance(clock, made) and clock.manual is manual


def test_an_unknown_kind_is_refused_naming_both() -> None:
    """A typo (`--clock Manual`) served as real time without a word."""
    with pytest.raises(ValueError, match="'real' or 'manual'"):
        clock_for("Manual")
