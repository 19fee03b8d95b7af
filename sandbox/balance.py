"""A customer's balance: its transactions, and how the next invoice uses it up.

`balance` is in the customer's currency, negative when the customer has credit (a credit note's
`credit_amount`, an adjustment) and positive when they owe. Stripe applies it when an invoice
is finalized: `starting_balance` is the balance taken into it, `ending_balance` what is left,
and `amount_due` shrinks (or grows) by what was taken, with an `applied_to_invoice`
transaction.
"""

from __future__ import annotations

from typing import Any

from sandbox import invoice_items
from sandbox.customers import live_customer
from sandbox.errors import invalid, missing
from sandbox.fixtures import template
from sandbox.params import EXPAND, LIST, check
from sandbox.state import Sandbox


def transact(
    sb: Sandbox,
    customer: dict[str, Any],
    amount: int,
    kind: str,
    *,
    currency: str | None = None,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
    credit_note: str | None = None,
    invoice: str | None = None,
    at: int | None = None,
) -> dict[str, Any]:
    store = sb.store
    customer["currency"] = customer["currency"] or currency
    customer["balance"] += amount
    txn = template("customer_balance_transaction")
    txn.update(
        id=store.new_id("customer_balance_transaction"),
        amount=amount,
        created=at or store.now(),
        credit_note=credit_note,
        currency=customer["currency"],
        customer=customer["id"],
        description=description,
        ending_balance=customer["balance"],
        invoice=invoice,
        livemode=False,
        metadata=metadata or {},
        type=kind,
        checkout_session=None,
        customer_account=None,
    )
    return store.add("customer_balance_transaction", txn)


def apply_to(sb: Sandbox, inv: dict[str, Any], customer: dict[str, Any], at: int) -> None:
    """On finalization: take the customer's balance into the invoice, as far as it goes."""
    balance = customer["balance"]
    inv["starting_balance"] = balance
    inv["ending_balance"] = balance
    if not balance or customer["currency"] != inv["currency"] or inv["amount_due"] <= 0:
        return
    taken = max(balance, -inv["amount_due"])  # credit covers at most what is due
    inv["amount_due"] += taken
    inv["amount_remaining"] = inv["amount_due"] - inv["amount_paid"]
    transact(sb, customer, -taken, "applied_to_invoice", invoice=inv["id"], at=at)
    inv["ending_balance"] = customer["balance"]


def _customer(sb: Sandbox, ids: dict[str, str]) -> dict[str, Any]:
    return live_customer(sb, ids["id"])


def _own(sb: Sandbox, customer: dict[str, Any], id: str) -> dict[str, Any]:
    txn = sb.store.objects["customer_balance_transaction"].get(id)
    if txn is None or txn["customer"] != customer["id"]:
        raise missing("customer_balance_transaction", id)
    return txn


def create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {**EXPAND, "amount": "int", "currency": "str", "description": "str", "metadata": "map"}
    p = check(raw, spec, required=("amount", "currency"))
    customer = _customer(sb, ids)
    currency = invoice_items.currency(p["currency"])
    if customer["currency"] not in (None, currency):
        raise invalid(
            f"The currency {currency} does not match the customer's currency "
            f"{customer['currency']}. Use a balance transaction in {customer['currency']}.",
            "currency",
        )
    txn = transact(
        sb, customer, p["amount"], "adjustment", currency=currency,
        description=p.get("description"), metadata=p.get("metadata"),
    )  # fmt: skip
    return sb.store.render(txn, p.get("expand", ()))


def retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    txn = _own(sb, _customer(sb, ids), ids["txn"])
    return sb.store.render(txn, p.get("expand", ()))


def update(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**EXPAND, "description": "str", "metadata": "map"})
    txn = _own(sb, _customer(sb, ids), ids["txn"])
    if "description" in p:
        txn["description"] = p["description"] or None
    if "metadata" in p:
        txn["metadata"] = {k: v for k, v in {**txn["metadata"], **p["metadata"]}.items() if v}
    return sb.store.render(txn, p.get("expand", ()))


def listing(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "invoice": "str"})
    customer = _customer(sb, ids)
    rows = [
        t
        for t in sb.store.ordered("customer_balance_transaction")
        if t["customer"] == customer["id"] and p.get("invoice") in (None, t["invoice"])
    ]
    url = f"/v1/customers/{customer['id']}/balance_transactions"
    page = sb.store.page("customer_balance_transaction", rows, p, url)
    return sb.store.render(page, p.get("expand", ()))


ROUTES = [
    ("POST", "/v1/customers/{id}/balance_transactions", create),
    ("GET", "/v1/customers/{id}/balance_transactions", listing),
    ("GET", "/v1/customers/{id}/balance_transactions/{txn}", retrieve),
    ("POST", "/v1/customers/{id}/balance_transactions/{txn}", update),
]
