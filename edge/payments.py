"""What paying an invoice decides before and after the one Stripe call that pays it.

The gateway makes the calls; this module holds the rules: which invoices may be paid, with
which saved payment method (Stripe's own order), under which idempotency key, and what each
of Stripe's refusals means for the customer.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from edge import shapes
from edge.errors import ApiError, not_found

Obj = dict[str, Any]
# Stripe's codes for "the bank wants the customer": the hosted invoice page takes over.
NEEDS_CUSTOMER = ("invoice_payment_intent_requires_action", "authentication_required")
NOT_OPEN = ("invoice_not_open", "invoice_already_paid", "invoice_unexpected_state")


def check_payable(invoice: Obj, customers: tuple[str, ...], idempotency_key: str | None) -> None:
    if not shapes.visible(invoice, customers):
        raise not_found()
    # A repeated click with the same key replays Stripe's first answer instead of failing.
    if invoice["status"] != "open" and not (invoice["status"] == "paid" and idempotency_key):
        raise ApiError(409, "invoice_not_payable", f"the invoice is {invoice['status']}")


def pay_params(invoice: Obj) -> Obj | None:
    """Stripe's parameters for paying with the saved method, or None when there is none.

    Stripe's own order: the invoice's method, the subscription's, the customer's. The
    invoice needs `customer` and `parent.subscription_details.subscription` expanded.
    """
    own, saved, source = _saved(invoice)
    if not (own or saved or source):
        return None
    return {"payment_method": saved} if saved and not own else {}


def charged_method(invoice: Obj) -> tuple[str | None, bool]:
    """The id of the payment method paying would charge (None for a legacy source), and
    whether there is any saved method at all; the invoice expanded as for `pay_params`."""
    own, saved, source = _saved(invoice)
    return own or saved, bool(own or saved or source)


def _saved(invoice: Obj) -> tuple[str | None, str | None, Any]:
    customer = invoice["customer"] if isinstance(invoice["customer"], dict) else {}
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    subscription = details.get("subscription")
    own = shapes.ref_id(invoice.get("default_payment_method")) or shapes.ref_id(
        subscription.get("default_payment_method") if isinstance(subscription, dict) else None
    )
    saved = shapes.ref_id((customer.get("invoice_settings") or {}).get("default_payment_method"))
    return own, saved, customer.get("default_source")


def idempotency_key(given: str | None, invoice: Obj) -> str:
    """The key Stripe gets: the client's scoped to this invoice and customer, so one key
    reused on another invoice pays that invoice instead of colliding with the first."""
    if given is None:
        return f"invoice-portal-{uuid.uuid4()}"
    scope = f"{shapes.customer_id(invoice)}\n{invoice['id']}\n{given}"
    return "invoice-portal-" + hashlib.sha256(scope.encode()).hexdigest()


def refusal(kind: str, code: str, decline: str | None, user_message: str | None) -> ApiError | str:
    """What a Stripe refusal of the payment means: an API error, or the reason the customer
    must act on Stripe's hosted page ("authentication_required", "no_payment_method").

    `kind` is the refusal's class: card, idempotency, key (the key lacks a permission),
    request (any other invalid request), or other.
    """
    if code in NEEDS_CUSTOMER or decline == "authentication_required":
        return "authentication_required"
    if kind == "idempotency":
        message = "this Idempotency-Key was used for another request: use a new key"
        return ApiError(409, "idempotency_conflict", message)
    if kind == "card":
        message = user_message or "the card was declined"
        return ApiError(402, code or "card_declined", message, decline_code=decline)
    if code == "missing":
        return "no_payment_method"
    if code in NOT_OPEN:
        return ApiError(409, "invoice_not_payable", "the invoice cannot be paid")
    if kind == "key":
        return ApiError(502, "upstream_unavailable", "Stripe refused the proxy's key")
    if kind == "request":
        return ApiError(409, "invoice_not_payable", "Stripe refused to pay it")
    return ApiError(502, "upstream_unavailable", "Stripe answered with an error")
