"""Coupons, promotion codes, and the discounts that apply them to invoices and their lines.

As on Stripe, applying a coupon or a promotion code makes a `discount` (`di_...`) of its own:
an invoice's or a line's `discounts` hold these ids, `discount_amounts` say how much each took,
and `discount.source.coupon` and `discount.promotion_code` lead back to what was applied.
"""

from __future__ import annotations

from typing import Any

from sandbox.errors import invalid
from sandbox.fixtures import template
from sandbox.params import EXPAND, LIST, check
from sandbox.state import Sandbox
from sandbox.taxes import number

COUPON: dict[str, Any] = {
    **EXPAND,
    "id": "str",
    "name": "str",
    "percent_off": "str",
    "amount_off": "int",
    "currency": "str",
    "duration": ("forever", "once", "repeating"),
    "duration_in_months": "int",
    "max_redemptions": "int",
    "redeem_by": "int",
    "metadata": "map",
}
PROMOTION: dict[str, Any] = {
    **EXPAND,
    "code": "str",
    "promotion": {"coupon": "str", "type": ("coupon",)},
    "active": "bool",
    "customer": "str",
    "expires_at": "int",
    "max_redemptions": "int",
    "metadata": "map",
}
# `discounts[]` of an invoice or an invoice item: one of these in each entry.
APPLIED: dict[str, Any] = {"coupon": "str", "promotion_code": "str", "discount": "str"}


