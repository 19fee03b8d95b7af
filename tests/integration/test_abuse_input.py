"""What an attacker can send without a valid hash, and what a careless client can: never a 500,
never a payment lost to a reused key, never an answer later than the deadline, no redirect
built from `Host`, no session run for a foreign origin."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import stripe

from sandbox.testing import SandboxServer

from .conftest import ORIGIN, Proxy, bearer, signed, start

JANE = signed("jane@example.com")
DEEP_OBJECT = b'{"a":' * 1000 + b"1" + b"}" * 1000
DEEP_ARRAY = b"[" * 5000 + b"]" * 5000
DEEP_FIELD = b'{"email": "jane@example.com", "scope": ' + b"[" * 1000 + b"]" * 1000 + b"}"
LONE_SURROGATE_KEY = b'{"\\ud800":1}'
LONE_SURROGATE_EMAIL = b'{"email": "jane\\udfff@example.com", "hash": "%s"}' % JANE["hash"].encode()
LONE_SURROGATE_HASH = b'{"email": "jane@example.com", "hash": "\\ud800"}'
BODIES = {
    "deep-object": DEEP_OBJECT,
    "deep-array": DEEP_ARRAY,
    "deep-field": DEEP_FIELD,
    "surrogate-key": LONE_SURROGATE_KEY,
    "surrogate-email": LONE_SURROGATE_EMAIL,
}
SESSION_BODIES = {**BODIES, "surrogate-hash": LONE_SURROGATE_HASH}
FOREIGN_ORIGINS = ["https://evil.example", "null", "https://shop.example.com.evil.example"]


@pytest.fixture(scope="module")
def paid_invoice(proxy: Proxy) -> tuple[dict[str, Any], str]:
    """Jane's session and one of her paid invoices: a pay body that slipped through would be
    refused as not payable, never pay anything."""
    with proxy.client() as client:
        session = start(client, "jane@example.com", scope="all", limit=100)
    paid = next(i["id"] for i in session["invoices"]["data"] if i["status"] == "paid")
    return session, paid


def customer_with_open_invoices(sandbox: SandboxServer, count: int) -> tuple[str, list[str]]:
    """A customer of this test alone, a Visa card saved as default, `count` open invoices."""
    client = sandbox.client()
    email = f"abuse-{secrets.token_hex(4)}@example.com"
    customer = client.v1.customers.create({"email": email})
    save_card(client, customer.id, "pm_card_visa")
    invoices = []
    for amount in range(1000, 1000 + 100 * count, 100):
        draft = client.v1.invoices.create(
            {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
        )
        client.v1.invoice_items.create(
            {"customer": customer.id, "invoice": draft.id, "amount": amount, "description": "Work"}
        )
        invoices.append(client.v1.invoices.finalize_invoice(draft.id).id)
    return email, invoices


def save_card(client: stripe.StripeClient, customer: str, card: str) -> None:
    method = client.v1.payment_methods.attach(card, {"customer": customer})
    client.v1.customers.update(
        customer, {"invoice_settings": {"default_payment_method": method.id}}
    )


def pay(http: httpx.Client, session: dict[str, Any], invoice_id: str, key: str) -> httpx.Response:
    headers = {**bearer(session), "Idempotency-Key": key}
    return http.post(f"/v1/invoices/{invoice_id}/pay", headers=headers)


@pytest.mark.parametrize("media_type", ["application/json", "text/plain"])
@pytest.mark.parametrize("body", list(SESSION_BODIES.values()), ids=list(SESSION_BODIES))
def test_deep_or_unencodable_session_bodies_are_400_never_500(
    http: httpx.Client, body: bytes, media_type: str
) -> None:
    answer = http.post("/v1/session", content=body, headers={"Content-Type": media_type})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("body", list(BODIES.values()), ids=list(BODIES))
def test_deep_or_unencodable_pay_bodies_are_400_never_500(
    http: httpx.Client, paid_invoice: tuple[dict[str, Any], str], body: bytes
) -> None:
    session, invoice_id = paid_invoice
    answer = http.post(
        f"/v1/invoices/{invoice_id}/pay",
        content=body,
        headers={**bearer(session), "Content-Type": "application/json"},
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "invalid_request"


def test_one_idempotency_key_on_two_invoices_pays_both(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    email, invoices = customer_with_open_invoices(sandbox, 2)
    session = start(http, email, scope="all")
    assert {i["id"] for i in session["invoices"]["data"]} == set(invoices)
    key = str(uuid.uuid4())
    for invoice_id in invoices:
        answer = pay(http, session, invoice_id, key)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["status"] == "paid" and body["invoice"]["id"] == invoice_id
    client = sandbox.client()
    assert [client.v1.invoices.retrieve(i).status for i in invoices] == ["paid", "paid"]


def test_a_key_reused_with_other_parameters_is_409_idempotency_conflict(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    email, [invoice_id] = customer_with_open_invoices(sandbox, 1)
    session = start(http, email, scope="all")
    key = str(uuid.uuid4())
    assert pay(http, session, invoice_id, key).status_code == 200
    # Another saved card since: the same click again asks Stripe to pay with another method,
    # under the same key.
    save_card(sandbox.client(), session["customer"]["ids"][0], "pm_card_mastercard")
    again = pay(http, session, invoice_id, key)
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "idempotency_conflict"


def test_two_hanging_stripe_calls_in_one_session_share_one_deadline(
    make_proxy: Callable[..., Proxy], faults: SandboxServer
) -> None:
    deadline = 2.0
    proxy = make_proxy(stripe_deadline=deadline, stripe_timeout=1.5)
    # Each call alone fits in the deadline after one retry; both together do not.
    faults.hang(30, count=1, path="/v1/customers")
    faults.hang(30, count=1, path="/v1/invoices")
    with proxy.client() as http:
        started = time.monotonic()
        answer = http.post("/v1/session", json=JANE)
        elapsed = time.monotonic() - started
    assert answer.status_code == 504, answer.text
    assert answer.json()["error"]["code"] == "upstream_timeout"
    assert elapsed < deadline + 1.0, elapsed


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/v1/invoices/"), ("POST", "/v1/session/"), ("GET", "/healthz/")]
)
def test_a_trailing_slash_is_404_and_never_a_redirect_to_the_host_header(
    http: httpx.Client, method: str, path: str
) -> None:
    answer = http.request(method, path, headers={"Host": "evil.example"})
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["code"] == "not_found"
    assert "location" not in answer.headers


@pytest.mark.parametrize("media_type", ["application/json", "text/plain"])
@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
def test_a_session_from_a_foreign_origin_is_403_before_any_stripe_call(
    http: httpx.Client, sandbox: SandboxServer, fresh: None, origin: str, media_type: str
) -> None:
    answer = http.post(
        "/v1/session",
        content=json.dumps(JANE),
        headers={"Origin": origin, "Content-Type": media_type},
    )
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in answer.headers
    assert sandbox.calls()["total"] == 0


def test_a_session_from_the_allowed_origin_or_without_one_is_answered(http: httpx.Client) -> None:
    for headers in ({"Origin": ORIGIN}, {}):
        answer = http.post("/v1/session", json=JANE, headers=headers)
        assert answer.status_code == 200, (headers, answer.text)
        assert answer.json()["token"]
