"""An invoice's life as Stripe runs it: lines and totals, finalizing, paying, voiding.

The API routes and the seed both go through these functions, so seeded data obeys the same
rules as data made through the SDK. `at` lets the seed place events in the past.
"""

from __future__ import annotations

from typing import Any

from sandbox import balance, customers, fixtures, payments, shapes
from sandbox.discounts import cut as discounts_cut
from sandbox.errors import StripeError, invalid
from sandbox.state import Sandbox
from sandbox.taxes import add_up
from sandbox.taxes import line_taxes as taxes_of

NO_PAYMENT_METHOD = (
    "This customer has no attached payment source or default payment method. Please consider "
    "adding a default payment method. For more information, visit "
    "https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority."
)
REQUIRES_ACTION = (
    "This payment requires additional user action before it can be completed successfully. "
    "Payment can be completed using the PaymentIntent associated with the invoice. For more "
    "details see: https://stripe.com/docs/billing/subscriptions/overview#requires-action"
)


def new_invoice(
    sb: Sandbox,
    customer: dict[str, Any],
    currency: str,
    *,
    collection_method: str = "charge_automatically",
    days_until_due: int | None = None,
    subscription: str | None = None,
    billing_reason: str = "manual",
    at: int | None = None,
) -> dict[str, Any]:
    store = sb.store
    inv = shapes.invoice(store.new_id("invoice"), at or store.now(), customer, currency)
    inv.update(collection_method=collection_method, billing_reason=billing_reason)
    if collection_method == "send_invoice":
        inv["due_date"] = inv["created"] + 86400 * (
            30 if days_until_due is None else days_until_due
        )
    if subscription:
        inv["parent"] = {
            "quote_details": None,
            "subscription_details": {"metadata": {}, "subscription": subscription},
            "type": "subscription_details",
        }
    store.add("invoice", inv)
    store.lines[inv["id"]] = []
    sb.emit("invoice.created", inv)
    return inv


def add_line(
    sb: Sandbox,
    inv: dict[str, Any],
    description: str,
    unit_amount: int,
    quantity: int = 1,
    *,
    item: str | None = None,
    subscription: str | None = None,
    subscription_item: str | None = None,
    period: tuple[int, int] | None = None,
    tax_rates: list[str] | None = None,
    discounts: list[str] | None = None,
    price: dict[str, Any] | None = None,
) -> dict[str, Any]:
    store = sb.store
    amount = unit_amount * quantity
    line = shapes.line_item(
        store.new_id("line_item"), inv["id"], inv["currency"], description, amount, quantity
    )
    start, end = period or (inv["created"], inv["created"])
    line["period"] = {"start": start, "end": end}
    line["pricing"]["unit_amount_decimal"] = str(unit_amount)
    credited = {"credited_items": None}
    if subscription_item:
        line["parent"] = {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None,
                "proration": False,
                "proration_details": credited,
                "subscription": subscription,
                "subscription_item": subscription_item,
            },
            "type": "subscription_item_details",
        }
    else:
        line["parent"] = {
            "invoice_item_details": {
                "invoice_item": item,
                "proration": False,
                "proration_details": credited,
                "subscription": subscription,
            },
            "subscription_item_details": None,
            "type": "invoice_item_details",
        }
    line["discounts"] = list(discounts or ())
    if tax_rates:
        store.line_rates[line["id"]] = list(tax_rates)
    if price is not None:
        line["pricing"] = {
            "price_details": {"price": price["id"], "product": price["product"]},
            "type": "price_details",
            "unit_amount_decimal": price["unit_amount_decimal"],
        }
    store.lines[inv["id"]].append(line)
    totals(sb, inv)
    return line


def totals(sb: Sandbox, inv: dict[str, Any]) -> None:
    """Each line's discounts (its own, then the invoice's) and taxes, and the invoice's sums."""
    lines = sb.store.lines[inv["id"]]
    subtotal = sum(line["amount"] for line in lines)
    discounts: dict[str, int] = {}
    taxes: dict[str, dict[str, Any]] = {}
    subscription = sb.store.objects["subscription"].get(
        ((inv["parent"] or {}).get("subscription_details") or {}).get("subscription") or ""
    )
    defaults = inv["default_tax_rates"] or (subscription or {}).get("default_tax_rates") or []
    default_rates = [rate["id"] for rate in defaults]
    positive = sum(max(line["amount"], 0) for line in lines) or 1
    for line in lines:
        cuts = [
            {"amount": discounts_cut(sb, d, line["amount"]), "discount": d}
            for d in line["discounts"]
        ]
        left = line["amount"] - sum(c["amount"] for c in cuts)
        for d in inv["discounts"]:
            taken = discounts_cut(sb, d, left, max(line["amount"], 0) / positive)
            cuts.append({"amount": taken, "discount": d})
            left -= taken
        line["discount_amounts"] = cuts
        rates = sb.store.line_rates.get(line["id"]) or default_rates or []
        line["taxes"] = taxes_of(sb, rates, left)
        for cut in cuts:
            discounts[cut["discount"]] = discounts.get(cut["discount"], 0) + cut["amount"]
        add_up(taxes, line["taxes"])
    discount = sum(discounts.values())
    added = sum(t["amount"] for t in taxes.values() if t["tax_behavior"] == "exclusive")
    included = sum(t["amount"] for t in taxes.values() if t["tax_behavior"] == "inclusive")
    total = subtotal - discount + added
    inv.update(
        subtotal=subtotal,
        subtotal_excluding_tax=subtotal - included,
        total_excluding_tax=subtotal - discount - included,
        total=total,
        amount_due=total,
        amount_remaining=total - inv["amount_paid"],
        total_discount_amounts=[{"amount": a, "discount": d} for d, a in discounts.items()],
        total_taxes=list(taxes.values()),
    )
    if lines:
        inv["period_start"] = min(line["period"]["start"] for line in lines)
        inv["period_end"] = max(line["period"]["end"] for line in lines)


