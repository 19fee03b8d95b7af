"""What a restricted key (`rk_...`) may do: exactly what the edge proxy needs, nothing more.

Stripe gives a restricted key None, Read or Write on each resource, Write including Read. A GET
needs Read on its endpoint's resource, any other method Write, and each `expand[]` needs Read
on the resource of every object it brings in. A key without the permission gets Stripe's 403
before anything runs, so a refused call never changes state. Secret keys (`sk_...`) may do
everything. SECURITY.md lists the same permissions for site owners.
"""

from __future__ import annotations

from typing import Any

from sandbox.errors import StripeError

ACCOUNT = "acct_1InvoicePortalSbx"
READ, WRITE = "read", "write"

# Customers Write (Read until the billing details: below), Subscriptions Read (the session
# expands a customer's subscriptions),
# Invoices Write (pay; Write includes Read), Payment methods Read (the card a payment will
# use) and Customer portal Write (billing portal sessions for a card update, a plan change or
# a cancellation).
#
# The permission Stripe names when a restricted key may not `POST /v1/billing_portal/sessions`
# is 'rak_customer_portal_write' (the dashboard's "Customer portal" resource). Stripe's docs do
# not list the `rak_` names: that one is the name public integrations match Stripe's 403 message
# against (an app's billing page checking `error.includes("rak_customer_portal_write")`). No
# separate name for portal configurations turned up, so the sandbox puts sessions and
# configurations under that one resource: a key with it may also create and update portal
# configurations. Unconfirmed against Stripe itself.
#
# Read on tax rates, coupons, promotion codes and payment intents lets the proxy name an
# invoice's taxes and discounts and show the card that paid it. Stripe's dashboard has no
# "Discounts" resource: a discount (`di_...`) is read under Coupons here, so expanding an
# invoice's `total_discount_amounts.discount` needs 'rak_coupon_read'. Invoice payments are
# part of Invoices. These names follow the pattern above and are unconfirmed as well.
#
# For the customer's account: Customers Write (billing details: name, address, tax exemption,
# and tax IDs and balance transactions, which live under a customer: `/v1/customers/{id}/...`),
# Charges Read (`latest_charge` and its `receipt_url`) and Credit notes Read. The names are
# Stripe's resources in the same pattern ('rak_charge_read', 'rak_credit_note_read'), again
# unconfirmed against Stripe itself.
GRANTED = {
    "customer": WRITE,
    "subscription": READ,
    "invoice": WRITE,
    "payment_method": READ,
    "customer_portal": WRITE,
    "tax_rate": READ,
    "coupon": READ,
    "promotion_code": READ,
    "payment_intent": READ,
    "charge": READ,
    "credit_note": READ,
}

# The resource of a collection in a path: `/v1/customers/{id}/subscriptions` is subscriptions'.
COLLECTIONS = {
    "customers": "customer",
    "payment_methods": "payment_method",
    "products": "product",
    "prices": "price",
    "subscriptions": "subscription",
    "invoices": "invoice",
    "invoiceitems": "invoiceitem",
    "invoice_payments": "invoice",
    "events": "event",
    "tax_rates": "tax_rate",
    "coupons": "coupon",
    "promotion_codes": "promotion_code",
    "payment_intents": "payment_intent",
    "charges": "charge",
    "credit_notes": "credit_note",
    "balance_transactions": "customer",  # a customer's: /v1/customers/{id}/balance_transactions
    "tax_ids": "customer",  # a customer's: /v1/customers/{id}/tax_ids
    "billing_portal": "customer_portal",  # sessions and configurations alike
}

# The resource of the object an expandable field holds; other fields (`data`, `parent`,
# `invoice_settings`, ...) only lead to one. A subscription item's `price` is a whole Price
# already, nothing to expand, so `items.data.price.product` needs Products Read alone.
FIELDS = {
    "customer": "customer",
    "subscription": "subscription",
    "subscriptions": "subscription",
    "subscription_item": "subscription",
    "invoice": "invoice",
    "latest_invoice": "invoice",
    "invoice_item": "invoiceitem",
    "payment_method": "payment_method",
    "default_payment_method": "payment_method",
    "product": "product",
    "discount": "coupon",
    "discounts": "coupon",
    "coupon": "coupon",
    "promotion_code": "promotion_code",
    "payment_intent": "payment_intent",
    "latest_charge": "charge",
    "charge": "charge",
    "credit_note": "credit_note",
    "customer_balance_transaction": "customer",
    "test_clock": "test_clock",
    "tax_rate": "tax_rate",
    "tax_rates": "tax_rate",
    "default_tax_rates": "tax_rate",
    "configuration": "customer_portal",
}


def authorize(key: str, method: str, path: str, expand: Any) -> None:
    """Raise Stripe's 403 when a restricted key lacks a permission this request needs."""
    if not key.startswith("rk_"):
        return
    needed = [(resource(path), READ if method == "GET" else WRITE)]
    paths = [expand] if isinstance(expand, str) else expand if isinstance(expand, list) else []
    for field_path in paths:
        if isinstance(field_path, str):
            needed += [(FIELDS[f], READ) for f in field_path.split(".") if f in FIELDS]
    for name, level in needed:
        if GRANTED.get(name) not in (level, WRITE):
            raise StripeError(
                403,
                f"The provided key '{masked(key)}' does not have the required permissions for "
                f"this endpoint on account '{ACCOUNT}'. Having the 'rak_{name}_{level}' "
                "permission would allow this request to continue.",
            )


def resource(path: str) -> str:
    parts = path.split("/")  # "", "v1", collection, id, sub-collection or action
    name = parts[4] if len(parts) > 4 and parts[4] in COLLECTIONS else parts[2]
    return COLLECTIONS.get(name, name)  # a collection missing here is granted to no key


def masked(key: str) -> str:
    # As Stripe shows it: the prefix, a star per hidden character, the last six.
    if len(key) <= 20:
        return key[:8] + "****"
    return key[:8] + "*" * (len(key) - 14) + key[-6:]
