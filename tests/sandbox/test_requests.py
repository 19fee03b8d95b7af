"""Keys, idempotency and bad input, answered the way Stripe answers them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import stripe

from sandbox.testing import SandboxServer


@pytest.fixture
def http(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, auth=("sk_test_requests", "")) as client:
        yield client


def test_missing_or_garbage_key_is_refused_with_401(sandbox: SandboxServer) -> None:
    assert httpx.get(sandbox.url + "/v1/customers").status_code == 401
    with pytest.raises(stripe.AuthenticationError):
        sandbox.client(api_key="sk_test").v1.customers.list()
    with pytest.raises(stripe.AuthenticationError):
        sandbox.client(api_key="pk_test_123").v1.customers.list()


def test_restricted_and_live_keys_are_accepted_and_live_ones_see_livemode(
    sandbox: SandboxServer, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    assert sandbox.client(api_key="rk_test_abc").v1.customers.retrieve(jane).livemode is False
    live = sandbox.client(api_key="sk_live_abc").v1.invoices.list({"customer": jane, "limit": 1})
    assert live.data[0].livemode is True and live.data[0].lines.data[0].livemode is True


def test_same_idempotency_key_replays_the_first_answer(
    sandbox: SandboxServer, client: stripe.StripeClient
) -> None:
    options: stripe.RequestOptions = {"idempotency_key": "same-key-1"}
    first = client.v1.customers.create({"email": "idem@example.com"}, options)
    again = client.v1.customers.create({"email": "idem@example.com"}, options)
    assert again.id == first.id
    assert again.last_response is not None
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert len(client.v1.customers.list({"email": "idem@example.com"}).data) == 1


def test_same_idempotency_key_with_another_body_is_an_error(client: stripe.StripeClient) -> None:
    options: stripe.RequestOptions = {"idempotency_key": "same-key-2"}
    client.v1.customers.create({"email": "idem2@example.com"}, options)
    with pytest.raises(stripe.IdempotencyError):
        client.v1.customers.create({"email": "other@example.com"}, options)


def test_declined_payment_replays_the_decline(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id)
    params: stripe.params.InvoicePayParams = {"payment_method": "pm_card_chargeDeclined"}
    for _ in range(2):
        with pytest.raises(stripe.CardError):
            client.v1.invoices.pay(inv.id, params, {"idempotency_key": "pay-once"})
    assert client.v1.invoices.retrieve(inv.id).attempt_count == 1


def test_paying_twice_with_one_idempotency_key_charges_once(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id)
    params: stripe.params.InvoicePayParams = {"payment_method": "pm_card_visa"}
    first = client.v1.invoices.pay(inv.id, params, {"idempotency_key": "pay-visa-once"})
    again = client.v1.invoices.pay(inv.id, params, {"idempotency_key": "pay-visa-once"})
    assert again.last_response is not None
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert (again.id, again.status, again.amount_paid) == (first.id, "paid", 2500)
    assert client.v1.invoices.retrieve(inv.id).attempt_count == 1
    paid = client.v1.events.list({"type": "invoice.paid", "limit": 100}).data
    assert [e.data.object.id for e in paid].count(inv.id) == 1
    with pytest.raises(stripe.InvalidRequestError):  # a new key is a new attempt: refused
        client.v1.invoices.pay(inv.id, params, {"idempotency_key": "pay-visa-twice"})


@pytest.mark.parametrize(
    ("card", "code", "decline_code"),
    [
        ("pm_card_threeDSecure2Required", "invoice_payment_intent_requires_action", None),
        ("pm_card_authenticationRequired", "invoice_payment_intent_requires_action", None),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
    ],
)
def test_failed_payment_with_a_key_replays_its_402(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
    card: str,
    code: str,
    decline_code: str | None,
) -> None:
    inv = open_invoice(customer.id)
    for attempt in range(2):
        with pytest.raises(stripe.CardError) as caught:
            client.v1.invoices.pay(inv.id, {"payment_method": card}, {"idempotency_key": card})
        error = caught.value
        assert error.error is not None
        assert (error.http_status, error.error.type, error.code) == (402, "card_error", code)
        assert error.error.decline_code == decline_code
        replayed = error.headers.get("Idempotent-Replayed") if error.headers else None
        assert replayed == ("true" if attempt else None)
    after = client.v1.invoices.retrieve(inv.id)
    assert (after.status, after.attempt_count) == ("open", 1)


def test_unknown_parameter_is_named(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.create({"emial": "typo@example.com"})  # type: ignore[arg-type]
    assert caught.value.code == "parameter_unknown" and caught.value.param == "emial"


@pytest.mark.parametrize(
    ("path", "params", "status", "param"),
    [
        ("/v1/invoices", {"limit": "abc"}, 400, "limit"),
        ("/v1/invoices", {"limit": "0"}, 400, "limit"),
        ("/v1/invoices", {"limit": "99999999999999999999999"}, 400, "limit"),
        ("/v1/invoices", {"status": "weird"}, 400, "status"),
        ("/v1/invoices", {"created[sometime]": "1"}, 400, "created[sometime]"),
        ("/v1/invoices", {"starting_after": "in_missing"}, 404, "starting_after"),
        ("/v1/invoices/%00garbage", {}, 404, None),
        ("/v1/customers/cus_nope", {}, 404, None),
        ("/v1/nothing_here", {}, 404, None),
    ],
)
def test_bad_input_gets_a_stripe_error_not_a_traceback(
    http: httpx.Client, path: str, params: dict[str, str], status: int, param: str | None
) -> None:
    response = http.get(path, params=params)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param


@pytest.mark.parametrize(
    "body",
    [
        b"email=%ZZ&name=x",
        b"metadata=a&metadata[b]=c",
        b"items[0][price]=x&items[0]=y",
        b"\xff\xfe\x00garbage",
        b"email[0]=a",
        b"amount=" + b"9" * 40,
        b"&&&===",
    ],
)
def test_malformed_bodies_are_refused_and_state_survives(
    http: httpx.Client, body: bytes, personas: dict[str, Any]
) -> None:
    before = http.get("/v1/customers", params={"limit": 100}).json()
    response = http.post(
        "/v1/customers",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["error"]["type"] == "invalid_request_error"
        after = http.get("/v1/customers", params={"limit": 100}).json()
        assert [c["id"] for c in after["data"]] == [c["id"] for c in before["data"]]


def test_huge_amount_is_refused(client: stripe.StripeClient, customer: stripe.Customer) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.invoice_items.create(
            {"customer": customer.id, "amount": 10**12, "currency": "usd"}
        )
    assert caught.value.code == "amount_too_large"
