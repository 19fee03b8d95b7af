"""An invoice shown as the invoice itself, and what a customer owes (docs/openapi.json).

The detail reads like Stripe's own invoice: who it is billed to, every line with its quantity,
unit price, taxes and discounts, the invoice's discounts and taxes, its totals, and the payment
method that paid it. Names Stripe keeps on other objects (tax rates, coupons, promotion codes,
payment methods) come in as the gateway could read them; what it could not read is null.
"""

from __future__ import annotations

import time
from decimal import Decimal, InvalidOperation
from typing import Any

from edge import documents, invoices, pages, shapes
from edge.cache import MISSING
from edge.detail_schemas import ADDRESS_FIELDS
from edge.gateway import Gateway

Obj = dict[str, Any]
# Lines of one invoice the proxy reads past the 10 Stripe embeds: at 100 a call, 10 calls.
MAX_LINES = 1000


async def fetch(gateway: Gateway, invoice_id: str, customers: tuple[str, ...]) -> Obj:
    """The invoice with every line (up to `MAX_LINES`), its tax rates and the method that
    paid it: one call, plus one per 100 lines past Stripe's first 10, one per tax rate not
    yet known, and one for a paid invoice's payment or an open one's failed attempt."""
    invoice = await invoices.invoice(gateway, invoice_id, customers)
    key = ("detail", invoice_id)
    parts = gateway.cache.get(key)  # nearly always: nothing to load
    if parts is None:
        parts = await gateway.cache.fetch(key, lambda: _parts(gateway, invoice_id, invoice))
    return {"invoice": invoice, **parts}


async def _parts(gateway: Gateway, invoice_id: str, invoice: Obj) -> tuple[Obj, list[str]]:
    lines, complete = await _lines(gateway, invoice)
    used = {
        t["tax_rate_details"]["tax_rate"]
        for entry in (invoice.get("total_taxes") or [], *(i.get("taxes") for i in lines))
        for t in entry or []
        if isinstance((t.get("tax_rate_details") or {}).get("tax_rate"), str)
    }
    rates = {rate: await _tax_rate(gateway, rate) for rate in sorted(used)}
    paid = failed = found = None
    if invoice.get("amount_paid"):
        found = await gateway.list_invoice_payments(invoice["id"], "paid")
        paid = paid_with(found) if found else None
    elif invoice.get("status") == "open" and invoice.get("attempt_count"):
        found = await gateway.list_invoice_payments(invoice["id"], "open")
        failed = payment_error(found) if found else None
    papers = await documents.load(gateway, invoice, found, gateway.settings)
    parts = {
        "lines": lines,
        "complete": complete,
        "rates": rates,
        "paid_with": paid,
        "payment_error": failed,
        "documents": papers,
        "rendering": pages.Rendering(),
    }
    # Rendered before it is kept, so that the cache counts the rendering's bytes too.
    answer({"invoice": invoice, **parts}, time.time())
    return parts, [shapes.customer_id(invoice), f"invoice:{invoice_id}"]


def answer(found: Obj, now: float) -> bytes:
    """The JSON of `detail(found, now)`, from the rendering kept with the detail's parts while
    the invoice it was made from is the one cached."""
    rendering: pages.Rendering = found["rendering"]
    invoice = found["invoice"]
    return rendering.answer(now, lambda at: detail(found, at), [invoice], (invoice,))


async def _lines(gateway: Gateway, invoice: Obj) -> tuple[list[Obj], bool]:
    embedded = invoice.get("lines") or {}
    lines = list(embedded.get("data") or [])
    more = bool(embedded.get("has_more"))
    while more and lines and len(lines) < MAX_LINES:
        params = {"limit": min(100, MAX_LINES - len(lines)), "starting_after": lines[-1]["id"]}
        page = await gateway.list_lines(invoice["id"], params)
        lines += page["data"]
        more = bool(page["has_more"]) and bool(page["data"])
    return lines[:MAX_LINES], not more


