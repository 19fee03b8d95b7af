"""One sandbox subprocess for the whole session; each test starts with no faults and no counts.

Other suites can copy this fixture: `SandboxServer` is the handle, `.client()` the SDK.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any, cast

import pytest
import stripe

from sandbox.testing import SandboxServer


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer(seed="demo") as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    sandbox_server.clear_faults()
    sandbox_server.reset_calls()
    sandbox_server.set_webhook(None, None)
    return sandbox_server


@pytest.fixture
def client(sandbox: SandboxServer) -> stripe.StripeClient:
    return sandbox.client()


@pytest.fixture(scope="session")
def personas(sandbox_server: SandboxServer) -> dict[str, Any]:
    return sandbox_server.seed()


@pytest.fixture
def customer(client: stripe.StripeClient) -> stripe.Customer:
    """A fresh customer with a Visa card as default, for tests that change things."""
    cus = client.v1.customers.create({"email": "fresh@example.com", "name": "Fresh Person"})
    pm = client.v1.payment_methods.attach("pm_card_visa", {"customer": cus.id})
    return client.v1.customers.update(
        cus.id, {"invoice_settings": {"default_payment_method": pm.id}}
    )


@pytest.fixture
def open_invoice(client: stripe.StripeClient) -> Callable[..., stripe.Invoice]:
    """Makes an open invoice of 25.00 for a customer."""

    def make(customer: str, amount: int = 2500) -> stripe.Invoice:
        inv = client.v1.invoices.create(
            {"customer": customer, "collection_method": "send_invoice", "days_until_due": 30}
        )
        client.v1.invoice_items.create(
            {"customer": customer, "invoice": inv.id, "amount": amount, "description": "Work"}
        )
        return client.v1.invoices.finalize_invoice(inv.id)

    return make


class Receiver(ThreadingHTTPServer):
    """A webhook endpoint that keeps every delivery: (body, Stripe-Signature)."""

    secret = "whsec_test_sandbox"

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[tuple[bytes, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def wait_for(self, count: int, timeout: float = 5) -> list[tuple[bytes, str]]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.received)

    def events(self, until: Callable[[list[Any]], bool], timeout: float = 5) -> list[Any]:
        """The delivered events, each verified as the SDK verifies it, once `until` holds."""
        deadline = time.monotonic() + timeout
        while True:
            events = [
                stripe.Webhook.construct_event(body, signature, self.secret)
                for body, signature in list(self.received)
            ]
            if until(events) or time.monotonic() > deadline:
                return events
            time.sleep(0.02)


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((body, self.headers["Stripe-Signature"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver(sandbox: SandboxServer) -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sandbox.set_webhook(server.url, server.secret)
    yield server
    sandbox.set_webhook(None, None)
    server.shutdown()
    server.server_close()


@pytest.fixture
def plan(client: stripe.StripeClient, customer: stripe.Customer) -> SimpleNamespace:
    """A fresh customer on a monthly plan whose product also has a yearly price, and a portal
    configuration offering both (the demo's default configuration knows only seeded prices)."""
    monthly = client.v1.prices.create(
        {"currency": "usd", "unit_amount": 1500, "recurring": {"interval": "month"},
         "product_data": {"name": "Portal plan"}, "nickname": "Portal plan (monthly)"}
    )  # fmt: skip
    yearly = client.v1.prices.create(
        {"currency": "usd", "unit_amount": 15000, "recurring": {"interval": "year"},
         "product": cast(str, monthly.product), "nickname": "Portal plan (yearly)"}
    )  # fmt: skip
    items: list[stripe.params.SubscriptionCreateParamsItem] = [{"price": monthly.id}]
    sub = client.v1.subscriptions.create({"customer": customer.id, "items": items})

    def configuration(cancel_mode: str = "at_period_end", **features: Any) -> Any:
        return client.v1.billing_portal.configurations.create({"features": cast(Any, {
            "payment_method_update": {"enabled": True},
            "subscription_cancel": {"enabled": True, "mode": cancel_mode},
            "subscription_update": {
                "enabled": True, "default_allowed_updates": ["price"],
                "products": [{"product": monthly.product, "prices": [monthly.id, yearly.id]}],
            },
            **features,
        })})  # fmt: skip

    return SimpleNamespace(
        customer=customer, sub=sub, monthly=monthly, yearly=yearly,
        configuration=configuration, config=configuration(),
    )  # fmt: skip
