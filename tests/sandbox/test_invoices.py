from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

import pytest
import stripe


def test_new_invoice_walks_draft_open_paid_with_consistent_amounts(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    draft = client.v1.invoices.create(
        {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 14}
    )
    assert (draft.status, draft.number, draft.hosted_invoice_url) == ("draft", None, None)
    client.v1.invoice_items.create({"customer": customer.id, "invoice": draft.id, "amount": 1200})
    client.v1.invoice_items.create({"customer": customer.id, "invoice": draft.id, "amount": 800})
    opened = client.v1.invoices.finalize_invoice(draft.id)
    assert opened.status == "open"
    assert opened.number is not None and customer.invoice_prefix is not None
    assert opened.number.startswith(customer.invoice_prefix + "-")
    assert opened.amount_due == opened.amount_remaining == opened.total == 2000
    assert opened.due_date == draft.created + 14 * 86400
    assert opened.status_transitions.finalized_at is not None
    assert opened.hosted_invoice_url is not None
    assert opened.hosted_invoice_url.endswith(f"/hosted/invoices/{opened.id}")
    paid = client.v1.invoices.pay(opened.id)
    assert (paid.status, paid.amount_paid, paid.amount_remaining) == ("paid", 2000, 0)
    assert paid.status_transitions.paid_at is not None
    assert paid.status_transitions.paid_at >= opened.status_transitions.finalized_at
    assert paid.attempted is True and paid.attempt_count == 1


def test_invoice_numbers_count_up_per_customer(
    open_invoice: Callable[..., stripe.Invoice],
    client: stripe.StripeClient,
    customer: stripe.Customer,
) -> None:
    first = open_invoice(customer.id)
    second = open_invoice(customer.id)
    assert first.number == f"{customer.invoice_prefix}-0001"
    assert second.number == f"{customer.invoice_prefix}-0002"


@pytest.mark.parametrize(
    ("card", "code", "decline_code"),
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
    ],
)
def test_declining_test_cards_answer_402_and_leave_the_invoice_open(
    open_invoice: Callable[..., stripe.Invoice],
    client: stripe.StripeClient,
    customer: stripe.Customer,
    card: str,
    code: str,
    decline_code: str,
) -> None:
    inv = open_invoice(customer.id)
    with pytest.raises(stripe.CardError) as caught:
        client.v1.invoices.pay(inv.id, {"payment_method": card})
    assert caught.value.http_status == 402
    assert caught.value.code == code
    assert caught.value.error is not None
    assert caught.value.error.decline_code == decline_code
    after = client.v1.invoices.retrieve(inv.id)
    assert (after.status, after.amount_paid, after.attempt_count) == ("open", 0, 1)


