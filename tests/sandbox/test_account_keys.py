"""The restricted key and the customer's account: it reads receipts and credit notes and
updates billing details (Customers Write), and may not issue credit notes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import stripe

from sandbox.testing import SandboxServer

RESTRICTED = "rk_test_51InvoicePortalRestrictedKeyForTests0123456789abcdef"


@pytest.fixture
def restricted(sandbox: SandboxServer) -> stripe.StripeClient:
    return sandbox.client(api_key=RESTRICTED)


def test_restricted_key_reads_receipts_and_credit_notes(
    client: stripe.StripeClient,
    restricted: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id)
    client.v1.invoices.pay(inv.id)
    note = client.v1.credit_notes.create({"invoice": inv.id, "amount": 500, "credit_amount": 500})
    payments = restricted.v1.invoice_payments.list(
        {
            "invoice": inv.id,
            "status": "paid",
            "expand": ["data.payment.payment_intent.latest_charge"],
        }
    )
    intent = payments.data[0].payment.payment_intent
    assert isinstance(intent, stripe.PaymentIntent) and isinstance(
        intent.latest_charge, stripe.Charge
    )
    assert intent.latest_charge.receipt_url
    assert (
        restricted.v1.charges.list({"customer": customer.id}).data[0].id == intent.latest_charge.id
    )
    assert [n.id for n in restricted.v1.credit_notes.list({"invoice": inv.id}).data] == [note.id]
    assert restricted.v1.customers.balance_transactions.list(customer.id).data[0].amount == -500


def test_restricted_key_updates_billing_details(
    client: stripe.StripeClient, restricted: stripe.StripeClient, customer: stripe.Customer
) -> None:
    restricted.v1.customers.update(
        customer.id,
        {"name": "Billing Name", "address": {"line1": "1 Main St", "country": "DE"},
         "tax_exempt": "reverse"},
    )  # fmt: skip
    made = restricted.v1.customers.tax_ids.create(
        customer.id, {"type": "eu_vat", "value": "DE123456789"}
    )
    assert [t.id for t in restricted.v1.customers.tax_ids.list(customer.id).data] == [made.id]
    restricted.v1.customers.tax_ids.delete(customer.id, made.id)
    after = client.v1.customers.retrieve(customer.id)
    assert (after.name, after.tax_exempt) == ("Billing Name", "reverse")
    assert client.v1.customers.tax_ids.list(customer.id).data == []
