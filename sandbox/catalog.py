"""Products and prices."""

from __future__ import annotations

from typing import Any

from sandbox import shapes
from sandbox.errors import invalid, missing_parameter
from sandbox.invoice_items import amount, currency
from sandbox.params import EXPAND, LIST, check
from sandbox.state import Sandbox

PRODUCT: dict[str, Any] = {
    **EXPAND,
    "name": "str",
    "description": "str",
    "active": "bool",
    "metadata": "map",
}
RECURRING = {"interval": ("day", "week", "month", "year"), "interval_count": "int"}


def create_product(sb: Sandbox, p: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    if not p.get("name"):
        raise missing_parameter("name")
    store = sb.store
    obj = shapes.product(
        store.new_id("product"), at or store.now(), p["name"], p.get("description")
    )
    obj["metadata"] = p.get("metadata") or {}
    if p.get("active") is not None:
        obj["active"] = p["active"]
    return store.add("product", obj)


def create_price(sb: Sandbox, p: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    store = sb.store
    if p.get("product_data"):
        product = create_product(sb, p["product_data"], at)["id"]
    elif p.get("product"):
        product = store.get("product", p["product"], "product")["id"]
    else:
        raise missing_parameter("product")
    if p.get("unit_amount") is None:
        raise missing_parameter("unit_amount")
    recurring = p.get("recurring")
    if recurring is not None and not recurring.get("interval"):
        raise missing_parameter("recurring[interval]")
    code = currency(p.get("currency") or "")
    obj = shapes.price(store.new_id("price"), at or store.now(), product, code,
                       amount(p["unit_amount"], "unit_amount"), recurring)  # fmt: skip
    for key in ("nickname", "lookup_key"):
        obj[key] = p.get(key)
    obj["metadata"] = p.get("metadata") or {}
    return store.add("price", obj)


def product_create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, PRODUCT, required=("name",))
    return sb.store.render(create_product(sb, p), p.get("expand", ()))


def product_retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(sb.store.get("product", ids["id"]), p.get("expand", ()))


def product_update(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, PRODUCT)
    obj = sb.store.get("product", ids["id"])
    for key in ("name", "description", "active"):
        if key in p:
            if key == "name" and not p[key]:
                raise invalid("You must provide a name for the product.", "name")
            obj[key] = p[key]
    if "metadata" in p:
        obj["metadata"] = {k: v for k, v in {**obj["metadata"], **p["metadata"]}.items() if v}
    obj["updated"] = sb.store.now()
    return sb.store.render(obj, p.get("expand", ()))


def product_list(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "active": "bool"})
    rows = [o for o in sb.store.ordered("product") if p.get("active") in (None, o["active"])]
    page = sb.store.page("product", rows, p, "/v1/products")
    return sb.store.render(page, p.get("expand", ()))


def price_create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {
        **EXPAND,
        "currency": "str",
        "unit_amount": "int",
        "product": "str",
        "product_data": {"name": "str", "metadata": "map"},
        "recurring": RECURRING,
        "nickname": "str",
        "lookup_key": "str",
        "metadata": "map",
        "active": "bool",
    }
    p = check(raw, spec, required=("currency",))
    return sb.store.render(create_price(sb, p), p.get("expand", ()))


def price_retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(sb.store.get("price", ids["id"]), p.get("expand", ()))


def price_update(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {**EXPAND, "nickname": "str", "lookup_key": "str", "metadata": "map", "active": "bool"}
    p = check(raw, spec)
    obj = sb.store.get("price", ids["id"])
    for key in ("nickname", "lookup_key", "active"):
        if key in p:
            obj[key] = p[key] if p[key] != "" else None
    if "metadata" in p:
        obj["metadata"] = {k: v for k, v in {**obj["metadata"], **p["metadata"]}.items() if v}
    return sb.store.render(obj, p.get("expand", ()))


def price_list(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    spec = {**LIST, "active": "bool", "product": "str", "currency": "str",
            "type": ("one_time", "recurring")}  # fmt: skip
    p = check(raw, spec)
    rows = [
        o
        for o in sb.store.ordered("price")
        if p.get("active") in (None, o["active"])
        and p.get("product") in (None, o["product"])
        and p.get("currency") in (None, o["currency"])
        and p.get("type") in (None, o["type"])
    ]
    return sb.store.render(sb.store.page("price", rows, p, "/v1/prices"), p.get("expand", ()))


ROUTES = [
    ("POST", "/v1/products", product_create),
    ("GET", "/v1/products", product_list),
    ("GET", "/v1/products/{id}", product_retrieve),
    ("POST", "/v1/products/{id}", product_update),
    ("POST", "/v1/prices", price_create),
    ("GET", "/v1/prices", price_list),
    ("GET", "/v1/prices/{id}", price_retrieve),
    ("POST", "/v1/prices/{id}", price_update),
]
