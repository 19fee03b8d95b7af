"""Seed data: personas with payment methods, subscriptions and invoices in every status.

A seed is JSON (the README's "Seed file format" describes it; `demo.json` beside this file is the
demo). Ids come from a seeded generator, so every start gives the same ids. Times count back
from the start of the current UTC day, so "past due" and "not yet due" hold on any date.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sandbox import (
    billing,
    catalog,
    credit_notes,
    customers,
    discounts,
    invoice_items,
    portal,
    subscriptions,
    taxes,
)
from sandbox.errors import StripeError
from sandbox.state import Sandbox

DAY = 86400
SEEDS = {"demo": Path(__file__).with_name("demo.json"), "empty": None}
STATUSES = ("draft", "open", "paid", "void", "uncollectible")
SHOWN_PER_STATUS = 50
# What the seed made once and shares: prices by (product, amount, currency, interval,
# nickname), tax rates and coupons by their spec.
Prices = dict[Any, str]


class SeedError(ValueError):
    pass


def read(name: str) -> dict[str, Any]:
    if name in SEEDS:
        path = SEEDS[name]
        return json.loads(path.read_text(encoding="utf-8")) if path else {"customers": []}
    try:
        data = json.loads(Path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SeedError(
            f"seed {name!r}: not a known seed name or a readable JSON file ({exc})"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("customers"), list):
        raise SeedError(f"seed {name!r}: expected an object with a 'customers' list")
    return data


def load(sb: Sandbox, name: str) -> dict[str, Any]:
    data = read(name)
    today = sb.store.now() // DAY * DAY
    seeded: dict[str, Any] = {"customers": {}, "subscriptions": {}, "invoices": {}, "now": today}
    prices: Prices = {}
    for index, spec in enumerate(data["customers"]):
        try:
            _customer(sb, spec, today, prices, seeded)
        except (KeyError, TypeError, ValueError) as exc:
            raise SeedError(f"seed {name!r}: customer #{index}: {exc!r}") from exc
    try:
        _portal(sb, data.get("portal") or {}, today)
    except (KeyError, TypeError, ValueError) as exc:
        raise SeedError(f"seed {name!r}: portal: {exc!r}") from exc
    for inv in seeded.pop("failed_attempts", ()):
        _fail(sb, inv)
    for inv, spec in seeded.pop("credit_notes", ()):
        _credit(sb, inv, spec)
    for email, by_status in seeded["invoices"].items():
        seeded["invoices"][email] = {s: ids[:SHOWN_PER_STATUS] for s, ids in by_status.items()}
    return seeded


def _customer(
    sb: Sandbox, spec: dict[str, Any], today: int, prices: Prices, seeded: dict[str, Any]
) -> None:
    # Before anything of theirs: no invoice is older than its customer, as in Stripe.
    bulk = spec.get("bulk_invoices") or {}
    span = int(bulk.get("count", 0)) * int(bulk.get("every_hours", 3)) * 3600
    first = today - max(400 * DAY, span + DAY)
    keys = ("email", "name", "description", "phone", "address", "shipping")
    fields = {k: spec[k] for k in keys if spec.get(k)}
    fields["tax_id_data"] = spec.get("tax_ids") or []
    customer = customers.create_customer(sb, fields)
    customer["created"] = first
    customer["currency"] = spec.get("currency")
    email = spec.get("email") or customer["id"]
    seeded["customers"].setdefault(email, []).append(customer["id"])
    if spec.get("payment_method"):
        pm = customers.attach(sb, spec["payment_method"], customer["id"])
        pm["created"] = first
        customer["invoice_settings"]["default_payment_method"] = pm["id"]
    invoices = seeded["invoices"].setdefault(email, {})
    for sub_spec in spec.get("subscriptions", ()):
        sub = _subscription(sb, customer, sub_spec, today, prices)
        seeded["subscriptions"].setdefault(email, []).append(sub["id"])
        for inv in sb.store.objects["invoice"].values():  # sorted below, once
            if (inv["parent"] or {}).get("subscription_details", {}).get("subscription") == sub[
                "id"
            ]:
                invoices.setdefault(inv["status"], []).append(inv["id"])
    for inv_spec in spec.get("invoices", ()):
        inv = _invoice(sb, customer, inv_spec, today, prices)
        invoices.setdefault(inv["status"], []).append(inv["id"])
        if inv_spec.get("failed_attempt"):
            seeded.setdefault("failed_attempts", []).append(inv)
        for note in inv_spec.get("credit_notes", ()):
            seeded.setdefault("credit_notes", []).append((inv, note))
    if bulk:
        for inv in _bulk(sb, customer, bulk, today):
            invoices.setdefault(inv["status"], []).append(inv["id"])
    for ids in invoices.values():
        ids.sort(key=lambda id: sb.store.sort_key(sb.store.objects["invoice"][id]), reverse=True)


def _subscription(
    sb: Sandbox, customer: dict[str, Any], spec: dict[str, Any], today: int, prices: Prices
) -> dict[str, Any]:
    currency = spec.get("currency") or customer["currency"] or "usd"
    interval = spec.get("interval", "month")
    key = (spec["product"], int(spec["amount"]), currency, interval, spec.get("nickname"))
    periods = int(spec.get("periods", 1))
    start = today + 3600
    for _ in range(periods - 1):
        start = subscriptions.advance(start, interval, -1)
    if key not in prices:
        price = catalog.create_price(
            sb,
            {"product_data": {"name": spec["product"]}, "unit_amount": key[1], "currency": currency,
             "recurring": {"interval": interval}, "nickname": spec.get("nickname")},
            at=today - 500 * DAY,
        )  # fmt: skip
        prices[key] = price["id"]
    params = {"customer": customer["id"], "items": [{"price": prices[key], "quantity": 1}],
              "description": spec.get("description"),
              "default_tax_rates": _rates(sb, spec, prices, today)}  # fmt: skip
    sub = subscriptions.create_subscription(sb, params, at=start, pay=False)
    first = sub["latest_invoice"]
    _collect(sb, sb.store.objects["invoice"][first], start)
    for _ in range(periods - 1):
        start = subscriptions.advance(start, interval, 1)
        inv = subscriptions.invoice_period(sb, sub, start, "subscription_cycle", pay=False)
        _collect(sb, inv, start)
    sub["status"] = spec.get("status", "active")
    return sub


def _portal(sb: Sandbox, spec: dict[str, Any], today: int) -> None:
    """More prices of the subscriptions' products, then the customer portal's default
    configuration: payment method update always, plan changes and cancellation as the seed
    says. Made after everything else, so that adding them leaves every other id as it was."""
    for extra in spec.get("prices", ()):
        named = {
            o["id"] for o in sb.store.objects["product"].values() if o["name"] == extra["product"]
        }
        existing = next(p for p in reversed(sb.store.ordered("price")) if p["product"] in named)
        catalog.create_price(sb, {
            "product": existing["product"], "unit_amount": int(extra["amount"]),
            "currency": extra.get("currency") or existing["currency"],
            "recurring": {"interval": extra.get("interval", "year")},
            "nickname": extra.get("nickname"),
        }, at=today - 500 * DAY)  # fmt: skip
    cancel = spec.get("subscription_cancel")
    if cancel not in (None, False, "at_period_end", "immediately"):
        raise ValueError(f"subscription_cancel {cancel!r} is not at_period_end or immediately")
    portal.default_configuration(sb, cancel or None, bool(spec.get("subscription_update")))


def _collect(sb: Sandbox, inv: dict[str, Any], at: int) -> None:
    method = billing.payment_method_for(sb, inv)
    if method is None or customers.decline_of(sb, method):
        method = "pm_card_visa"
    billing.pay(sb, inv, out_of_band=False, at=at + 600, payment_method=method)


def _fail(sb: Sandbox, inv: dict[str, Any]) -> None:
    """An automatic charge of an open invoice that the customer's card declined, a day after
    it was finalized. Made after everything else, so that every other id stays as it was."""
    method = billing.payment_method_for(sb, inv)
    if inv["status"] != "open" or method is None or not customers.decline_of(sb, method):
        raise SeedError(f"failed_attempt: {inv['id']} is not open with a card that declines")
    try:
        billing.pay(sb, inv, at=inv["created"] + DAY)
    except StripeError:
        return


def _credit(sb: Sandbox, inv: dict[str, Any], spec: dict[str, Any]) -> None:
    """A credit note of a seeded invoice, `days_after` its finalization, its lines naming the
    invoice's by position. Made after everything else, so that every other id stays."""
    p: dict[str, Any] = {k: spec[k] for k in ("reason", "memo", "amount") if k in spec}
    p["invoice"] = inv["id"]
    if spec.get("lines"):
        rows = sb.store.lines[inv["id"]]
        p["lines"] = [
            {"type": "invoice_line_item", "invoice_line_item": rows[line["line"]]["id"],
             **{k: line[k] for k in ("amount", "quantity") if k in line}}
            for line in spec["lines"]
        ]  # fmt: skip
    p.update({k: spec[k] for k in credit_notes.SPLIT if k in spec})
    at = inv["status_transitions"]["finalized_at"] + int(spec.get("days_after", 1)) * DAY
    credit_notes.issue(sb, p, at, rest_to_balance=True)