async def _tax_rate(gateway: Gateway, rate_id: str) -> Obj | None:
    """A tax rate's name and percentage (Tax rates Read); kept for the cache's lifetime for
    every customer, since tax rates belong to the account."""

    async def load() -> tuple[Obj, list[str]]:
        return await gateway.retrieve_tax_rate(rate_id) or MISSING, ["tax_rates"]

    found = await gateway.cache.fetch(("tax_rate", rate_id), load)
    return None if found is MISSING else dict(found)


def detail(found: Obj, now: float) -> Obj:
    """The answer of `GET /v1/invoices/{id}`, from what `fetch` found."""
    inv, rates = found["invoice"], found["rates"]
    names = discount_names(inv)
    taxes = inv.get("total_taxes") or []
    discounts = inv.get("total_discount_amounts") or []
    return {
        **shapes.invoice(inv, now),
        "subtotal": inv.get("subtotal"),
        "tax": sum(t.get("amount") or 0 for t in taxes) if taxes else (inv.get("tax") or 0),
        "discount": sum(d.get("amount") or 0 for d in discounts),
        "total_excluding_tax": inv.get("total_excluding_tax"),
        "customer_name": inv.get("customer_name"),
        "customer_email": inv.get("customer_email"),
        "customer_phone": inv.get("customer_phone"),
        "customer_address": address(inv.get("customer_address")),
        "customer_shipping": shipping(inv.get("customer_shipping")),
        "customer_tax_ids": [
            {"type": t.get("type"), "value": t.get("value")}
            for t in inv.get("customer_tax_ids") or []
            if isinstance(t, dict)
        ],
        "discounts": [discount(d, names) for d in discounts],
        "taxes": [tax(t, rates) for t in taxes],
        "lines": [line(item, rates, names) for item in found["lines"]],
        "lines_has_more": not found["complete"],
        "paid_with": found["paid_with"],
        "payment_error": found["payment_error"],
        **documents.shape(found["documents"]),
        # Stripe's page for paying this invoice another way; only while there is one to pay.
        "hosted_invoice_url": inv.get("hosted_invoice_url")
        if inv.get("status") == "open"
        else None,
    }


def line(item: Obj, rates: dict[str, Obj | None], names: dict[str, Obj]) -> Obj:
    unit_decimal, unit_amount = unit_price(item)
    return {
        "id": item.get("id"),
        "description": item.get("description"),
        "amount": item.get("amount"),
        "currency": item.get("currency"),
        "quantity": item.get("quantity"),
        "unit_amount": unit_amount,
        "unit_amount_decimal": unit_decimal,
        "period": item.get("period"),
        "taxes": [tax(t, rates) for t in item.get("taxes") or []],
        "discounts": [discount(d, names) for d in item.get("discount_amounts") or []],
    }


def unit_price(item: Obj) -> tuple[str | None, int | None]:
    """The unit price as Stripe's current API carries it (`pricing.unit_amount_decimal`), else
    the line's price (older API versions): a decimal string, and whole minor units if it is
    one."""
    pricing = item.get("pricing") or {}
    price = item.get("price") or (pricing.get("price_details") or {}).get("price")
    price = price if isinstance(price, dict) else {}
    raw = pricing.get("unit_amount_decimal") or price.get("unit_amount_decimal")
    if raw is None and isinstance(price.get("unit_amount"), int):
        raw = str(price["unit_amount"])
    if raw is None:
        return None, None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None, None
    whole = int(value) if value == value.to_integral_value() else None
    return str(raw), whole


def tax(entry: Obj, rates: dict[str, Obj | None]) -> Obj:
    rate_id = (entry.get("tax_rate_details") or {}).get("tax_rate")
    rate = rates.get(rate_id) if isinstance(rate_id, str) else None
    rate = rate or {}
    inclusive = entry.get("tax_behavior") == "inclusive" or rate.get("inclusive") is True
    return {
        "tax_rate": rate_id if isinstance(rate_id, str) else None,
        "display_name": rate.get("display_name"),
        "percentage": rate.get("effective_percentage") or rate.get("percentage"),
        "inclusive": inclusive,
        "amount": entry.get("amount") or 0,
        "taxable_amount": entry.get("taxable_amount"),
    }


