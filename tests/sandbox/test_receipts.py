"""Every card payment is a charge with a receipt; a declined attempt is a failed charge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import stripe

from sandbox.testing import SandboxServer

PAID_WITH = ["data.payment.payment_intent.latest_charge"]


def charge_of(client: stripe.StripeClient, invoice: str) -> stripe.Charge:
    payments = client.v1.invoice_payments.list(
        {"invoice": invoice, "status": "paid", "expand": PAID_WITH}
    )
    intent = payments.data[0].payment.payment_intent
    assert isinstance(intent, stripe.PaymentIntent)
    assert isinstance(intent.latest_charge, stripe.Charge)
    return intent.latest_charge


def test_a_paid_invoice_leads_to_its_charge_and_receipt(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id, 4200)
    paid = client.v1.invoices.pay(inv.id)
    charge = charge_of(client, inv.id)
    assert (charge.status, charge.paid, charge.captured) == ("succeeded", True, True)
    assert (charge.amount, charge.amount_captured, charge.currency) == (4200, 4200, "usd")
    assert charge.customer == customer.id and charge.failure_code is None
    assert charge.receipt_number and charge.receipt_number == paid.receipt_number
    assert charge.payment_method_details is not None
    card = charge.payment_method_details.card
    assert card is not None and (card.brand, card.last4) == ("visa", "4242")
    assert client.v1.charges.retrieve(charge.id).receipt_url == charge.receipt_url
    intent = charge.payment_intent
    assert isinstance(intent, str)
    assert [c.id for c in client.v1.charges.list({"payment_intent": intent}).data] == [charge.id]
    assert [c.id for c in client.v1.charges.list({"customer": customer.id}).data] == [charge.id]
    expanded = client.v1.payment_intents.retrieve(intent, {"expand": ["latest_charge"]})
    assert isinstance(expanded.latest_charge, stripe.Charge)
    assert expanded.latest_charge.id == charge.id

    assert charge.receipt_url is not None
    page = httpx.get(charge.receipt_url)  # no key, as Stripe's receipts
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for shown in ("42.00 USD", "Visa &ndash; 4242", paid.number, charge.receipt_number, "Work"):
        assert shown and shown in page.text


def test_a_declined_attempt_is_a_failed_charge_then_a_new_one_pays(
    client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    cus = sandbox.customer_paying_with("pm_card_chargeDeclinedInsufficientFunds")
    inv = client.v1.invoices.create({"customer": cus.id})
    client.v1.invoice_items.create({"customer": cus.id, "invoice": inv.id, "amount": 1500})
    with pytest.raises(stripe.CardError):
        client.v1.invoices.pay(inv.id)
    intent = client.v1.payment_intents.list({"customer": cus.id}).data[0]
    failed = client.v1.charges.retrieve(str(intent.latest_charge))
    assert (failed.status, failed.paid, failed.captured) == ("failed", False, False)
    assert (failed.failure_code, failed.failure_message) == (
        "card_declined",
        "Your card has insufficient funds.",
    )
    assert failed.outcome is not None
    assert (failed.outcome.type, failed.outcome.reason) == ("issuer_declined", "insufficient_funds")
    assert failed.receipt_url is None and failed.receipt_number is None
    assert intent.last_payment_error is not None
    assert intent.last_payment_error.charge == failed.id

    client.v1.invoices.pay(inv.id, {"payment_method": "pm_card_visa"})
    charges = client.v1.charges.list({"customer": cus.id}).data
    assert [c.status for c in charges] == ["succeeded", "failed"]
    assert client.v1.payment_intents.retrieve(intent.id).latest_charge == charges[0].id
    assert charge_of(client, inv.id).id == charges[0].id


def test_paying_on_the_hosted_page_leaves_a_receipt(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
    sandbox: SandboxServer,
) -> None:
    inv = open_invoice(customer.id)
    form = {"payment_method": "pm_card_mastercard"}
    answer = httpx.post(f"{sandbox.url}/hosted/invoices/{inv.id}/pay", data=form)
    assert answer.status_code == 303
    charge = charge_of(client, inv.id)
    assert charge.receipt_url is not None
    assert "Mastercard &ndash; 4444" in httpx.get(charge.receipt_url).text


def test_every_card_paid_seeded_invoice_has_a_receipt(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    paid = personas["invoices"]["jane@example.com"]["paid"]
    assert len(paid) >= 13
    for invoice in paid:
        charge = charge_of(client, invoice)
        assert charge.receipt_url and charge.receipt_number
        assert client.v1.invoices.retrieve(invoice).receipt_number == charge.receipt_number
    assert httpx.get(charge_of(client, paid[0]).receipt_url or "").status_code == 200


def test_a_receipt_shows_stripe_text_as_text(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    invoice = personas["invoices"]["html@example.com"]["paid"][0]
    page = httpx.get(charge_of(client, invoice).receipt_url or "").text
    body = page.split("<h2>Summary</h2>", 1)[1]
    assert "<script" not in body and "<img" not in body and "&lt;" in body


def test_no_receipt_for_an_unknown_or_a_failed_charge(
    sandbox: SandboxServer, client: stripe.StripeClient
) -> None:
    assert httpx.get(f"{sandbox.url}/receipts/payment/ch_nope").status_code == 404
    cus = sandbox.customer_paying_with("pm_card_chargeDeclined")
    inv = client.v1.invoices.create({"customer": cus.id})
    client.v1.invoice_items.create({"customer": cus.id, "invoice": inv.id, "amount": 700})
    with pytest.raises(stripe.CardError):
        client.v1.invoices.pay(inv.id)
    failed = client.v1.charges.list({"customer": cus.id}).data[0]
    assert httpx.get(f"{sandbox.url}/receipts/payment/{failed.id}").status_code == 404
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.charges.retrieve("ch_nope")
    assert caught.value.http_status == 404 and caught.value.code == "resource_missing"
