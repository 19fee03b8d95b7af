"""An invoice's detail reads like the invoice: bill-to, every line, taxes, discounts, totals;
and the card paying would charge, before the customer confirms."""

from __future__ import annotations

import uuid

import httpx
import pytest

from sandbox.testing import SandboxServer

from .conftest import bearer, start

pytestmark = pytest.mark.usefixtures("fresh")


def invoice_with_lines(
    sandbox: SandboxServer, count: int, email: str | None = None
) -> tuple[str, str]:
    """A new customer's open invoice of `count` lines (line i: quantity i % 3 + 1 at 100 + i)."""
    stripe = sandbox.client()
    email = email or f"lines-{uuid.uuid4().hex[:10]}@example.com"
    customer = stripe.v1.customers.create(
        {"email": email, "name": "Lina Lines", "phone": "+4930123456"}
    )
    invoice = stripe.v1.invoices.create(
        {
            "customer": customer.id,
            "collection_method": "send_invoice",
            "days_until_due": 30,
            "description": "Many lines",
        }  # fmt: skip
    )
    for i in range(count):
        stripe.v1.invoice_items.create(
            {  # type: ignore[arg-type]  # the SDK types unit_amount_decimal as Decimal
                "customer": customer.id,
                "invoice": invoice.id,
                "description": f"Item {i + 1}",
                "quantity": i % 3 + 1,
                "unit_amount_decimal": str(100 + i),
            }  # fmt: skip
        )
    stripe.v1.invoices.finalize_invoice(invoice.id)
    return email, invoice.id


def test_every_line_of_a_twelve_line_invoice_is_shown_for_one_extra_call(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    email, invoice_id = invoice_with_lines(sandbox, 12)
    session = start(http, email)
    assert invoice_id in [i["id"] for i in session["owed"]["data"]]
    sandbox.reset_calls()
    detail = http.get(f"/v1/invoices/{invoice_id}", headers=bearer(session)).json()
    assert [line["description"] for line in detail["lines"]] == [f"Item {i}" for i in range(1, 13)]
    assert detail["lines_has_more"] is False
    last = detail["lines"][11]
    assert (last["quantity"], last["unit_amount"], last["unit_amount_decimal"]) == (3, 111, "111")
    assert last["amount"] == 333 and last["taxes"] == [] and last["discounts"] == []
    assert detail["customer_name"] == "Lina Lines" and detail["customer_email"] == email
    assert detail["description"] == "Many lines" and detail["paid_with"] is None
    calls = sandbox.calls()["by_endpoint"]
    assert calls.get("GET /v1/invoices/{id}/lines") == 1


def test_lines_past_ten_cost_one_call_per_hundred(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    email, invoice_id = invoice_with_lines(sandbox, 215)
    session = start(http, email)
    sandbox.reset_calls()
    detail = http.get(f"/v1/invoices/{invoice_id}", headers=bearer(session)).json()
    assert len(detail["lines"]) == 215 and len({line["id"] for line in detail["lines"]}) == 215
    assert sandbox.calls()["by_endpoint"].get("GET /v1/invoices/{id}/lines") == 3
    sandbox.reset_calls()
    http.get(f"/v1/invoices/{invoice_id}", headers=bearer(session))
    assert sandbox.calls()["total"] == 0


def test_a_taxed_and_discounted_invoice_shows_its_taxes_discounts_and_bill_to(
    http: httpx.Client,
) -> None:
    session = start(http, "jane@example.com")
    owed = {i["description"]: i for i in session["owed"]["data"]}
    invoice_id = owed["Extra seats and support"]["id"]
    detail = http.get(f"/v1/invoices/{invoice_id}", headers=bearer(session)).json()
    support = next(li for li in detail["lines"] if li["description"].startswith("Priority"))
    assert support["discounts"][0]["amount"] == 980
    assert support["taxes"][0]["amount"] > 0 and support["taxes"][0]["inclusive"] is False
    assert support["taxes"][0]["tax_rate"].startswith("txr_")
    assert detail["discount"] == 980 and detail["discounts"][0]["amount"] == 980
    assert detail["tax"] == sum(t["amount"] for t in detail["taxes"]) > 0
    assert detail["total"] == detail["subtotal"] - detail["discount"] + detail["tax"]
    assert detail["customer_name"] == "Jane Cooper"


def test_the_card_paying_would_charge_is_named_before_paying(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session = start(http, "jane@example.com")
    invoice = session["owed"]["data"][0]
    sandbox.reset_calls()
    answer = http.get(f"/v1/invoices/{invoice['id']}/payment_method", headers=bearer(session))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["has_saved_method"] is True and body["invoice"] == invoice["id"]
    assert body["amount_remaining"] == invoice["amount_remaining"]
    card = body["payment_method"]
    assert (card["type"], card["brand"], card["last4"]) == ("card", "visa", "4242")
    assert isinstance(card["exp_year"], int)
    assert sandbox.calls()["by_endpoint"] == {
        "GET /v1/invoices/{id}": 1,
        "GET /v1/payment_methods/{id}": 1,
    }


def test_a_customer_without_a_saved_method_is_told_before_paying(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    email, invoice_id = invoice_with_lines(sandbox, 1)
    session = start(http, email)
    body = http.get(f"/v1/invoices/{invoice_id}/payment_method", headers=bearer(session)).json()
    assert body == {
        "invoice": invoice_id, "currency": "usd", "amount_remaining": 100,
        "has_saved_method": False, "payment_method": None,
    }  # fmt: skip


def test_the_card_of_an_invoice_never_shown_costs_no_stripe_call(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session = start(http, "jane@example.com")
    sandbox.reset_calls()
    answer = http.get("/v1/invoices/in_1NeverShown/payment_method", headers=bearer(session))
    assert answer.status_code == 404 and sandbox.calls()["total"] == 0


def test_a_paid_invoice_has_no_card_to_confirm(http: httpx.Client) -> None:
    session = start(http, "jane@example.com", scope="all")
    paid = next(i for i in session["invoices"]["data"] if i["status"] == "paid")
    answer = http.get(f"/v1/invoices/{paid['id']}/payment_method", headers=bearer(session))
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "invoice_not_payable"
