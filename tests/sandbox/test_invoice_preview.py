"""`invoices.create_preview`: the next charge of a subscription, as Stripe previews it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import stripe


def test_the_preview_is_the_next_period_of_the_subscription(
    client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    sub = client.v1.subscriptions.retrieve(plan.sub.id)
    item = sub["items"].data[0]
    before = len(client.v1.invoices.list({"customer": plan.customer.id}).data)
    preview = client.v1.invoices.create_preview({"subscription": sub.id})
    assert preview.id is not None and preview.id.startswith("upcoming_in_")
    assert (preview.object, preview.status, preview.number) == ("invoice", "draft", None)
    assert (preview.amount_due, preview.total, preview.currency) == (1500, 1500, "usd")
    assert preview.billing_reason == "upcoming" and preview.customer == plan.customer.id
    assert preview.period_end == item.current_period_end
    assert preview.next_payment_attempt == item.current_period_end + 3600
    (line,) = preview.lines.data
    assert line.amount == 1500 and line.period.start == item.current_period_end
    assert line.period.end > line.period.start
    assert preview.parent is not None and preview.parent.subscription_details is not None
    assert preview.parent.subscription_details.subscription == sub.id
    after = client.v1.invoices.list({"customer": plan.customer.id}).data
    assert len(after) == before  # nothing was saved


def test_a_customer_preview_takes_the_credit_balance_in(
    client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    client.v1.customers.balance_transactions.create(
        plan.customer.id, {"amount": -400, "currency": "usd"}
    )
    preview = client.v1.invoices.create_preview({"customer": plan.customer.id})
    assert (preview.total, preview.starting_balance, preview.amount_due) == (1500, -400, 1100)
    assert client.v1.customers.retrieve(plan.customer.id).balance == -400  # untouched


def test_taxes_are_previewed_as_the_subscription_invoices_them(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    hans = personas["subscriptions"]["hans@example.de"][0]
    preview = client.v1.invoices.create_preview({"subscription": hans})
    assert (preview.subtotal, preview.total, preview.currency) == (4900, 5831, "eur")
    assert preview.total_taxes and preview.total_taxes[0].amount == 931


def test_a_subscription_that_will_not_renew_has_no_upcoming_invoice(
    client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    client.v1.subscriptions.update(plan.sub.id, {"cancel_at_period_end": True})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.create_preview({"subscription": plan.sub.id})
    assert (caught.value.http_status, caught.value.code) == (400, "invoice_upcoming_none")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.create_preview({})
    assert caught.value.param == "customer"


def test_a_preview_expands_like_an_invoice(
    client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    preview = client.v1.invoices.create_preview(
        {"subscription": plan.sub.id, "expand": ["customer"]}
    )
    assert isinstance(preview.customer, stripe.Customer)
    assert preview.customer.id == plan.customer.id and len(preview.lines.data) == 1
