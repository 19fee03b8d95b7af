"""The in-memory side of the store: limits, shown invoices, webhook event ids."""

from __future__ import annotations

import pytest

from edge.errors import ApiError
from edge.settings import Settings
from edge.store import SeenIds, Store, Windows

SETTINGS = Settings(
    stripe_secret_key="sk_test_unit",
    hash_secrets=("unit-secret-0123456789",),
    allowed_origins=("https://a.example",),
    limit_per_token="3/hour",
)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_a_spent_limit_is_429_with_when_to_come_back() -> None:
    store = Store(SETTINGS, seen_bytes=10**6)
    for _ in range(3):
        await store.hit("token", "cus_A")
    with pytest.raises(ApiError) as caught:
        await store.hit("token", "cus_A")
    assert (caught.value.status, caught.value.code) == (429, "rate_limited")
    retry = caught.value.extra["retry_after"]
    assert 1 <= retry <= 3600 and caught.value.headers == {"Retry-After": str(retry)}
    await store.hit("token", "cus_B")


@pytest.mark.anyio
async def test_only_shown_invoices_are_known_and_only_to_their_customers() -> None:
    store = Store(SETTINGS, seen_bytes=10**6)
    await store.remember({"cus_A": ["in_1", "in_2"]})
    assert await store.was_shown(("cus_A",), "in_2")
    assert await store.was_shown(("cus_Z", "cus_A"), "in_1")
    assert not await store.was_shown(("cus_B",), "in_1")
    assert not await store.was_shown(("cus_A",), "in_3")


@pytest.mark.anyio
async def test_a_webhook_event_id_counts_once() -> None:
    store = Store(SETTINGS, seen_bytes=10**6)
    assert await store.first_event("evt_1")
    assert not await store.first_event("evt_1")
    assert await store.first_event("evt_2")


def test_shown_invoices_are_bounded_dropping_the_least_recent_customer() -> None:
    seen = SeenIds(max_ids=100)
    for n in range(50):
        seen.add(f"cus_{n}", [f"in_{n}_{i}" for i in range(10)])
        assert seen.count <= 100
    assert seen.has("cus_49", "in_49_9")
    assert not seen.has("cus_0", "in_0_0")


def test_shown_invoices_expire() -> None:
    now = [1000.0]
    seen = SeenIds(max_ids=100, clock=lambda: now[0])
    seen.add("cus_A", ["in_1"])
    now[0] += 24 * 3600 + 1
    assert not seen.has("cus_A", "in_1")
    assert seen.count == 0


def test_a_limit_counts_the_previous_window_by_how_much_of_it_the_sliding_window_covers() -> None:
    now = [600.0]  # the start of a minute window
    windows = Windows(clock=lambda: now[0])
    assert all(windows.hit("token", 10, 60, "cus_A") == 0 for _ in range(10))
    assert windows.hit("token", 10, 60, "cus_A") > 0
    assert windows.hit("token", 10, 60, "cus_B") == 0
    # A quarter into the next window, three quarters of the previous one's 10 hits still
    # count (7.5): three more hits fit.
    now[0] = 675.0
    assert [windows.hit("token", 10, 60, "cus_A") for _ in range(3)] == [0, 0, 0]
    assert windows.hit("token", 10, 60, "cus_A") >= 1
    # Two windows on, nothing of the first counts.
    now[0] = 780.0
    assert all(windows.hit("token", 10, 60, "cus_A") == 0 for _ in range(10))


def test_counters_that_no_longer_count_are_purged() -> None:
    now = [0.0]
    windows = Windows(clock=lambda: now[0])
    windows.hit("session_ip", 5, 1, "10.0.0.1")
    now[0] = 120.0
    windows.hit("session_ip", 5, 1, "10.0.0.2")
    assert windows.hit("session_ip", 5, 1, "10.0.0.2") == 0
    assert len(windows._counts) == 1