def create_coupon(sb: Sandbox, p: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    store = sb.store
    percent = number(p["percent_off"], "percent_off") if p.get("percent_off") else None
    if (percent is None) == (p.get("amount_off") is None):
        raise invalid("Coupons must have exactly one of `percent_off` or `amount_off`.")
    if percent is not None and not 0 < percent <= 100:
        raise invalid("Percent off must be between 0 and 100.", "percent_off")
    if p.get("amount_off") is not None and not p.get("currency"):
        raise invalid("You must specify a currency when `amount_off` is used.", "currency")
    id = p.get("id") or store.new_id("coupon")
    if id in store.objects["coupon"]:
        raise invalid("Coupon already exists.", "id", "resource_already_exists")
    obj = template("coupon")
    obj.update(
        id=id,
        created=at or store.now(),
        name=p.get("name"),
        percent_off=percent,
        amount_off=p.get("amount_off"),
        currency=(p.get("currency") or "").lower() or None,
        duration=p.get("duration") or "once",
        duration_in_months=p.get("duration_in_months"),
        max_redemptions=p.get("max_redemptions"),
        redeem_by=p.get("redeem_by"),
        metadata=p.get("metadata") or {},
        times_redeemed=0,
        valid=True,
    )
    return store.add("coupon", obj)


def create_promotion(sb: Sandbox, p: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    store = sb.store
    coupon = store.get("coupon", (p.get("promotion") or {}).get("coupon"), "promotion[coupon]")
    code = p.get("code") or coupon["id"]
    if any(o["code"] == code and o["active"] for o in store.objects["promotion_code"].values()):
        raise invalid(f"An active promotion code with `code: {code}` already exists.", "code")
    obj = template("promotion_code")
    obj.update(
        id=store.new_id("promotion_code"),
        created=at or store.now(),
        code=code,
        active=p.get("active", True),
        customer=p.get("customer"),
        expires_at=p.get("expires_at"),
        max_redemptions=p.get("max_redemptions"),
        metadata=p.get("metadata") or {},
        promotion={"coupon": coupon["id"], "type": "coupon"},
        times_redeemed=0,
    )
    return store.add("promotion_code", obj)


def apply(
    sb: Sandbox, entries: list[dict[str, Any]] | None, param: str, customer: str, **on: Any
) -> list[str]:
    """The discount ids for `discounts[]`: a new discount per coupon or promotion code, an
    existing one passed on. `on` says what it is attached to (`invoice`, `invoice_item`)."""
    store = sb.store
    found = []
    for i, entry in enumerate(entries or ()):
        where = f"{param}[{i}]"
        if len([k for k in APPLIED if entry.get(k)]) != 1:
            raise invalid(
                "Each discount must have exactly one of `coupon`, `promotion_code` or `discount`.",
                where,
            )
        if entry.get("discount"):
            found.append(store.get("discount", entry["discount"], f"{where}[discount]")["id"])
            continue
        promotion = None
        if entry.get("promotion_code"):
            code = entry["promotion_code"]
            promotion = store.get("promotion_code", code, f"{where}[promotion_code]")
            if not promotion["active"]:
                raise invalid(f"Promotion code {promotion['code']} is inactive.", where)
            coupon = store.objects["coupon"][promotion["promotion"]["coupon"]]
        else:
            coupon = store.get("coupon", entry["coupon"], f"{where}[coupon]")
        found.append(discount(sb, coupon, promotion, customer, **on)["id"])
    return found


def discount(
    sb: Sandbox,
    coupon: dict[str, Any],
    promotion: dict[str, Any] | None,
    customer: str,
    invoice: str | None = None,
    invoice_item: str | None = None,
    at: int | None = None,
) -> dict[str, Any]:
    store = sb.store
    obj = template("discount")
    obj.update(
        id=store.new_id("discount"),
        customer=customer,
        start=at or store.now(),
        end=None,
        invoice=invoice,
        invoice_item=invoice_item,
        promotion_code=promotion["id"] if promotion else None,
        source={"coupon": coupon["id"], "type": "coupon"},
    )
    coupon["times_redeemed"] += 1
    if promotion:
        promotion["times_redeemed"] += 1
    return store.add("discount", obj)


def cut(sb: Sandbox, discount_id: str, amount: int, share: float = 1.0) -> int:
    """What a discount takes from `amount`; an `amount_off` coupon applied to a whole
    invoice takes this line's `share` of it."""
    found = sb.store.objects["discount"].get(discount_id)
    coupon = sb.store.objects["coupon"].get(found["source"]["coupon"]) if found else None
    if coupon is None:
        return 0
    if coupon["percent_off"] is not None:
        return min(amount, round(amount * float(coupon["percent_off"]) / 100))
    return min(amount, round(int(coupon["amount_off"]) * share))


def coupon_create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, COUPON)
    return sb.store.render(create_coupon(sb, p), p.get("expand", ()))


def coupon_retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(sb.store.get("coupon", ids["id"]), p.get("expand", ()))


def coupon_list(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, LIST)
    page = sb.store.page("coupon", sb.store.ordered("coupon"), p, "/v1/coupons")
    return sb.store.render(page, p.get("expand", ()))


def promotion_create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, PROMOTION, required=("promotion",))
    return sb.store.render(create_promotion(sb, p), p.get("expand", ()))


def promotion_retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(sb.store.get("promotion_code", ids["id"]), p.get("expand", ()))


def promotion_list(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "code": "str", "coupon": "str", "active": "bool", "customer": "str"})
    rows = [
        o
        for o in sb.store.ordered("promotion_code")
        if p.get("code") in (None, o["code"])
        and p.get("coupon") in (None, o["promotion"]["coupon"])
        and p.get("active") in (None, o["active"])
        and p.get("customer") in (None, o["customer"])
    ]
    page = sb.store.page("promotion_code", rows, p, "/v1/promotion_codes")
    return sb.store.render(page, p.get("expand", ()))


ROUTES = [
    ("POST", "/v1/coupons", coupon_create),
    ("GET", "/v1/coupons", coupon_list),
    ("GET", "/v1/coupons/{id}", coupon_retrieve),
    ("POST", "/v1/promotion_codes", promotion_create),
    ("GET", "/v1/promotion_codes", promotion_list),
    ("GET", "/v1/promotion_codes/{id}", promotion_retrieve),
]
