"""Events reach a configured endpoint, signed so that the SDK's construct_event accepts them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
import stripe

from sandbox.testing import SandboxServer

if TYPE_CHECKING:
    from tests.sandbox.conftest import Receiver

SECRET = "whsec_test_sandbox"  # the `receiver` fixture's (conftest.py)


def test_invoice_lifecycle_sends_signed_events_in_order(
    receiver: Receiver,
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id)
    client.v1.invoices.pay(inv.id)
    delivered = receiver.wait_for(7)  # customer.created, payment_method.attached, .updated first
    events = [stripe.Webhook.construct_event(body, sig, SECRET) for body, sig in delivered]
    events = [event for event in events if event.type.startswith("invoice.")]
    types = [event.type for event in events]
    assert types[:2] == ["invoice.created", "invoice.finalized"]
    assert types[-2:] == ["invoice.paid", "invoice.payment_succeeded"]
    paid = events[-1].data.object
    assert (paid.id, paid.status, paid.object) == (inv.id, "paid", "invoice")
    assert paid.hosted_invoice_url.startswith("http://127.0.0.1:")


def test_failed_payment_and_customer_changes_send_their_events(
    receiver: Receiver, client: stripe.StripeClient, open_invoice: Callable[..., stripe.Invoice]
) -> None:
    cus = client.v1.customers.create({"email": "hooks@example.com"})
    client.v1.customers.update(cus.id, {"name": "Hook Person"})
    inv = open_invoice(cus.id)
    with pytest.raises(stripe.CardError):
        client.v1.invoices.pay(inv.id, {"payment_method": "pm_card_chargeDeclined"})
    client.v1.invoices.void_invoice(inv.id)
    events = receiver.wait_for(6)
    types = [stripe.Webhook.construct_event(b, s, SECRET).type for b, s in events]
    assert types[:2] == ["customer.created", "customer.updated"]
    assert types[-2:] == ["invoice.payment_failed", "invoice.voided"]


def test_a_wrong_secret_fails_verification(receiver: Receiver, client: stripe.StripeClient) -> None:
    client.v1.customers.create({"email": "tamper@example.com"})
    body, signature = receiver.wait_for(1)[0]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, signature, "whsec_other")


def test_subscription_creation_sends_subscription_and_invoice_events(
    receiver: Receiver, client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    price = client.v1.prices.create(
        {"currency": "usd", "unit_amount": 900, "recurring": {"interval": "month"},
         "product_data": {"name": "Hook plan"}}
    )  # fmt: skip
    client.v1.subscriptions.create({"customer": customer.id, "items": [{"price": price.id}]})
    types = [stripe.Webhook.construct_event(b, s, SECRET).type for b, s in receiver.wait_for(8)]
    assert "customer.subscription.created" in types and "invoice.paid" in types


def test_an_unreachable_endpoint_never_holds_up_the_api(
    sandbox: SandboxServer, client: stripe.StripeClient
) -> None:
    sandbox.set_webhook("http://127.0.0.1:9/unreachable", SECRET)
    started = time.monotonic()
    client.v1.customers.create({"email": "nohook@example.com"})
    assert time.monotonic() - started < 0.5


def test_invoice_changes_through_the_api_each_send_their_event(
    receiver: Receiver, client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    inv = client.v1.invoices.create(
        {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    client.v1.invoice_items.create({"customer": customer.id, "invoice": inv.id, "amount": 800})
    client.v1.invoices.update(inv.id, {"metadata": {"order": "42"}, "description": "Parts"})
    client.v1.invoices.finalize_invoice(inv.id)
    client.v1.invoices.send_invoice(inv.id)
    client.v1.invoices.mark_uncollectible(inv.id)
    client.v1.invoices.void_invoice(inv.id)
    draft = client.v1.invoices.create({"customer": customer.id})
    client.v1.invoices.delete(draft.id)
    wanted = ["invoice.created", "invoice.updated", "invoice.finalized", "invoice.sent",
              "invoice.marked_uncollectible", "invoice.voided", "invoice.created",
              "invoice.deleted"]  # fmt: skip
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        events = [stripe.Webhook.construct_event(b, s, SECRET) for b, s in receiver.received]
        events = [e for e in events if e.type.startswith("invoice.")]
        if len(events) >= len(wanted):
            break
        time.sleep(0.02)
    assert [e.type for e in events] == wanted
    assert [e.data.object.id for e in events] == [inv.id] * 6 + [draft.id] * 2
    assert all(e.data.object.customer == customer.id for e in events)
    updated = events[1].data
    assert (updated.object.description, updated.object.metadata["order"]) == ("Parts", "42")
    assert updated.previous_attributes.to_dict() == {
        "description": None,
        "metadata": {"order": None},
    }
    assert events[5].data.object.status == "void"


def test_customer_update_event_carries_the_previous_email(
    receiver: Receiver, client: stripe.StripeClient
) -> None:
    cus = client.v1.customers.create({"email": "before@example.com"})
    client.v1.customers.update(cus.id, {"email": "after@example.com"})
    body, signature = receiver.wait_for(2)[1]
    event = stripe.Webhook.construct_event(body, signature, SECRET)
    assert (event.type, event.data.object.email) == ("customer.updated", "after@example.com")
    assert event.data.previous_attributes.to_dict() == {"email": "before@example.com"}


def test_an_update_that_changes_nothing_sends_no_event(client: stripe.StripeClient) -> None:
    cus = client.v1.customers.create({"email": "same@example.com", "name": "Same"})
    client.v1.customers.update(cus.id, {"name": "Same"})
    updates = client.v1.events.list({"type": "customer.updated", "limit": 100}).data
    assert cus.id not in [e.data.object.id for e in updates]
    client.v1.customers.update(cus.id, {"name": "Changed"})
    updates = client.v1.events.list({"type": "customer.updated", "limit": 100}).data
    assert [e.data.object.id for e in updates].count(cus.id) == 1
