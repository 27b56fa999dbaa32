"""`emulator/store.py`: what the emulator remembers is bounded, oldest out first, so that a long
property run or a load test cannot grow its memory without end."""

from __future__ import annotations

import pytest

from kulmipay_toolkit.emulator.store import BoundedStore


def filled(capacity: int, *keys: str) -> BoundedStore[str]:
    store: BoundedStore[str] = BoundedStore(capacity)
    for key in keys:
        store.put(key, key.upper())
    return store


def test_it_keeps_what_it_is_given_up_to_its_capacity() -> None:
    store = filled(3, "a", "b", "c")
    assert len(store) == 3
    assert [store.get(key) for key in "abc"] == ["A", "B", "C"]
    assert "a" in store and "z" not in store and store.get("z") is None


def test_beyond_its_capacity_the_oldest_go_first() -> None:
    store = filled(3, "a", "b", "c", "d", "e")
    assert len(store) == 3
    assert [key in store for key in "abcde"] == [False, False, True, True, True]


def test_putting_a_key_again_replaces_its_value_and_makes_it_the_newest() -> None:
    store = filled(3, "a", "b", "c")
    store.put("a", "again")
    store.put("d", "D")
    assert len(store) == 3
    assert store.get("a") == "again"  # kept: it was put again after b and c
    assert [key in store for key in "abcd"] == [True, False, True, True]
    assert (list(store), list(store.values())) == (["c", "a", "d"], ["C", "again", "D"])


def test_reading_does_not_make_a_key_newer() -> None:
    store = filled(2, "a", "b")
    assert store.get("a") == "A" and "a" in store
    store.put("c", "C")
    assert [key in store for key in "abc"] == [False, True, True]


def test_a_capacity_of_one_keeps_the_latest_only() -> None:
    store = filled(1, "a", "b")
    assert (len(store), "a" in store, store.get("b")) == (1, False, "B")


@pytest.mark.parametrize("capacity", [0, -1])
def test_a_capacity_below_one_is_refused(capacity: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BoundedStore(capacity)
