"""Tax rates, coupons and promotion codes on invoices, and what paying one leaves behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest
import stripe

from sandbox.testing import SandboxServer

RESTRICTED = "rk_test_51InvoicePortalRestrictedKeyForTests0123456789abcdef"

NAMES = [
    "total_discount_amounts.discount.source.coupon",
    "total_discount_amounts.discount.promotion_code",
]
PAID_WITH = ["data.payment.payment_intent.payment_method"]


def draft(client: stripe.StripeClient, customer: str, **params: Any) -> stripe.Invoice:
    return client.v1.invoices.create(
        cast(
            "stripe.params.InvoiceCreateParams",
            {
                "customer": customer,
                "collection_method": "send_invoice",
                "days_until_due": 30,
                **params,
            },
        )
    )


def item(client: stripe.StripeClient, inv: stripe.Invoice, amount: int, **params: Any) -> Any:
    return client.v1.invoice_items.create(
        cast(
            "stripe.params.InvoiceItemCreateParams",
            {"customer": inv.customer, "invoice": inv.id, "amount": amount, **params},
        )
    )


def test_a_tax_rate_is_created_read_and_listed(client: stripe.StripeClient) -> None:
    rate = client.v1.tax_rates.create(
        {"display_name": "VAT", "percentage": 20, "inclusive": False, "country": "GB",
         "description": "UK VAT", "jurisdiction": "GB"}
    )  # fmt: skip
    assert rate.id.startswith("txr_") and rate.object == "tax_rate"
    assert (rate.display_name, rate.percentage, rate.inclusive) == ("VAT", 20, False)
    assert client.v1.tax_rates.retrieve(rate.id).country == "GB"
    assert rate.id in [r.id for r in client.v1.tax_rates.list({"limit": 100}).data]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.tax_rates.create({"display_name": "VAT", "inclusive": False})  # type: ignore[typeddict-item]
    assert caught.value.param == "percentage"


def test_an_exclusive_rate_adds_tax_to_each_line_after_its_discount(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    rate = client.v1.tax_rates.create({"display_name": "VAT", "percentage": 20, "inclusive": False})
    coupon = client.v1.coupons.create({"percent_off": 25, "name": "Quarter off"})
    inv = draft(client, customer.id, default_tax_rates=[rate.id])
    item(client, inv, 10000, description="Work", discounts=[{"coupon": coupon.id}])
    item(client, inv, 5000, description="Parts")
    inv = client.v1.invoices.finalize_invoice(inv.id)
    work, parts = inv.lines.data
    assert work.discount_amounts is not None and work.taxes is not None
    assert parts.taxes is not None and inv.total_taxes is not None
    assert work.discount_amounts[0].amount == 2500
    tax = work.taxes[0]
    assert tax.tax_rate_details is not None
    assert (tax.amount, tax.taxable_amount, tax.tax_behavior) == (1500, 7500, "exclusive")
    assert tax.tax_rate_details.tax_rate == rate.id and tax.type == "tax_rate_details"
    assert parts.taxes[0].amount == 1000
    assert (inv.subtotal, inv.total_excluding_tax, inv.total) == (15000, 12500, 15000)
    assert [(t.amount, t.taxable_amount) for t in inv.total_taxes] == [(2500, 12500)]
    assert inv.amount_due == inv.total and inv.default_tax_rates[0].id == rate.id


def test_an_inclusive_rate_is_taken_out_of_the_amount(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    rate = client.v1.tax_rates.create(
        {"display_name": "MwSt.", "percentage": 19, "inclusive": True}
    )
    inv = draft(client, customer.id)
    item(client, inv, 11900, tax_rates=[rate.id])
    inv = client.v1.invoices.finalize_invoice(inv.id)
    tax = inv.lines.data[0].taxes[0]  # type: ignore[index]
    assert (tax.amount, tax.taxable_amount, tax.tax_behavior) == (1900, 10000, "inclusive")
    assert (inv.total, inv.total_excluding_tax, inv.subtotal_excluding_tax) == (11900, 10000, 10000)


def test_discounts_name_their_coupon_and_promotion_code_when_expanded(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    coupon = client.v1.coupons.create(
        {"amount_off": 1000, "currency": "usd", "name": "Ten dollars off"}
    )
    promotion = client.v1.promotion_codes.create(
        {"promotion": {"type": "coupon", "coupon": coupon.id}, "code": f"TEN{customer.id[-6:]}"}
    )
    inv = draft(client, customer.id, discounts=[{"promotion_code": promotion.id}])
    item(client, inv, 3000)
    item(client, inv, 1000)
    inv = client.v1.invoices.retrieve(inv.id, {"expand": NAMES})
    assert inv.total_discount_amounts is not None
    [entry] = inv.total_discount_amounts
    assert entry.amount == 1000 and inv.total == 3000
    assert [line.discount_amounts[0].amount for line in inv.lines.data] == [750, 250]  # type: ignore[index]
    found = entry.discount
    assert isinstance(found, stripe.Discount)
    assert isinstance(found.source.coupon, stripe.Coupon)
    assert isinstance(found.promotion_code, stripe.PromotionCode)
    assert found.id.startswith("di_") and found.object == "discount"
    assert found.source.coupon.name == "Ten dollars off" and found.source.type == "coupon"
    assert found.promotion_code.code == promotion.code and found.invoice == inv.id
    assert inv.discounts == [found.id]
    assert client.v1.coupons.retrieve(coupon.id).times_redeemed == 1


def test_paying_leaves_a_payment_intent_and_an_invoice_payment_with_the_card(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = client.v1.invoices.pay(open_invoice(customer.id).id)
    listed = client.v1.invoice_payments.list(
        {"invoice": inv.id, "status": "paid", "expand": PAID_WITH}
    )
    [payment] = listed.data
    assert (payment.amount_paid, payment.status, payment.invoice) == (2500, "paid", inv.id)
    intent = payment.payment.payment_intent
    assert isinstance(intent, stripe.PaymentIntent)
    assert isinstance(intent.payment_method, stripe.PaymentMethod)
    assert intent.id.startswith("pi_") and intent.status == "succeeded"
    assert (intent.amount_received, intent.customer) == (2500, customer.id)
    card = intent.payment_method.card
    assert card is not None and customer.invoice_settings is not None
    assert (card.brand, card.last4, card.exp_month) == ("visa", "4242", 12)
    assert intent.payment_method.id == customer.invoice_settings.default_payment_method
    assert client.v1.payment_intents.retrieve(intent.id).payment_method == intent.payment_method.id


def test_an_invoice_paid_out_of_band_has_no_payment_intent(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = client.v1.invoices.pay(open_invoice(customer.id).id, {"paid_out_of_band": True})
    assert client.v1.invoice_payments.list({"invoice": inv.id}).data == []


def test_finalizing_copies_the_customers_contact_details(client: stripe.StripeClient) -> None:
    address: stripe.params.CustomerCreateParamsAddress = {
        "line1": "1 Main St",
        "city": "Springfield",
        "postal_code": "12345",
        "country": "US",
    }
    cus = client.v1.customers.create(
        {"email": "contact@example.com", "name": "Con Tact", "phone": "+15555550100",
         "address": address, "shipping": {"name": "Dock", "address": address},
         "tax_id_data": [{"type": "us_ein", "value": "12-3456789"}]}
    )  # fmt: skip
    inv = draft(client, cus.id)
    item(client, inv, 500)
    inv = client.v1.invoices.finalize_invoice(inv.id)
    assert inv.customer_address is not None and inv.customer_tax_ids is not None
    assert inv.customer_phone == "+15555550100" and inv.customer_address.city == "Springfield"
    shipping = inv.customer_shipping
    assert shipping is not None and shipping.address is not None
    assert shipping.name == "Dock" and shipping.address.line1 == "1 Main St"
    assert [(t.type, t.value) for t in inv.customer_tax_ids] == [("us_ein", "12-3456789")]


def test_price_based_lines_name_their_price(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    rate = client.v1.tax_rates.create({"display_name": "Tax", "percentage": 10, "inclusive": False})
    price = client.v1.prices.create(
        {"currency": "usd", "unit_amount": 1200, "recurring": {"interval": "month"},
         "product_data": {"name": "Taxed plan"}}
    )  # fmt: skip
    sub = client.v1.subscriptions.create(
        {"customer": customer.id, "items": [{"price": price.id}], "default_tax_rates": [rate.id]}
    )
    assert isinstance(sub.latest_invoice, str)
    inv = client.v1.invoices.retrieve(sub.latest_invoice)
    line = inv.lines.data[0]
    assert line.pricing is not None and line.pricing.price_details is not None
    assert line.taxes is not None
    assert line.pricing.price_details.price == price.id
    assert line.pricing.price_details.product == price.product
    assert line.taxes[0].amount == 120 and inv.amount_paid == 1320
    one_off = draft(client, customer.id)
    one_time = client.v1.prices.create(
        {"currency": "usd", "unit_amount": 800, "product_data": {"name": "Kit"}}
    )
    added = client.v1.invoice_items.create(
        # `price`: the SDK's types know only its newer spelling, `pricing`.
        {"customer": customer.id, "invoice": one_off.id, "price": one_time.id, "quantity": 2}  # type: ignore[arg-type]
    )
    assert added.pricing is not None and added.pricing.price_details is not None
    assert added.amount == 1600 and added.pricing.price_details.price == one_time.id
    line = client.v1.invoices.retrieve(one_off.id).lines.data[0]
    assert line.pricing is not None and line.pricing.price_details is not None
    assert line.pricing.price_details.price == one_time.id and line.amount == 1600


def test_a_restricted_key_reads_names_and_the_card_that_paid(
    sandbox: SandboxServer, personas: dict[str, Any]
) -> None:
    restricted = sandbox.client(api_key=RESTRICTED)
    paid = personas["invoices"]["detail@example.com"]["paid"][0]
    inv = restricted.v1.invoices.retrieve(paid, {"expand": NAMES})
    assert inv.total_discount_amounts is not None and inv.total_taxes is not None
    found = inv.total_discount_amounts[0].discount
    assert isinstance(found, stripe.Discount)
    assert isinstance(found.source.coupon, stripe.Coupon)
    assert isinstance(found.promotion_code, stripe.PromotionCode)
    assert found.source.coupon.name == "Welcome offer" and found.promotion_code.code == "WELCOME15"
    rate = restricted.v1.tax_rates.retrieve(inv.total_taxes[0].tax_rate_details.tax_rate)  # type: ignore[union-attr]
    assert (rate.display_name, rate.percentage) == ("VAT", 20)
    payments = restricted.v1.invoice_payments.list(
        {"invoice": paid, "status": "paid", "expand": PAID_WITH}
    )
    card = payments.data[0].payment.payment_intent.payment_method.card  # type: ignore[union-attr]
    assert card is not None
    assert (card.brand, card.last4) == ("visa", "4242")
    assert restricted.v1.coupons.list({"limit": 1}).data
    assert restricted.v1.promotion_codes.list({"code": "WELCOME15"}).data[0].active


def test_the_detail_persona_has_a_twelve_line_taxed_discounted_invoice(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    [open_id] = personas["invoices"]["detail@example.com"]["open"]
    inv = client.v1.invoices.retrieve(open_id, {"expand": NAMES})
    lines = client.v1.invoices.line_items.list(open_id, {"limit": 100}).data
    assert len(lines) == 12 and inv.lines.has_more is True
    assert all(line.taxes and line.taxes[0].tax_behavior == "exclusive" for line in lines)
    assert inv.total_discount_amounts is not None and inv.total_taxes is not None
    names = {d.discount.source.coupon.name for d in inv.total_discount_amounts}  # type: ignore[union-attr]
    assert names == {"Loyal customer 10%", "Free delivery"}
    assert inv.customer_address is not None and inv.customer_tax_ids is not None
    assert inv.customer_phone and inv.customer_address.country == "GB"
    assert inv.customer_tax_ids[0].value == "GB123456789"
    discount = sum(d.amount for d in inv.total_discount_amounts)
    tax = sum(t.amount for t in inv.total_taxes)
    assert inv.total == inv.subtotal - discount + tax
