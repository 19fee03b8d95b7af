"""A customer's `subscriptions`: left out unless expanded, then a list of the live ones."""

from __future__ import annotations

from typing import Any, cast

import pytest
import stripe


def subscribe(client: stripe.StripeClient, customer: str, name: str) -> stripe.Subscription:
    price = client.v1.prices.create(
        {"currency": "usd", "unit_amount": 700, "recurring": {"interval": "month"},
         "product_data": {"name": name}, "nickname": f"{name} (monthly)"}
    )  # fmt: skip
    return client.v1.subscriptions.create(
        {"customer": customer, "items": [{"price": price.id}], "description": f"{name} plan"}
    )


def test_subscriptions_are_left_out_unless_expanded(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    assert "subscriptions" not in client.v1.customers.retrieve(jane)
    assert "subscriptions" not in client.v1.customers.list({"email": "jane@example.com"}).data[0]


def test_customer_list_expands_live_subscriptions_newest_first(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    older = subscribe(client, customer.id, "Older")
    gone = subscribe(client, customer.id, "Gone")
    newer = subscribe(client, customer.id, "Newer")
    client.v1.subscriptions.cancel(gone.id)
    found = client.v1.customers.list(
        {"email": "fresh@example.com", "expand": ["data.subscriptions"]}
    ).data
    subs = next(c for c in found if c.id == customer.id).subscriptions
    assert subs is not None
    assert (subs.object, subs.has_more, subs.url) == (  # type: ignore[attr-defined]
        "list",
        False,
        f"/v1/customers/{customer.id}/subscriptions",
    )
    assert [s.id for s in subs.data] == [newer.id, older.id]
    assert subs.data[0].description == "Newer plan"
    assert subs.data[0].items.data[0].price.nickname == "Newer (monthly)"


def test_retrieve_and_update_expand_subscriptions(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    sub_ids = personas["subscriptions"]["jane@example.com"]
    got = client.v1.customers.retrieve(jane, {"expand": ["subscriptions"]})
    assert got.subscriptions is not None
    assert [s.id for s in got.subscriptions.data] == sub_ids
    updated = client.v1.customers.update(
        jane, {"metadata": {"seen": "yes"}, "expand": ["subscriptions"]}
    )
    assert updated.subscriptions is not None
    assert [s.id for s in updated.subscriptions.data] == sub_ids


def test_a_customer_without_subscriptions_expands_to_an_empty_list(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    empty = personas["customers"]["empty@example.com"][0]
    subs = client.v1.customers.retrieve(empty, {"expand": ["subscriptions"]}).subscriptions
    assert subs is not None
    assert (subs.data, subs.has_more) == ([], False)


def test_only_ten_are_shown_and_the_url_pages_through_the_rest(client: stripe.StripeClient) -> None:
    cus = client.v1.customers.create({"email": "many-subs@example.com"})
    made = [subscribe(client, cus.id, f"Plan {i}").id for i in range(11)]
    subs = client.v1.customers.retrieve(cus.id, {"expand": ["subscriptions"]}).subscriptions
    assert subs is not None
    assert subs.has_more is True
    assert [s.id for s in subs.data] == made[::-1][:10]
    rest = cast(
        "stripe.ListObject[stripe.Subscription]",
        client.deserialize(
            client.raw_request("get", subs.url, starting_after=subs.data[-1].id), api_mode="V1"
        ),
    )
    assert ([s.id for s in rest.data], rest.has_more) == ([made[0]], False)


def test_seeded_subscriptions_have_readable_names(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    got = client.v1.customers.list({"email": "jane@example.com", "expand": ["data.subscriptions"]})
    sub = next(c for c in got.data if c.id == jane).subscriptions.data[0]  # type: ignore[union-attr]
    assert sub.description == "Pro plan, billed monthly"
    assert sub.items.data[0].price.nickname == "Pro plan (monthly)"


def test_expansions_inside_subscriptions_work_up_to_four_levels(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    listed = client.v1.customers.list(
        {"email": "jane@example.com", "expand": ["data.subscriptions.data.latest_invoice"]}
    )
    invoice = listed.data[0].subscriptions.data[0].latest_invoice  # type: ignore[union-attr]
    assert isinstance(invoice, stripe.Invoice)
    assert (invoice.object, invoice.status, invoice.customer) == ("invoice", "paid", jane)
    got = client.v1.customers.retrieve(
        jane, {"expand": ["subscriptions.data.latest_invoice.customer"]}
    )
    assert got.subscriptions.data[0].latest_invoice.customer.email == "jane@example.com"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "path",
    [
        "data.subscriptions.data.items.data.price",
        "data.subscriptions.data.items.data.price.product",
        "data.subscriptions.data.latest_invoice.customer",
    ],
)
def test_deeper_expansions_are_refused_as_stripe_does(
    client: stripe.StripeClient, path: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.list({"email": "jane@example.com", "expand": [path]})
    assert caught.value.http_status == 400 and caught.value.param == "expand"
    assert "more than 4 levels" in caught.value.user_message


def test_subscriptions_cannot_be_expanded_on_other_objects(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.invoices.list({"customer": jane, "expand": ["data.subscriptions"]})
