"""Replicas sharing one Redis (PORTAL_REDIS_URL): rate limits and seen invoices, and what
happens when Redis goes away and comes back. Redis is Debian's redis-server, started per test."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from edge.app import JsonLines
from edge.store import REDIS_RETRY_SECONDS
from sandbox.testing import SandboxServer
from tests.cli import environment, invoke
from tests.redis_server import RedisServer

from .conftest import ORIGIN, Proxy, bearer, signed, start, wait_for

# Per hour, not per minute: a sliding window crossing a boundary mid-test lets a hit through.
RATE = "5/hour"


class Events(logging.Handler):
    """The fields of every line the proxy logs, as `JsonLines` writes them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonLines())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))

    def count(self, event: str) -> int:
        return sum(1 for line in self.lines if line.get("event") == event)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer(tmp_path) as server:
        yield server


@pytest.fixture
def events() -> Iterator[Events]:
    logger = logging.getLogger("invoice_portal")
    handler = Events()
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def replicas(
    make_proxy: Callable[..., Proxy], redis_server: RedisServer, **overrides: Any
) -> tuple[Proxy, Proxy]:
    return (
        make_proxy(redis_url=redis_server.url, **overrides),
        make_proxy(redis_url=redis_server.url, **overrides),
    )


def list_page(client: httpx.Client, session: dict[str, Any]) -> httpx.Response:
    return client.get("/v1/invoices", headers=bearer(session))


def statuses(answers: list[httpx.Response]) -> list[int]:
    return [answer.status_code for answer in answers]


def assert_rate_limited(answer: httpx.Response) -> None:
    assert answer.status_code == 429, answer.text
    error = answer.json()["error"]
    assert error["code"] == "rate_limited"
    assert answer.headers["Retry-After"].isdigit()
    assert int(answer.headers["Retry-After"]) == error["retry_after"] >= 1


def test_replicas_share_the_limit_per_token(
    make_proxy: Callable[..., Proxy], redis_server: RedisServer
) -> None:
    a, b = replicas(make_proxy, redis_server, limit_per_token=RATE)
    with a.client() as on_a, b.client() as on_b:
        session = start(on_a, "jane@example.com")
        answers = [list_page(client, session) for client in [on_a] * 3 + [on_b] * 3]
    assert statuses(answers) == [200] * 5 + [429]
    assert_rate_limited(answers[-1])


@pytest.mark.parametrize(
    ("limit", "identifiers"),
    [
        ("limit_session_per_identifier", ["jane@example.com"] * 6),
        ("limit_session_per_ip", [f"visitor{n}@example.com" for n in range(6)]),
    ],
)
def test_replicas_share_the_session_limits(
    make_proxy: Callable[..., Proxy], redis_server: RedisServer, limit: str, identifiers: list[str]
) -> None:
    a, b = replicas(make_proxy, redis_server, **{limit: RATE})
    with a.client() as on_a, b.client() as on_b:
        answers = [
            client.post("/v1/session", json=signed(identifier))
            for client, identifier in zip([on_a] * 3 + [on_b] * 3, identifiers, strict=True)
        ]
    assert statuses(answers) == [200] * 5 + [429]
    assert_rate_limited(answers[-1])


