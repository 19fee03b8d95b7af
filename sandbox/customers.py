"""Customers and payment methods, with Stripe's test cards and what each one does."""

from __future__ import annotations

from typing import Any

from sandbox import fixtures, search, shapes, tax_ids
from sandbox.errors import StripeError, invalid, missing
from sandbox.params import EXPAND, LIST, SEARCH, check
from sandbox.state import Sandbox

# Stripe's test payment methods: brand, last4, and the outcome of charging them.
TEST_CARDS: dict[str, tuple[str, str, str | None]] = {
    "pm_card_visa": ("visa", "4242", None),
    "pm_card_visa_debit": ("visa", "5556", None),
    "pm_card_mastercard": ("mastercard", "4444", None),
    "pm_card_amex": ("amex", "8431", None),
    "pm_card_discover": ("discover", "1117", None),
    "pm_card_jcb": ("jcb", "0505", None),
    "pm_card_unionpay": ("unionpay", "0005", None),
    "pm_card_authenticationRequiredOnSetup": ("visa", "3155", None),
    "pm_card_chargeDeclined": ("visa", "0002", "generic_decline"),
    "pm_card_chargeDeclinedInsufficientFunds": ("visa", "9995", "insufficient_funds"),
    "pm_card_chargeDeclinedLostCard": ("visa", "9987", "lost_card"),
    "pm_card_chargeDeclinedStolenCard": ("visa", "9979", "stolen_card"),
    "pm_card_chargeDeclinedFraudulent": ("visa", "0019", "fraudulent"),
    "pm_card_chargeDeclinedExpiredCard": ("visa", "0069", "expired_card"),
    "pm_card_chargeDeclinedIncorrectCvc": ("visa", "0127", "incorrect_cvc"),
    "pm_card_chargeDeclinedProcessingError": ("visa", "0119", "processing_error"),
    "pm_card_authenticationRequired": ("visa", "3184", "authentication_required"),
    "pm_card_threeDSecure2Required": ("visa", "3220", "authentication_required"),
}
DECLINES = {
    "generic_decline": ("card_declined", "Your card was declined."),
    "insufficient_funds": ("card_declined", "Your card has insufficient funds."),
    "lost_card": ("card_declined", "Your card was declined."),
    "stolen_card": ("card_declined", "Your card was declined."),
    "fraudulent": ("card_declined", "Your card was declined."),
    "expired_card": ("expired_card", "Your card has expired."),
    "incorrect_cvc": ("incorrect_cvc", "Your card's security code is incorrect."),
    "processing_error": (
        "processing_error",
        "An error occurred while processing your card. Try again in a little bit.",
    ),
}

ADDRESS = dict.fromkeys(("city", "country", "line1", "line2", "postal_code", "state"), "str")
CUSTOMER: dict[str, Any] = {
    **EXPAND,
    "address": ADDRESS,
    "shipping": {"address": ADDRESS, "name": "str", "phone": "str"},
    "tax_id_data": [{"type": "str", "value": "str"}],
    "email": "str",
    "name": "str",
    "description": "str",
    "phone": "str",
    "metadata": "map",
    "payment_method": "str",
    "preferred_locales": "strs",
    "invoice_prefix": "str",
    "tax_exempt": ("exempt", "none", "reverse"),
    "invoice_settings": {"default_payment_method": "str", "footer": "str"},
}
CUSTOMER_SEARCH_FIELDS = {"email": "email", "name": "name", "phone": "phone", "created": "created"}


def create_customer(sb: Sandbox, p: dict[str, Any]) -> dict[str, Any]:
    store = sb.store
    given = p.get("tax_id_data") or []
    for i, t in enumerate(given):
        if t.get("type") not in tax_ids.TYPES:
            raise invalid(
                f"Invalid tax_id_data[{i}][type]: must be one of {', '.join(tax_ids.TYPES)}",
                f"tax_id_data[{i}][type]",
            )
        tax_ids.validate(t["type"], t.get("value") or "", f"tax_id_data[{i}][value]")
    prefix = p.get("invoice_prefix") or "".join(store.rng.choices("0123456789ABCDEF", k=8))
    obj = shapes.customer(
        store.new_id("customer"), store.now(), p.get("email"), p.get("name"), prefix
    )
    obj.update(description=p.get("description"), phone=p.get("phone"))
    _contact(obj, p)
    obj.update(metadata=p.get("metadata") or {}, preferred_locales=p.get("preferred_locales") or [])
    obj["tax_exempt"] = p.get("tax_exempt") or "none"
    store.add("customer", obj)
    for t in given:
        tax_ids.create_tax_id(sb, obj["id"], t["type"], t["value"])
    if p.get("payment_method"):
        attach(sb, p["payment_method"], obj["id"])
    _settings(sb, obj, p.get("invoice_settings") or {})
    sb.emit("customer.created", obj)
    return obj


