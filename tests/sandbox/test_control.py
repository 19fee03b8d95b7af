"""Call counts and fault switches, as the proxy's tests use them."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
import stripe

from sandbox.testing import SandboxServer


def test_calls_are_counted_by_endpoint_with_ids_folded(
    sandbox: SandboxServer, client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    inv = personas["invoices"]["jane@example.com"]["paid"][0]
    client.v1.invoices.list({"customer": jane})
    client.v1.invoices.list({"customer": jane})
    client.v1.invoices.retrieve(inv)
    calls = sandbox.calls()
    assert calls["by_endpoint"] == {"GET /v1/invoices": 2, "GET /v1/invoices/{id}": 1}
    assert calls["total"] == 3
    sandbox.reset_calls()
    assert sandbox.calls() == {"total": 0, "by_endpoint": {}}


def test_next_calls_fail_with_500_then_recover(
    sandbox: SandboxServer, client: stripe.StripeClient
) -> None:
    sandbox.fault(status=500, count=2)
    for _ in range(2):
        with pytest.raises(stripe.APIError) as caught:
            client.v1.customers.list()
        assert caught.value.http_status == 500
    assert client.v1.customers.list().object == "list"  # type: ignore[attr-defined]


def test_rate_limit_fault_answers_429_only_on_its_path(
    sandbox: SandboxServer, client: stripe.StripeClient
) -> None:
    sandbox.fault(status=429, count=1, path="/v1/invoices")
    assert client.v1.customers.list().object == "list"  # type: ignore[attr-defined]
    with pytest.raises(stripe.RateLimitError) as caught:
        client.v1.invoices.list()
    assert caught.value.error is not None
    assert caught.value.http_status == 429 and caught.value.error.code == "rate_limit"
    assert client.v1.invoices.list().object == "list"  # type: ignore[attr-defined]
    assert sandbox.calls()["by_endpoint"]["GET /v1/invoices"] == 2


def test_hang_outlasts_a_client_timeout(sandbox: SandboxServer) -> None:
    sandbox.hang(2, count=1)
    client = sandbox.client(http_client=stripe.HTTPXClient(timeout=0.5, allow_sync_methods=True))
    started = time.monotonic()
    with pytest.raises(stripe.APIConnectionError):
        client.v1.customers.list()
    assert time.monotonic() - started < 1.5


def test_latency_delays_every_call(sandbox: SandboxServer, client: stripe.StripeClient) -> None:
    sandbox.latency(300)
    started = time.monotonic()
    client.v1.customers.list({"limit": 1})
    assert time.monotonic() - started >= 0.3
    sandbox.clear_faults()
    started = time.monotonic()
    client.v1.customers.list({"limit": 1})
    assert time.monotonic() - started < 0.3


def test_control_calls_are_never_counted(sandbox: SandboxServer) -> None:
    sandbox.seed()
    sandbox.calls()
    httpx.get(sandbox.url + "/_sandbox/faults")
    assert sandbox.calls()["total"] == 0


def test_bad_fault_requests_are_refused(sandbox: SandboxServer) -> None:
    for body in ({"status": 418}, {"count": 0, "status": 500}, {"hang": "x"}, {"nope": 1}):
        response = httpx.post(sandbox.url + "/_sandbox/faults", json=body)
        assert response.status_code == 400, body
    assert httpx.post(sandbox.url + "/_sandbox/faults", content=b"{").status_code == 400
    assert httpx.get(sandbox.url + "/_sandbox/faults").json()["faults"] == []


def test_seed_names_every_persona(personas: dict[str, Any]) -> None:
    emails = set(personas["customers"])
    assert {"jane@example.com", "hans@example.de", "yuki@example.jp", "amelie@example.fr",
            "decline@example.com", "auth@example.com", "nocard@example.com", "big@example.com",
            "twin@example.com", "multi@example.com", "html@example.com",
            "empty@example.com", "detail@example.com"} == emails  # fmt: skip
    assert len(personas["customers"]["twin@example.com"]) == 2
    assert len(personas["subscriptions"]["multi@example.com"]) == 2
    assert "nobody@example.com" not in emails
