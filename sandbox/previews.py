"""`POST /v1/invoices/create_preview`: the invoice a subscription will make next, unsaved.

As on Stripe, the preview is an invoice (`id` `upcoming_in_...`, `status: draft`, no
`number`) for the subscription's next period: one line per item for that period, taxed as
the subscription's invoices are, with the customer's balance taken in (`starting_balance`,
`amount_due`) and pending invoice items added. `created`, `period_end` and
`next_payment_attempt` (for `charge_automatically`) say when it will be made and charged.
Without `subscription`, the customer's subscription renewing first is previewed; with none
(canceled, or ending at the period end) and nothing pending, it is Stripe's 400
`invoice_upcoming_none`.
"""

from __future__ import annotations

import string
from typing import Any

from sandbox import billing, customers, fixtures, shapes
from sandbox.errors import StripeError, invalid, missing_parameter
from sandbox.params import EXPAND, check
from sandbox.state import Sandbox
from sandbox.subscriptions import advance

SPEC: dict[str, Any] = {
    **EXPAND,
    "customer": "str",
    "subscription": "str",
    "currency": "str",
    "preview_mode": ("next", "recurring"),
    "automatic_tax": {"enabled": "bool"},
}
AUTO_FINALIZE = 3600  # Stripe finalizes (and charges) a renewal invoice about an hour later


def renewing(sb: Sandbox, customer: str) -> list[dict[str, Any]]:
    """A customer's subscriptions that will invoice again, the soonest first."""
    subs = [
        s
        for s in sb.store.ordered("subscription")
        if s["customer"] == customer
        and s["status"] in ("active", "past_due", "trialing", "unpaid")
        and not s["cancel_at_period_end"]
        and s["cancel_at"] is None
    ]
    return sorted(subs, key=lambda s: min(i["current_period_end"] for i in s["items"]["data"]))