def test_card_needing_authentication_answers_requires_action(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    inv_id = personas["invoices"]["auth@example.com"]["open"][0]
    with pytest.raises(stripe.CardError) as caught:
        client.v1.invoices.pay(inv_id)
    assert caught.value.code == "invoice_payment_intent_requires_action"
    assert client.v1.invoices.retrieve(inv_id).status == "open"


def test_paying_without_any_payment_method_fails_as_stripe_does(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    inv_id = personas["invoices"]["nocard@example.com"]["open"][0]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.pay(inv_id)
    assert caught.value.http_status == 400
    assert "no attached payment source or default payment method" in caught.value.user_message
    assert client.v1.invoices.retrieve(inv_id).status == "open"


def test_paid_out_of_band_needs_no_card_and_counts_no_attempt(
    open_invoice: Callable[..., stripe.Invoice],
    client: stripe.StripeClient,
    personas: dict[str, Any],
) -> None:
    cus = client.v1.customers.create({"email": "oob@example.com"})
    inv = open_invoice(cus.id)
    paid = client.v1.invoices.pay(inv.id, {"paid_out_of_band": True})
    assert (paid.status, paid.attempt_count, paid.amount_remaining) == ("paid", 0, 0)


def test_paying_a_paid_invoice_is_refused(
    open_invoice: Callable[..., stripe.Invoice],
    client: stripe.StripeClient,
    customer: stripe.Customer,
) -> None:
    inv = client.v1.invoices.pay(open_invoice(customer.id).id)
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.invoices.pay(inv.id)


def test_void_and_uncollectible_set_their_timestamps(
    open_invoice: Callable[..., stripe.Invoice],
    client: stripe.StripeClient,
    customer: stripe.Customer,
) -> None:
    voided = client.v1.invoices.void_invoice(open_invoice(customer.id).id)
    assert voided.status == "void" and voided.status_transitions.voided_at
    lost = client.v1.invoices.mark_uncollectible(open_invoice(customer.id).id)
    assert lost.status == "uncollectible" and lost.status_transitions.marked_uncollectible_at
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.invoices.void_invoice(client.v1.invoices.pay(lost.id).id)


def test_zero_decimal_currency_keeps_whole_amounts(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    yuki = personas["customers"]["yuki@example.jp"][0]
    page = client.v1.invoices.list({"customer": yuki, "status": "open"})
    assert page.data and all(inv.currency == "jpy" for inv in page.data)
    assert page.data[0].amount_due == 61600  # 50,000 + 5 × 1,200, plus 10% tax


def test_list_filters_by_customer_status_and_subscription(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    sub = personas["subscriptions"]["jane@example.com"][0]
    for status in ("paid", "open", "void", "uncollectible", "draft"):
        page = client.v1.invoices.list({"customer": jane, "status": status, "limit": 100})
        assert page.data, status
        assert {inv.status for inv in page.data} == {status}
    by_sub = client.v1.invoices.list({"subscription": sub, "limit": 100}).data
    assert len(by_sub) == 12
    assert {inv.parent.subscription_details.subscription for inv in by_sub} == {sub}  # type: ignore[union-attr]


def test_jane_has_one_time_invoices_in_every_status_and_a_past_due_one(
    personas: dict[str, Any], client: stripe.StripeClient
) -> None:
    jane = personas["invoices"]["jane@example.com"]
    now = time.time()
    opened = [client.v1.invoices.retrieve(i) for i in jane["open"]]
    assert any(inv.due_date < now for inv in opened) and any(inv.due_date > now for inv in opened)  # type: ignore[operator]
    detailed = max(opened, key=lambda inv: len(inv.lines.data))
    assert (
        len(detailed.lines.data) >= 3 and detailed.total_taxes and detailed.total_discount_amounts
    )


def _walk(
    client: stripe.StripeClient, params: stripe.params.InvoiceListParams, forward: bool = True
) -> list[str]:
    ids: list[str] = []
    page = client.v1.invoices.list(params)
    ids += [inv.id for inv in page.data]
    while page.has_more:
        cursor = {"starting_after": ids[-1]} if forward else {"ending_before": page.data[0].id}
        page = client.v1.invoices.list(
            cast("stripe.params.InvoiceListParams", {**params, **cursor})
        )
        ids += [inv.id for inv in page.data] if forward else []
    return ids


def test_pagination_walks_every_invoice_newest_first_without_repeats(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    everything = client.v1.invoices.list({"customer": jane, "limit": 100}).data
    walked = _walk(client, {"customer": jane, "limit": 4})
    assert walked == [inv.id for inv in everything]
    created = [inv.created for inv in everything]
    assert created == sorted(created, reverse=True)


def test_ending_before_pages_back_towards_the_newest(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    everything = [i.id for i in client.v1.invoices.list({"customer": jane, "limit": 100}).data]
    back = client.v1.invoices.list({"customer": jane, "limit": 3, "ending_before": everything[5]})
    assert [inv.id for inv in back.data] == everything[2:5]
    assert back.has_more is True


def test_big_customer_has_five_thousand_invoices_listed_in_pages(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    big = personas["customers"]["big@example.com"][0]
    result = client.v1.invoices.search({"query": f"customer:'{big}'", "limit": 1})
    assert result.object == "search_result" and result.has_more  # type: ignore[attr-defined]
    page = client.v1.invoices.list({"customer": big, "limit": 100})
    assert len(page.data) == 100 and page.has_more
    counted = client.v1.invoices.search(
        {"query": f"customer:'{big}'", "limit": 1, "expand": ["total_count"]}
    )
    assert counted.total_count == 5000  # type: ignore[attr-defined]
    last = client.v1.invoices.search(
        {"query": f"customer:'{big}'", "limit": 100, "page": "page_4950"}
    )
    assert len(last.data) == 50 and last.has_more is False and last.next_page is None
    found = client.v1.invoices.list({"customer": big, "created": {"lt": page.data[-1].created}})
    assert found.data[0].id != page.data[-1].id and found.data[0].created < page.data[-1].created


def test_retrieve_expands_customer_and_subscription(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    inv_id = personas["invoices"]["jane@example.com"]["paid"][0]
    inv = client.v1.invoices.retrieve(
        inv_id, {"expand": ["customer", "parent.subscription_details.subscription"]}
    )
    assert isinstance(inv.customer, stripe.Customer)
    assert inv.customer.email == "jane@example.com"
    assert inv.parent is not None and inv.parent.subscription_details is not None
    assert isinstance(inv.parent.subscription_details.subscription, stripe.Subscription)
    assert inv.parent.subscription_details.subscription.object == "subscription"


def test_list_expands_data_customer(client: stripe.StripeClient, personas: dict[str, Any]) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    page = client.v1.invoices.list({"customer": jane, "limit": 2, "expand": ["data.customer"]})
    assert all(inv.customer.id == jane for inv in page.data)  # type: ignore[union-attr]


def test_lines_list_pages_through_every_line(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    inv = client.v1.invoices.create({"customer": customer.id})
    for n in range(12):
        client.v1.invoice_items.create(
            {"customer": customer.id, "invoice": inv.id, "amount": 100 + n, "description": f"#{n}"}
        )
    full = client.v1.invoices.retrieve(inv.id)
    assert len(full.lines.data) == 10 and full.lines.has_more is True
    first = client.v1.invoices.line_items.list(inv.id, {"limit": 5})
    rest = client.v1.invoices.line_items.list(
        inv.id, {"limit": 10, "starting_after": first.data[-1].id}
    )
    descriptions = [line.description for line in first.data + rest.data]
    assert descriptions == [f"#{n}" for n in range(12)] and rest.has_more is False
    assert full.subtotal == sum(100 + n for n in range(12))


def test_pending_items_join_the_next_invoice_only_when_asked(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    item = client.v1.invoice_items.create(
        {"customer": customer.id, "amount": 700, "currency": "usd", "description": "Pending"}
    )
    assert item.invoice is None
    skipped = client.v1.invoices.create({"customer": customer.id})
    assert skipped.lines.data == []
    taken = client.v1.invoices.create(
        {"customer": customer.id, "pending_invoice_items_behavior": "include"}
    )
    assert [line.description for line in taken.lines.data] == ["Pending"]
    assert client.v1.invoice_items.retrieve(item.id).invoice == taken.id


def test_invoice_search_finds_by_status_and_customer(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    found = client.v1.invoices.search({"query": f"customer:'{jane}' AND status:'open'"})
    assert {inv.id for inv in found.data} == set(personas["invoices"]["jane@example.com"]["open"])
    assert all(inv.lines.data for inv in found.data)


def test_deleting_a_draft_makes_it_unknown(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    draft = client.v1.invoices.create({"customer": customer.id})
    assert client.v1.invoices.delete(draft.id).deleted is True
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoices.retrieve(draft.id)
    assert caught.value.http_status == 404 and caught.value.code == "resource_missing"
    assert draft.id not in [inv.id for inv in client.v1.invoices.list({"customer": customer.id})]