def editable(inv: dict[str, Any]) -> None:
    if inv["status"] != "draft":
        raise invalid(
            f"You can only modify draft invoices. This invoice is {inv['status']}.",
            code="invoice_not_editable",
        )


def finalize(sb: Sandbox, inv: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    if inv["status"] != "draft":
        raise invalid(
            "This invoice is already finalized, you can't re-finalize a non-draft invoice."
        )
    at = at or sb.store.now()
    customer = sb.store.get("customer", inv["customer"])
    inv["number"] = f"{customer['invoice_prefix']}-{customer['next_invoice_sequence']:04d}"
    customer["next_invoice_sequence"] += 1
    inv.update(status="open", effective_at=at, **customers.invoice_details(sb, customer))
    inv["status_transitions"]["finalized_at"] = at
    inv["hosted_invoice_url"] = f"{shapes.BASE}hosted/invoices/{inv['id']}"
    inv["invoice_pdf"] = f"{shapes.BASE}pdf/invoices/{inv['id']}"
    if inv["collection_method"] == "send_invoice" and inv["due_date"] is None:
        inv["due_date"] = at + 86400 * 30
    balance.apply_to(sb, inv, customer, at)
    sb.emit("invoice.finalized", inv)
    if inv["amount_due"] == 0:
        mark_paid(sb, inv, at, out_of_band=False)
    return inv


def payment_method_for(sb: Sandbox, inv: dict[str, Any]) -> str | None:
    if inv["default_payment_method"]:
        return str(inv["default_payment_method"])
    sub_id = (inv["parent"] or {}).get("subscription_details", {}).get("subscription")
    sub = sb.store.objects["subscription"].get(sub_id or "")
    if sub and sub["default_payment_method"]:
        return str(sub["default_payment_method"])
    customer = sb.store.get("customer", inv["customer"])
    return customer["invoice_settings"]["default_payment_method"]  # type: ignore[no-any-return]


def pay(
    sb: Sandbox,
    inv: dict[str, Any],
    payment_method: str | None = None,
    out_of_band: bool = False,
    at: int | None = None,
) -> dict[str, Any]:
    if inv["status"] == "draft":
        finalize(sb, inv, at)
        if inv["status"] == "paid":
            return inv
    if inv["status"] == "paid":
        raise invalid("Invoice is already paid", code="invoice_already_paid")
    if inv["status"] == "void":
        raise invalid("This invoice has been voided and can no longer be paid.")
    if out_of_band:
        return mark_paid(sb, inv, at, out_of_band=True)
    pm = payment_method or payment_method_for(sb, inv)
    if pm is None:
        raise invalid(NO_PAYMENT_METHOD, code="missing")
    if not customers.card_exists(sb, pm):
        raise StripeError(
            404, f"No such PaymentMethod: '{pm}'", code="resource_missing", param="payment_method"
        )
    decline = customers.decline_of(sb, pm)
    if decline is None:
        return mark_paid(sb, inv, at, out_of_band=False, payment_method=pm)
    inv["attempted"] = True
    inv["attempt_count"] += 1
    if decline == "authentication_required":
        sb.emit("invoice.payment_action_required", inv)
        raise StripeError(
            402, REQUIRES_ACTION, type="card_error", code="invoice_payment_intent_requires_action"
        )
    payments.record_failure(sb, inv, pm, decline, at or sb.store.now())
    sb.emit("invoice.payment_failed", inv)
    raise customers.decline_error(decline)


def mark_paid(
    sb: Sandbox,
    inv: dict[str, Any],
    at: int | None,
    *,
    out_of_band: bool,
    payment_method: str | None = None,
) -> dict[str, Any]:
    at = at or sb.store.now()
    if not out_of_band and inv["amount_due"] > 0:
        method = payment_method or payment_method_for(sb, inv)
        if method is not None:
            payments.record(sb, inv, method, at)
    inv.update(status="paid", amount_paid=inv["amount_due"], amount_remaining=0)
    inv["status_transitions"]["paid_at"] = at
    inv["next_payment_attempt"] = None
    if not out_of_band:
        inv["attempted"] = True
        inv["attempt_count"] += 1
    sub_id = ((inv["parent"] or {}).get("subscription_details") or {}).get("subscription")
    sub = sb.store.objects["subscription"].get(sub_id or "")
    if sub and sub["status"] in ("incomplete", "past_due", "unpaid"):
        before = fixtures.clone(sub)
        sub["status"] = "active"
        sb.emit("customer.subscription.updated", sub, before)
    sb.emit("invoice.paid", inv)
    if not out_of_band:
        sb.emit("invoice.payment_succeeded", inv)
    return inv


def void(sb: Sandbox, inv: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    if inv["status"] not in ("open", "uncollectible"):
        raise invalid(
            f"You can only pass in open or uncollectible invoices. This invoice is {inv['status']}."
        )
    inv["status"] = "void"
    inv["status_transitions"]["voided_at"] = at or sb.store.now()
    inv["next_payment_attempt"] = None
    sb.emit("invoice.voided", inv)
    return inv


def mark_uncollectible(sb: Sandbox, inv: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    if inv["status"] != "open":
        raise invalid(
            f"You can only mark open invoices as uncollectible. This invoice is {inv['status']}."
        )
    inv["status"] = "uncollectible"
    inv["status_transitions"]["marked_uncollectible_at"] = at or sb.store.now()
    inv["next_payment_attempt"] = None
    sb.emit("invoice.marked_uncollectible", inv)
    return inv
