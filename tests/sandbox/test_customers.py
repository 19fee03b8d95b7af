"""Customers, payment methods, products, prices and subscriptions through the SDK."""

from __future__ import annotations

from typing import Any

import pytest
import stripe


def test_customer_create_update_list_and_search_by_email(client: stripe.StripeClient) -> None:
    cus = client.v1.customers.create({"email": "list-me@example.com", "name": "List Me"})
    assert (cus.object, cus.email, cus.name, cus.livemode) == (
        "customer",
        "list-me@example.com",
        "List Me",
        False,
    )
    updated = client.v1.customers.update(cus.id, {"name": "Listed", "metadata": {"tier": "gold"}})
    assert updated.metadata is not None
    assert updated.name == "Listed" and updated.metadata["tier"] == "gold"
    assert [c.id for c in client.v1.customers.list({"email": "list-me@example.com"}).data] == [
        cus.id
    ]
    found = client.v1.customers.search({"query": "email:'list-me@example.com'"})
    assert [c.id for c in found.data] == [cus.id]
    assert client.v1.customers.search({"query": "metadata['tier']:'gold'"}).data[0].id == cus.id


def test_two_customers_share_the_twin_email(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    twins = client.v1.customers.list({"email": "twin@example.com"}).data
    assert sorted(c.id for c in twins) == sorted(personas["customers"]["twin@example.com"])
    merged = sorted(
        (inv for cus in twins for inv in client.v1.invoices.list({"customer": cus.id}).data),
        key=lambda inv: inv.created,
    )
    owners = [inv.customer for inv in merged]
    assert owners[0] != owners[1]  # their invoices interleave in time


def test_email_filter_is_an_exact_case_sensitive_match(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"]
    assert [c.id for c in client.v1.customers.list({"email": "jane@example.com"}).data] == jane
    for near in ("JANE@example.com", "Jane@Example.com", "jane@example", "ane@example.com",
                 " jane@example.com", "jane@example.com "):  # fmt: skip
        assert client.v1.customers.list({"email": near}).data == [], near


def test_nobody_has_no_customer(client: stripe.StripeClient) -> None:
    assert client.v1.customers.list({"email": "nobody@example.com"}).data == []


def test_test_cards_attach_as_new_payment_methods_and_become_default(
    client: stripe.StripeClient,
) -> None:
    cus = client.v1.customers.create({"email": "cards@example.com"})
    visa = client.v1.payment_methods.attach("pm_card_visa", {"customer": cus.id})
    master = client.v1.payment_methods.attach("pm_card_mastercard", {"customer": cus.id})
    assert visa.id.startswith("pm_") and visa.id != "pm_card_visa"
    assert visa.card is not None and master.card is not None
    assert (visa.card.brand, visa.card.last4, master.card.brand) == ("visa", "4242", "mastercard")
    listed = client.v1.payment_methods.list({"customer": cus.id, "type": "card"}).data
    assert [pm.id for pm in listed] == [master.id, visa.id]
    cus = client.v1.customers.update(
        cus.id, {"invoice_settings": {"default_payment_method": visa.id}}
    )
    assert cus.invoice_settings is not None
    assert cus.invoice_settings.default_payment_method == visa.id
    expanded = client.v1.customers.retrieve(
        cus.id, {"expand": ["invoice_settings.default_payment_method"]}
    )
    assert expanded.invoice_settings is not None
    card = expanded.invoice_settings.default_payment_method
    assert isinstance(card, stripe.PaymentMethod) and card.card is not None
    assert card.card.last4 == "4242"


def test_default_payment_method_must_belong_to_the_customer(client: stripe.StripeClient) -> None:
    one = client.v1.customers.create({"email": "one@example.com"})
    two = client.v1.customers.create({"email": "two@example.com"})
    pm = client.v1.payment_methods.attach("pm_card_visa", {"customer": one.id})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.update(two.id, {"invoice_settings": {"default_payment_method": pm.id}})


def test_deleted_customer_reads_as_deleted(client: stripe.StripeClient) -> None:
    cus = client.v1.customers.create({"email": "gone@example.com"})
    assert client.v1.customers.delete(cus.id).deleted is True
    assert client.v1.customers.retrieve(cus.id).deleted is True
    assert client.v1.customers.list({"email": "gone@example.com"}).data == []


def test_subscription_bills_its_first_period_and_lists_by_status(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    price = client.v1.prices.create(
        {"currency": "usd", "unit_amount": 1500, "recurring": {"interval": "month"},
         "product_data": {"name": "Starter"}}
    )  # fmt: skip
    assert price.recurring is not None
    assert price.type == "recurring" and price.recurring.interval == "month"
    sub = client.v1.subscriptions.create(
        {"customer": customer.id, "items": [{"price": price.id, "quantity": 2}],
         "expand": ["latest_invoice"]}
    )  # fmt: skip
    assert sub.status == "active"
    assert sub.items.data[0].price.id == price.id and sub.items.data[0].quantity == 2
    assert isinstance(sub.latest_invoice, stripe.Invoice)
    assert sub.latest_invoice.status == "paid" and sub.latest_invoice.amount_paid == 3000
    assert sub.latest_invoice.billing_reason == "subscription_create"
    listed = client.v1.subscriptions.list({"customer": customer.id, "status": "active"}).data
    assert [s.id for s in listed] == [sub.id]
    canceled = client.v1.subscriptions.cancel(sub.id)
    assert canceled.status == "canceled" and canceled.canceled_at
    assert client.v1.subscriptions.list({"customer": customer.id}).data == []
    assert len(client.v1.subscriptions.list({"customer": customer.id, "status": "all"}).data) == 1


def test_subscription_with_a_declining_card_stays_incomplete(client: stripe.StripeClient) -> None:
    cus = client.v1.customers.create({"email": "incomplete@example.com"})
    pm = client.v1.payment_methods.attach("pm_card_chargeDeclined", {"customer": cus.id})
    price = client.v1.prices.create(
        {"currency": "usd", "unit_amount": 500, "recurring": {"interval": "month"},
         "product_data": {"name": "Basic"}}
    )  # fmt: skip
    sub = client.v1.subscriptions.create(
        {"customer": cus.id, "items": [{"price": price.id}], "default_payment_method": pm.id}
    )
    assert sub.status == "incomplete"
    assert isinstance(sub.latest_invoice, str)
    assert client.v1.invoices.retrieve(sub.latest_invoice).status == "open"


def test_multi_has_two_active_subscriptions_of_different_products(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    multi = personas["customers"]["multi@example.com"][0]
    subs = client.v1.subscriptions.list({"customer": multi, "status": "active"}).data
    assert len(subs) == 2
    assert len({s.items.data[0].price.product for s in subs}) == 2


def test_products_and_prices_round_trip(client: stripe.StripeClient) -> None:
    product = client.v1.products.create({"name": "Widget", "description": "A widget"})
    price = client.v1.prices.create({"currency": "eur", "unit_amount": 990, "product": product.id})
    assert price.type == "one_time" and price.recurring is None
    assert client.v1.products.retrieve(product.id).name == "Widget"
    assert [p.id for p in client.v1.prices.list({"product": product.id}).data] == [price.id]
    expanded = client.v1.prices.retrieve(price.id, {"expand": ["product"]})
    assert isinstance(expanded.product, stripe.Product)
    assert expanded.product.name == "Widget"
