"""Every object the sandbox serves has exactly the keys of Stripe's own fixture of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from sandbox.fixtures import ERROR_KEYS, LIST_KEYS, SEARCH_KEYS
from sandbox.testing import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
# Stripe's full fixture file where the workspace has it, else the verbatim copy we ship.
SOURCES = [ROOT.parent / "shared" / "stripe" / "fixtures3.json", ROOT / "sandbox" / "fixtures.json"]
FIXTURES: dict[str, Any] = json.loads(
    next(p for p in SOURCES if p.exists()).read_text(encoding="utf-8")
)["resources"]
FREE_FORM = {"metadata"}
ADDRESS = dict.fromkeys(("city", "country", "line1", "line2", "postal_code", "state"))
# Keys Stripe sends that its fixture leaves out, because the OpenAPI spec marks them optional:
# each is there only for one `type` (a price-based line's `pricing.price_details`, an invoice
# payment's `payment.payment_intent`), as Stripe's docs show them.
OPTIONAL: dict[str, dict[str, Any]] = {
    "pricing": {"price_details": {"price": None, "product": None}},
    "payment": {"payment_intent": None},
}
# Hashes the fixture gives as `{}`, with the keys Stripe documents for them.
GIVEN_ELSEWHERE = {"customer_shipping": {"address": ADDRESS, "name": None, "phone": None}}
# An entry of `taxes` on a line and of `total_taxes` on an invoice (the fixture has null).
TAX_KEYS = ["amount", "tax_behavior", "tax_rate_details", "taxability_reason", "taxable_amount",
            "type"]  # fmt: skip


def same_keys(obj: Any, fixture: Any, where: str) -> None:
    assert isinstance(obj, dict), where
    assert sorted(obj) == sorted(fixture), f"{where}: {set(obj) ^ set(fixture)}"
    for key, expected in fixture.items():
        value = obj[key]
        if key in FREE_FORM:
            continue
        if isinstance(value, dict) and key in OPTIONAL:
            expected = {**expected, **{k: v for k, v in OPTIONAL[key].items() if k in value}}
        if isinstance(value, dict) and key in GIVEN_ELSEWHERE:
            expected = GIVEN_ELSEWHERE[key]
        if key in ("taxes", "total_taxes"):
            assert all(sorted(tax) == TAX_KEYS for tax in value or ()), f"{where}.{key}"
        if isinstance(expected, dict) and isinstance(value, dict):
            same_keys(value, expected, f"{where}.{key}")
        elif isinstance(expected, list) and expected and isinstance(expected[0], dict):
            for i, item in enumerate(value or []):
                same_keys(item, expected[0], f"{where}.{key}[{i}]")


def resource(obj: dict[str, Any], included: bool = False) -> None:
    """Check an object against the fixture of its own `object` type, envelopes included.

    `included`: the request expanded `subscriptions`, the one key Stripe adds to a customer
    only when asked; anywhere else that key is an error.
    """
    kind = obj["object"]
    if kind == "list":
        assert sorted(obj) == sorted(LIST_KEYS)
        for item in obj["data"]:
            resource(item, included)
        return
    if kind == "search_result":
        assert sorted(obj) == sorted(SEARCH_KEYS)
        for item in obj["data"]:
            resource(item, included)
        return
    name = f"deleted_{kind}" if obj.get("deleted") else kind
    fixture = FIXTURES[name]
    if kind == "event":  # the fixture's event carries a plan; ours carry their own objects
        resource(obj["data"]["object"])
        data = {"object": obj["data"]["object"]}
        if obj["type"].endswith(".updated"):  # Stripe adds what changed to `*.updated` events
            assert (
                isinstance(obj["data"]["previous_attributes"], dict)
                and obj["data"]["previous_attributes"]
            )
            data["previous_attributes"] = obj["data"]["previous_attributes"]
        fixture = {**fixture, "data": data}
    if kind == "customer" and included:
        assert obj["subscriptions"]["url"] == f"/v1/customers/{obj['id']}/subscriptions"
        resource(obj["subscriptions"])
        fixture = {**fixture, "subscriptions": obj["subscriptions"]}
    if kind == "credit_note":  # its lines are checked one by one, each by its type
        fixture = {**fixture, "lines": obj["lines"]}
    if kind == "credit_note_line_item" and obj["type"] == "custom_line_item":
        # Stripe's own example of a custom line has no `invoice_line_item`: there is none.
        fixture = {k: v for k, v in fixture.items() if k != "invoice_line_item"}
    same_keys(obj, fixture, name)
    if kind in ("invoice", "credit_note"):
        resource(obj["lines"])
    for rate in obj.get("default_tax_rates") or obj.get("tax_rates") or ():
        resource(rate)  # invoices, invoice items, subscriptions and their items embed them
    for entry in obj.get("total_discount_amounts") or ():
        if isinstance(entry["discount"], dict):  # expanded
            resource(entry["discount"])


@pytest.fixture
def http(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, auth=("sk_test_shapes", "")) as client:
        yield client


def get(http: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    response = http.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_every_resource_has_the_fixture_keys(
    http: httpx.Client, personas: dict[str, Any], client: stripe.StripeClient
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    sub = personas["subscriptions"]["jane@example.com"][0]
    seen: set[str] = set()
    cus = client.v1.customers.create(
        {"email": "shape@example.com", "payment_method": "pm_card_visa"}
    )
    client.v1.customers.update(cus.id, {"name": "Shape Person"})  # a `*.updated` event
    inv = client.v1.invoices.create({"customer": cus.id})
    item = client.v1.invoice_items.create({"customer": cus.id, "invoice": inv.id, "amount": 5})
    client.v1.invoices.pay(inv.id, {"payment_method": "pm_card_visa"})
    payments = client.v1.invoice_payments.list({"invoice": inv.id})
    rate = client.v1.tax_rates.create({"display_name": "VAT", "percentage": 20, "inclusive": False})
    coupon = client.v1.coupons.create({"percent_off": 10, "name": "Ten"})
    promotion = client.v1.promotion_codes.create(
        {"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "SHAPE10"}
    )
    price = client.v1.prices.create(
        {"currency": "usd", "unit_amount": 700, "product_data": {"name": "Shape"}}
    )
    taxed = client.v1.invoices.create(
        {"customer": cus.id, "default_tax_rates": [rate.id],
         "discounts": [{"promotion_code": promotion.id}]}
    )  # fmt: skip
    taxed_item = client.v1.invoice_items.create(
        # `price`: the SDK's types know only its newer spelling, `pricing`.
        {"customer": cus.id, "invoice": taxed.id, "price": price.id, "tax_rates": [rate.id],  # type: ignore[arg-type]
         "discounts": [{"coupon": coupon.id}]}
    )  # fmt: skip
    bodies = [
        get(http, f"/v1/customers/{jane}"),
        get(http, "/v1/customers", email="jane@example.com"),
        get(http, "/v1/customers/search", query="email:'jane@example.com'"),
        get(http, f"/v1/customers/{jane}/payment_methods"),
        get(http, "/v1/payment_methods", customer=jane),
        get(http, "/v1/products"),
        get(http, "/v1/prices"),
        get(http, f"/v1/subscriptions/{sub}"),
        get(http, "/v1/subscriptions", customer=jane),
        get(http, "/v1/invoices", customer=jane, limit=100),
        get(http, f"/v1/invoices/{personas['invoices']['jane@example.com']['open'][0]}"),
        get(http, f"/v1/invoices/{inv.id}/lines"),
        get(http, "/v1/invoices/search", query=f"customer:'{jane}'"),
        get(http, f"/v1/invoiceitems/{item.id}"),
        get(http, "/v1/invoiceitems", customer=cus.id),
        get(http, "/v1/events", limit=100),
        get(http, "/v1/tax_rates", limit=100),
        get(http, f"/v1/tax_rates/{rate.id}"),
        get(http, "/v1/coupons", limit=100),
        get(http, f"/v1/coupons/{coupon.id}"),
        get(http, "/v1/promotion_codes", limit=100),
        get(http, f"/v1/promotion_codes/{promotion.id}"),
        get(http, "/v1/payment_intents", customer=cus.id),
        get(http, f"/v1/payment_intents/{payments.data[0].payment.payment_intent}"),
        get(http, "/v1/invoice_payments", invoice=inv.id, status="paid"),
        get(http, f"/v1/invoice_payments/{payments.data[0].id}"),
        get(http, f"/v1/invoices/{taxed.id}", **{"expand[]": ["total_discount_amounts.discount"]}),
        get(http, f"/v1/invoiceitems/{taxed_item.id}"),
        http.post("/v1/billing_portal/sessions", data={"customer": jane}).json(),
        http.post(
            "/v1/billing_portal/sessions",
            data={
                "customer": jane,
                "return_url": "https://example.com",
                "flow_data[type]": "subscription_cancel",
                "flow_data[subscription_cancel][subscription]": sub,
                "flow_data[after_completion][type]": "redirect",
                "flow_data[after_completion][redirect][return_url]": "https://example.com/done",
            },
        ).json(),
        get(http, "/v1/billing_portal/configurations"),
        *account_bodies(http, client, cus.id, inv.id, jane, sub),
        http.delete(f"/v1/customers/{cus.id}").json(),
    ]
    expanded = [
        get(http, f"/v1/customers/{jane}", **{"expand[]": "subscriptions"}),
        get(http, "/v1/customers", email="jane@example.com", **{"expand[]": "data.subscriptions"}),
        get(http, "/v1/customers/search", query="email:'jane@example.com'",
            **{"expand[]": "data.subscriptions"}),
    ]  # fmt: skip
    assert all(body.get("subscriptions") or body["data"][0]["subscriptions"] for body in expanded)
    for body in expanded:
        resource(body, included=True)
    for body in bodies:
        resource(body)
        seen.add(body["object"])
        for child in body.get("data", []):
            seen.add(child["object"])
            for line in child.get("lines", {}).get("data", []):
                seen.add(line["object"])
            for si in child.get("items", {}).get("data", []):
                seen.add(si["object"])
    expected = {"customer", "payment_method", "product", "price", "subscription",
                "subscription_item", "invoice", "line_item", "invoiceitem", "event", "list",
                "search_result", "billing_portal.session",
                "billing_portal.configuration", "tax_rate", "coupon", "promotion_code",
                "payment_intent", "invoice_payment", "charge", "credit_note",
                "credit_note_line_item", "customer_balance_transaction", "tax_id"}  # fmt: skip
    assert expected <= seen


def account_bodies(
    http: httpx.Client, client: stripe.StripeClient, cus: str, paid: str, jane: str, sub: str
) -> list[dict[str, Any]]:
    """What the customer's account is made of: charges, credit notes, balance, tax IDs and the
    preview of the next invoice, each as Stripe shapes it."""
    failing = client.v1.customers.create({"payment_method": "pm_card_chargeDeclined"})
    declined = client.v1.invoices.create({"customer": failing.id})
    client.v1.invoice_items.create({"customer": failing.id, "invoice": declined.id, "amount": 900})
    with pytest.raises(stripe.CardError):
        client.v1.invoices.pay(declined.id, {"payment_method": "pm_card_chargeDeclined"})
    custom = client.v1.credit_notes.create({"invoice": paid, "amount": 2, "credit_amount": 2})
    open_one = client.v1.invoices.create({"customer": cus})
    line = client.v1.invoice_items.create({"customer": cus, "invoice": open_one.id, "amount": 800})
    client.v1.invoices.finalize_invoice(open_one.id)
    lines = client.v1.invoices.line_items.list(open_one.id).data
    by_line = client.v1.credit_notes.create(
        {"invoice": open_one.id, "reason": "duplicate",
         "lines": [{"type": "invoice_line_item", "invoice_line_item": lines[0].id, "amount": 300}]}
    )  # fmt: skip
    assert line.id and lines
    tax_id = client.v1.customers.tax_ids.create(cus, {"type": "eu_vat", "value": "DE123456789"})
    client.v1.customers.balance_transactions.create(cus, {"amount": -100, "currency": "usd"})
    intent = get(http, "/v1/payment_intents", customer=cus)["data"][0]["id"]
    expand = {"expand[]": "latest_charge"}
    return [
        get(http, "/v1/charges", customer=cus),
        get(http, "/v1/charges", customer=failing.id),
        get(http, f"/v1/payment_intents/{intent}", **expand)["latest_charge"],
        get(http, "/v1/credit_notes", customer=cus),
        get(http, f"/v1/credit_notes/{custom.id}"),
        get(http, f"/v1/credit_notes/{by_line.id}/lines"),
        get(http, "/v1/credit_notes/preview", invoice=open_one.id, amount=100),
        http.post(f"/v1/credit_notes/{custom.id}/void").json(),
        get(http, f"/v1/customers/{cus}/balance_transactions"),
        get(http, f"/v1/customers/{cus}/tax_ids"),
        get(http, f"/v1/customers/{cus}/tax_ids/{tax_id.id}"),
        http.delete(f"/v1/customers/{cus}/tax_ids/{tax_id.id}").json(),
        http.post("/v1/invoices/create_preview", data={"subscription": sub}).json(),
        http.post("/v1/invoices/create_preview", data={"customer": jane}).json(),
    ]  # fmt: skip


def test_errors_have_stripes_error_keys(http: httpx.Client) -> None:
    for response in (
        http.get("/v1/invoices/in_nope"),
        http.get("/v1/invoices", params={"limit": "abc"}),
        httpx.get(str(http.base_url).rstrip("/") + "/v1/invoices"),
    ):
        assert response.status_code in (400, 401, 404)
        body = response.json()
        assert list(body) == ["error"] and sorted(body["error"]) == sorted(ERROR_KEYS)
