"""The customer's account at a glance: what is owed and past due, their credit balance and
the next charge of their subscription (docs/openapi.json, `Account`).

Built from answers the portal keeps anyway: the open invoices (`invoices.owed`, which the
session has usually just read), the customers (`customers.by_id`) and one invoice preview per
subscription, each cached under its customer's tag so that Stripe's webhooks clear them.
"""

from __future__ import annotations

from typing import Any

from edge import customers, invoices, shapes
from edge.cache import MISSING
from edge.gateway import Gateway

Obj = dict[str, Any]
# A subscription that will invoice again, as Stripe's invoice preview sees it.
RENEWING = ("active", "trialing", "past_due", "unpaid")


async def fetch_customers(gateway: Gateway, ids: tuple[str, ...]) -> list[Obj]:
    """The token's customers with their subscriptions, one cached call each."""
    return [c for customer_id in ids for c in await customers.by_id(gateway, customer_id)]


def subscription(found: list[Obj], subscription_id: str | None) -> Obj | None:
    """One of these customers' subscriptions (Stripe lists all but canceled ones)."""
    for customer in found:
        for sub in (customer.get("subscriptions") or {}).get("data") or []:
            if isinstance(sub, dict) and sub.get("id") == subscription_id:
                return sub
    return None


async def summary(
    gateway: Gateway, ids: tuple[str, ...], found: list[Obj], sub: Obj | None, now: float
) -> Obj:
    outstanding: dict[str, int] = {}
    past_due: dict[str, int] = {}
    for listed in await invoices.owed(gateway, ids):
        for invoice in listed["data"]:
            if invoice.get("status") != "open" or not isinstance(invoice.get("currency"), str):
                continue
            amount = invoice.get("amount_remaining") or 0
            _add(outstanding, invoice["currency"], amount)
            if shapes.invoice(invoice, now)["past_due"]:
                _add(past_due, invoice["currency"], amount)
    credit: dict[str, int] = {}
    for customer in found:
        balance, currency = customer.get("balance"), customer.get("currency")
        # A negative balance is what Stripe owes the customer, taken off their next invoices.
        if isinstance(balance, int) and balance < 0 and isinstance(currency, str):
            _add(credit, currency, -balance)
    return {
        "outstanding": _amounts(outstanding),
        "past_due": _amounts(past_due),
        "credit": _amounts(credit),
        "next_charge": await next_charge(gateway, sub),
    }


async def next_charge(gateway: Gateway, sub: Obj | None) -> Obj | None:
    """What the subscription's next invoice will ask for and when, from Stripe's preview of
    it; None for a subscription that will not invoice again (not asked) or none to preview."""
    if sub is None or sub.get("status") not in RENEWING or sub.get("cancel_at_period_end"):
        return None
    period_end = shapes.subscription(sub)["current_period_end"]
    cancel_at = sub.get("cancel_at")
    if isinstance(cancel_at, int) and isinstance(period_end, int) and cancel_at <= period_end:
        return None

    async def load() -> tuple[Obj, list[str]]:
        preview = await gateway.create_preview(sub["id"])
        if preview is None:
            return MISSING, [shapes.customer_id(sub)]
        date = preview.get("next_payment_attempt") or preview.get("period_end") or period_end
        charge = {
            "amount": preview.get("amount_due"),
            # Before the credit balance is taken off: a fully credited invoice still has one.
            "total": preview.get("total"),
            "currency": preview.get("currency"),
            "date": date,
            "subscription": sub["id"],
        }
        return charge, [shapes.customer_id(sub)]

    charge = await gateway.cache.fetch(("next_charge", sub["id"]), load)
    return None if charge is MISSING else dict(charge)


def _add(totals: dict[str, int], currency: str, amount: Any) -> None:
    if isinstance(amount, int):
        totals[currency] = totals.get(currency, 0) + amount


def _amounts(totals: dict[str, int]) -> list[Obj]:
    return [{"currency": c, "amount": a} for c, a in sorted(totals.items()) if a]
