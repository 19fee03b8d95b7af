"""Credit notes as Stripe issues them: before payment they lower what is due, after it they
credit the balance, refund the card or are settled out of band; voiding undoes them."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import httpx
import pytest
import stripe
from pypdf import PdfReader

from sandbox.testing import SandboxServer

if TYPE_CHECKING:
    from tests.sandbox.conftest import Receiver


def refused(call: Callable[[], Any]) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        call()
    assert caught.value.http_status == 400
    return caught.value


def credit(client: stripe.StripeClient, **params: Any) -> stripe.CreditNote:
    return client.v1.credit_notes.create(cast("stripe.params.CreditNoteCreateParams", params))


def test_a_credit_note_on_an_open_invoice_lowers_what_is_due(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id, 2500)
    note = credit(client, invoice=inv.id, amount=1000, reason="order_change", memo="One less")
    assert (note.status, note.type, note.amount, note.total) == (
        "issued",
        "pre_payment",
        1000,
        1000,
    )
    assert (note.pre_payment_amount, note.post_payment_amount) == (1000, 0)
    assert (note.reason, note.memo, note.invoice) == ("order_change", "One less", inv.id)
    assert note.number == f"{inv.number}-CN-01" and note.customer == customer.id
    after = client.v1.invoices.retrieve(inv.id)
    assert (after.status, after.amount_due, after.amount_remaining) == ("open", 1500, 1500)
    assert after.pre_payment_credit_notes_amount == 1000
    assert after.post_payment_credit_notes_amount == 0
    assert [n.id for n in client.v1.credit_notes.list({"invoice": inv.id}).data] == [note.id]
    assert [n.id for n in client.v1.credit_notes.list({"customer": customer.id}).data] == [note.id]
    assert client.v1.credit_notes.retrieve(note.id).amount == 1000
    lines = client.v1.credit_notes.line_items.list(note.id).data
    assert [(line.type, line.amount) for line in lines] == [("custom_line_item", 1000)]


def test_crediting_all_that_is_left_marks_an_open_invoice_paid(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id, 2500)
    credit(client, invoice=inv.id, amount=2500, reason="duplicate")
    after = client.v1.invoices.retrieve(inv.id)
    assert (after.status, after.amount_remaining, after.amount_paid) == ("paid", 0, 0)


def test_a_credit_note_on_a_paid_invoice_credits_the_customer_balance(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = client.v1.invoices.pay(open_invoice(customer.id, 2500).id)
    note = credit(client, invoice=inv.id, amount=1000, credit_amount=1000, reason="fraudulent")
    assert (note.type, note.pre_payment_amount, note.post_payment_amount) == (
        "post_payment",
        0,
        1000,
    )
    txn = client.v1.customers.balance_transactions.retrieve(
        customer.id, str(note.customer_balance_transaction)
    )
    assert (txn.type, txn.amount, txn.credit_note, txn.ending_balance) == (
        "credit_note",
        -1000,
        note.id,
        -1000,
    )
    assert client.v1.customers.retrieve(customer.id).balance == -1000
    after = client.v1.invoices.retrieve(inv.id)
    assert (after.amount_due, after.post_payment_credit_notes_amount) == (2500, 1000)


def test_a_refund_amount_refunds_the_card_and_shows_on_the_receipt(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = client.v1.invoices.pay(open_invoice(customer.id, 2500).id)
    note = credit(client, invoice=inv.id, amount=700, refund_amount=700)
    assert note.refunds and note.refunds[0].amount_refunded == 700
    charge = client.v1.charges.list({"customer": customer.id}).data[0]
    assert (charge.amount_refunded, charge.refunded) == (700, False)
    assert "Refunded: 7.00 USD" in httpx.get(charge.receipt_url or "").text
    shared = credit(client, invoice=inv.id, amount=300, refund_amount=100, out_of_band_amount=200)
    assert shared.out_of_band_amount == 200
    assert client.v1.charges.retrieve(charge.id).amount_refunded == 800


def test_a_line_is_credited_with_its_share_of_discount_and_tax(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    rate = client.v1.tax_rates.create({"display_name": "VAT", "percentage": 20, "inclusive": False})
    coupon = client.v1.coupons.create({"percent_off": 10})
    inv = client.v1.invoices.create(
        {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    client.v1.invoice_items.create(
        {"customer": customer.id, "invoice": inv.id, "amount": 10000, "description": "Desk",
         "tax_rates": [rate.id], "discounts": [{"coupon": coupon.id}]}
    )  # fmt: skip
    inv = client.v1.invoices.finalize_invoice(inv.id)
    line = client.v1.invoices.line_items.list(inv.id).data[0]
    note = credit(
        client,
        invoice=inv.id,
        lines=[{"type": "invoice_line_item", "invoice_line_item": line.id, "amount": 5000}],
    )
    # half the line: 5000, less half its 1000 discount, plus 20% of the 4500 left
    assert (note.subtotal, note.discount_amount, note.total) == (5000, 500, 5400)
    assert note.total_taxes is not None and note.total_taxes[0].amount == 900
    row = client.v1.credit_notes.line_items.list(note.id).data[0]
    assert (row.type, row.invoice_line_item, row.amount, row.discount_amount) == (
        "invoice_line_item",
        line.id,
        5000,
        500,
    )
    assert [r.id for r in row.tax_rates] == [rate.id]
    assert client.v1.invoices.retrieve(inv.id).amount_due == 10800 - 5400
    error = refused(lambda: credit(client, invoice=inv.id, lines=[
        {"type": "invoice_line_item", "invoice_line_item": line.id, "amount": 5001}]))  # fmt: skip
    assert error.param == "lines[0][amount]"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"amount": 100, "reason": "bored"}, "reason"),
        ({"amount": 999999}, "amount"),
        ({}, "lines"),
        (
            {
                "amount": 100,
                "lines": [{"type": "custom_line_item", "unit_amount": 1, "description": "x"}],
            },
            "amount",
        ),  # fmt: skip
        (
            {"lines": [{"type": "invoice_line_item", "invoice_line_item": "il_nope"}]},
            "lines[0][invoice_line_item]",
        ),  # fmt: skip
        ({"lines": [{"type": "custom_line_item", "unit_amount": 100}]}, "lines[0][description]"),
    ],
)
def test_stripe_refuses_what_cannot_be_credited(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
    params: dict[str, Any],
    param: str,
) -> None:
    inv = open_invoice(customer.id, 2500)
    assert refused(lambda: credit(client, invoice=inv.id, **params)).param == param
    assert client.v1.credit_notes.list({"invoice": inv.id}).data == []
    assert client.v1.invoices.retrieve(inv.id).amount_due == 2500


def test_stripe_refuses_credit_notes_on_drafts_and_unshared_post_payment_amounts(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    draft = client.v1.invoices.create({"customer": customer.id})
    assert refused(lambda: credit(client, invoice=draft.id, amount=1)).param == "invoice"
    inv = client.v1.invoices.pay(open_invoice(customer.id, 2500).id)
    error = refused(lambda: credit(client, invoice=inv.id, amount=1000))
    assert error.param == "credit_amount" and "post-payment amount (1000)" in str(
        error.user_message
    )
    assert refused(lambda: credit(client, invoice=inv.id, amount=1000, credit_amount=900)).param
    out_of_band = client.v1.invoices.pay(
        open_invoice(customer.id, 900).id, {"paid_out_of_band": True}
    )
    error = refused(lambda: credit(client, invoice=out_of_band.id, amount=500, refund_amount=500))
    assert error.param == "refund_amount"
    assert client.v1.customers.retrieve(customer.id).balance == 0


def test_voiding_a_credit_note_undoes_it(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id, 2500)
    note = credit(client, invoice=inv.id, amount=2500)
    assert client.v1.invoices.retrieve(inv.id).status == "paid"
    voided = client.v1.credit_notes.void_credit_note(note.id)
    assert voided.status == "void" and voided.voided_at
    after = client.v1.invoices.retrieve(inv.id)
    assert (after.status, after.amount_due, after.pre_payment_credit_notes_amount) == (
        "open",
        2500,
        0,
    )
    assert refused(lambda: client.v1.credit_notes.void_credit_note(note.id))
    paid = client.v1.invoices.pay(inv.id)
    given = credit(client, invoice=paid.id, amount=600, credit_amount=600)
    client.v1.credit_notes.void_credit_note(given.id)
    assert client.v1.customers.retrieve(customer.id).balance == 0
    refunded = credit(client, invoice=paid.id, amount=100, refund_amount=100)
    assert refused(lambda: client.v1.credit_notes.void_credit_note(refunded.id))


def test_a_preview_changes_nothing(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id, 2500)
    shown = client.v1.credit_notes.preview({"invoice": inv.id, "amount": 400})
    assert (shown.amount, shown.type, shown.object) == (400, "pre_payment", "credit_note")
    lines = client.v1.credit_notes.preview_lines.list({"invoice": inv.id, "amount": 400})
    assert [line.amount for line in lines.data] == [400]
    assert client.v1.credit_notes.list({"invoice": inv.id}).data == []
    assert client.v1.invoices.retrieve(inv.id).amount_due == 2500


def test_the_credit_note_pdf_is_a_real_pdf(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id, 2500)
    note = credit(client, invoice=inv.id, amount=1000, memo="Goodwill", reason="order_change")
    answer = httpx.get(note.pdf)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert f'filename="{note.number}.pdf"' in answer.headers["content-disposition"]
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    for shown in (note.number, inv.number or "", "Goodwill", "order change", "10.00 USD"):
        assert shown in text


def test_issuing_and_voiding_send_their_events(
    receiver: Receiver,
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id, 2500)
    note = credit(client, invoice=inv.id, amount=1000)
    client.v1.credit_notes.void_credit_note(note.id)
    wanted = ["credit_note.created", "credit_note.voided"]
    events = receiver.events(lambda got: all(t in [e.type for e in got] for t in wanted))
    mine = [e for e in events if e.type.startswith("credit_note.")]
    assert [e.type for e in mine] == wanted
    assert [e.data.object["id"] for e in mine] == [note.id, note.id]
    assert mine[1].data.object["status"] == "void"


def test_the_demo_has_credit_notes_and_a_credit_balance(
    client: stripe.StripeClient, personas: dict[str, Any], sandbox: SandboxServer
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    notes = client.v1.credit_notes.list({"customer": jane}).data
    assert len(notes) == 1 and notes[0].type == "post_payment"
    assert notes[0].reason == "product_unsatisfactory"
    paid = client.v1.invoices.retrieve(str(notes[0].invoice))
    assert paid.status == "paid" and paid.post_payment_credit_notes_amount == notes[0].amount
    assert client.v1.customers.retrieve(jane).balance == -notes[0].amount
    amelie = personas["customers"]["amelie@example.fr"][0]
    (note,) = client.v1.credit_notes.list({"customer": amelie}).data
    still_open = client.v1.invoices.retrieve(str(note.invoice))
    assert note.type == "pre_payment" and still_open.status == "open"
    assert still_open.amount_due == still_open.total - note.amount
    seed = json.loads(httpx.get(f"{sandbox.url}/_sandbox/seed").text)
    assert note.invoice in seed["invoices"]["amelie@example.fr"]["open"]