def _contact(obj: dict[str, Any], p: dict[str, Any]) -> None:
    if "address" in p:
        # As in Stripe, an empty string unsets a field.
        given = {k: v or None for k, v in (p["address"] or {}).items()}
        obj["address"] = {**dict.fromkeys(ADDRESS), **given} if any(given.values()) else None
    if "shipping" in p:
        shipping = p["shipping"] or None
        if shipping:
            address = {**dict.fromkeys(ADDRESS), **(shipping.get("address") or {})}
            shipping = {"address": address, "name": shipping.get("name"),
                        "phone": shipping.get("phone")}  # fmt: skip
        obj["shipping"] = shipping


def invoice_details(sb: Sandbox, customer: dict[str, Any]) -> dict[str, Any]:
    """What Stripe copies from the customer onto an invoice when it is finalized."""
    return {
        "customer_email": customer["email"],
        "customer_name": customer["name"],
        "customer_phone": customer["phone"],
        "customer_address": customer["address"],
        "customer_shipping": customer["shipping"],
        "customer_tax_exempt": customer["tax_exempt"],
        "customer_tax_ids": [
            {"type": t["type"], "value": t["value"]} for t in tax_ids.of(sb, customer["id"])
        ],
    }


def _settings(sb: Sandbox, obj: dict[str, Any], settings: dict[str, Any]) -> None:
    if "default_payment_method" in settings:
        pm = settings["default_payment_method"]
        if (
            pm
            and sb.store.get("payment_method", pm, "invoice_settings[default_payment_method]")[
                "customer"
            ]
            != obj["id"]
        ):
            raise invalid(
                f"The customer does not have a payment method with the ID {pm}. The payment "
                "method must be attached to the customer.",
                "invoice_settings[default_payment_method]",
                "resource_missing",
            )
        obj["invoice_settings"]["default_payment_method"] = pm or None
    if "footer" in settings:
        obj["invoice_settings"]["footer"] = settings["footer"] or None


def attach(sb: Sandbox, ref: str, customer_id: str) -> dict[str, Any]:
    """Attach a payment method; a test card id makes a fresh payment method, as in Stripe."""
    store = sb.store
    customer = store.get("customer", customer_id, "customer")
    if ref in TEST_CARDS:
        brand, last4, _ = TEST_CARDS[ref]
        card = {"brand": brand, "last4": last4, "fingerprint": ref[8:24].ljust(16, "x")}
        pm = shapes.payment_method(store.new_id("payment_method"), store.now(), card, None)
        pm["billing_details"]["email"] = customer["email"]
        store.add("payment_method", pm)
        store.cards[pm["id"]] = ref
    else:
        pm = store.get("payment_method", ref, "payment_method")
        if pm["customer"] not in (None, customer_id):
            raise invalid(
                "The payment method you provided has already been attached to a customer.",
                "payment_method",
            )
    if pm["customer"] != customer_id:
        pm["customer"] = customer_id
        sb.emit("payment_method.attached", pm)
    return pm


def decline_of(sb: Sandbox, pm_id: str) -> str | None:
    """What charging this payment method does: None succeeds, else Stripe's decline reason."""
    ref = sb.store.cards.get(pm_id, pm_id)
    return TEST_CARDS[ref][2] if ref in TEST_CARDS else None


def card_exists(sb: Sandbox, pm_id: str) -> bool:
    return pm_id in TEST_CARDS or pm_id in sb.store.objects["payment_method"]


def decline_error(reason: str) -> StripeError:
    code, message = DECLINES[reason]
    return StripeError(402, message, type="card_error", code=code, decline_code=reason)


def live_customer(sb: Sandbox, id: str) -> dict[str, Any]:
    obj = sb.store.get("customer", id)
    if id in sb.store.deleted:
        raise missing("customer", id)
    return obj


