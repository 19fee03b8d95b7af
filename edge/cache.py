"""A small per-process cache of Stripe answers, tagged by customer so webhooks can clear it.

`fetch` is single-flight: concurrent misses for one key share one load, so an entry expiring
under load costs one Stripe call, not one per waiting request.

Its size is bounded in bytes (an estimate of what its values hold, see `size_of`), not in
entries: one entry can be a page of a hundred invoices or a single "not found". The oldest
entries go first when a new one does not fit, and expired ones are purged as time passes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any

import anyio

Load = Callable[[], Awaitable[tuple[Any, Iterable[str]]]]
# A cached "Stripe has no such object".
MISSING: dict[str, Any] = {"object": "missing"}


class _Flight:
    __slots__ = ("done", "error", "finished", "value")

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.finished = False
        self.value: Any = None
        self.error: Exception | None = None


class TTLCache:
    def __init__(
        self,
        seconds: float,
        max_bytes: int = 64 * 2**20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.clock = clock
        self.bytes = 0
        # key -> (expires at, tags, value, estimated bytes); insertion order is age.
        self._entries: dict[Hashable, tuple[float, frozenset[str], Any, int]] = {}
        self._flights: dict[Hashable, _Flight] = {}
        self._generation = 0
        self._next_purge = clock() + seconds

    def get(self, key: Hashable) -> Any | None:
        now = self.clock()
        if now >= self._next_purge:
            self.purge()
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= now:
            self._drop(key)
            return None
        return entry[2]

    def put(self, key: Hashable, value: Any, tags: Iterable[str]) -> None:
        if self.seconds <= 0:
            return
        now = self.clock()
        if now >= self._next_purge:
            self.purge()
        size = size_of(key) + size_of(value)
        if size > self.max_bytes:
            return
        if key in self._entries:
            self._drop(key)
        while self.bytes + size > self.max_bytes:
            # Dicts keep insertion order: drop the oldest entry.
            self._drop(next(iter(self._entries)))
        self._entries[key] = (now + self.seconds, frozenset(tags), value, size)
        self.bytes += size

    def purge(self) -> None:
        """Drop every expired entry."""
        now = self.clock()
        for key in [k for k, entry in self._entries.items() if entry[0] <= now]:
            self._drop(key)
        self._next_purge = now + max(self.seconds, 1.0)

    def _drop(self, key: Hashable) -> None:
        self.bytes -= self._entries.pop(key)[3]

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
            self._drop(key)
        self._invalidate_flights()
        return len(stale)

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0
        self._invalidate_flights()

    def _invalidate_flights(self) -> None:
        # Loads already running may predate the change: later requests start their own.
        self._generation += 1
        self._flights.clear()


def size_of(value: Any) -> int:
    """The bytes a value of Stripe data holds: its containers, strings, numbers and the JSON
    rendered from it, counted every time they appear (an overestimate where objects are
    shared, never an underestimate of what the cache alone keeps alive)."""
    size = 0
    stack = [value]
    while stack:
        item = stack.pop()
        size += sys.getsizeof(item)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif hasattr(item, "__slots__"):  # a rendering kept with its data (`pages`)
            stack.extend(getattr(item, name, None) for name in item.__slots__)
    return size
