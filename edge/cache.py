"""A small per-process cache of Stripe answers, tagged by customer so webhooks can clear it."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any


class TTLCache:
    def __init__(
        self, seconds: float, max_entries: int = 2000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[Hashable, tuple[float, frozenset[str], Any]] = {}

    def get(self, key: Hashable) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= self.clock():
            del self._entries[key]
            return None
        return entry[2]

    def put(self, key: Hashable, value: Any, tags: Iterable[str]) -> None:
        if self.seconds <= 0:
            return
        if len(self._entries) >= self.max_entries:
            # Dicts keep insertion order: drop the oldest entry.
            del self._entries[next(iter(self._entries))]
        self._entries[key] = (self.clock() + self.seconds, frozenset(tags), value)

    def forget(self, tags: Iterable[str]) -> int:
        wanted = set(tags)
        stale = [key for key, entry in self._entries.items() if entry[1] & wanted]
        for key in stale:
            del self._entries[key]
        return len(stale)

    def clear(self) -> None:
        self._entries.clear()