def preview(sb: Sandbox, p: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    store = sb.store
    if not p.get("customer") and not p.get("subscription"):
        raise missing_parameter("customer")
    sub = (
        store.get("subscription", p["subscription"], "subscription")
        if p.get("subscription")
        else None
    )
    customer = customers.live_customer(sb, p.get("customer") or (sub or {})["customer"])
    if sub is not None and sub["customer"] != customer["id"]:
        raise invalid(
            f"The subscription {sub['id']} does not belong to this customer.", "subscription"
        )
    candidates = renewing(sb, customer["id"])
    if sub is None:
        sub = candidates[0] if candidates else None
    elif sub not in candidates:
        sub = None
    pending = [
        i for i in reversed(store.ordered("invoiceitem"))
        if i["customer"] == customer["id"] and i["invoice"] is None
    ]  # fmt: skip
    if sub is None and not pending:
        raise StripeError(
            400,
            f"No upcoming invoices for customer: {customer['id']}",
            code="invoice_upcoming_none",
        )
    currency = sub["currency"] if sub else p.get("currency") or pending[0]["currency"]
    at = min(i["current_period_end"] for i in sub["items"]["data"]) if sub else store.now()
    id = "upcoming_in_1" + "".join(
        store.newest_rng.choices(string.ascii_letters + string.digits, k=23)
    )
    inv = shapes.invoice(id, at, customer, currency)
    inv.update(
        collection_method=sub["collection_method"] if sub else "charge_automatically",
        billing_reason="upcoming",
        **customers.invoice_details(sb, customer),
    )
    if sub is not None:
        inv["parent"] = {
            "quote_details": None,
            "subscription_details": {"metadata": {}, "subscription": sub["id"]},
            "type": "subscription_details",
        }
    lines: list[dict[str, Any]] = []
    rates: dict[str, list[str]] = {}
    for si in (sub or {}).get("items", {}).get("data", ()):
        recurring = si["price"]["recurring"]
        end = advance(at, recurring["interval"], recurring["interval_count"])
        product = store.objects["product"].get(si["price"]["product"])
        name = product["name"] if product else si["price"]["id"]
        line = _line(sb, inv, f"{si['quantity']} × {name}", si["price"]["unit_amount"],
                     si["quantity"], (at, end))  # fmt: skip
        line["parent"] = {
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None, "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": si["subscription"], "subscription_item": si["id"],
            },
            "type": "subscription_item_details",
        }  # fmt: skip
        line["pricing"] = {
            "price_details": {"price": si["price"]["id"], "product": si["price"]["product"]},
            "type": "price_details",
            "unit_amount_decimal": si["price"]["unit_amount_decimal"],
        }
        rates[line["id"]] = [r["id"] for r in si["tax_rates"]]
        lines.append(line)
    for item in pending:
        if item["currency"] != currency:
            continue
        unit = int(item["pricing"]["unit_amount_decimal"])
        period = (item["period"]["start"], item["period"]["end"])
        line = _line(sb, inv, item["description"] or "", unit, item["quantity"], period)
        line["parent"] = {
            "invoice_item_details": {
                "invoice_item": item["id"], "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": None,
            },
            "subscription_item_details": None,
            "type": "invoice_item_details",
        }  # fmt: skip
        line["discounts"] = list(item["discounts"])
        rates[line["id"]] = [r["id"] for r in item["tax_rates"]]
        lines.append(line)
    _totals(sb, inv, lines, rates)
    if sub is not None:
        # Stripe's period of a subscription invoice looks back one period: the one now ending.
        inv["period_start"] = min(i["current_period_start"] for i in sub["items"]["data"])
        inv["period_end"] = at
    balance = customer["balance"] if customer["currency"] in (None, currency) else 0
    inv["starting_balance"] = balance
    inv["amount_due"] = max(0, inv["total"] + balance)
    inv["amount_remaining"] = inv["amount_due"]
    inv["ending_balance"] = None
    if inv["collection_method"] == "charge_automatically" and inv["amount_due"] > 0:
        inv["next_payment_attempt"] = at + AUTO_FINALIZE
    elif inv["collection_method"] == "send_invoice" and sub is not None:
        inv["due_date"] = at + 86400 * (sub["days_until_due"] or 30)
    inv["automatically_finalizes_at"] = at + AUTO_FINALIZE if sub else None
    inv["lines"] = fixtures.list_object([], False, f"/v1/invoices/{id}/lines")
    return inv, lines


def _line(
    sb: Sandbox, inv: dict[str, Any], description: str, unit: int, quantity: int,
    period: tuple[int, int],
) -> dict[str, Any]:  # fmt: skip
    id = "il_tmp_" + "".join(sb.store.newest_rng.choices("0123456789abcdef", k=24))
    line = shapes.line_item(id, inv["id"], inv["currency"], description, unit * quantity, quantity)
    line["period"] = {"start": period[0], "end": period[1]}
    line["pricing"]["unit_amount_decimal"] = str(unit)
    return line


def _totals(
    sb: Sandbox, inv: dict[str, Any], lines: list[dict[str, Any]], rates: dict[str, list[str]]
) -> None:
    """The invoice's sums through `billing.totals`, which reads the lines and their rates from
    the store: lent to it for the call, then taken back, so that nothing of the preview stays."""
    store = sb.store
    store.lines[inv["id"]] = lines
    for line_id, ids in rates.items():
        if ids:
            store.line_rates[line_id] = ids
    try:
        billing.totals(sb, inv)
    finally:
        del store.lines[inv["id"]]
        for line_id in rates:
            store.line_rates.pop(line_id, None)


def create_preview(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, SPEC)
    inv, lines = preview(sb, p)
    store = sb.store
    store.lines[inv["id"]] = lines  # render shows an invoice's lines from the store
    try:
        return store.render(inv, p.get("expand", ()))
    finally:
        del store.lines[inv["id"]]


ROUTES = [
    ("POST", "/v1/invoices/create_preview", create_preview),
]
