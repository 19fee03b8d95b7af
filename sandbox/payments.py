"""What paying an invoice leaves behind: a PaymentIntent and the invoice's `invoice_payment`.

A card payment of an invoice is a succeeded PaymentIntent (`pi_...`) with the payment method
that paid; the invoice payment (`inpay_...`) ties it to the invoice, so that
`GET /v1/invoice_payments?invoice=in_...&status=paid` with
`expand[]=data.payment.payment_intent.payment_method` gives the card, as on Stripe.
"""

from __future__ import annotations

import string
from typing import Any

from sandbox import customers, shapes
from sandbox.fixtures import template
from sandbox.params import EXPAND, LIST, check
from sandbox.state import Sandbox

_PAYMENT_INTENT = template("payment_intent")
_PAYMENT_INTENT.update(
    amount_capturable=0,
    amount_details={"tip": {}},
    application=None,
    application_fee_amount=None,
    automatic_payment_methods=None,
    canceled_at=None,
    cancellation_reason=None,
    latest_charge=None,
    last_payment_error=None,
    metadata={},
    next_action=None,
    payment_method_configuration_details=None,
    payment_method_options={},
    processing=None,
    setup_future_usage=None,
    shipping=None,
    transfer_data=None,
    excluded_payment_method_types=None,
    managed_payments=None,
    status="succeeded",
)


def record(sb: Sandbox, inv: dict[str, Any], payment_method: str, at: int) -> dict[str, Any]:
    """A succeeded payment of the whole amount due, by `payment_method`."""
    store = sb.store
    payment_method = used_card(sb, payment_method)
    intent = dict(_PAYMENT_INTENT)  # shallow: nested values here are only ever replaced
    intent["id"] = store.new_id("payment_intent")
    secret = "".join(store.later_rng.choices(string.ascii_letters + string.digits, k=25))
    intent.update(
        amount=inv["amount_due"],
        amount_received=inv["amount_due"],
        client_secret=f"{intent['id']}_secret_{secret}",
        created=at,
        currency=inv["currency"],
        customer=inv["customer"],
        description=f"Payment for Invoice {inv['number']}" if inv["number"] else None,
        payment_method=payment_method,
        receipt_email=None,
    )
    store.add("payment_intent", intent)
    payment = template("invoice_payment")
    payment.update(
        id=store.new_id("invoice_payment"),
        amount_paid=inv["amount_due"],
        amount_requested=inv["amount_due"],
        created=at,
        currency=inv["currency"],
        invoice=inv["id"],
        is_default=True,
        livemode=False,
        payment={"type": "payment_intent", "payment_intent": intent["id"]},
        status="paid",
        status_transitions={"canceled_at": None, "paid_at": at},
    )
    return store.add("invoice_payment", payment)


def used_card(sb: Sandbox, pm_id: str) -> str:
    """The payment method a payment used: paying with a test card id (`pm_card_visa`) makes
    a payment method of its own, as on Stripe."""
    if pm_id not in customers.TEST_CARDS:
        return pm_id
    brand, last4, _ = customers.TEST_CARDS[pm_id]
    card = {"brand": brand, "last4": last4, "fingerprint": pm_id[8:24].ljust(16, "x")}
    pm = shapes.payment_method(sb.store.new_id("payment_method"), sb.store.now(), card, None)
    sb.store.add("payment_method", pm)
    sb.store.cards[pm["id"]] = pm_id
    return str(pm["id"])


def intent_retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**EXPAND, "client_secret": "str"})
    return sb.store.render(sb.store.get("payment_intent", ids["id"]), p.get("expand", ()))


def intent_list(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "customer": "str"})
    rows = [
        o for o in sb.store.ordered("payment_intent") if p.get("customer") in (None, o["customer"])
    ]
    page = sb.store.page("payment_intent", rows, p, "/v1/payment_intents")
    return sb.store.render(page, p.get("expand", ()))


def payment_retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(sb.store.get("invoice_payment", ids["id"]), p.get("expand", ()))


def payment_list(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {
        **LIST,
        "invoice": "str",
        "status": ("canceled", "open", "paid"),
        "payment": {"payment_intent": "str", "type": ("payment_intent",)},
    }
    p = check(raw, spec)
    intent = (p.get("payment") or {}).get("payment_intent")
    rows = [
        o
        for o in sb.store.ordered("invoice_payment")
        if p.get("invoice") in (None, o["invoice"])
        and p.get("status") in (None, o["status"])
        and intent in (None, o["payment"].get("payment_intent"))
    ]
    page = sb.store.page("invoice_payment", rows, p, "/v1/invoice_payments")
    return sb.store.render(page, p.get("expand", ()))


ROUTES = [
    ("GET", "/v1/payment_intents", intent_list),
    ("GET", "/v1/payment_intents/{id}", intent_retrieve),
    ("GET", "/v1/invoice_payments", payment_list),
    ("GET", "/v1/invoice_payments/{id}", payment_retrieve),
]
