"""After a declined card: why it failed, another way to pay, a new card, then one payment.

Each test has its own customer whose saved card declines for insufficient funds, so that the
tests can change cards and pay without touching the seed's personas.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from sandbox.testing import SandboxServer

from .conftest import ORIGIN, bearer, start
from .test_contract import conforms

pytestmark = pytest.mark.usefixtures("fresh")

RETURN = ORIGIN + "/billing"


@pytest.fixture
def declined(sandbox: SandboxServer, http: httpx.Client) -> SimpleNamespace:
    """A customer whose default card declines, one open invoice of $25 shown to a session."""
    customer, invoice = sandbox.customer_owing("pm_card_chargeDeclinedInsufficientFunds", 2500)
    stripe, email = sandbox.client(), str(customer.email)
    session = start(http, email, scope="all")
    shown = http.get("/v1/invoices", params={"scope": "all"}, headers=bearer(session)).json()
    assert [i["id"] for i in shown["data"]] == [invoice.id]
    return SimpleNamespace(
        stripe=stripe, customer=customer.id, invoice=invoice, session=session, email=email
    )


def pay(http: httpx.Client, who: SimpleNamespace) -> httpx.Response:
    headers = bearer(who.session) | {"Idempotency-Key": str(uuid.uuid4())}
    return http.post(f"/v1/invoices/{who.invoice.id}/pay", headers=headers)


def detail(http: httpx.Client, who: SimpleNamespace) -> dict[str, Any]:
    answer = http.get(f"/v1/invoices/{who.invoice.id}", headers=bearer(who.session))
    assert answer.status_code == 200, answer.text
    conforms(answer.json(), "InvoiceDetail")
    return dict(answer.json())


def test_a_decline_names_its_reason_and_the_page_to_pay_another_way(
    http: httpx.Client, declined: SimpleNamespace
) -> None:
    answer = pay(http, declined)
    assert answer.status_code == 402, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["decline_code"]) == ("card_declined", "insufficient_funds")
    assert error["hosted_invoice_url"] == declined.invoice.hosted_invoice_url
    assert error["hosted_invoice_url"].startswith("http")


def test_the_failed_attempt_shows_in_the_list_and_says_why_in_the_detail(
    http: httpx.Client, declined: SimpleNamespace
) -> None:
    before = detail(http, declined)
    assert (before["payment_failed"], before["payment_error"]) == (False, None)
    assert pay(http, declined).status_code == 402
    listed = http.get(
        "/v1/invoices", params={"scope": "all"}, headers=bearer(declined.session)
    ).json()
    assert listed["data"][0]["payment_failed"] is True
    after = detail(http, declined)
    assert after["payment_failed"] is True
    assert after["payment_error"] == {
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "payment_method": {
            "type": "card",
            "brand": "visa",
            "last4": "9995",
            "exp_month": after["payment_error"]["payment_method"]["exp_month"],
            "exp_year": after["payment_error"]["payment_method"]["exp_year"],
        },
    }
    assert "message" not in after["payment_error"], "the embed words it in the customer's language"


def test_after_a_card_update_the_failed_invoice_pays_with_the_new_card(
    http: httpx.Client, sandbox: SandboxServer, declined: SimpleNamespace
) -> None:
    assert pay(http, declined).status_code == 402
    made = http.post(
        "/v1/billing_portal",
        json={"flow": "payment_method_update", "return_url": RETURN},
        headers=bearer(declined.session),
    )
    assert made.status_code == 200, made.text
    url = made.json()["url"]
    saved = httpx.post(url + "/payment_method", data={"payment_method": "pm_card_visa"})
    assert (saved.status_code, saved.headers["location"]) == (303, RETURN)

    would = http.get(
        f"/v1/invoices/{declined.invoice.id}/payment_method", headers=bearer(declined.session)
    ).json()
    assert (would["payment_method"]["brand"], would["payment_method"]["last4"]) == ("visa", "4242")
    paid = pay(http, declined)
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid"
    shown = detail(http, declined)
    assert (shown["status"], shown["payment_failed"], shown["payment_error"]) == (
        "paid",
        False,
        None,
    )
    assert (shown["paid_with"]["brand"], shown["paid_with"]["last4"]) == ("visa", "4242")
    # One payment of the invoice, as on Stripe: the failed attempt's PaymentIntent paid it.
    payments = declined.stripe.v1.invoice_payments.list({"invoice": declined.invoice.id}).data
    assert [(p.status, p.amount_paid) for p in payments] == [("paid", 2500)]


def test_a_seeded_failed_charge_is_in_view_with_its_reason(http: httpx.Client) -> None:
    session = start(http, "decline@example.com", scope="all")
    owed = session["owed"]["data"]
    # The seed's past-due invoice was charged once and declined (other tests may decline more).
    failed = [i for i in owed if i["payment_failed"] and i["past_due"]]
    assert len(failed) == 1, owed
    answer = http.get(f"/v1/invoices/{failed[0]['id']}", headers=bearer(session)).json()
    assert answer["payment_error"]["decline_code"] == "insufficient_funds"
    assert answer["payment_error"]["payment_method"]["last4"] == "9995"