def _rates(sb: Sandbox, spec: dict[str, Any], made: Prices, today: int) -> list[str]:
    """The tax rates of a line or subscription: `tax_rates` as given, or `tax_percent` as an
    exclusive rate named "Tax"; the same rate made once."""
    wanted = list(spec.get("tax_rates") or ())
    if spec.get("tax_percent"):
        wanted.append({"display_name": "Tax", "percentage": spec["tax_percent"]})
    ids = []
    for rate in wanted:
        key = json.dumps(["tax_rate", rate], sort_keys=True)
        if key not in made:
            params = {"inclusive": False, **rate, "percentage": str(rate["percentage"])}
            made[key] = taxes.create_rate(sb, params, at=today - 500 * DAY)["id"]
        ids.append(made[key])
    return ids


def _discounts(sb: Sandbox, spec: dict[str, Any], made: Prices, today: int) -> list[Any]:
    """`discounts[]` for a line or an invoice: each `{"coupon": {...}}`, optionally with a
    `"promotion_code": "CODE"`; `discount_percent` is a coupon named "N% off"."""
    wanted = list(spec.get("discounts") or ())
    if spec.get("discount_percent"):
        percent = spec["discount_percent"]
        wanted.append({"coupon": {"percent_off": percent, "name": f"{percent:g}% off"}})
    out: list[Any] = []
    for entry in wanted:
        coupon = {k: str(v) if k == "percent_off" else v for k, v in entry["coupon"].items()}
        key = json.dumps(["coupon", coupon], sort_keys=True)
        if key not in made:
            made[key] = discounts.create_coupon(sb, coupon, at=today - 500 * DAY)["id"]
        code = entry.get("promotion_code")
        if not code:
            out.append({"coupon": made[key]})
            continue
        if code not in made:
            promotion = {"code": code, "promotion": {"coupon": made[key], "type": "coupon"}}
            made[code] = discounts.create_promotion(sb, promotion, at=today - 500 * DAY)["id"]
        out.append({"promotion_code": made[code]})
    return out


