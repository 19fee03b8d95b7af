"""The invoice endpoints: create, update, finalize, pay, void, list, search, lines."""

from __future__ import annotations

from typing import Any

from sandbox import billing, discounts, fixtures, invoice_items, search, taxes
from sandbox.customers import live_customer
from sandbox.errors import invalid
from sandbox.params import EXPAND, LIST, SEARCH, check
from sandbox.state import Sandbox
from sandbox.store import within

STATUSES = ("draft", "open", "paid", "uncollectible", "void")
COLLECTION = ("charge_automatically", "send_invoice")
EDITABLE: dict[str, Any] = {
    **EXPAND,
    "auto_advance": "bool",
    "collection_method": COLLECTION,
    "days_until_due": "int",
    "due_date": "int",
    "default_payment_method": "str",
    "default_tax_rates": "strs",
    "description": "str",
    "discounts": [discounts.APPLIED],
    "footer": "str",
    "metadata": "map",
}
SEARCH_FIELDS = {
    "customer": "customer",
    "status": "status",
    "number": "number",
    "total": "total",
    "currency": "currency",
    "created": "created",
    "subscription": "parent.subscription_details.subscription",
}


def subscription_of(inv: dict[str, Any]) -> str | None:
    return ((inv["parent"] or {}).get("subscription_details") or {}).get("subscription")


def create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {
        **EDITABLE,
        "customer": "str",
        "currency": "str",
        "subscription": "str",
        "pending_invoice_items_behavior": ("exclude", "include"),
    }
    p = check(raw, spec, required=("customer",))
    customer = live_customer(sb, p["customer"])
    method = p.get("collection_method") or "charge_automatically"
    if method == "send_invoice" and p.get("days_until_due") is None and p.get("due_date") is None:
        raise invalid(
            "Invoices with `collection_method=send_invoice` must have either "
            "`days_until_due` or `due_date` set.",
            "days_until_due",
        )
    if p.get("subscription"):
        sub = sb.store.get("subscription", p["subscription"], "subscription")
        if sub["customer"] != customer["id"]:
            raise invalid("The subscription does not belong to this customer.", "subscription")
    currency = invoice_items.currency(p.get("currency") or customer["currency"] or "usd")
    inv = billing.new_invoice(
        sb,
        customer,
        currency,
        collection_method=method,
        days_until_due=p.get("days_until_due"),
        subscription=p.get("subscription"),
    )
    _apply(sb, inv, p)
    if p.get("pending_invoice_items_behavior") == "include":
        invoice_items.take_pending(sb, inv)
    return sb.store.render(inv, p.get("expand", ()))


def _apply(sb: Sandbox, inv: dict[str, Any], p: dict[str, Any]) -> None:
    for key in ("auto_advance", "collection_method", "due_date", "description", "footer"):
        if key in p:
            inv[key] = p[key] if p[key] != "" else None
    if p.get("days_until_due") is not None and "due_date" not in p:
        inv["due_date"] = inv["created"] + 86400 * p["days_until_due"]
    if "default_payment_method" in p:
        pm = p["default_payment_method"] or None
        if pm:
            sb.store.get("payment_method", pm, "default_payment_method")
        inv["default_payment_method"] = pm
    if "metadata" in p:
        inv["metadata"] = {k: v for k, v in {**inv["metadata"], **p["metadata"]}.items() if v}
    if "default_tax_rates" in p:
        rates = taxes.rates(sb, p["default_tax_rates"], "default_tax_rates")
        inv["default_tax_rates"] = [sb.store.objects["tax_rate"][id] for id in rates]
    if "discounts" in p:
        inv["discounts"] = discounts.apply(
            sb, p["discounts"], "discounts", inv["customer"], invoice=inv["id"]
        )
    if "default_tax_rates" in p or "discounts" in p:
        billing.totals(sb, inv)


def invoice(sb: Sandbox, id: str) -> dict[str, Any]:
    return sb.store.get("invoice", id)


def retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(invoice(sb, ids["id"]), p.get("expand", ()))


