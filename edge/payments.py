"""Paying an invoice: what it would charge, the one Stripe call that pays it, and what is
decided before and after that call.

The rules: which invoices may be paid, with which saved payment method (Stripe's own order),
under which idempotency key, and what each of Stripe's refusals means for the customer.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from edge import details, invoices, shapes
from edge.cache import MISSING
from edge.errors import ApiError, not_found
from edge.gateway import Gateway, Refusal
from edge.shapes import INVOICE_PATTERN

Obj = dict[str, Any]
PAYABLE = ["customer", "parent.subscription_details.subscription"]
# Stripe's codes for "the bank wants the customer": the hosted invoice page takes over.
NEEDS_CUSTOMER = ("invoice_payment_intent_requires_action", "authentication_required")
NOT_OPEN = ("invoice_not_open", "invoice_already_paid", "invoice_unexpected_state")


async def pay_with(gateway: Gateway, invoice_id: str, customers: tuple[str, ...]) -> Obj:
    """What paying would charge: the invoice as `pay` reads it, and the brand, last four
    and expiry of the saved method Stripe would use (Payment methods Read)."""
    invoice = await invoices.visible(
        gateway,
        invoice_id,
        customers,
        "payable",
        lambda: gateway.retrieve_invoice(invoice_id, PAYABLE),
    )
    if invoice["status"] != "open":
        raise ApiError(409, "invoice_not_payable", f"the invoice is {invoice['status']}")
    method_id, saved = charged_method(invoice)
    method = await _payment_method(gateway, method_id, invoice) if method_id else None
    return {
        "invoice": invoice_id,
        "currency": invoice.get("currency"),
        "amount_remaining": invoice.get("amount_remaining"),
        "has_saved_method": saved,
        "payment_method": details.payment_method(method),
    }


async def _payment_method(gateway: Gateway, method_id: str, invoice: Obj) -> Obj | None:
    async def load() -> tuple[Obj, list[str]]:
        found = await gateway.retrieve_payment_method(method_id)
        return found or MISSING, [shapes.customer_id(invoice)]

    found = await gateway.cache.fetch(("payment_method", method_id), load)
    return None if found is MISSING else dict(found)


async def pay(
    gateway: Gateway, invoice_id: str, customers: tuple[str, ...], idempotency_key: str | None
) -> Obj:
    """Pay with the customer's saved method; answer what the customer must do otherwise."""
    if not INVOICE_PATTERN.fullmatch(invoice_id) or not customers:
        raise not_found()
    invoice = await gateway.retrieve_invoice(invoice_id, PAYABLE)
    check_payable(invoice, customers, idempotency_key)
    params = pay_params(invoice)
    if params is None:
        return shapes.requires_action("no_payment_method", invoice)
    key = scoped_key(idempotency_key, invoice)
    try:
        paid = await gateway.pay_invoice(invoice_id, params, key)
    except Refusal as refused:
        outcome = refusal(refused, invoice.get("hosted_invoice_url"))
        if outcome == "authentication_required":
            return await _requires_authentication(gateway, invoice)
        if isinstance(outcome, str):
            return shapes.requires_action(outcome, invoice)
        raise outcome from None
    finally:
        gateway.cache.forget([shapes.customer_id(invoice), f"invoice:{invoice_id}"])
    if paid["status"] != "paid":
        return await _requires_authentication(gateway, invoice)
    return {"status": "paid", "invoice": paid}


async def _requires_authentication(gateway: Gateway, invoice: Obj) -> Obj:
    # Hosted invoice links expire: the customer gets the one Stripe gives right now.
    try:
        invoice = await gateway.retrieve_invoice(invoice["id"])
    except ApiError:
        pass
    return shapes.requires_action("authentication_required", invoice)


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


def scoped_key(given: str | None, invoice: Obj) -> str:
    """The key Stripe gets: the client's scoped to this invoice and customer, so one key
    reused on another invoice pays that invoice instead of colliding with the first."""
    if given is None:
        return f"invoice-portal-{uuid.uuid4()}"
    scope = f"{shapes.customer_id(invoice)}\n{invoice['id']}\n{given}"
    return "invoice-portal-" + hashlib.sha256(scope.encode()).hexdigest()


def refusal(refused: Refusal, hosted_invoice_url: str | None) -> ApiError | str:
    """What a Stripe refusal of the payment means: an API error (a declined card's names the
    invoice's hosted page, to pay it another way), or the reason the customer must act on
    Stripe's hosted page ("authentication_required", "no_payment_method").

    `refused.kind` is the refusal's class: card, idempotency, key (the key lacks a permission),
    request (any other invalid request), or other.
    """
    kind, code, decline = refused.kind, refused.code, refused.decline
    if code in NEEDS_CUSTOMER or decline == "authentication_required":
        return "authentication_required"
    if kind == "idempotency":
        message = "this Idempotency-Key was used for another request: use a new key"
        return ApiError(409, "idempotency_conflict", message)
    if kind == "card":
        message = refused.message or "the card was declined"
        return ApiError(
            402,
            code or "card_declined",
            message,
            decline_code=decline,
            hosted_invoice_url=hosted_invoice_url,
        )
    if code == "missing":
        return "no_payment_method"
    if code in NOT_OPEN:
        return ApiError(409, "invoice_not_payable", "the invoice cannot be paid")
    if kind == "key":
        return ApiError(502, "upstream_unavailable", "Stripe refused the proxy's key")
    if kind == "request":
        return ApiError(409, "invoice_not_payable", "Stripe refused to pay it")
    return ApiError(502, "upstream_unavailable", "Stripe answered with an error")
