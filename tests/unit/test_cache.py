"""The Stripe answer cache: concurrent misses share one load; failures are never kept."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from edge.cache import TTLCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Loader:
    """A load that waits until released, counting how often it ran."""

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0
        self.release = anyio.Event()

    async def __call__(self) -> tuple[Any, list[str]]:
        self.calls += 1
        outcome = self.outcomes.pop(0)
        await self.release.wait()
        if isinstance(outcome, Exception):
            raise outcome
        return outcome, ["cus_A"]


async def fetch_all(cache: TTLCache, load: Loader, count: int) -> list[Any]:
    results: list[Any] = [None] * count

    async def one(n: int) -> None:
        try:
            results[n] = await cache.fetch("key", load)
        except Exception as error:  # noqa: BLE001 - each request's outcome is the result
            results[n] = error

    async with anyio.create_task_group() as tasks:
        for n in range(count):
            tasks.start_soon(one, n)
        await anyio.wait_all_tasks_blocked()
        load.release.set()
    return results


@pytest.mark.anyio
async def test_concurrent_misses_share_one_load() -> None:
    cache, load = TTLCache(30), Loader({"page": 1})
    assert await fetch_all(cache, load, 16) == [{"page": 1}] * 16
    assert load.calls == 1
    assert await cache.fetch("key", Loader({"page": 2})) == {"page": 1}


@pytest.mark.anyio
async def test_a_failed_load_fails_every_waiter_and_is_not_kept() -> None:
    cache, load = TTLCache(30), Loader(RuntimeError("Stripe is down"), {"page": 2})
    results = await fetch_all(cache, load, 8)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert load.calls == 1
    assert cache.get("key") is None
    again = Loader({"page": 2})
    again.release.set()
    assert await cache.fetch("key", again) == {"page": 2}
    assert again.calls == 1


@pytest.mark.anyio
async def test_an_expired_entry_is_loaded_once_more() -> None:
    clock = Clock()
    cache = TTLCache(30, clock=clock)
    first = Loader({"page": 1})
    first.release.set()
    await cache.fetch("key", first)
    clock.now += 30
    second = Loader({"page": 2})
    assert await fetch_all(cache, second, 16) == [{"page": 2}] * 16
    assert second.calls == 1


@pytest.mark.anyio
async def test_an_answer_loaded_across_a_webhook_is_given_but_not_kept() -> None:
    cache, stale = TTLCache(30), Loader({"page": "before"})
    fresh = Loader({"page": "after"})
    fresh.release.set()
    results: list[Any] = []

    async def before() -> None:
        results.append(await cache.fetch("key", stale))

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(before)
        await anyio.wait_all_tasks_blocked()
        cache.forget(["cus_A"])
        # A request after the webhook does not wait for the load that started before it.
        results.append(await cache.fetch("key", fresh))
        stale.release.set()
    assert sorted(r["page"] for r in results) == ["after", "before"]
    assert cache.get("key") == {"page": "after"}


@pytest.mark.anyio
async def test_a_waiter_loads_when_the_loading_request_is_cancelled() -> None:
    cache, first = TTLCache(30), Loader({"page": 1})
    second = Loader({"page": 2})
    second.release.set()
    results: list[Any] = []

    async def waiter() -> None:
        results.append(await cache.fetch("key", second))

    async with anyio.create_task_group() as outer:
        async with anyio.create_task_group() as inner:
            inner.start_soon(cache.fetch, "key", first)
            await anyio.wait_all_tasks_blocked()
            outer.start_soon(waiter)
            await anyio.wait_all_tasks_blocked()
            inner.cancel_scope.cancel()
    assert results == [{"page": 2}]
    assert (first.calls, second.calls) == (1, 1)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _page(n: int) -> dict[str, Any]:
    return {"data": [{"id": f"in_{n}_{i}", "total": i, "status": "paid"} for i in range(50)]}


def test_the_cache_holds_no_more_bytes_than_its_bound_dropping_the_oldest() -> None:
    clock = Clock()
    cache = TTLCache(30, max_bytes=200_000, clock=clock)
    for n in range(500):
        cache.put(("page", n), _page(n), ["cus_A"])
        assert cache.bytes <= 200_000
    assert cache.get(("page", 499)) == _page(499)
    assert cache.get(("page", 0)) is None
    # What it counts is what it holds: after clearing, nothing.
    cache.clear()
    assert cache.bytes == 0


def test_an_answer_bigger_than_the_whole_bound_is_not_kept() -> None:
    cache = TTLCache(30, max_bytes=1_000, clock=Clock())
    cache.put("big", _page(1), ["cus_A"])
    assert cache.get("big") is None and cache.bytes == 0


def test_expired_entries_are_purged_as_time_passes_not_only_when_read() -> None:
    clock = Clock()
    cache = TTLCache(30, max_bytes=10**8, clock=clock)
    for n in range(100):
        cache.put(("page", n), _page(n), ["cus_A"])
    full = cache.bytes
    clock.now += 31
    cache.put("fresh", {"data": []}, ["cus_B"])
    assert 0 < cache.bytes < full / 50
    assert cache.get("fresh") == {"data": []}


def test_a_webhook_forgetting_entries_gives_their_bytes_back() -> None:
    cache = TTLCache(30, max_bytes=10**8, clock=Clock())
    cache.put("a", _page(1), ["cus_A"])
    cache.put("b", _page(2), ["cus_B"])
    before = cache.bytes
    assert cache.forget(["cus_A"]) == 1
    assert 0 < cache.bytes < before
