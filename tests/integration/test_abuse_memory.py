"""One customer's hash filling the proxy's memory through the API: `invoice-portal serve` in its
own process, big@example.com (5,000 invoices) asking for page after page, each a new cache key.
Its resident memory stays within `PORTAL_CACHE_MB` plus a fixed overhead."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sandbox.testing import SandboxServer
from tools.process import Service, free_port

from .conftest import ORIGIN, SECRET, bearer, start

CACHE_MB = 8
# What the process may grow by besides what PORTAL_CACHE_MB bounds (the cache, the rendered
# pages and the ids shown), once a few full pages have been answered: the allocator keeping
# arenas of the pages in flight (one page of 100 invoices is ~0.3 MB of JSON from Stripe, a few
# MB as objects; a gateway without cache grew 7 MB over 20 more pages, then stayed flat), and the
# limiters' keys. Twice that, rounded up. Without the bound, 45 pages grew it by about 33 MB.
OVERHEAD_MB = 16
WARM_UP = 4
REQUESTS = 45


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


@pytest.fixture
def portal(sandbox: SandboxServer, tmp_path: Path) -> Iterator[Service]:
    """`invoice-portal serve` as a site owner runs it, with a small cache that keeps every
    entry for minutes, and limits out of the way of one fast client."""
    port = free_port()
    env = {
        **os.environ,
        "STRIPE_SECRET_KEY": "rk_test_memory",
        "STRIPE_API_BASE": sandbox.url,
        "PORTAL_HASH_SECRETS": SECRET,
        "PORTAL_ALLOWED_ORIGINS": ORIGIN,
        "PORTAL_CACHE_MB": str(CACHE_MB),
        "PORTAL_CACHE_SECONDS": "600",
        "PORTAL_LIMIT_SESSION_PER_IP": "100000/minute",
        "PORTAL_LIMIT_SESSION_PER_IDENTIFIER": "100000/minute",
        "PORTAL_LIMIT_PER_TOKEN": "100000/minute",
        "PORTAL_STRIPE_CALLS_PER_SECOND": "1000",
    }
    env.pop("PORTAL_REDIS_URL", None)
    command = str(Path(sys.executable).with_name("invoice-portal"))
    service = Service("invoice-portal", [command, "serve", "--port", str(port)], port,
                      "/healthz", tmp_path, env)  # fmt: skip
    service.start()
    try:
        service.wait_ready()
        yield service
    finally:
        service.stop()


def test_filling_the_cache_through_the_api_keeps_memory_within_its_bound(portal: Service) -> None:
    assert portal.process is not None
    pid = portal.process.pid
    with httpx.Client(base_url=portal.url, timeout=30.0) as http:
        session = start(http, "big@example.com", scope="all", limit=100)
        shown = [i["id"] for i in session["invoices"]["data"]]
        assert len(shown) == 100
        cursor = session["invoices"]["next_cursor"]
        peak = baseline = 0.0
        for number in range(WARM_UP + REQUESTS):
            if number == WARM_UP:
                # The modules imported and the pools made: what grows from here is data.
                peak = baseline = rss_mb(pid)
            # Every request a new cache key: another invoice it was shown to start after, or
            # the cursor the previous page gave, and another limit.
            after = cursor if number % 2 else shown[number]
            answer = http.get(
                "/v1/invoices",
                params={"scope": "all", "limit": 100 - number % 10, "starting_after": after},
                headers=bearer(session),
            )
            assert answer.status_code == 200, (number, answer.text)
            cursor = answer.json()["next_cursor"]
            peak = max(peak, rss_mb(pid))
    assert peak - baseline <= CACHE_MB + OVERHEAD_MB, (baseline, peak)
