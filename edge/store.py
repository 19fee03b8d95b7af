"""What replicas may share: rate limits, the invoices each customer was shown, webhook event ids.

In this process's memory by default. With PORTAL_REDIS_URL it lives in Redis, so every replica
counts the same hits and knows what the others have shown. When Redis fails the proxy goes on
with its own memory (limits still apply, per process), says so once, and tries Redis again
every REDIS_RETRY_SECONDS.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from limits import RateLimitItem, parse_many
from limits.aio.storage import RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from edge.errors import rate_limited
from edge.settings import Settings

log = logging.getLogger("invoice_portal")
T = TypeVar("T")

REDIS_RETRY_SECONDS = 5.0
REDIS_TIMEOUT = 0.5
SEEN_SECONDS = 24 * 3600
EVENT_SECONDS = 300
PREFIX = "invoice-portal"
# Rough bytes one remembered invoice id costs in a Python set: the string and its slot.
SEEN_ID_BYTES = 120
PURGE_SECONDS = 60.0


class Store:
    def __init__(self, settings: Settings, seen_bytes: int | None = None) -> None:
        self.rates = {
            "session_ip": parse_many(settings.limit_session_per_ip),
            "session_identifier": parse_many(settings.limit_session_per_identifier),
            "token": parse_many(settings.limit_per_token),
        }
        self.stripe_rate = parse_many(f"{settings.stripe_calls_per_second}/second")
        # (amount, seconds) of each limit, read once: the memory counters' whole input.
        self.windows = {
            rate: [(item.amount, item.get_expiry()) for item in items]
            for rate, items in [*self.rates.items(), ("stripe", self.stripe_rate)]
        }
        self.local = Windows()
        seen_bytes = settings.seen_bytes if seen_bytes is None else seen_bytes
        self.seen_local = SeenIds(max(1000, seen_bytes // SEEN_ID_BYTES))
        self.events_local: OrderedDict[str, float] = OrderedDict()
        self.redis: Any = None
        self.shared: SlidingWindowCounterRateLimiter | None = None
        if settings.redis_url:
            import redis.asyncio
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff
            from redis.exceptions import ConnectionError

            # One retry on a fresh connection: after Redis restarts, a pooled connection to the
            # old server fails once, and that is not an outage. Nothing more: a Redis that is
            # really away must cost a request REDIS_TIMEOUT at most, then memory takes over.
            options: dict[str, Any] = {
                "socket_timeout": REDIS_TIMEOUT,
                "socket_connect_timeout": REDIS_TIMEOUT,
                "retry": Retry(NoBackoff(), 1),
                "retry_on_error": [ConnectionError],
            }
            self.redis = redis.asyncio.Redis.from_url(settings.redis_url, **options)
            storage: Storage = RedisStorage(
                "async+" + settings.redis_url,
                implementation="redispy",
                wrap_exceptions=True,
                key_prefix=PREFIX,
                **options,
            )
            self.shared = SlidingWindowCounterRateLimiter(storage)
        self.redis_down_until = 0.0
        self.redis_down = False
        self.key = hmac.new(
            settings.hash_secrets[0].encode(), b"invoice-portal store v1", hashlib.sha256
        ).digest()

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()

    def _private(self, text: str) -> str:
        # Keys name customers (emails, ids); a shared Redis holds only their keyed digests.
        return hmac.new(self.key, text.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]

    async def hit(self, rate: str, key: str, cost: int = 1) -> None:
        """Count a request (`cost` hits: one per Stripe call it may make) against the named
        limit; 429 when it is spent."""
        if self.redis is None:
            # Nearly every request: no key digest, no storage layers.
            for amount, seconds in self.windows[rate]:
                wait = self.local.hit(rate, amount, seconds, key, cost)
                if wait:
                    raise rate_limited(wait)
            return
        private = self._private(key)
        for item in self.rates[rate]:
            if self._use_redis() and self.shared is not None:
                allowed = await self._redis(
                    functools.partial(_hit, self.shared, item, rate, private, cost), None
                )
                if allowed is not None:
                    if not allowed[0]:
                        raise rate_limited(allowed[1])
                    continue
            wait = self.local.hit(rate, item.amount, item.get_expiry(), private, cost)
            if wait:
                raise rate_limited(wait)

    async def spend_stripe_call(self) -> None:
        """One call from this process's budget of Stripe calls per second."""
        for amount, seconds in self.windows["stripe"]:
            wait = self.local.hit("stripe", amount, seconds, "process")
            if wait:
                raise rate_limited(wait, "the portal is busy: try again in a moment")

    async def remember(self, ids_by_customer: dict[str, list[str]]) -> None:
        """Record the invoices shown to each customer."""
        ids_by_customer = {c: ids for c, ids in ids_by_customer.items() if c and ids}
        if not ids_by_customer:
            return
        for customer, ids in ids_by_customer.items():
            self.seen_local.add(customer, ids)
        if self._use_redis():

            async def store() -> None:
                pipe = self.redis.pipeline(transaction=False)
                for customer, ids in ids_by_customer.items():
                    key = f"{PREFIX}:seen:{self._private(customer)}"
                    pipe.sadd(key, *ids)
                    pipe.expire(key, SEEN_SECONDS)
                await pipe.execute()

            await self._redis(store, None)

    async def was_shown(self, customers: tuple[str, ...], invoice_id: str) -> bool:
        for customer in customers:
            if self.seen_local.has(customer, invoice_id):
                return True
        if not customers or not self._use_redis():
            return False

        async def check() -> bool:
            pipe = self.redis.pipeline(transaction=False)
            for customer in customers:
                pipe.sismember(f"{PREFIX}:seen:{self._private(customer)}", invoice_id)
            return any(await pipe.execute())

        return bool(await self._redis(check, False))

    async def first_event(self, event_id: str) -> bool:
        """True the first time an event id is seen within EVENT_SECONDS."""
        now = time.monotonic()
        while self.events_local and next(iter(self.events_local.values())) <= now:
            self.events_local.popitem(last=False)
        if event_id in self.events_local:
            return False
        self.events_local[event_id] = now + EVENT_SECONDS
        if self._use_redis():

            async def claim() -> bool:
                key = f"{PREFIX}:event:{event_id}"
                return bool(await self.redis.set(key, 1, nx=True, ex=EVENT_SECONDS))

            return bool(await self._redis(claim, True))
        return True

    def _use_redis(self) -> bool:
        return self.redis is not None and time.monotonic() >= self.redis_down_until

    async def _redis(self, action: Callable[[], Awaitable[T]], fallback: T) -> T:
        try:
            result = await action()
        except Exception as error:  # any failure of Redis: serve on memory instead
            self.redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
            if not self.redis_down:
                self.redis_down = True
                fields = {"event": "redis_unavailable", "error": type(error).__name__}
                log.warning(json.dumps({**fields, "retry_seconds": REDIS_RETRY_SECONDS}))
            return fallback
        if self.redis_down:
            self.redis_down = False
            log.warning(json.dumps({"event": "redis_recovered"}))
        return result


