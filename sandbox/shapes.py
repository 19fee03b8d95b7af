"""Stripe objects, built from Stripe's own fixtures so their keys cannot drift.

Every builder copies the fixture of its resource (`sandbox.fixtures`) and fills it in; keys
the sandbox has no data for get Stripe's value for "not set" (null, empty list, empty object).
"""

from __future__ import annotations

from typing import Any

from sandbox.fixtures import clone, template

# Rendered into absolute URLs of the address a request came in on (see app.render).
BASE = "sandbox-base://"


def customer(
    id: str, created: int, email: str | None, name: str | None, prefix: str
) -> dict[str, Any]:
    obj = template("customer")
    obj.update(
        id=id,
        created=created,
        email=email,
        name=name,
        invoice_prefix=prefix,
        currency=None,
        discount=None,
        shipping=None,
        address=None,
        metadata={},
        preferred_locales=[],
        next_invoice_sequence=1,
    )
    obj["invoice_settings"].update(custom_fields=None, default_payment_method=None, footer=None)
    obj["invoice_settings"]["rendering_options"] = None
    return obj


def payment_method(
    id: str, created: int, card: dict[str, Any], customer: str | None
) -> dict[str, Any]:
    obj = template("payment_method")
    obj.update(
        id=id, created=created, customer=customer, metadata={}, allow_redisplay="unspecified"
    )
    obj["billing_details"].update(email=None, name=None, phone=None, tax_id=None)
    obj["billing_details"]["address"] = dict.fromkeys(obj["billing_details"]["address"])
    c = obj["card"]
    c.update(
        brand=card["brand"],
        display_brand=card["brand"],
        last4=card["last4"],
        country=card.get("country", "US"),
        funding=card.get("funding", "credit"),
        exp_month=12,
        exp_year=2034,
        fingerprint=card["fingerprint"],
        generated_from=None,
        wallet=None,
        regulated_status="unregulated",
    )
    c["networks"] = {"available": [card["brand"]], "preferred": None}
    c["checks"]["cvc_check"] = "pass"
    return obj


def product(id: str, created: int, name: str, description: str | None) -> dict[str, Any]:
    obj = template("product")
    obj.update(
        id=id,
        created=created,
        updated=created,
        name=name,
        description=description,
        default_price=None,
        metadata={},
        package_dimensions=None,
        type="service",
    )
    return obj


def price(
    id: str, created: int, product: str, currency: str, unit_amount: int, recurring: Any
) -> dict[str, Any]:
    obj = template("price")
    obj.update(
        id=id,
        created=created,
        product=product,
        currency=currency,
        unit_amount=unit_amount,
        unit_amount_decimal=str(unit_amount),
        custom_unit_amount=None,
        transform_quantity=None,
        metadata={},
        type="recurring" if recurring else "one_time",
    )
    if recurring:
        obj["recurring"].update(
            interval=recurring["interval"], interval_count=recurring.get("interval_count", 1)
        )
    else:
        obj["recurring"] = None
    return obj


def plan_of(price: dict[str, Any]) -> dict[str, Any] | None:
    """The legacy `plan` Stripe still shows beside a recurring price."""
    if not price["recurring"]:
        return None
    obj = template("plan")
    obj.update(
        id=price["id"],
        created=price["created"],
        active=price["active"],
        amount=price["unit_amount"],
        amount_decimal=price["unit_amount_decimal"],
        billing_scheme="per_unit",
        currency=price["currency"],
        interval=price["recurring"]["interval"],
        interval_count=price["recurring"]["interval_count"],
        livemode=False,
        metadata={},
        nickname=price["nickname"],
        product=price["product"],
        transform_usage=None,
    )
    return obj


def subscription_item(
    id: str, created: int, sub: str, price: dict[str, Any], quantity: int
) -> dict[str, Any]:
    obj = template("subscription_item")
    obj.update(
        id=id,
        created=created,
        subscription=sub,
        price=clone(price),
        plan=plan_of(price),
        quantity=quantity,
        metadata={},
        billing_thresholds=None,
    )
    return obj


