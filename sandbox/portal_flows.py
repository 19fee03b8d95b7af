"""What completing a customer portal action does to Stripe's objects, and the events it sends.

The hosted portal (`sandbox.portal_pages`) calls these; each one changes state the way the
portal does on Stripe and emits the same events through the sandbox's webhook delivery.
"""

from __future__ import annotations

from typing import Any

from sandbox import customers, fixtures, shapes, subscriptions
from sandbox.errors import invalid
from sandbox.state import Sandbox


def update_payment_method(sb: Sandbox, customer_id: str, card: str) -> dict[str, Any]:
    """Attach a new card and make it the customer's default for invoices (the portal's
    `payment_method_update`): `payment_method.attached`, then `customer.updated`."""
    customer = customers.live_customer(sb, customer_id)
    pm = customers.attach(sb, card, customer["id"])
    before = fixtures.clone(customer)
    customer["invoice_settings"]["default_payment_method"] = pm["id"]
    sb.emit("customer.updated", customer, before)
    return pm


def prices_offered(sb: Sandbox, config_id: str, sub: dict[str, Any]) -> list[dict[str, Any]]:
    """The prices a customer may switch this subscription to: the configuration's prices of
    the subscription's products, in its currency, other than the current ones."""
    offered = sb.store.portal_products.get(config_id, {})
    current = {si["price"]["id"] for si in sub["items"]["data"]}
    found = []
    for si in sub["items"]["data"]:
        for price_id in offered.get(si["price"]["product"], ()):
            price = sb.store.objects["price"].get(price_id)
            if (
                price
                and price["active"]
                and price["currency"] == sub["currency"]
                and price_id not in current
            ):
                found.append(price)
    return found


def change_price(sb: Sandbox, sub: dict[str, Any], changes: list[tuple[str, str]]) -> None:
    """Move subscription items to other prices (`customer.subscription.updated`). The sandbox
    does not prorate: the new price is billed from the next period, as with
    `proration_behavior=none`, the portal's default."""
    before = fixtures.clone(sub)
    for item_id, price_id in changes:
        price = sb.store.get("price", price_id, "price")
        si = next(si for si in sub["items"]["data"] if si["id"] == item_id)
        si.update(price=fixtures.clone(price), plan=shapes.plan_of(price))
    sb.emit("customer.subscription.updated", sub, before)


def cancel(sb: Sandbox, sub: dict[str, Any], mode: str) -> dict[str, Any]:
    """Cancel as the configuration says: at the end of the period (the portal's default;
    `customer.subscription.updated`) or at once (`customer.subscription.deleted`)."""
    if sub["status"] in ("canceled", "incomplete_expired"):
        raise invalid("This subscription has already been canceled.")
    reason = {"comment": None, "feedback": None, "reason": "cancellation_requested"}
    if mode == "immediately":
        sub["cancellation_details"] = reason
        return subscriptions.cancel(sb, sub)
    before = fixtures.clone(sub)
    now = sb.store.now()
    end = max((si["current_period_end"] or now for si in sub["items"]["data"]), default=now)
    sub.update(cancel_at_period_end=True, cancel_at=end, canceled_at=now,
               cancellation_details=reason)  # fmt: skip
    sb.emit("customer.subscription.updated", sub, before)
    return sub