def update(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EDITABLE)
    inv = invoice(sb, ids["id"])
    before = fixtures.clone(inv)
    if set(p) - {"expand", "metadata", "description", "footer"}:
        billing.editable(inv)
    _apply(sb, inv, p)
    sb.emit("invoice.updated", inv, before)
    return sb.store.render(inv, p.get("expand", ()))


def delete(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    check(raw, {})
    inv = invoice(sb, ids["id"])
    billing.editable(inv)
    sb.store.remove("invoice", inv["id"])
    sb.emit("invoice.deleted", inv)
    return fixtures.deleted("invoice", inv["id"])


def finalize(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**EXPAND, "auto_advance": "bool"})
    inv = invoice(sb, ids["id"])
    if "auto_advance" in p:
        inv["auto_advance"] = p["auto_advance"]
    billing.finalize(sb, inv)
    return sb.store.render(inv, p.get("expand", ()))


def pay(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {
        **EXPAND,
        "forgive": "bool",
        "mandate": "str",
        "off_session": "bool",
        "paid_out_of_band": "bool",
        "payment_method": "str",
        "source": "str",
    }
    p = check(raw, spec)
    inv = invoice(sb, ids["id"])
    billing.pay(sb, inv, p.get("payment_method"), bool(p.get("paid_out_of_band")))
    return sb.store.render(inv, p.get("expand", ()))


def void(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(billing.void(sb, invoice(sb, ids["id"])), p.get("expand", ()))


def uncollectible(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    inv = billing.mark_uncollectible(sb, invoice(sb, ids["id"]))
    return sb.store.render(inv, p.get("expand", ()))


def send(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    inv = invoice(sb, ids["id"])
    if inv["status"] == "draft":
        billing.finalize(sb, inv)
    sb.emit("invoice.sent", inv)
    return sb.store.render(inv, p.get("expand", ()))


def listing(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {
        **LIST,
        "customer": "str",
        "subscription": "str",
        "status": STATUSES,
        "collection_method": COLLECTION,
        "due_date": "ts",
    }
    p = check(raw, spec)
    customer, sub, status = p.get("customer"), p.get("subscription"), p.get("status")
    method = p.get("collection_method")
    rows = [
        inv
        for inv in sb.store.ordered("invoice")
        if (customer is None or inv["customer"] == customer)
        and (status is None or inv["status"] == status)
        and (sub is None or subscription_of(inv) == sub)
        and (method is None or inv["collection_method"] == method)
        and ("due_date" not in p or (inv["due_date"] and within(inv["due_date"], p["due_date"])))
    ]
    return sb.store.render(sb.store.page("invoice", rows, p, "/v1/invoices"), p.get("expand", ()))


def search_invoices(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, SEARCH, required=("query",))
    test = search.matcher(p["query"], SEARCH_FIELDS)
    rows = [inv for inv in sb.store.ordered("invoice") if test(inv)]
    found = search.result(rows, p, sb.store.limit(p), "/v1/invoices/search")
    return sb.store.render(found, p.get("expand", ()))


def lines(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {k: v for k, v in LIST.items() if k != "created"})
    inv = invoice(sb, ids["id"])
    rows = sb.store.lines[inv["id"]]
    page = sb.store.page_in_order("line_item", rows, p, f"/v1/invoices/{inv['id']}/lines")
    return sb.store.render(page, p.get("expand", ()))


ROUTES = [
    ("POST", "/v1/invoices", create),
    ("GET", "/v1/invoices", listing),
    ("GET", "/v1/invoices/search", search_invoices),
    ("GET", "/v1/invoices/{id}", retrieve),
    ("POST", "/v1/invoices/{id}", update),
    ("DELETE", "/v1/invoices/{id}", delete),
    ("GET", "/v1/invoices/{id}/lines", lines),
    ("POST", "/v1/invoices/{id}/finalize", finalize),
    ("POST", "/v1/invoices/{id}/pay", pay),
    ("POST", "/v1/invoices/{id}/void", void),
    ("POST", "/v1/invoices/{id}/mark_uncollectible", uncollectible),
    ("POST", "/v1/invoices/{id}/send", send),
]