def subscription(id: str, created: int, customer: str, currency: str) -> dict[str, Any]:
    obj = template("subscription")
    obj.update(
        id=id,
        created=created,
        customer=customer,
        currency=currency,
        billing_cycle_anchor=created,
        billing_cycle_anchor_config=None,
        cancel_at=None,
        canceled_at=None,
        ended_at=None,
        trial_end=None,
        trial_start=None,
        start_date=created,
        cancel_at_period_end=False,
        next_pending_invoice_item_invoice=None,
        pause_collection=None,
        pending_invoice_item_interval=None,
        pending_update=None,
        transfer_data=None,
        billing_thresholds=None,
        metadata={},
        billing_schedules=[],
        managed_payments=None,
    )
    obj["automatic_tax"]["liability"] = None
    obj["billing_mode"] = {"type": "classic", "flexible": None}
    obj["items"].update(data=[], url=f"/v1/subscription_items?subscription={id}")
    obj["payment_settings"]["payment_method_options"] = None
    obj["payment_settings"]["save_default_payment_method"] = "off"
    return obj


def _invoice_base() -> dict[str, Any]:
    obj = template("invoice")
    obj.update(
        customer_shipping=None,
        account_name="Invoice Portal Sandbox",
        amount_due=0,
        amount_paid=0,
        amount_remaining=0,
        amount_overpaid=0,
        due_date=None,
        effective_at=None,
        from_invoice=None,
        last_finalization_error=None,
        next_payment_attempt=None,
        shipping_cost=None,
        shipping_details=None,
        subtotal=0,
        subtotal_excluding_tax=0,
        total=0,
        total_excluding_tax=0,
        webhooks_delivered_at=None,
        auto_advance=True,
        parent=None,
        rendering=None,
    )
    obj["automatic_tax"]["liability"] = None
    obj["payment_settings"]["payment_method_options"] = None
    return obj


_INVOICE = _invoice_base()


def invoice(id: str, created: int, customer: dict[str, Any], currency: str) -> dict[str, Any]:
    # A shallow copy: the seed makes thousands of these. Every nested value the sandbox
    # changes in place gets its own copy here; the rest is shared and only ever replaced,
    # and every answer is a deep copy (Store.render), so nothing leaks between invoices.
    obj = dict(_INVOICE)
    obj.update(
        id=id,
        created=created,
        customer=customer["id"],
        customer_email=customer["email"],
        customer_name=customer["name"],
        customer_address=customer["address"],
        currency=currency,
        period_start=created,
        period_end=created,
        discounts=[],
        metadata={},
        status_transitions=dict.fromkeys(_INVOICE["status_transitions"]),
        total_discount_amounts=[],
        total_taxes=[],
        total_pretax_credit_amounts=[],
        lines={"data": [], "has_more": False, "object": "list", "url": f"/v1/invoices/{id}/lines"},
    )
    return obj


_LINE = template("line_item")


def line_item(
    id: str, invoice: str, currency: str, description: str, amount: int, qty: int
) -> dict[str, Any]:
    obj = dict(_LINE)  # shallow, as for invoices: nested values are replaced, never changed
    obj.update(
        id=id,
        invoice=invoice,
        currency=currency,
        description=description,
        amount=amount,
        subtotal=amount,
        quantity=qty,
        metadata={},
        taxes=[],
        pretax_credit_amounts=[],
        discounts=[],
        discount_amounts=[],
        period=dict(_LINE["period"]),
        pricing={**_LINE["pricing"], "unit_amount_decimal": str(amount // max(qty, 1))},
    )
    return obj


def invoiceitem(id: str, created: int, customer: str, currency: str, amount: int) -> dict[str, Any]:
    obj = template("invoiceitem")
    obj.update(
        id=id,
        date=created,
        customer=customer,
        currency=currency,
        amount=amount,
        net_amount=amount,
        quantity=1,
        quantity_decimal="1",
        metadata={},
        parent=None,
    )
    obj["pricing"]["unit_amount_decimal"] = str(amount)
    obj["period"] = {"start": created, "end": created}
    return obj


def event(
    id: str,
    created: int,
    type: str,
    data: dict[str, Any],
    idempotency_key: str | None,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    obj = template("event")
    obj.update(
        id=id,
        created=created,
        type=type,
        data={"object": data},
        api_version="2026-10-28.endive",
        pending_webhooks=1,
    )
    obj["request"] = {"id": None, "idempotency_key": idempotency_key}
    if previous is not None:
        obj["data"]["previous_attributes"] = previous
    return obj
