"""A small per-process cache of Stripe answers, tagged by customer so webhooks can clear it.

`fetch` is single-flight: concurrent misses for one key share one load, so an entry expiring
under load costs one Stripe call, not one per waiting request.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any

import anyio

Load = Callable[[], Awaitable[tuple[Any, Iterable[str]]]]


class _Flight:
    __slots__ = ("done", "error", "finished", "value")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.finished = False
        self.value: Any = None
        self.error: Exception | None = None


class TTLCache:
    def __init__(
        self, seconds: float, max_entries: int = 2000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[Hashable, tuple[float, frozenset[str], Any]] = {}
        self._flights: dict[Hashable, _Flight] = {}
        self._generation = 0

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

    async def fetch(self, key: Hashable, load: Load) -> Any:
        """The cached value, or the one `load` gives (value, tags), shared by concurrent misses.

        A failed load is not cached: it fails for every request that waited on it.
        """
        while True:
            value = self.get(key)
            if value is not None:
                return value
            flight = self._flights.get(key)
            if flight is None:
                break
            await flight.done.wait()
            if flight.error is not None:
                raise flight.error
            if flight.finished:
                return flight.value
            # The loading request was cancelled: one of the waiters loads instead.
        flight = self._flights[key] = _Flight()
        generation = self._generation
        try:
            value, tags = await load()
            flight.value, flight.finished = value, True
        except Exception as error:
            flight.error = error
            raise
        finally:
            if self._flights.get(key) is flight:
                del self._flights[key]
            flight.done.set()
        # A webhook during the load may have made it stale: answer it, but do not keep it.
        if generation == self._generation:
            self.put(key, value, tags)
        return value

    def forget(self, tags: Iterable[str]) -> int:
        wanted = set(tags)
        stale = [key for key, entry in self._entries.items() if entry[1] & wanted]
        for key in stale:
            del self._entries[key]
        self._invalidate_flights()
        return len(stale)

    def clear(self) -> None:
        self._entries.clear()
        self._invalidate_flights()

    def _invalidate_flights(self) -> None:
        # Loads already running may predate the change: later requests start their own.
        self._generation += 1
        self._flights.clear()