def discount_names(inv: Obj) -> dict[str, Obj]:
    """Discount id -> its coupon's name and promotion code, from `total_discount_amounts`
    with `discount.source.coupon` and `discount.promotion_code` expanded (when they were)."""
    names: dict[str, Obj] = {}
    for entry in inv.get("total_discount_amounts") or []:
        found = entry.get("discount")
        if not isinstance(found, dict) or not isinstance(found.get("id"), str):
            continue
        coupon = (found.get("source") or {}).get("coupon") or found.get("coupon")
        promotion = found.get("promotion_code")
        names[found["id"]] = {
            "name": coupon.get("name") if isinstance(coupon, dict) else None,
            "code": promotion.get("code") if isinstance(promotion, dict) else None,
        }
    return names


def discount(entry: Obj, names: dict[str, Obj]) -> Obj:
    discount_id = shapes.ref_id(entry.get("discount"))
    named = names.get(discount_id or "", {})
    return {
        "discount": discount_id,
        "name": named.get("name"),
        "code": named.get("code"),
        "amount": entry.get("amount") or 0,
    }


def address(value: Any) -> Obj | None:
    if not isinstance(value, dict) or not any(value.get(f) for f in ADDRESS_FIELDS):
        return None
    return {f: value.get(f) for f in ADDRESS_FIELDS}


def shipping(value: Any) -> Obj | None:
    if not isinstance(value, dict) or not value:
        return None
    shipped = {
        "name": value.get("name"),
        "phone": value.get("phone"),
        "address": address(value.get("address")),
    }
    return shipped if any(shipped.values()) else None


def payment_method(pm: Any) -> Obj | None:
    """Brand, last four and expiry of a saved or used payment method; never more of it."""
    if not isinstance(pm, dict) or not isinstance(pm.get("type"), str):
        return None
    details = pm.get(pm["type"])
    details = details if isinstance(details, dict) else {}
    return {
        "type": pm["type"],
        "brand": details.get("display_brand") or details.get("brand"),
        "last4": details.get("last4"),
        "exp_month": details.get("exp_month"),
        "exp_year": details.get("exp_year"),
    }


def paid_with(payments: Obj) -> Obj | None:
    """The method of an invoice's paid payment, from `GET /v1/invoice_payments` with
    `data.payment.payment_intent.payment_method` expanded, or a charge's card details."""
    for entry in payments.get("data") or []:
        payment = entry.get("payment") or {}
        intent = payment.get("payment_intent")
        if isinstance(intent, dict) and (shown := payment_method(intent.get("payment_method"))):
            return shown
        charge = payment.get("charge")
        if isinstance(charge, dict):
            used = charge.get("payment_method_details")
            if shown := payment_method(used):
                return shown
    return None


def payment_error(payments: Obj) -> Obj | None:
    """Why the last attempt to charge an open invoice failed: its open payment's
    PaymentIntent's `last_payment_error`, with the method it tried. Stripe's message is left
    out: the embed says it in the customer's language from the codes."""
    for entry in payments.get("data") or []:
        intent = (entry.get("payment") or {}).get("payment_intent")
        error = intent.get("last_payment_error") if isinstance(intent, dict) else None
        if isinstance(error, dict) and (error.get("code") or error.get("decline_code")):
            return {
                "code": error.get("code"),
                "decline_code": error.get("decline_code"),
                "payment_method": payment_method(error.get("payment_method")),
            }
    return None


def owed(lists: list[Obj], now: float) -> Obj:
    """Open invoices of every customer merged, the oldest due first, with the amount
    remaining per currency."""
    invoices = [i for listed in lists for i in listed["data"] if i.get("status") == "open"]
    invoices.sort(key=lambda i: (i.get("due_date") or i.get("created") or 0, i["id"]))
    totals: dict[str, int] = {}
    for invoice in invoices:
        currency = invoice.get("currency") or ""
        totals[currency] = totals.get(currency, 0) + (invoice.get("amount_remaining") or 0)
    return {
        "data": [shapes.invoice(i, now) for i in invoices],
        "has_more": any(listed["has_more"] for listed in lists),
        "totals": [{"currency": c, "amount_remaining": a} for c, a in sorted(totals.items())],
    }