def test_an_invoice_listed_by_one_replica_opens_on_the_other(
    make_proxy: Callable[..., Proxy], redis_server: RedisServer, sandbox: SandboxServer
) -> None:
    a, b = replicas(make_proxy, redis_server)
    with a.client() as on_a, b.client() as on_b:
        session = start(on_a, "jane@example.com", scope="all", limit=1)
        first = [invoice["id"] for invoice in session["invoices"]["data"]]
        page = on_a.get(
            "/v1/invoices",
            params={
                "scope": "all",
                "limit": 3,
                "starting_after": session["invoices"]["next_cursor"],
            },
            headers=bearer(session),
        )
        assert page.status_code == 200, page.text
        listed = [invoice["id"] for invoice in page.json()["data"]]
        assert listed
        stripe = sandbox.client()
        never = next(
            invoice.id
            for customer in session["customer"]["ids"]
            for invoice in stripe.v1.invoices.list({"customer": customer, "limit": 100}).data
            # Open invoices are shown in every session's `owed`.
            if invoice.status not in ("draft", "open") and invoice.id not in first + listed
        )
        for shown in first + listed:
            answer = on_b.get(f"/v1/invoices/{shown}", headers=bearer(session))
            assert answer.status_code == 200, answer.text
            assert answer.json()["id"] == shown
        # B does check: an invoice of the same customer that no replica has shown stays hidden.
        answer = on_b.get(f"/v1/invoices/{never}", headers=bearer(session))
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"


def test_replicas_serve_on_their_own_limits_while_redis_is_away_then_share_again(
    make_proxy: Callable[..., Proxy], redis_server: RedisServer, events: Events
) -> None:
    a, b = replicas(make_proxy, redis_server, limit_per_token=RATE)
    with a.client() as on_a, b.client() as on_b:
        session = start(on_a, "jane@example.com")
        assert statuses([list_page(on_a, session), list_page(on_b, session)]) == [200, 200]
        assert events.count("redis_unavailable") == 0

        redis_server.stop()
        # Each replica now counts on its own, from zero: the token gets the whole limit on A,
        # then again on B, where A's hits do not count.
        for client in (on_a, on_b):
            answers = [list_page(client, session) for _ in range(6)]
            assert statuses(answers) == [200] * 5 + [429]
            assert_rate_limited(answers[-1])
        for client in (on_a, on_b):
            for _ in range(5):
                assert client.post("/v1/session", json=signed("hans@example.de")).status_code == 200
                assert list_page(client, session).status_code == 429
        assert events.count("redis_unavailable") == 2

        redis_server.start()

        def recovered() -> bool:
            for client in (on_a, on_b):
                answer = client.post("/v1/session", json=signed("hans@example.de"))
                assert answer.status_code == 200, answer.text
            return events.count("redis_recovered") >= 2

        # A replica tries Redis again at most every REDIS_RETRY_SECONDS.
        wait_for(recovered, timeout=3 * REDIS_RETRY_SECONDS)
        assert events.count("redis_recovered") == 2
        assert events.count("redis_unavailable") == 2

        other = start(on_b, "yuki@example.jp")
        answers = [list_page(client, other) for client in [on_a] * 3 + [on_b] * 3]
    assert events.count("redis_unavailable") == 2, (
        "Redis was declared gone again after it came back"
    )
    assert statuses(answers) == [200] * 5 + [429]
    assert_rate_limited(answers[-1])


def test_a_redis_down_at_start_leaves_the_proxy_serving_on_memory(
    make_proxy: Callable[..., Proxy], redis_server: RedisServer, events: Events
) -> None:
    redis_server.stop()
    proxy = make_proxy(redis_url=redis_server.url, limit_per_token=RATE)
    with proxy.client() as client:
        session = start(client, "jane@example.com")
        answers = [list_page(client, session) for _ in range(8)]
        assert start(client, "hans@example.de")["no_user"] is False
    assert statuses(answers) == [200] * 5 + [429] * 3
    assert_rate_limited(answers[-1])
    assert events.count("redis_unavailable") == 1


@pytest.mark.parametrize("url", ["http://x", "localhost:6379"])
def test_serve_refuses_a_redis_url_that_is_not_redis(url: str) -> None:
    env = environment(
        STRIPE_SECRET_KEY="rk_test_cli",
        PORTAL_HASH_SECRETS="cli-secret",
        PORTAL_ALLOWED_ORIGINS=ORIGIN,
        PORTAL_REDIS_URL=url,
    )
    done = invoke("serve", "--port", "0", env=env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "PORTAL_REDIS_URL" in lines[0], done.stderr
