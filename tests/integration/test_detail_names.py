"""An invoice's detail names its taxes and discounts and the card that paid it, as Stripe
keeps them on tax rates, coupons, promotion codes and payment intents (the demo's
`detail@example.com`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import bearer, start

pytestmark = pytest.mark.usefixtures("fresh")
EMAIL = "detail@example.com"


def detail_of(http: Any, status: str) -> dict[str, Any]:
    session = start(http, EMAIL, scope="all")
    invoice = next(i for i in session["invoices"]["data"] if i["status"] == status)
    answer = http.get(f"/v1/invoices/{invoice['id']}", headers=bearer(session))
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_every_line_shows_its_tax_rate_by_name_and_percentage(http: httpx.Client) -> None:
    detail = detail_of(http, "open")
    assert len(detail["lines"]) == 12 and detail["lines_has_more"] is False
    for line in detail["lines"]:
        [tax] = line["taxes"]
        assert (tax["display_name"], tax["percentage"], tax["inclusive"]) == ("VAT", 20, False)
        assert tax["amount"] > 0 or line["description"] == "Delivery"  # free delivery: no tax
    [total_tax] = detail["taxes"]
    assert (total_tax["display_name"], total_tax["percentage"]) == ("VAT", 20)
    assert (
        detail["tax"]
        == total_tax["amount"]
        == sum(line["taxes"][0]["amount"] for line in detail["lines"])
    )


def test_discounts_show_their_coupon_names(http: httpx.Client) -> None:
    detail = detail_of(http, "open")
    names = {d["name"]: d for d in detail["discounts"]}
    assert set(names) == {"Loyal customer 10%", "Free delivery"}
    assert names["Free delivery"]["code"] == "FREESHIP" and names["Free delivery"]["amount"] == 9500
    delivery = next(line for line in detail["lines"] if line["description"] == "Delivery")
    assert [d["name"] for d in delivery["discounts"]] == ["Free delivery", "Loyal customer 10%"]
    assert detail["total"] == detail["subtotal"] - detail["discount"] + detail["tax"]


def test_the_bill_to_carries_phone_address_and_tax_id(http: httpx.Client) -> None:
    detail = detail_of(http, "open")
    assert detail["customer_name"] == "Dana Detail" and detail["customer_phone"]
    assert detail["customer_address"]["city"] == "London"
    assert detail["customer_shipping"]["address"]["city"] == "Tilbury"
    assert detail["customer_tax_ids"] == [{"type": "gb_vat", "value": "GB123456789"}]
    assert detail["paid_with"] is None


def test_a_paid_invoice_names_the_card_that_paid_and_its_promotion_code(http: httpx.Client) -> None:
    detail = detail_of(http, "paid")
    card = detail["paid_with"]
    assert (card["type"], card["brand"], card["last4"]) == ("card", "visa", "4242")
    assert isinstance(card["exp_month"], int) and isinstance(card["exp_year"], int)
    [discount] = detail["discounts"]
    assert (discount["name"], discount["code"]) == ("Welcome offer", "WELCOME15")
    assert detail["taxes"][0]["display_name"] == "VAT"
