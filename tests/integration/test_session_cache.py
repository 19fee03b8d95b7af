"""A session's answer after its token is rendered once and kept: it changes with Stripe."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox.testing import SandboxServer

from .conftest import WEBHOOK_SECRET, Proxy, start, wait_for

pytestmark = pytest.mark.usefixtures("fresh")
EMAIL = "yuki@example.jp"


def _without_token(session: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in session.items() if k not in ("token", "expires_at")}


def test_a_repeated_session_answers_the_same_but_its_own_token(http: httpx.Client) -> None:
    first = start(http, EMAIL)
    again = start(http, EMAIL)
    assert _without_token(again) == _without_token(first)
    assert list(again)[:2] == ["token", "expires_at"] and again["token"]
    other = start(http, EMAIL, scope="all", limit=3)
    assert other["scope"] == "all" and len(other["invoices"]["data"]) == 3


def test_a_renamed_customer_is_named_so_in_the_next_session_once_stripe_says_so(
    http: httpx.Client, sandbox: SandboxServer, proxy: Proxy
) -> None:
    first = start(http, EMAIL)
    customer, name = first["customer"]["ids"][0], first["customer"]["name"]
    sandbox.set_webhook(proxy.url + "/v1/stripe/webhook", WEBHOOK_SECRET)
    try:
        sandbox.client().v1.customers.update(customer, {"name": "Yuki Renamed"})
        gateway = proxy.app.parts.gateway
        wait_for(lambda: gateway.cache.get(("email", EMAIL)) is None)
        renamed = start(http, EMAIL)
        assert renamed["customer"]["name"] == "Yuki Renamed"
        assert _without_token(renamed) | {"customer": None} == _without_token(first) | {
            "customer": None
        }
    finally:
        sandbox.client().v1.customers.update(customer, {"name": name or ""})
        sandbox.set_webhook(None, None)
