"""Stripe failing: retries with backoff, timeouts, Stripe unreachable."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable

import httpx
import pytest

from sandbox.testing import SandboxServer

from .conftest import Proxy, signed, start


@pytest.mark.parametrize(("status", "failures"), [(429, 1), (500, 2)])
def test_a_few_stripe_failures_are_retried_and_the_answer_is_good(
    http: httpx.Client,
    faults: SandboxServer,
    status: int,
    failures: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="invoice_portal")
    faults.fault(status, failures, "/v1/customers")
    answer = http.post("/v1/session", json=signed("jane@example.com"))
    assert answer.status_code == 200
    assert answer.json()["customer"]["email"] == "jane@example.com"
    assert faults.calls()["by_endpoint"]["GET /v1/customers"] == failures + 1
    retries = [json.loads(r.getMessage()) for r in caplog.records if r.name == "invoice_portal"]
    retries = [r for r in retries if r["event"] == "stripe_retry"]
    assert len(retries) == failures
    assert {r["request_id"] for r in retries} == {answer.headers["x-request-id"]}


def test_stripe_rate_limiting_the_proxy_is_retried_once_then_answered_429(
    http: httpx.Client, faults: SandboxServer
) -> None:
    faults.fault(429, 10, "/v1/customers")
    answer = http.post("/v1/session", json=signed("jane@example.com"))
    assert answer.status_code == 429
    assert answer.json()["error"]["code"] == "rate_limited"
    assert int(answer.headers["retry-after"]) >= 1
    assert faults.calls()["by_endpoint"]["GET /v1/customers"] == 2


def test_persistent_stripe_errors_become_502_upstream_unavailable(
    http: httpx.Client, faults: SandboxServer
) -> None:
    faults.fault(500, 1000)
    answer = http.post("/v1/session", json=signed("jane@example.com"))
    assert answer.status_code == 502
    assert answer.json()["error"]["code"] == "upstream_unavailable"


def test_a_hanging_stripe_becomes_504_within_the_deadline(
    make_proxy: Callable[..., Proxy], faults: SandboxServer
) -> None:
    proxy = make_proxy(stripe_timeout=0.3, stripe_deadline=1.0)
    faults.hang(5, 100)
    started = time.monotonic()
    with proxy.client() as client:
        answer = client.post("/v1/session", json=signed("jane@example.com"))
    assert answer.status_code == 504
    assert answer.json()["error"]["code"] == "upstream_timeout"
    assert time.monotonic() - started < 3


def test_a_slow_answer_within_the_timeout_is_fine(
    make_proxy: Callable[..., Proxy], faults: SandboxServer
) -> None:
    proxy = make_proxy(stripe_timeout=2.0, stripe_deadline=4.0)
    faults.latency(200)
    with proxy.client() as client:
        assert start(client, "jane@example.com")["no_user"] is False


def test_an_unreachable_stripe_is_502_and_the_key_never_shows(
    make_proxy: Callable[..., Proxy],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    proxy = make_proxy(api_base=closed, stripe_deadline=1.0)
    with proxy.client() as client:
        answer = client.post("/v1/session", json=signed("jane@example.com"))
    assert answer.status_code == 502
    assert answer.json()["error"]["code"] == "upstream_unavailable"
    assert proxy.settings.stripe_secret_key[:7] not in answer.text  # not even masked