def _invoice(
    sb: Sandbox, customer: dict[str, Any], spec: dict[str, Any], today: int, made: Prices
) -> dict[str, Any]:
    created = today - int(spec.get("created_days_ago", 0)) * DAY + 9 * 3600
    status = spec.get("status", "open")
    if status not in STATUSES:
        raise ValueError(f"invoice status {status!r} is not one of {', '.join(STATUSES)}")
    due = spec.get("due_in_days")
    inv = billing.new_invoice(
        sb, customer, spec.get("currency") or customer["currency"] or "usd",
        collection_method="send_invoice", days_until_due=30, at=created,
    )  # fmt: skip
    inv["description"] = spec.get("description")
    if due is not None:
        inv["due_date"] = today + int(due) * DAY + 17 * 3600
    for line in spec.get("lines", ()):
        item = {
            "customer": customer["id"], "invoice": inv["id"], "amount": int(line["amount"]) *
            int(line.get("quantity", 1)), "quantity": int(line.get("quantity", 1)),
            "description": line.get("description"),
            "tax_rates": _rates(sb, line, made, today),
            "discounts": _discounts(sb, line, made, today),
        }  # fmt: skip
        invoice_items.create_item(sb, item, at=created)
    inv["default_tax_rates"] = [
        sb.store.objects["tax_rate"][id] for id in _rates(sb, spec, made, today)
    ]
    inv["discounts"] = discounts.apply(
        sb, _discounts(sb, spec, made, today), "discounts", customer["id"], invoice=inv["id"],
        at=created,
    )  # fmt: skip
    billing.totals(sb, inv)
    if status == "draft":
        return inv
    billing.finalize(sb, inv, at=created + 60)
    if status == "paid" and inv["status"] == "open":
        billing.mark_paid(sb, inv, created + 2 * DAY, out_of_band=False)
    elif status == "void":
        billing.void(sb, inv, at=created + DAY)
    elif status == "uncollectible":
        billing.mark_uncollectible(sb, inv, at=created + 45 * DAY)
    return inv


def _bulk(
    sb: Sandbox, customer: dict[str, Any], spec: dict[str, Any], today: int
) -> list[dict[str, Any]]:
    made = []
    every = int(spec.get("every_hours", 3)) * 3600
    open_count = int(spec.get("open", 0))
    for i in range(int(spec["count"])):
        at = today - (i + 1) * every
        inv = billing.new_invoice(sb, customer, customer["currency"] or "usd", at=at,
                                  collection_method="send_invoice", days_until_due=30)  # fmt: skip
        billing.add_line(sb, inv, f"{spec.get('description', 'Charges')} #{i + 1}",
                         int(spec["amount"]) + (i % 7) * 100, period=(at - every, at))  # fmt: skip
        billing.finalize(sb, inv, at=at)
        if i >= open_count:
            billing.mark_paid(sb, inv, at + 3600, out_of_band=False)
        made.append(inv)
    return made
