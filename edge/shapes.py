"""Stripe objects cut down to the shapes the portal shows (docs/openapi.json)."""

from __future__ import annotations

import re
from typing import Any

Obj = dict[str, Any]
# What a Stripe invoice id looks like: anything else is never sent to Stripe.
INVOICE_PATTERN = re.compile(r"in_[A-Za-z0-9]{1,250}")


def subscription(sub: Obj) -> Obj:
    items = (sub.get("items") or {}).get("data") or []
    period_ends = [i["current_period_end"] for i in items if i.get("current_period_end")]
    return {
        "id": sub["id"],
        "status": sub.get("status"),
        "created": sub.get("created"),
        "current_period_end": sub.get("current_period_end") or max(period_ends, default=None),
        "currency": sub.get("currency"),
        "description": sub.get("description") or _item_names(items),
        "customer": ref_id(sub.get("customer")),
        # When a cancellation takes effect (Stripe sets it for one at the period's end too).
        "cancel_at": sub.get("cancel_at"),
    }


def invoice(inv: Obj, now: float) -> Obj:
    # Shaped for every invoice of every list answer: one bound lookup, no helper calls.
    get = inv.get
    parent = get("parent") or {}
    subscription = (parent.get("subscription_details") or {}).get("subscription") or get(
        "subscription"
    )
    customer = get("customer")
    status = get("status")
    due_date = get("due_date")
    return {
        "id": inv["id"],
        "number": get("number"),
        "status": status,
        "past_due": status == "open" and due_date is not None and due_date < now,
        "payment_failed": status == "open" and bool(get("attempt_count")),
        "created": get("created"),
        "due_date": due_date,
        "paid_at": (get("status_transitions") or {}).get("paid_at"),
        "currency": get("currency"),
        "total": get("total"),
        "amount_due": get("amount_due"),
        "amount_paid": get("amount_paid"),
        "amount_remaining": get("amount_remaining"),
        "subscription": subscription if type(subscription) is str else ref_id(subscription),
        "customer": customer if type(customer) is str else ref_id(customer),
        "description": get("description"),
    }


def trim(inv: Obj) -> Obj:
    """An invoice of a list cut to what `invoice` and `visible` read, so that a cached page
    holds a few hundred bytes per invoice instead of Stripe's whole object."""
    get = inv.get
    parent = get("parent") or {}
    subscription = (parent.get("subscription_details") or {}).get("subscription") or get(
        "subscription"
    )
    paid_at = (get("status_transitions") or {}).get("paid_at")
    return {
        "id": inv["id"],
        "number": get("number"),
        "status": get("status"),
        "attempt_count": get("attempt_count"),
        "created": get("created"),
        "due_date": get("due_date"),
        "status_transitions": {"paid_at": paid_at},
        "currency": get("currency"),
        "total": get("total"),
        "amount_due": get("amount_due"),
        "amount_paid": get("amount_paid"),
        "amount_remaining": get("amount_remaining"),
        "subscription": ref_id(subscription),
        "customer": customer_id(inv),
        "description": get("description"),
    }


def page(listed: Obj, now: float) -> Obj:
    return {
        "object": "list",
        "data": [invoice(i, now) for i in listed["data"]],
        "has_more": listed["has_more"],
        "next_cursor": listed["next_cursor"],
    }


def customer_id(obj: Obj) -> str:
    return ref_id(obj.get("customer")) or ""


def visible(invoice: Obj, customers: tuple[str, ...]) -> bool:
    """Drafts are never shown, nor another customer's invoices."""
    return invoice.get("status") != "draft" and customer_id(invoice) in customers


def list_page(shown: list[Obj], has_more: bool, cursor: str | None) -> Obj:
    return {"object": "list", "data": shown, "has_more": has_more, "next_cursor": cursor}


def requires_action(reason: str, invoice: Obj) -> Obj:
    url = invoice.get("hosted_invoice_url")
    return {"status": "requires_action", "reason": reason, "hosted_invoice_url": url}


def _item_names(items: list[Obj]) -> str | None:
    names = []
    for item in items:
        price = item.get("price") or item.get("plan") or {}
        product = price.get("product")
        name = product.get("name") if isinstance(product, dict) else price.get("nickname")
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None


def ref_id(value: Any) -> str | None:
    """The id of an expandable field, expanded or not."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None
