"""The customer's balance: its transactions, and the next invoice taking it in on finalization."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import stripe


def test_balance_transactions_move_the_balance(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    given = client.v1.customers.balance_transactions.create(
        customer.id, {"amount": -1500, "currency": "usd", "description": "Goodwill credit"}
    )
    assert (given.type, given.amount, given.ending_balance) == ("adjustment", -1500, -1500)
    owed = client.v1.customers.balance_transactions.create(
        customer.id, {"amount": 500, "currency": "usd"}
    )
    assert owed.ending_balance == -1000
    assert client.v1.customers.retrieve(customer.id).balance == -1000
    listed = client.v1.customers.balance_transactions.list(customer.id).data
    assert [t.id for t in listed] == [owed.id, given.id]
    got = client.v1.customers.balance_transactions.retrieve(customer.id, given.id)
    assert got.description == "Goodwill credit" and got.customer == customer.id
    updated = client.v1.customers.balance_transactions.update(
        customer.id, given.id, {"description": "Goodwill"}
    )
    assert updated.description == "Goodwill"


def test_a_balance_transaction_in_another_currency_is_refused(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    client.v1.customers.balance_transactions.create(
        customer.id, {"amount": -100, "currency": "usd"}
    )
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.balance_transactions.create(
            customer.id, {"amount": -100, "currency": "eur"}
        )
    assert caught.value.param == "currency"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.balance_transactions.create(customer.id, {"currency": "usd"})  # type: ignore[typeddict-item]
    assert caught.value.param == "amount"
    assert client.v1.customers.retrieve(customer.id).balance == -100


def test_the_next_invoice_takes_the_credit_in_on_finalization(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    client.v1.customers.balance_transactions.create(
        customer.id, {"amount": -1000, "currency": "usd"}
    )
    inv = open_invoice(customer.id, 2500)
    assert (inv.total, inv.starting_balance, inv.ending_balance) == (2500, -1000, 0)
    assert (inv.amount_due, inv.amount_remaining) == (1500, 1500)
    assert client.v1.customers.retrieve(customer.id).balance == 0
    applied = client.v1.customers.balance_transactions.list(customer.id).data[0]
    assert (applied.type, applied.amount, applied.invoice) == ("applied_to_invoice", 1000, inv.id)
    paid = client.v1.invoices.pay(inv.id)
    assert paid.amount_paid == 1500
    assert client.v1.charges.list({"customer": customer.id}).data[0].amount == 1500


def test_a_credit_larger_than_the_invoice_pays_it_and_the_rest_stays(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    client.v1.customers.balance_transactions.create(
        customer.id, {"amount": -5000, "currency": "usd"}
    )
    inv = open_invoice(customer.id, 2000)
    assert (inv.status, inv.amount_due, inv.starting_balance, inv.ending_balance) == (
        "paid",
        0,
        -5000,
        -3000,
    )
    assert client.v1.customers.retrieve(customer.id).balance == -3000
    assert client.v1.charges.list({"customer": customer.id}).data == []
