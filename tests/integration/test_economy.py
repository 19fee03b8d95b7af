"""Stripe calls per portal action, counted by the sandbox."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sandbox.testing import SandboxServer

from .conftest import WEBHOOK_SECRET, Proxy, bearer, start, wait_for

pytestmark = pytest.mark.usefixtures("fresh")


def test_a_cold_session_costs_at_most_three_stripe_calls(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    # The customers, the first page, and the open invoices owed.
    start(http, "jane@example.com")
    assert sandbox.calls()["total"] <= 3


def test_a_cold_session_by_customer_id_costs_at_most_three_stripe_calls(
    http: httpx.Client, sandbox: SandboxServer, proxy: Proxy
) -> None:
    customer = start(http, "hans@example.de")["customer"]["ids"][0]
    proxy.forget_cache()
    sandbox.reset_calls()
    start(http, customer)
    assert sandbox.calls()["total"] <= 3


def test_every_further_page_costs_one_call(http: httpx.Client, sandbox: SandboxServer) -> None:
    session = start(http, "big@example.com", scope="all", limit=25)
    sandbox.reset_calls()
    page = http.get(
        "/v1/invoices",
        params={"scope": "all", "limit": 25, "starting_after": session["invoices"]["next_cursor"]},
        headers=bearer(session),
    ).json()
    assert len(page["data"]) == 25
    assert sandbox.calls()["total"] == 1


def test_an_invoice_detail_costs_one_call_and_nothing_when_opened_again(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session = start(http, "jane@example.com", scope="all")
    # Open invoices of up to ten lines: no line pages, no payment to read.
    shown = [i["id"] for i in session["owed"]["data"]]
    # The key's optional permissions are learned once per process (a refused call each), and
    # tax rates are kept for every customer: a paid invoice at the same tax rate asks for all
    # of them first.
    params: dict[str, str | int] = {"scope": "all", "status": "paid", "limit": 100}
    listed = http.get("/v1/invoices", params=params, headers=bearer(session)).json()["data"]
    paid = next(i for i in listed if i["description"] == "Onboarding workshop")
    http.get(f"/v1/invoices/{paid['id']}", headers=bearer(session))
    sandbox.reset_calls()
    for _ in range(2):
        for invoice_id in shown:
            assert (
                http.get(f"/v1/invoices/{invoice_id}", headers=bearer(session)).status_code == 200
            )
    assert sandbox.calls()["by_endpoint"] == {"GET /v1/invoices/{id}": len(shown)}


def test_a_reload_within_the_cache_lifetime_costs_nothing(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    first = start(http, "jane@example.com")
    sandbox.reset_calls()
    again = start(http, "jane@example.com")
    assert sandbox.calls()["total"] == 0
    assert again["invoices"] == first["invoices"]


def test_concurrent_list_requests_after_the_cache_expires_cost_one_stripe_call(
    make_proxy: Callable[..., Proxy], faults: SandboxServer
) -> None:
    proxy = make_proxy(cache_seconds=0.5)
    with proxy.client() as client:
        session = start(client, "jane@example.com")
    time.sleep(0.6)
    # Stripe answers slowly, so every request arrives while the first one's call is running.
    faults.latency(400)
    faults.reset_calls()

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=proxy.url, timeout=20.0) as client:
            requests = [client.get("/v1/invoices", headers=bearer(session)) for _ in range(16)]
            return list(await asyncio.gather(*requests))

    answers = asyncio.run(burst())
    assert [a.status_code for a in answers] == [200] * 16
    assert all(a.json() == session["invoices"] for a in answers)
    assert faults.calls()["by_endpoint"] == {"GET /v1/invoices": 1}


def test_a_webhook_for_the_customer_clears_the_cache(
    http: httpx.Client, sandbox: SandboxServer, proxy: Proxy
) -> None:
    sandbox.set_webhook(proxy.url + "/v1/stripe/webhook", WEBHOOK_SECRET)
    try:
        session = start(http, "yuki@example.jp", scope="all", limit=100)
        target = next(i for i in session["invoices"]["data"] if i["status"] == "open")
        sandbox.client().v1.invoices.void_invoice(target["id"])
        gateway = proxy.app.parts.gateway
        key = ("email", "yuki@example.jp")
        wait_for(lambda: gateway.cache.get(key) is None)
        sandbox.reset_calls()
        reloaded = start(http, "yuki@example.jp", scope="all", limit=100)
        assert 1 <= sandbox.calls()["total"] <= 3
        statuses = {i["id"]: i["status"] for i in reloaded["invoices"]["data"]}
        assert statuses[target["id"]] == "void"
    finally:
        sandbox.set_webhook(None, None)


def test_a_webhook_for_another_customer_leaves_the_cache_alone(
    http: httpx.Client, sandbox: SandboxServer, proxy: Proxy
) -> None:
    start(http, "jane@example.com")
    event: dict[str, Any] = {"id": "evt_1", "type": "invoice.updated"}
    event["data"] = {"object": {"object": "invoice", "id": "in_1X", "customer": "cus_Other"}}
    answer = post_event(http, event)
    assert answer.status_code == 200
    sandbox.reset_calls()
    start(http, "jane@example.com")
    assert sandbox.calls()["total"] == 0


def test_a_webhook_with_a_bad_signature_is_refused(http: httpx.Client) -> None:
    event = json.dumps({"id": "evt_1", "type": "invoice.paid", "data": {"object": {}}})
    answer = http.post(
        "/v1/stripe/webhook",
        content=event,
        headers={"Stripe-Signature": f"t={int(time.time())},v1=" + "0" * 64},
    )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid_signature"
    unsigned = http.post("/v1/stripe/webhook", content=event)
    assert unsigned.status_code == 400


def test_webhooks_are_off_without_a_secret(make_proxy: Callable[..., Proxy]) -> None:
    proxy = make_proxy(webhook_secret=None)
    with proxy.client() as client:
        answer = post_event(client, {"id": "evt_1", "type": "invoice.paid", "data": {}})
    assert answer.status_code == 404


def post_event(http: httpx.Client, event: dict[str, Any]) -> httpx.Response:
    payload = json.dumps(event)
    stamp = int(time.time())
    mac = hmac.new(WEBHOOK_SECRET.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256)
    headers = {"Stripe-Signature": f"t={stamp},v1={mac.hexdigest()}"}
    return http.post("/v1/stripe/webhook", content=payload, headers=headers)
