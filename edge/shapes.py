"""Stripe objects cut down to the shapes the portal shows (docs/proxy-api.md)."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


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
        "customer": _id(sub.get("customer")),
    }


def invoice(inv: Obj, now: float) -> Obj:
    parent = inv.get("parent") or {}
    subscription_id = (parent.get("subscription_details") or {}).get("subscription")
    due_date = inv.get("due_date")
    return {
        "id": inv["id"],
        "number": inv.get("number"),
        "status": inv.get("status"),
        "past_due": inv.get("status") == "open" and due_date is not None and due_date < now,
        "created": inv.get("created"),
        "due_date": due_date,
        "paid_at": (inv.get("status_transitions") or {}).get("paid_at"),
        "currency": inv.get("currency"),
        "total": inv.get("total"),
        "amount_due": inv.get("amount_due"),
        "amount_paid": inv.get("amount_paid"),
        "amount_remaining": inv.get("amount_remaining"),
        "subscription": _id(subscription_id or inv.get("subscription")),
        "customer": _id(inv.get("customer")),
        "description": inv.get("description"),
    }


def invoice_detail(inv: Obj, now: float) -> Obj:
    lines = inv.get("lines") or {}
    taxes = inv.get("total_taxes") or []
    discounts = inv.get("total_discount_amounts") or []
    return {
        **invoice(inv, now),
        "subtotal": inv.get("subtotal"),
        "tax": sum(t.get("amount") or 0 for t in taxes) if taxes else (inv.get("tax") or 0),
        "discount": sum(d.get("amount") or 0 for d in discounts),
        "customer_name": inv.get("customer_name"),
        "customer_email": inv.get("customer_email"),
        "lines": [
            {
                "id": line.get("id"),
                "description": line.get("description"),
                "amount": line.get("amount"),
                "currency": line.get("currency"),
                "quantity": line.get("quantity"),
                "period": line.get("period"),
            }
            for line in lines.get("data") or []
        ],
        "lines_has_more": bool(lines.get("has_more")),
    }


def page(listed: Obj, now: float) -> Obj:
    return {
        "object": "list",
        "data": [invoice(i, now) for i in listed["data"]],
        "has_more": listed["has_more"],
        "next_cursor": listed["next_cursor"],
    }


def _item_names(items: list[Obj]) -> str | None:
    names = []
    for item in items:
        price = item.get("price") or item.get("plan") or {}
        product = price.get("product")
        name = product.get("name") if isinstance(product, dict) else price.get("nickname")
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None


def _id(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("id")
    return value if isinstance(value, str) else None
