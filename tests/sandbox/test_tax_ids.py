"""Billing details: name, address, tax exemption and tax IDs, validated as Stripe validates them,
and carried onto the next invoice."""

from __future__ import annotations

from typing import Any, cast

import pytest
import stripe


def add(client: stripe.StripeClient, customer: str, kind: str, value: str) -> stripe.TaxId:
    params = cast("stripe.params.CustomerTaxIdCreateParams", {"type": kind, "value": value})
    return client.v1.customers.tax_ids.create(customer, params)


@pytest.mark.parametrize(
    ("kind", "value", "country"),
    [
        ("eu_vat", "DE123456789", "DE"),
        ("eu_vat", "FRAB123456789", "FR"),
        ("eu_vat", "ATU12345678", "AT"),
        ("eu_vat", "NL123456789B01", "NL"),
        ("eu_vat", "EL123456789", "GR"),
        ("gb_vat", "GB123456789", "GB"),
        ("ch_vat", "CHE-123.456.789 MWST", "CH"),
        ("no_vat", "123456789MVA", "NO"),
        ("au_abn", "12345678912", "AU"),
        ("ca_bn", "123456789", "CA"),
        ("us_ein", "12-3456789", "US"),
        ("in_gst", "12ABCDE3456FGZH", "IN"),
        ("jp_cn", "1234567891234", "JP"),
        ("br_cnpj", "01.234.456/5432-10", "BR"),
    ],
)
def test_a_valid_tax_id_is_saved_with_its_country(
    client: stripe.StripeClient, customer: stripe.Customer, kind: str, value: str, country: str
) -> None:
    made = add(client, customer.id, kind, value)
    assert made.id.startswith("txi_") and made.object == "tax_id"
    assert (made.type, made.value, made.country, made.customer) == (
        kind,
        value,
        country,
        customer.id,
    )
    assert made.owner is not None and made.owner.customer == customer.id


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("eu_vat", "DE12345678"),
        ("eu_vat", "XX123456789"),
        ("eu_vat", "de123456789"),
        ("gb_vat", "123456789"),
        ("ch_vat", "CHE-123.456.789"),
        ("no_vat", "123456789"),
        ("au_abn", "1234567891"),
        ("ca_bn", "12345678"),
        ("us_ein", "123456789"),
        ("in_gst", "12ABCDE3456FG"),
        ("jp_cn", "123456789123"),
        ("br_cnpj", "01234456543210"),
    ],
)
def test_an_invalid_value_is_stripes_tax_id_invalid(
    client: stripe.StripeClient, customer: stripe.Customer, kind: str, value: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        add(client, customer.id, kind, value)
    error = caught.value
    assert (error.http_status, error.code, error.param) == (400, "tax_id_invalid", "value")
    assert error.user_message == f"Invalid value for {kind}."
    assert client.v1.customers.tax_ids.list(customer.id).data == []


def test_an_unknown_type_is_refused_naming_type(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        add(client, customer.id, "xx_vat", "123")
    assert (caught.value.http_status, caught.value.param) == (400, "type")


@pytest.mark.parametrize(
    ("kind", "value", "status"),
    [
        ("eu_vat", "DE000000000", "verified"),
        ("eu_vat", "DE111111111", "unverified"),
        ("eu_vat", "DE123456789", "pending"),
        ("gb_vat", "GB000000000", "verified"),
        ("au_abn", "11111111111", "unverified"),
    ],
)
def test_test_mode_verification_follows_the_magic_values(
    client: stripe.StripeClient, customer: stripe.Customer, kind: str, value: str, status: str
) -> None:
    made = add(client, customer.id, kind, value)
    assert made.verification is not None and made.verification.status == status


def test_types_stripe_does_not_verify_have_no_verification(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    assert add(client, customer.id, "us_ein", "12-3456789").verification is None


def test_tax_ids_are_listed_read_and_deleted(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    first = add(client, customer.id, "eu_vat", "DE123456789")
    second = add(client, customer.id, "gb_vat", "GB123456789")
    listed = client.v1.customers.tax_ids.list(customer.id).data
    assert [t.id for t in listed] == [second.id, first.id]
    assert client.v1.customers.tax_ids.retrieve(customer.id, first.id).value == "DE123456789"
    gone = client.v1.customers.tax_ids.delete(customer.id, first.id)
    assert (gone.id, gone.deleted) == (first.id, True)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.tax_ids.retrieve(customer.id, first.id)
    assert caught.value.http_status == 404
    other = client.v1.customers.create({"email": "other@example.com"})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.tax_ids.retrieve(other.id, second.id)
    assert caught.value.http_status == 404


def test_tax_id_data_is_validated_when_the_customer_is_created(
    client: stripe.StripeClient,
) -> None:
    params: Any = {"email": "vat@example.com", "tax_id_data": [{"type": "eu_vat", "value": "DE1"}]}
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.create(params)
    assert (caught.value.code, caught.value.param) == ("tax_id_invalid", "tax_id_data[0][value]")
    assert client.v1.customers.list({"email": "vat@example.com"}).data == []
    params["tax_id_data"][0]["value"] = "DE123456789"
    made = client.v1.customers.create(params)
    assert [t.value for t in client.v1.customers.tax_ids.list(made.id).data] == ["DE123456789"]


def test_the_next_invoice_carries_the_new_billing_details(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    address: stripe.params.CustomerUpdateParamsAddress = {
        "line1": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"
    }  # fmt: skip
    client.v1.customers.update(
        customer.id, {"name": "Neue GmbH", "address": address, "tax_exempt": "reverse"}
    )
    add(client, customer.id, "eu_vat", "DE123456789")
    inv = client.v1.invoices.create(
        {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    client.v1.invoice_items.create({"customer": customer.id, "invoice": inv.id, "amount": 100})
    inv = client.v1.invoices.finalize_invoice(inv.id)
    assert inv.customer_name == "Neue GmbH" and inv.customer_tax_exempt == "reverse"
    assert inv.customer_address is not None and inv.customer_address.city == "Berlin"
    assert [(t.type, t.value) for t in inv.customer_tax_ids or ()] == [("eu_vat", "DE123456789")]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.update(customer.id, {"tax_exempt": "sometimes"})
    assert caught.value.param == "tax_exempt"
