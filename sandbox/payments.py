"""What paying an invoice leaves behind: a PaymentIntent and the invoice's `invoice_payment`.

A failed attempt leaves the payment open and its PaymentIntent in `requires_payment_method`
with the decline as `last_payment_error`; the next successful attempt pays through them.

A card payment of an invoice is a succeeded PaymentIntent (`pi_...`) with the payment method
that paid and its charge (`latest_charge`, `sandbox.charges`); the invoice payment
(`inpay_...`) ties it to the invoice, so that
`GET /v1/invoice_payments?invoice=in_...&status=paid` with
`expand[]=data.payment.payment_intent.payment_method` gives the card, as on Stripe.
"""

from __future__ import annotations

import string
from typing import Any

from sandbox import charges, customers, shapes
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
    """A succeeded payment of the whole amount due, by `payment_method`: the invoice's open
    payment, when an earlier attempt failed (Stripe reuses its PaymentIntent), else a new one."""
    payment_method = used_card(sb, payment_method)
    payment = _open_payment(sb, inv) or _new_payment(sb, inv, payment_method, at)
    intent = sb.store.get("payment_intent", payment["payment"]["payment_intent"])
    charges.record(sb, intent, inv, payment_method, at)
    intent.update(
        amount_received=inv["amount_due"],
        last_payment_error=None,
        payment_method=payment_method,
        status="succeeded",
    )
    sb.store.open_payments.pop(inv["id"], None)
    payment.update(
        amount_paid=inv["amount_due"],
        status="paid",
        status_transitions={"canceled_at": None, "paid_at": at},
    )
    return payment


def record_failure(
    sb: Sandbox, inv: dict[str, Any], payment_method: str, decline: str, at: int
) -> dict[str, Any]:
    """A failed attempt: the invoice's payment stays open, and its PaymentIntent waits for
    another payment method with the decline as `last_payment_error`, as on Stripe."""
    payment_method = used_card(sb, payment_method)
    payment = _open_payment(sb, inv) or _new_payment(sb, inv, payment_method, at)
    sb.store.open_payments[inv["id"]] = payment["id"]
    intent = sb.store.get("payment_intent", payment["payment"]["payment_intent"])
    code, message = customers.DECLINES[decline]
    method = sb.store.get("payment_method", payment_method)
    charge = charges.record(sb, intent, inv, payment_method, at, (code, decline, message))
    intent.update(
        payment_method=None,
        status="requires_payment_method",
        last_payment_error={
            "type": "card_error",
            "charge": charge["id"],
            "code": code,
            "decline_code": decline,
            "message": message,
            "doc_url": f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}",
            "payment_method": method,
        },
    )
    return payment


def _open_payment(sb: Sandbox, inv: dict[str, Any]) -> dict[str, Any] | None:
    found = sb.store.open_payments.get(inv["id"])
    return sb.store.get("invoice_payment", found) if found else None


def _new_payment(sb: Sandbox, inv: dict[str, Any], payment_method: str, at: int) -> dict[str, Any]:
    store = sb.store
    intent = dict(_PAYMENT_INTENT)  # shallow: nested values here are only ever replaced
    intent["id"] = store.new_id("payment_intent")
    secret = "".join(store.later_rng.choices(string.ascii_letters + string.digits, k=25))
    intent.update(
        amount=inv["amount_due"],
        amount_received=0,
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
        amount_paid=None,
        amount_requested=inv["amount_due"],
        created=at,
        currency=inv["currency"],
        invoice=inv["id"],
        is_default=True,
        livemode=False,
        payment={"type": "payment_intent", "payment_intent": intent["id"]},
        status="open",
        status_transitions={"canceled_at": None, "paid_at": None},
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
