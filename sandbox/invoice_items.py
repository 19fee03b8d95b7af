"""Invoice items: one-off charges, on a draft invoice or pending until the next one."""

from __future__ import annotations

import re
from typing import Any

from sandbox import billing, discounts, fixtures, shapes, taxes
from sandbox.customers import live_customer
from sandbox.errors import StripeError, invalid
from sandbox.params import EXPAND, LIST, check
from sandbox.state import Sandbox

# Currencies Stripe charges without a minor unit: amounts are whole yen, won, ...
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx",
                "vnd", "vuv", "xaf", "xof", "xpf"}  # fmt: skip
MAX_AMOUNT = 99_999_999

ITEM: dict[str, Any] = {
    **EXPAND,
    "amount": "int",
    "description": "str",
    "discountable": "bool",
    "discounts": [discounts.APPLIED],
    "price": "str",
    "tax_rates": "strs",
    "metadata": "map",
    "period": {"start": "int", "end": "int"},
    "quantity": "int",
    "unit_amount_decimal": "str",
}


def currency(code: str) -> str:
    if not re.fullmatch(r"[a-zA-Z]{3}", code):
        raise invalid(f"Invalid currency: {code[:20]}", "currency")
    return code.lower()


def amount(value: int, param: str = "amount") -> int:
    if abs(value) > MAX_AMOUNT:
        raise StripeError(
            400,
            "Amount must be no more than 99999999 in the smallest currency unit.",
            param=param,
            code="amount_too_large",
        )
    return value


def item(sb: Sandbox, id: str) -> dict[str, Any]:
    return sb.store.get("invoiceitem", id)


def create_item(sb: Sandbox, p: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    store = sb.store
    customer = live_customer(sb, p["customer"])
    inv = store.get("invoice", p["invoice"], "invoice") if p.get("invoice") else None
    if inv is not None:
        billing.editable(inv)
        if inv["customer"] != customer["id"]:
            raise invalid("The invoice belongs to another customer.", "invoice")
    code = currency(p.get("currency") or (inv and inv["currency"]) or customer["currency"] or "usd")
    if inv is not None and inv["currency"] != code:
        raise invalid("The currency of the invoice item must match the invoice's.", "currency")
    quantity = p.get("quantity") or 1
    price = store.get("price", p["price"], "price") if p.get("price") else None
    if price is not None:
        if price["currency"] != code:
            raise invalid("The price's currency must match the invoice item's.", "price")
        unit = price["unit_amount"]
    elif p.get("amount") is not None:
        unit = amount(p["amount"]) // max(quantity, 1)
    elif p.get("unit_amount_decimal"):
        try:
            unit = amount(int(float(p["unit_amount_decimal"])), "unit_amount_decimal")
        except ValueError:
            raise invalid("Invalid decimal: unit_amount_decimal", "unit_amount_decimal") from None
    else:
        raise invalid("Missing required param: amount.", "amount", "parameter_missing")
    obj = shapes.invoiceitem(
        store.new_id("invoiceitem"), at or store.now(), customer["id"], code, unit * quantity
    )
    obj.update(description=p.get("description"), quantity=quantity, quantity_decimal=str(quantity))
    obj["metadata"] = p.get("metadata") or {}
    obj["pricing"]["unit_amount_decimal"] = str(unit)
    if price is not None:
        obj["pricing"]["price_details"] = {"price": price["id"], "product": price["product"]}
    rates = taxes.rates(sb, p.get("tax_rates"), "tax_rates")
    obj["tax_rates"] = [store.objects["tax_rate"][id] for id in rates]
    if p.get("period"):
        obj["period"] = {"start": p["period"].get("start"), "end": p["period"].get("end")}
    if p.get("subscription"):
        store.get("subscription", p["subscription"], "subscription")
        obj["parent"] = {
            "subscription_details": {"subscription": p["subscription"]},
            "type": "subscription_details",
        }
    obj["discounts"] = discounts.apply(
        sb, p.get("discounts"), "discounts", customer["id"], invoice_item=obj["id"]
    )
    store.add("invoiceitem", obj)
    if inv is not None:
        _place(sb, obj, inv)
    return obj


def _place(sb: Sandbox, obj: dict[str, Any], inv: dict[str, Any]) -> None:
    obj["invoice"] = inv["id"]
    period = (obj["period"]["start"], obj["period"]["end"])
    sub = ((obj["parent"] or {}).get("subscription_details") or {}).get("subscription")
    unit = int(obj["pricing"]["unit_amount_decimal"])
    details = obj["pricing"].get("price_details")
    price = sb.store.objects["price"][details["price"]] if details else None
    billing.add_line(
        sb, inv, obj["description"] or "", unit, obj["quantity"], item=obj["id"],
        subscription=sub, period=period, tax_rates=[r["id"] for r in obj["tax_rates"]],
        discounts=obj["discounts"], price=price,
    )  # fmt: skip


def take_pending(sb: Sandbox, inv: dict[str, Any]) -> None:
    for obj in reversed(sb.store.ordered("invoiceitem")):
        if obj["customer"] == inv["customer"] and obj["invoice"] is None:
            if obj["currency"] == inv["currency"]:
                _place(sb, obj, inv)


def create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {**ITEM, "customer": "str", "currency": "str", "invoice": "str", "subscription": "str"}
    p = check(raw, spec, required=("customer",))
    return sb.store.render(create_item(sb, p), p.get("expand", ()))


def retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(item(sb, ids["id"]), p.get("expand", ()))


def update(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**EXPAND, "description": "str", "metadata": "map"})
    obj = item(sb, ids["id"])
    if "description" in p:
        obj["description"] = p["description"] or None
        for line in sb.store.lines.get(obj["invoice"] or "", []):
            if (line["parent"]["invoice_item_details"] or {}).get("invoice_item") == obj["id"]:
                line["description"] = obj["description"]
    if "metadata" in p:
        obj["metadata"] = {k: v for k, v in {**obj["metadata"], **p["metadata"]}.items() if v}
    return sb.store.render(obj, p.get("expand", ()))


def delete(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    check(raw, {})
    obj = item(sb, ids["id"])
    if obj["invoice"]:
        inv = sb.store.get("invoice", obj["invoice"])
        billing.editable(inv)
        sb.store.lines[inv["id"]] = [
            line
            for line in sb.store.lines[inv["id"]]
            if (line["parent"]["invoice_item_details"] or {}).get("invoice_item") != obj["id"]
        ]
        billing.totals(sb, inv)
    sb.store.remove("invoiceitem", obj["id"])
    return fixtures.deleted("invoiceitem", obj["id"])


def listing(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "customer": "str", "invoice": "str", "pending": "bool"})
    rows = [
        o
        for o in sb.store.ordered("invoiceitem")
        if p.get("customer") in (None, o["customer"])
        and p.get("invoice") in (None, o["invoice"])
        and (p.get("pending") is None or p["pending"] == (o["invoice"] is None))
    ]
    page = sb.store.page("invoiceitem", rows, p, "/v1/invoiceitems")
    return sb.store.render(page, p.get("expand", ()))


ROUTES = [
    ("POST", "/v1/invoiceitems", create),
    ("GET", "/v1/invoiceitems", listing),
    ("GET", "/v1/invoiceitems/{id}", retrieve),
    ("POST", "/v1/invoiceitems/{id}", update),
    ("DELETE", "/v1/invoiceitems/{id}", delete),
]
