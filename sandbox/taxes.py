"""Tax rates, and the taxes they put on an invoice's lines.

A line is taxed at its own rates (its invoice item's or subscription item's `tax_rates`), else
at the invoice's `default_tax_rates`, else the subscription's. An exclusive rate adds its tax on
top of the line's amount after discounts; an inclusive one takes it out of that amount.
"""

from __future__ import annotations

from typing import Any

from sandbox.errors import invalid
from sandbox.fixtures import template
from sandbox.params import EXPAND, LIST, check
from sandbox.state import Sandbox

RATE: dict[str, Any] = {
    **EXPAND,
    "active": "bool",
    "country": "str",
    "description": "str",
    "display_name": "str",
    "jurisdiction": "str",
    "metadata": "map",
    "state": "str",
    "tax_type": "str",
}


def tax_rate(id: str, created: int, display_name: str, percentage: float, inclusive: bool) -> Any:
    obj = template("tax_rate")
    obj.update(
        id=id,
        created=created,
        display_name=display_name,
        percentage=percentage,
        effective_percentage=percentage,
        inclusive=inclusive,
        active=True,
        country=None,
        description=None,
        jurisdiction=None,
        jurisdiction_level=None,
        state=None,
        tax_type=None,
        metadata={},
        flat_amount=None,
        rate_type="percentage",
    )
    return obj


def create_rate(sb: Sandbox, p: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    percentage = number(p.get("percentage"), "percentage")
    if not 0 <= percentage <= 100:
        raise invalid("The percentage must be between 0 and 100.", "percentage")
    store = sb.store
    obj = tax_rate(
        store.new_id("tax_rate"), at or store.now(), p["display_name"], percentage,
        bool(p["inclusive"]),
    )  # fmt: skip
    _apply(obj, p)
    return store.add("tax_rate", obj)


def _apply(obj: dict[str, Any], p: dict[str, Any]) -> None:
    for key in ("active", "country", "description", "display_name", "jurisdiction", "state"):
        if key in p:
            obj[key] = p[key] if p[key] != "" else None
    if p.get("tax_type"):
        obj["tax_type"] = p["tax_type"]
    if "metadata" in p:
        obj["metadata"] = {k: v for k, v in {**obj["metadata"], **p["metadata"]}.items() if v}


def number(value: Any, param: str) -> float:
    try:
        found = float(value)
    except (TypeError, ValueError):
        raise invalid(f"Invalid decimal: {str(value)[:20]}", param) from None
    if found != found or abs(found) > 1e12:
        raise invalid(f"Invalid decimal: {str(value)[:20]}", param)
    return int(found) if found.is_integer() else found


def rates(sb: Sandbox, ids: list[str] | None, param: str) -> list[str]:
    """Check that each id names a tax rate; Stripe refuses an inactive one on new lines."""
    for i, id in enumerate(ids or ()):
        rate = sb.store.get("tax_rate", id, f"{param}[{i}]")
        if not rate["active"]:
            raise invalid(f"Tax rate {id} is inactive and cannot be applied.", f"{param}[{i}]")
    return list(ids or ())


def line_taxes(sb: Sandbox, rate_ids: list[str], taxable: int) -> list[dict[str, Any]]:
    """Stripe's `taxes` of a line whose amount after discounts is `taxable`."""
    found = [sb.store.objects["tax_rate"][id] for id in rate_ids]
    inclusive = [r for r in found if r["inclusive"]]
    share = sum(r["percentage"] for r in inclusive)
    base = round(taxable * 100 / (100 + share)) if share else taxable
    out = []
    for rate in found:
        amount = round(base * rate["percentage"] / 100)
        out.append({
            "amount": amount,
            "tax_behavior": "inclusive" if rate["inclusive"] else "exclusive",
            "tax_rate_details": {"tax_rate": rate["id"]},
            "taxability_reason": "standard_rated",
            "taxable_amount": base,
            "type": "tax_rate_details",
        })  # fmt: skip
    return out


def create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {**RATE, "inclusive": "bool", "percentage": "str"}
    p = check(raw, spec, required=("display_name", "inclusive", "percentage"))
    return sb.store.render(create_rate(sb, p), p.get("expand", ()))


def retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(sb.store.get("tax_rate", ids["id"]), p.get("expand", ()))


def update(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, RATE)
    obj = sb.store.get("tax_rate", ids["id"])
    _apply(obj, p)
    return sb.store.render(obj, p.get("expand", ()))


def listing(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "active": "bool", "inclusive": "bool"})
    rows = [
        r
        for r in sb.store.ordered("tax_rate")
        if p.get("active") in (None, r["active"]) and p.get("inclusive") in (None, r["inclusive"])
    ]
    page = sb.store.page("tax_rate", rows, p, "/v1/tax_rates")
    return sb.store.render(page, p.get("expand", ()))


ROUTES = [
    ("POST", "/v1/tax_rates", create),
    ("GET", "/v1/tax_rates", listing),
    ("GET", "/v1/tax_rates/{id}", retrieve),
    ("POST", "/v1/tax_rates/{id}", update),
]


def add_up(totals: dict[str, dict[str, Any]], taxes: list[dict[str, Any]]) -> None:
    """A line's taxes added into `totals`, one entry per tax rate (an invoice's or a credit
    note's `total_taxes`)."""
    for tax in taxes:
        rate = tax["tax_rate_details"]["tax_rate"]
        into = totals.setdefault(rate, {**tax, "amount": 0, "taxable_amount": 0})
        into["amount"] += tax["amount"]
        into["taxable_amount"] += tax["taxable_amount"]
