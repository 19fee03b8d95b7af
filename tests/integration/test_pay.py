from __future__ import annotations

import threading
import uuid
from typing import Any

import httpx
import pytest

from sandbox.testing import SandboxServer

from .conftest import bearer, start

pytestmark = pytest.mark.usefixtures("fresh")


def open_invoice(http: httpx.Client, email: str, index: int = 0) -> tuple[dict[str, Any], str]:
    session = (
        start(http, email, scope="all", status=None) if False else start(http, email, scope="all")
    )
    listed = http.get(
        "/v1/invoices",
        params={"scope": "all", "status": "open", "limit": 1},
        headers=bearer(session),
    ).json()
    assert listed["data"], f"{email} has no open invoice"
    return session, listed["data"][0]["id"]


def pay(
    http: httpx.Client, session: dict[str, Any], invoice_id: str, key: str | None = None
) -> httpx.Response:
    headers = bearer(session) | ({"Idempotency-Key": key} if key else {})
    return http.post(f"/v1/invoices/{invoice_id}/pay", headers=headers)


def test_paying_an_open_invoice_with_the_saved_card_marks_it_paid(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session, invoice_id = open_invoice(http, "hans@example.de")
    answer = pay(http, session, invoice_id, str(uuid.uuid4()))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "paid" and body["invoice"]["id"] == invoice_id
    assert body["invoice"]["status"] == "paid" and body["invoice"]["amount_remaining"] == 0
    detail = http.get(f"/v1/invoices/{invoice_id}", headers=bearer(session)).json()
    assert detail["status"] == "paid"


def test_a_double_click_with_one_idempotency_key_is_one_payment(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session, invoice_id = open_invoice(http, "jane@example.com")
    stripe = sandbox.client()
    attempts = stripe.v1.invoices.retrieve(invoice_id).attempt_count
    key = str(uuid.uuid4())
    answers: list[httpx.Response] = []

    def click() -> None:
        answers.append(pay(http, session, invoice_id, key))

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert {a.json()["status"] for a in answers} == {"paid"}
    third = pay(http, session, invoice_id, key)
    assert third.status_code == 200 and third.json()["status"] == "paid"
    invoice = stripe.v1.invoices.retrieve(invoice_id)
    assert invoice.status == "paid" and invoice.attempt_count == attempts + 1
    events = stripe.v1.events.list({"limit": 100}).data
    paid_events = [
        e for e in events if e.type == "invoice.paid" and e.data.object["id"] == invoice_id
    ]
    assert len(paid_events) == 1
    calls = sandbox.calls()["by_endpoint"]
    assert calls["POST /v1/invoices/{id}/pay"] == 3


def test_paying_again_with_a_new_key_is_refused_as_not_payable(http: httpx.Client) -> None:
    session, invoice_id = open_invoice(http, "amelie@example.fr")
    assert pay(http, session, invoice_id, "first-click").status_code == 200
    again = pay(http, session, invoice_id, "second-click")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invoice_not_payable"


def test_a_declined_card_is_402_with_the_decline_code(http: httpx.Client) -> None:
    session, invoice_id = open_invoice(http, "decline@example.com")
    answer = pay(http, session, invoice_id, str(uuid.uuid4()))
    assert answer.status_code == 402
    error = answer.json()["error"]
    assert error["code"] == "card_declined" and error["decline_code"] == "insufficient_funds"
    assert error["message"]


def test_a_card_needing_authentication_sends_the_customer_to_the_hosted_page(
    http: httpx.Client,
) -> None:
    session, invoice_id = open_invoice(http, "auth@example.com")
    answer = pay(http, session, invoice_id, str(uuid.uuid4()))
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "requires_action" and body["reason"] == "authentication_required"
    assert body["hosted_invoice_url"].startswith("http")


def test_a_customer_without_a_saved_card_is_sent_to_the_hosted_page(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session, invoice_id = open_invoice(http, "nocard@example.com")
    sandbox.reset_calls()
    answer = pay(http, session, invoice_id)
    assert answer.status_code == 200
    body = answer.json()
    assert body == {
        "status": "requires_action",
        "reason": "no_payment_method",
        "hosted_invoice_url": body["hosted_invoice_url"],
    }
    assert body["hosted_invoice_url"].startswith("http")
    assert sandbox.calls()["by_endpoint"].get("POST /v1/invoices/{id}/pay", 0) == 0


def test_a_paid_invoice_is_not_payable(http: httpx.Client) -> None:
    session = start(http, "jane@example.com", scope="all")
    paid = http.get(
        "/v1/invoices",
        params={"scope": "all", "status": "paid", "limit": 1},
        headers=bearer(session),
    ).json()["data"][0]
    answer = pay(http, session, paid["id"])
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "invoice_not_payable"
