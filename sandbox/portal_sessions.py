"""Customer portal sessions, and the flows (deep links) a session can open on.

A session's `url` opens the sandbox's hosted portal (`sandbox.portal_pages`); the URL's secret,
and whether it was visited and its flow completed, are kept beside the session
(`Store.portal_visits`).
"""

from __future__ import annotations

import secrets
from typing import Any

from sandbox import fixtures, shapes
from sandbox.errors import StripeError, invalid, missing, missing_parameter
from sandbox.params import EXPAND, check
from sandbox.portal import SESSION, configuration_of, url_param
from sandbox.state import Sandbox

LOCALES = ("auto", "bg", "cs", "da", "de", "el", "en", "en-AU", "en-CA", "en-GB", "en-IE",
           "en-IN", "en-NZ", "en-SG", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr",
           "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR",
           "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW")  # fmt: skip
FLOWS = ("payment_method_update", "subscription_cancel", "subscription_update",
         "subscription_update_confirm")  # fmt: skip
# The feature of the configuration each flow needs.
FEATURE_OF = {
    "payment_method_update": "payment_method_update",
    "subscription_cancel": "subscription_cancel",
    "subscription_update": "subscription_update",
    "subscription_update_confirm": "subscription_update",
}
SESSION_PARAMS: dict[str, Any] = {
    **EXPAND,
    "customer": "str",
    "customer_account": "str",
    "configuration": "str",
    "locale": LOCALES,
    "on_behalf_of": "str",
    "return_url": "str",
    "flow_data": {
        "type": FLOWS,
        "after_completion": {
            "type": ("hosted_confirmation", "portal_homepage", "redirect"),
            "hosted_confirmation": {"custom_message": "str"},
            "redirect": {"return_url": "str"},
        },
        "subscription_cancel": {
            "subscription": "str",
            "retention": {"type": ("coupon_offer",), "coupon_offer": {"coupon": "str"}},
        },
        "subscription_update": {"subscription": "str"},
        "subscription_update_confirm": {
            "subscription": "str",
            "items": [{"id": "str", "price": "str", "quantity": "int"}],
            "discounts": [{"coupon": "str", "promotion_code": "str"}],
        },
    },
}


def create_session(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, SESSION_PARAMS)
    if p.get("customer_account"):
        raise missing("account", p["customer_account"], "customer_account")
    if p.get("on_behalf_of"):
        raise missing("account", p["on_behalf_of"], "on_behalf_of")
    if not p.get("customer"):
        raise missing_parameter("customer")
    customer = sb.store.get("customer", p["customer"], "customer")
    if customer["id"] in sb.store.deleted:
        raise missing("customer", customer["id"], "customer")
    config = configuration_of(sb, p.get("configuration"))
    return_url = p.get("return_url") or config["default_return_url"]
    if p.get("return_url"):
        url_param(p["return_url"], "return_url")
    store = sb.store
    flow = _flow(sb, p["flow_data"], customer, config) if "flow_data" in p else None
    obj = fixtures.template(SESSION)
    secret = "test_" + secrets.token_urlsafe(36)
    obj.update(id=store.new_id(SESSION), configuration=config["id"], created=store.now(),
               customer=customer["id"], customer_account=None, livemode=False, flow=flow,
               locale=p.get("locale"), on_behalf_of=None, return_url=return_url,
               url=f"{shapes.BASE}p/session/{secret}")  # fmt: skip
    store.add(SESSION, obj)
    store.portal_visits[secret] = {"session": obj["id"], "visited": None, "done": False}
    return store.render(obj, p.get("expand", ()))


