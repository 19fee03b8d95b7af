"""One sandbox subprocess for the whole session; each test starts with no faults and no counts.

Other suites can copy this fixture: `SandboxServer` is the handle, `.client()` the SDK.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

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