def create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, CUSTOMER)
    return sb.store.render(create_customer(sb, p), p.get("expand", ()))


def retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    obj = sb.store.get("customer", ids["id"])
    if obj["id"] in sb.store.deleted:
        return fixtures.deleted("customer", obj["id"])
    return sb.store.render(obj, p.get("expand", ()))


def update(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    creating_only = ("payment_method", "tax_id_data")
    p = check(raw, {k: v for k, v in CUSTOMER.items() if k not in creating_only})
    obj = live_customer(sb, ids["id"])
    before = fixtures.clone(obj)
    for key in ("email", "name", "description", "phone", "invoice_prefix"):
        if key in p:
            obj[key] = p[key] or None
    if "tax_exempt" in p:
        obj["tax_exempt"] = p["tax_exempt"] or "none"
    if "metadata" in p:
        obj["metadata"].update(p["metadata"])
        obj["metadata"] = {k: v for k, v in obj["metadata"].items() if v}
    _contact(obj, p)
    if "preferred_locales" in p:
        obj["preferred_locales"] = p["preferred_locales"] or []
    _settings(sb, obj, p.get("invoice_settings") or {})
    sb.emit("customer.updated", obj, before)
    return sb.store.render(obj, p.get("expand", ()))


def delete(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    check(raw, {})
    obj = live_customer(sb, ids["id"])
    sb.store.deleted.add(obj["id"])
    sb.emit("customer.deleted", obj)
    return fixtures.deleted("customer", obj["id"])


def listing(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "email": "str"})
    email = p.get("email")
    rows = [
        o
        for o in sb.store.ordered("customer")
        if o["id"] not in sb.store.deleted and (email is None or o["email"] == email)
    ]
    return sb.store.render(sb.store.page("customer", rows, p, "/v1/customers"), p.get("expand", ()))


def search_customers(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, SEARCH, required=("query",))
    test = search.matcher(p["query"], CUSTOMER_SEARCH_FIELDS)
    rows = [o for o in sb.store.ordered("customer") if o["id"] not in sb.store.deleted and test(o)]
    found = search.result(rows, p, sb.store.limit(p), "/v1/customers/search")
    return sb.store.render(found, p.get("expand", ()))


def retrieve_pm(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(sb.store.get("payment_method", ids["id"]), p.get("expand", ()))


def attach_pm(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**EXPAND, "customer": "str"}, required=("customer",))
    if not card_exists(sb, ids["id"]):
        raise missing("payment_method", ids["id"])
    live_customer(sb, p["customer"])
    return sb.store.render(attach(sb, ids["id"], p["customer"]), p.get("expand", ()))


def detach_pm(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    pm = sb.store.get("payment_method", ids["id"])
    if pm["customer"] is None:
        raise invalid(
            f"The payment method {pm['id']} is not attached to a customer so detachment is "
            "impossible."
        )
    owner = sb.store.objects["customer"].get(pm["customer"])
    if owner and owner["invoice_settings"]["default_payment_method"] == pm["id"]:
        owner["invoice_settings"]["default_payment_method"] = None
    pm["customer"] = None
    return sb.store.render(pm, p.get("expand", ()))


def list_pms(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "customer": "str", "type": "str"})
    customer = ids.get("id") or p.get("customer")
    if customer:
        live_customer(sb, customer)
    rows = [
        o
        for o in sb.store.ordered("payment_method")
        if (customer is None or o["customer"] == customer) and p.get("type") in (None, o["type"])
    ]
    url = f"/v1/customers/{customer}/payment_methods" if ids else "/v1/payment_methods"
    return sb.store.render(sb.store.page("payment_method", rows, p, url), p.get("expand", ()))


ROUTES = [
    ("POST", "/v1/customers", create),
    ("GET", "/v1/customers", listing),
    ("GET", "/v1/customers/search", search_customers),
    ("GET", "/v1/customers/{id}", retrieve),
    ("POST", "/v1/customers/{id}", update),
    ("DELETE", "/v1/customers/{id}", delete),
    ("GET", "/v1/customers/{id}/payment_methods", list_pms),
    ("GET", "/v1/payment_methods", list_pms),
    ("GET", "/v1/payment_methods/{id}", retrieve_pm),
    ("POST", "/v1/payment_methods/{id}/attach", attach_pm),
    ("POST", "/v1/payment_methods/{id}/detach", detach_pm),
]
