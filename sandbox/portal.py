"""Stripe's customer portal configurations: the features a portal session may offer.

Which prices a configuration offers per product is kept beside it (`Store.portal_products`):
the object at the current API version shows `features.subscription_update` without them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sandbox import fixtures
from sandbox.errors import StripeError, invalid, missing, missing_parameter
from sandbox.params import EXPAND, LIST, check
from sandbox.state import Sandbox

CONFIGURATION = "billing_portal.configuration"
SESSION = "billing_portal.session"
PRORATION = ("always_invoice", "create_prorations", "none")
FEATURES: dict[str, Any] = {
    "customer_update": {"enabled": "bool", "allowed_updates": "strs"},
    "invoice_history": {"enabled": "bool"},
    "payment_method_update": {"enabled": "bool", "payment_method_configuration": "str"},
    "subscription_cancel": {
        "enabled": "bool",
        "mode": ("at_period_end", "immediately"),
        "proration_behavior": PRORATION,
        "cancellation_reason": {"enabled": "bool", "options": "strs"},
    },
    "subscription_update": {
        "enabled": "bool",
        "default_allowed_updates": "strs",
        "products": [{"product": "str", "prices": "strs"}],
        "proration_behavior": PRORATION,
        "billing_cycle_anchor": ("now", "unchanged"),
        "schedule_at_period_end": {"conditions": [{"type": "str"}]},
        "trial_update_behavior": ("continue_trial", "end_trial"),
    },
}
CONFIGURATION_PARAMS: dict[str, Any] = {
    **EXPAND,
    "active": "bool",
    "business_profile": {"headline": "str", "privacy_policy_url": "str",
                         "terms_of_service_url": "str"},
    "default_return_url": "str",
    "features": FEATURES,
    "login_page": {"enabled": "bool"},
    "metadata": "map",
    "name": "str",
}  # fmt: skip
NO_DEFAULT = (
    "No configuration provided and your test mode default configuration has not been created. "
    "Provide a configuration or create your default by saving your customer portal settings in "
    "test mode at https://dashboard.stripe.com/test/settings/billing/portal."
)


def configuration_object(id: str, at: int) -> dict[str, Any]:
    obj = fixtures.template(CONFIGURATION)
    obj.update(id=id, created=at, updated=at, livemode=False, is_default=False, active=True,
               application=None, default_return_url=None, metadata={}, name=None)  # fmt: skip
    obj["business_profile"] = dict.fromkeys(obj["business_profile"])
    obj["login_page"] = {"enabled": False, "url": None}
    f = obj["features"]
    f["customer_update"].update(allowed_updates=[], enabled=False)
    f["invoice_history"]["enabled"] = False
    f["payment_method_update"].update(enabled=False, payment_method_configuration=None)
    f["subscription_cancel"].update(enabled=False, mode="at_period_end", proration_behavior="none")
    f["subscription_cancel"]["cancellation_reason"] = {"enabled": False, "options": []}
    f["subscription_update"].update(default_allowed_updates=[], enabled=False,
                                    proration_behavior="none", trial_update_behavior="end_trial",
                                    billing_cycle_anchor=None)  # fmt: skip
    f["subscription_update"]["schedule_at_period_end"] = {"conditions": []}
    return obj


def create_configuration(
    sb: Sandbox, p: dict[str, Any], is_default: bool = False
) -> dict[str, Any]:
    if not p.get("features"):
        raise missing_parameter("features")
    store = sb.store
    obj = configuration_object(store.new_id(CONFIGURATION), store.now())
    obj["is_default"] = is_default
    store.portal_products[obj["id"]] = {}
    try:
        _apply(sb, obj, p, creating=True)
    except StripeError:
        del store.portal_products[obj["id"]]
        raise
    return store.add(CONFIGURATION, obj)


def _apply(sb: Sandbox, obj: dict[str, Any], p: dict[str, Any], creating: bool) -> None:
    for key in ("active", "default_return_url", "name"):
        if key in p:
            if key == "default_return_url" and p[key]:
                url_param(p[key], key)
            obj[key] = p[key] if p[key] != "" else None
    obj["business_profile"].update(p.get("business_profile") or {})
    obj["login_page"]["enabled"] = (p.get("login_page") or {}).get(
        "enabled", obj["login_page"]["enabled"]
    )
    if "metadata" in p:
        obj["metadata"] = {k: v for k, v in {**obj["metadata"], **p["metadata"]}.items() if v}
    features = obj["features"]
    for name, given in (p.get("features") or {}).items():
        given = given or {}
        if creating and given.get("enabled") is None:
            raise missing_parameter(f"features[{name}][enabled]")
        if name == "subscription_update" and "products" in given:
            offered = _products(sb, given["products"] or [])
            sb.store.portal_products[obj["id"]] = offered
        for key, value in given.items():
            if key == "products":
                continue
            if isinstance(features[name].get(key), dict):
                features[name][key].update(value or {})
            else:
                features[name][key] = value
    update = features["subscription_update"]
    if update["enabled"] and not sb.store.portal_products[obj["id"]]:
        raise missing_parameter("features[subscription_update][products]")
    if update["enabled"] and not update["default_allowed_updates"]:
        raise missing_parameter("features[subscription_update][default_allowed_updates]")
    if update["enabled"] and not features["payment_method_update"]["enabled"]:
        raise invalid("Cannot enable subscription updates while payment method update is disabled.")
    obj["updated"] = sb.store.now()


def _products(sb: Sandbox, given: list[dict[str, Any]]) -> dict[str, list[str]]:
    offered: dict[str, list[str]] = {}
    for i, entry in enumerate(given):
        where = f"features[subscription_update][products][{i}]"
        product = sb.store.get("product", entry.get("product"), f"{where}[product]")["id"]
        if not entry.get("prices"):
            raise missing_parameter(f"{where}[prices]")
        for j, price_id in enumerate(entry["prices"]):
            price = sb.store.get("price", price_id, f"{where}[prices][{j}]")
            if price["product"] != product or price["recurring"] is None:
                raise invalid(
                    f"The price {price_id} must be a recurring price of product {product}.",
                    f"{where}[prices][{j}]",
                )
        offered[product] = list(entry["prices"])
    return offered


def default_configuration(sb: Sandbox, cancel_mode: str | None, update: bool) -> dict[str, Any]:
    """The test mode default a seed saves, offering every recurring price of every product."""
    products: dict[str, list[str]] = {}
    for price in reversed(sb.store.ordered("price")):
        if price["recurring"] and price["active"]:
            products.setdefault(price["product"], []).append(price["id"])
    features: dict[str, Any] = {
        "invoice_history": {"enabled": True},
        "payment_method_update": {"enabled": True},
        "subscription_cancel": {"enabled": cancel_mode is not None,
                                "mode": cancel_mode or "at_period_end"},
        "subscription_update": {"enabled": update and bool(products),
                                "default_allowed_updates": ["price"] if update else [],
                                "products": [{"product": k, "prices": v}
                                             for k, v in products.items()]},
    }  # fmt: skip
    return create_configuration(sb, {"features": features}, is_default=True)


def configuration_of(sb: Sandbox, id: str | None) -> dict[str, Any]:
    if id:
        obj = sb.store.objects[CONFIGURATION].get(id)
        if obj is None:
            raise missing("configuration", id, "configuration")
        if not obj["active"]:
            raise invalid(
                f"The configuration {id} is not active. Activate it or use another.",
                "configuration",
            )
        return obj
    for obj in sb.store.objects[CONFIGURATION].values():
        if obj["is_default"]:
            return obj
    raise invalid(NO_DEFAULT)


def url_param(value: str, param: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid("Not a valid URL", param, "url_invalid")
    return value


def configuration_create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, CONFIGURATION_PARAMS, required=("features",))
    return sb.store.render(create_configuration(sb, p), p.get("expand", ()))


def configuration_retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    obj = sb.store.objects[CONFIGURATION].get(ids["id"])
    if obj is None:
        raise missing("configuration", ids["id"])
    return sb.store.render(obj, p.get("expand", ()))


def configuration_update(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, CONFIGURATION_PARAMS)
    obj = sb.store.objects[CONFIGURATION].get(ids["id"])
    if obj is None:
        raise missing("configuration", ids["id"])
    before, offered = fixtures.clone(obj), dict(sb.store.portal_products[obj["id"]])
    try:
        _apply(sb, obj, p, creating=False)
    except StripeError:  # a refused update changes nothing
        obj.clear()
        obj.update(before)
        sb.store.portal_products[obj["id"]] = offered
        raise
    return sb.store.render(obj, p.get("expand", ()))


def configuration_list(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "active": "bool", "is_default": "bool"})
    rows = [
        o
        for o in sb.store.ordered(CONFIGURATION)
        if p.get("active") in (None, o["active"]) and p.get("is_default") in (None, o["is_default"])
    ]
    page = sb.store.page(CONFIGURATION, rows, p, "/v1/billing_portal/configurations")
    return sb.store.render(page, p.get("expand", ()))


ROUTES = [
    ("POST", "/v1/billing_portal/configurations", configuration_create),
    ("GET", "/v1/billing_portal/configurations", configuration_list),
    ("GET", "/v1/billing_portal/configurations/{id}", configuration_retrieve),
    ("POST", "/v1/billing_portal/configurations/{id}", configuration_update),
]
