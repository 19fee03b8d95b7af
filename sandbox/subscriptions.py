"""Subscriptions: their items, their billing periods and the invoices each period makes."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

from sandbox import billing, fixtures, search, shapes, taxes
from sandbox.customers import live_customer
from sandbox.errors import StripeError, invalid, missing_parameter
from sandbox.params import EXPAND, LIST, SEARCH, check
from sandbox.state import Sandbox

STATUSES = ("active", "all", "canceled", "ended", "incomplete", "incomplete_expired",
            "past_due", "paused", "trialing", "unpaid")  # fmt: skip
EDITABLE: dict[str, Any] = {
    **EXPAND,
    "cancel_at_period_end": "bool",
    "collection_method": ("charge_automatically", "send_invoice"),
    "days_until_due": "int",
    "default_payment_method": "str",
    "default_tax_rates": "strs",
    "description": "str",
    "metadata": "map",
}


def advance(ts: int, interval: str, count: int) -> int:
    if interval in ("day", "week"):
        return ts + count * 86400 * (7 if interval == "week" else 1)
    moment = datetime.fromtimestamp(ts, UTC)
    months = moment.month - 1 + count * (12 if interval == "year" else 1)
    year, month = moment.year + months // 12, months % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())


def create_subscription(
    sb: Sandbox, p: dict[str, Any], at: int | None = None, pay: bool = True
) -> dict[str, Any]:
    store = sb.store
    customer = live_customer(sb, p["customer"])
    if not p.get("items"):
        raise missing_parameter("items")
    prices = [store.get("price", item.get("price"), f"items[{i}][price]")
              for i, item in enumerate(p["items"])]  # fmt: skip
    if any(price["recurring"] is None for price in prices):
        raise invalid("The price specified is set to `type=one_time` but this field only "
                      "accepts prices with `type=recurring`.", "items[0][price]")  # fmt: skip
    if len({price["currency"] for price in prices}) > 1:
        raise invalid("All prices on a subscription must have the same `currency`.", "items")
    at = at or store.now()
    sub = shapes.subscription(
        store.new_id("subscription"), at, customer["id"], prices[0]["currency"]
    )
    sub.update(collection_method=p.get("collection_method") or "charge_automatically",
               days_until_due=p.get("days_until_due"), description=p.get("description"),
               metadata=p.get("metadata") or {}, status="incomplete")  # fmt: skip
    if p.get("default_payment_method"):
        sub["default_payment_method"] = store.get(
            "payment_method", p["default_payment_method"], "default_payment_method"
        )["id"]
    sub["default_tax_rates"] = [
        store.objects["tax_rate"][id]
        for id in taxes.rates(sb, p.get("default_tax_rates"), "default_tax_rates")
    ]
    for i, (item, price) in enumerate(zip(p["items"], prices, strict=True)):
        si = shapes.subscription_item(store.new_id("subscription_item"), at, sub["id"], price,
                                      item.get("quantity") or 1)  # fmt: skip
        si["tax_rates"] = [
            store.objects["tax_rate"][id]
            for id in taxes.rates(sb, item.get("tax_rates"), f"items[{i}][tax_rates]")
        ]
        sub["items"]["data"].append(si)
    customer["currency"] = customer["currency"] or sub["currency"]
    store.add("subscription", sub)
    sb.emit("customer.subscription.created", sub)
    if p.get("payment_behavior") == "default_incomplete":
        pay = False
    invoice_period(sb, sub, at, "subscription_create", pay)
    if sub["collection_method"] == "send_invoice":
        sub["status"] = "active"
    return sub


def invoice_period(
    sb: Sandbox, sub: dict[str, Any], start: int, reason: str, pay: bool
) -> dict[str, Any]:
    """Open the billing period starting at `start`: move the items on, invoice it, collect."""
    customer = sb.store.get("customer", sub["customer"])
    inv = billing.new_invoice(
        sb, customer, sub["currency"], collection_method=sub["collection_method"],
        days_until_due=sub["days_until_due"], subscription=sub["id"], billing_reason=reason,
        at=start,
    )  # fmt: skip
    for si in sub["items"]["data"]:
        recurring = si["price"]["recurring"]
        end = advance(start, recurring["interval"], recurring["interval_count"])
        si.update(current_period_start=start, current_period_end=end)
        product = sb.store.objects["product"].get(si["price"]["product"])
        name = product["name"] if product else si["price"]["id"]
        billing.add_line(
            sb, inv, f"{si['quantity']} × {name}", si["price"]["unit_amount"], si["quantity"],
            subscription=sub["id"], subscription_item=si["id"], period=(start, end),
            tax_rates=[r["id"] for r in si["tax_rates"]], price=si["price"],
        )  # fmt: skip
    sub["latest_invoice"] = inv["id"]
    billing.finalize(sb, inv, at=start)
    if pay and inv["status"] == "open" and sub["collection_method"] == "charge_automatically":
        try:
            billing.pay(sb, inv, at=start)
        except StripeError:
            if sub["status"] == "active":
                sub["status"] = "past_due"
    return inv


def cancel(sb: Sandbox, sub: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    if sub["status"] == "canceled":
        raise invalid(
            "A canceled subscription can only update its cancellation_details and metadata."
        )
    at = at or sb.store.now()
    sub.update(status="canceled", canceled_at=at, ended_at=at)
    sb.emit("customer.subscription.deleted", sub)
    return sub


def create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {**EDITABLE, "customer": "str",
            "items": [{"price": "str", "quantity": "int", "tax_rates": "strs"}],
            "payment_behavior": ("allow_incomplete", "default_incomplete",
                                 "error_if_incomplete", "pending_if_incomplete")}  # fmt: skip
    p = check(raw, spec, required=("customer",))
    return sb.store.render(create_subscription(sb, p), p.get("expand", ()))


def retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(sb.store.get("subscription", ids["id"]), p.get("expand", ()))


def update(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EDITABLE)
    sub = sb.store.get("subscription", ids["id"])
    before = fixtures.clone(sub)
    for key in ("cancel_at_period_end", "collection_method", "days_until_due", "description"):
        if key in p:
            sub[key] = p[key] if p[key] != "" else None
    if "default_payment_method" in p:
        pm = p["default_payment_method"] or None
        sub["default_payment_method"] = (
            pm and sb.store.get("payment_method", pm, "default_payment_method")["id"]
        )
    if "metadata" in p:
        sub["metadata"] = {k: v for k, v in {**sub["metadata"], **p["metadata"]}.items() if v}
    if "default_tax_rates" in p:
        rates = taxes.rates(sb, p["default_tax_rates"], "default_tax_rates")
        sub["default_tax_rates"] = [sb.store.objects["tax_rate"][id] for id in rates]
    sb.emit("customer.subscription.updated", sub, before)
    return sb.store.render(sub, p.get("expand", ()))


def delete(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**EXPAND, "invoice_now": "bool", "prorate": "bool"})
    return sb.store.render(cancel(sb, sb.store.get("subscription", ids["id"])), p.get("expand", ()))


def listing(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {**LIST, "customer": "str", "status": STATUSES, "price": "str",
            "collection_method": ("charge_automatically", "send_invoice")}  # fmt: skip
    p = check(raw, spec)
    if ids:  # GET /v1/customers/{id}/subscriptions, the list `customer.subscriptions` points to
        p["customer"] = live_customer(sb, ids["id"])["id"]
    status = p.get("status")
    rows = [
        s
        for s in sb.store.ordered("subscription")
        if p.get("customer") in (None, s["customer"])
        and p.get("collection_method") in (None, s["collection_method"])
        and (status == "all" or s["status"] == status
             or (status is None and s["status"] != "canceled")
             or (status == "ended" and s["status"] in ("canceled", "incomplete_expired")))
        and (p.get("price") is None or p["price"] in {i["price"]["id"] for i in s["items"]["data"]})
    ]  # fmt: skip
    url = f"/v1/customers/{ids['id']}/subscriptions" if ids else "/v1/subscriptions"
    page = sb.store.page("subscription", rows, p, url)
    return sb.store.render(page, p.get("expand", ()))


def search_subscriptions(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, SEARCH, required=("query",))
    test = search.matcher(
        p["query"], {"status": "status", "customer": "customer", "created": "created"}
    )
    rows = [s for s in sb.store.ordered("subscription") if test(s)]
    found = search.result(rows, p, sb.store.limit(p), "/v1/subscriptions/search")
    return sb.store.render(found, p.get("expand", ()))


ROUTES = [
    ("POST", "/v1/subscriptions", create),
    ("GET", "/v1/subscriptions", listing),
    ("GET", "/v1/subscriptions/search", search_subscriptions),
    ("GET", "/v1/subscriptions/{id}", retrieve),
    ("POST", "/v1/subscriptions/{id}", update),
    ("DELETE", "/v1/subscriptions/{id}", delete),
    ("GET", "/v1/customers/{id}/subscriptions", listing),
]