def _flow(
    sb: Sandbox, data: dict[str, Any], customer: dict[str, Any], config: dict[str, Any]
) -> dict[str, Any]:
    kind = data.get("type")
    if not kind:
        raise missing_parameter("flow_data[type]")
    for other in ("subscription_cancel", "subscription_update", "subscription_update_confirm"):
        if other in data and other != kind:
            raise invalid(
                f"You can only pass `flow_data[{other}]` when `flow_data[type]` is `{other}`.",
                f"flow_data[{other}]",
            )
    feature = FEATURE_OF[kind]
    if not config["features"][feature]["enabled"]:
        raise invalid(
            f"The `{kind}` flow requires the `{feature}` feature to be enabled in the portal "
            f"configuration {config['id']}.",
            "flow_data[type]",
        )
    flow: dict[str, Any] = fixtures.template(SESSION)["flow"]
    flow.update(type=kind, after_completion=_after(data.get("after_completion")),
                subscription_cancel=None, subscription_update=None,
                subscription_update_confirm=None)  # fmt: skip
    if kind == "payment_method_update":
        return flow
    given = data.get(kind) or {}
    where = f"flow_data[{kind}]"
    sub = _subscription(sb, given.get("subscription"), f"{where}[subscription]", customer)
    offered = sb.store.portal_products.get(config["id"], {})
    if kind == "subscription_cancel":
        if (given.get("retention") or {}).get("coupon_offer"):
            coupon = given["retention"]["coupon_offer"].get("coupon") or ""
            raise missing("coupon", coupon, f"{where}[retention][coupon_offer][coupon]")
        flow[kind] = {"retention": None, "subscription": sub["id"]}
    elif kind == "subscription_update":
        if not any(si["price"]["product"] in offered for si in sub["items"]["data"]):
            raise invalid(
                f"The subscription {sub['id']} has no product that the portal configuration "
                f"{config['id']} lets customers update.",
                f"{where}[subscription]",
            )
        flow[kind] = {"subscription": sub["id"]}
    else:
        flow[kind] = {"discounts": None, "items": _confirm_items(sb, given, sub, offered),
                      "subscription": sub["id"]}  # fmt: skip
    return flow


def _after(given: dict[str, Any] | None) -> dict[str, Any]:
    given = given or {"type": "portal_homepage"}
    kind = given.get("type")
    if not kind:
        raise missing_parameter("flow_data[after_completion][type]")
    after: dict[str, Any] = {"hosted_confirmation": None, "redirect": None, "type": kind}
    if kind == "redirect":
        url = (given.get("redirect") or {}).get("return_url")
        if not url:
            raise missing_parameter("flow_data[after_completion][redirect][return_url]")
        after["redirect"] = {"return_url": url_param(url, "flow_data[after_completion][redirect]"
                                                     "[return_url]")}  # fmt: skip
    elif kind == "hosted_confirmation":
        message = (given.get("hosted_confirmation") or {}).get("custom_message")
        if message and len(message) > 500:
            raise invalid(
                "Invalid string: must be at most 500 characters",
                "flow_data[after_completion][hosted_confirmation][custom_message]",
            )
        after["hosted_confirmation"] = {"custom_message": message or None}
    return after


def _subscription(
    sb: Sandbox, id: str | None, param: str, customer: dict[str, Any]
) -> dict[str, Any]:
    if not id:
        raise missing_parameter(param)
    sub = sb.store.objects["subscription"].get(id)
    if sub is None:
        raise missing("subscription", id, param)
    if sub["customer"] != customer["id"]:
        raise invalid(
            f"The subscription {id} does not belong to the customer {customer['id']}.", param
        )
    if sub["status"] in ("canceled", "incomplete_expired"):
        raise invalid(f"The subscription {id} has been canceled and can no longer be changed.",
                      param)  # fmt: skip
    return sub


def _confirm_items(
    sb: Sandbox, given: dict[str, Any], sub: dict[str, Any], offered: dict[str, list[str]]
) -> list[dict[str, Any]]:
    where = "flow_data[subscription_update_confirm][items]"
    if given.get("discounts"):
        discount = given["discounts"][0]
        name = "coupon" if discount.get("coupon") else "promotion_code"
        raise missing(name, discount.get(name) or "", f"flow_data[subscription_update_confirm]"
                      f"[discounts][0][{name}]")  # fmt: skip
    if not given.get("items"):
        raise missing_parameter(where)
    mine = {si["id"] for si in sub["items"]["data"]}
    items = []
    for i, item in enumerate(given["items"]):
        if not item.get("id"):
            raise missing_parameter(f"{where}[{i}][id]")
        if item["id"] not in mine:
            raise StripeError(404, f"No such subscription item: '{item['id']}'",
                              code="resource_missing", param=f"{where}[{i}][id]")  # fmt: skip
        price_id = item.get("price")
        if price_id:
            price = sb.store.get("price", price_id, f"{where}[{i}][price]")
            if price_id not in offered.get(price["product"], ()):
                raise invalid(
                    f"The price {price_id} is not one the portal configuration offers.",
                    f"{where}[{i}][price]",
                )
            if price["currency"] != sub["currency"]:
                raise invalid("All prices on a subscription must have the same `currency`.",
                              f"{where}[{i}][price]")  # fmt: skip
        items.append({"id": item["id"], "price": price_id})
    return items


ROUTES = [("POST", "/v1/billing_portal/sessions", create_session)]
