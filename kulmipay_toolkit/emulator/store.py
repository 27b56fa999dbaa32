"""What the emulator remembers: recent invoices and the customers it has seen, each capped so
that a long property run or a load test cannot grow memory without bound (oldest out first)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, ValuesView
from typing import Generic, TypeVar

V = TypeVar("V")

DEFAULT_CAPACITY = 10_000


class BoundedStore(Generic[V]):
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._items: OrderedDict[str, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        """The keys, oldest first."""
        return iter(self._items)

    def values(self) -> ValuesView[V]:
        """Oldest first."""
        return self._items.values()

    def get(self, key: str) -> V | None:
        return self._items.get(key)

    def put(self, key: str, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