async def _hit(
    limiter: SlidingWindowCounterRateLimiter,
    item: RateLimitItem,
    rate: str,
    key: str,
    cost: int = 1,
) -> tuple[bool, float]:
    """(allowed, seconds until the limit has room again)."""
    if await limiter.hit(item, rate, key, cost=cost):
        return True, 0.0
    stats = await limiter.get_window_stats(item, rate, key)
    return False, max(1.0, stats.reset_time - time.time())


class Windows:
    """Sliding window counters in this process's memory, counted as `limits` counts them in
    Redis: the hits of the current fixed window, plus those of the previous one weighted by how
    much of it the sliding window still covers."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        # (limit name, amount, seconds, key) -> [window number, previous hits, current hits]
        self._counts: dict[tuple[str, int, int, str], list[int]] = {}
        self._next_purge = clock() + PURGE_SECONDS

    def hit(self, name: str, amount: int, seconds: int, key: str, cost: int = 1) -> float:
        """0 when the `cost` hits are allowed (and counted), else the seconds until there is
        room."""
        now = self.clock()
        if now >= self._next_purge:
            self.purge(now)
        window = int(now // seconds)
        counts = self._counts.get((name, amount, seconds, key))
        previous = current = 0
        if counts is not None and counts[0] == window:
            previous, current = counts[1], counts[2]
        elif counts is not None and counts[0] == window - 1:
            previous = counts[2]
        left = seconds - now % seconds
        if math.floor(previous * left / seconds + current) + cost > amount:
            reset = left % (seconds / previous) if previous else math.inf
            if current:
                reset = min(reset, left)
            return max(1.0, reset)
        self._counts[(name, amount, seconds, key)] = [window, previous, current + cost]
        return 0.0

    def purge(self, now: float) -> None:
        """Drop the counters whose hits no longer count."""
        stale = [k for k, counts in self._counts.items() if counts[0] < now // k[2] - 1]
        for key in stale:
            del self._counts[key]
        self._next_purge = now + PURGE_SECONDS


class SeenIds:
    """Invoice ids shown per customer, at most `max_ids` in all; the least recent go first."""

    def __init__(self, max_ids: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_ids = max_ids
        self.clock = clock
        self.count = 0
        self._by_customer: OrderedDict[str, tuple[float, set[str]]] = OrderedDict()

    def add(self, customer: str, ids: Iterable[str]) -> None:
        _, known = self._by_customer.pop(customer, (0.0, set()))
        before = len(known)
        known.update(ids)
        self.count += len(known) - before
        self._by_customer[customer] = (self.clock() + SEEN_SECONDS, known)
        while self.count > self.max_ids and len(self._by_customer) > 1:
            _, (_, dropped) = self._by_customer.popitem(last=False)
            self.count -= len(dropped)

    def has(self, customer: str, invoice_id: str) -> bool:
        entry = self._by_customer.get(customer)
        if entry is None:
            return False
        if entry[0] <= self.clock():
            del self._by_customer[customer]
            self.count -= len(entry[1])
            return False
        return invoice_id in entry[1]
