"""`/v1/account`: what a customer owes, is past due and has in credit, their next charge, and the
owner's offer when they match its rule; each switch off answers null or 403 without asking
Stripe, and one customer never sees another's account."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from edge.offer import read_offer
from sandbox.testing import SandboxServer

from .conftest import Proxy, bearer, start
from .test_contract import conforms
from .test_economy import post_event

pytestmark = pytest.mark.usefixtures("fresh")
OFFER = {"title": {"en": "Go yearly", "fr": "Passez à l'annuel"}, "button": "See plans"}


def account(client: httpx.Client, session: dict[str, Any], **query: str) -> dict[str, Any]:
    answer = client.get("/v1/account", params=query, headers=bearer(session))
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    conforms(found, "Account")
    return found


def offering(make_proxy: Callable[..., Proxy], **offer: Any) -> Proxy:
    return make_proxy(offer=read_offer(json.dumps({**OFFER, **offer})))


def owed(sandbox: SandboxServer, email: str) -> tuple[dict[str, int], dict[str, int]]:
    """What Stripe says the customers of `email` owe, and of that what is past due."""
    stripe, now = sandbox.client(), time.time()
    outstanding: dict[str, int] = {}
    past_due: dict[str, int] = {}
    for customer in sandbox.customers(email):
        for inv in stripe.v1.invoices.list({"customer": customer, "status": "open"}).data:
            outstanding[inv.currency] = outstanding.get(inv.currency, 0) + inv.amount_remaining
            if inv.due_date and inv.due_date < now:
                past_due[inv.currency] = past_due.get(inv.currency, 0) + inv.amount_remaining
    return outstanding, past_due


def amounts(listed: list[dict[str, Any]]) -> dict[str, int]:
    return {a["currency"]: a["amount"] for a in listed}


def test_jane_sees_what_she_owes_what_is_past_due_and_her_credit(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    summary = account(http, start(http, "jane@example.com"))["summary"]
    outstanding, past_due = owed(sandbox, "jane@example.com")
    assert amounts(summary["outstanding"]) == outstanding
    assert amounts(summary["past_due"]) == past_due
    assert 0 < sum(past_due.values()) < sum(outstanding.values())
    jane = sandbox.client().v1.customers.retrieve(sandbox.customers("jane@example.com")[0])
    assert jane.balance is not None and jane.balance < 0
    assert summary["credit"] == [{"currency": "usd", "amount": -jane.balance}]


def test_the_next_charge_is_stripes_preview_of_the_current_subscription(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session = start(http, "hans@example.de")
    preview = sandbox.client().v1.invoices.create_preview(
        {"subscription": session["current_subscription"]}
    )
    charge = account(http, session)["summary"]["next_charge"]
    assert charge == {
        "amount": preview.amount_due,
        "total": preview.total,
        "currency": "eur",
        "date": preview.next_payment_attempt,
        "subscription": session["current_subscription"],
    }
    assert charge["amount"] > 0 and charge["date"] > time.time()


def test_a_customer_owing_nothing_gets_empty_lists_and_no_next_charge(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session = start(http, "empty@example.com")
    sandbox.reset_calls()
    summary = account(http, session)["summary"]
    assert summary == {"outstanding": [], "past_due": [], "credit": [], "next_charge": None}
    assert "POST /v1/invoices/create_preview" not in sandbox.calls()["by_endpoint"]


def test_a_visitor_without_a_stripe_customer_gets_an_empty_summary_and_no_offer(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    with offering(make_proxy).client() as client:
        session = start(client, f"nobody-{uuid.uuid4().hex[:8]}@example.com")
        sandbox.reset_calls()
        found = account(client, session)
    assert found["summary"] == {
        "outstanding": [],
        "past_due": [],
        "credit": [],
        "next_charge": None,
    }
    assert found["offer"] is None
    assert sandbox.calls()["total"] == 0


def test_the_simple_request_form_answers_the_same(http: httpx.Client) -> None:
    session = start(http, "jane@example.com")
    answer = http.post(
        "/v1/account",
        content=json.dumps({"token": session["token"]}),
        headers={"Content-Type": "text/plain"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == account(http, session)


def test_another_customers_subscription_is_not_found_without_a_stripe_call(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    jane, hans = start(http, "jane@example.com"), start(http, "hans@example.de")
    sandbox.reset_calls()
    answer = http.get(
        "/v1/account",
        params={"subscription": hans["current_subscription"]},
        headers=bearer(jane),
    )
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert sandbox.calls()["total"] == 0
    # Jane's own account names only her subscription and her currency.
    summary = account(http, jane, subscription=jane["current_subscription"])["summary"]
    assert summary["next_charge"]["subscription"] == jane["current_subscription"]
    assert {a["currency"] for a in summary["outstanding"] + summary["credit"]} == {"usd"}


def test_malformed_parameters_are_400(http: httpx.Client) -> None:
    session = start(http, "jane@example.com")
    for query in ({"subscription": "in_1Nope"}, {"status": "open"}):
        answer = http.get("/v1/account", params=query, headers=bearer(session))
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["code"] == "invalid_request"


def test_with_the_summary_off_it_is_null_and_the_offer_still_shows(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    proxy = make_proxy(allow_summary=False, offer=read_offer(json.dumps(OFFER)))
    with proxy.client() as client:
        session = start(client, "jane@example.com")
        sandbox.reset_calls()
        found = account(client, session)
    assert found["summary"] is None
    assert found["offer"] == {
        "id": "offer",
        "title": OFFER["title"],
        "text": {},
        "button": {"*": "See plans"},
        "url": None,
    }
    assert sandbox.calls()["total"] == 0  # an offer without a rule asks Stripe nothing


def test_with_the_summary_and_the_offer_off_it_is_403_before_stripe(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    proxy = make_proxy(allow_summary=False)
    with proxy.client() as client:
        session = start(client, "jane@example.com")
        assert session["features"]["summary"] is False and session["features"]["offer"] is False
        sandbox.reset_calls()
        answer = client.post(
            "/v1/account",
            content=json.dumps({"token": session["token"]}),
            headers={"Content-Type": "text/plain"},
        )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "feature_disabled"
    assert sandbox.calls()["total"] == 0


def test_without_an_offer_the_offer_is_null(http: httpx.Client) -> None:
    assert account(http, start(http, "jane@example.com"))["offer"] is None


@pytest.fixture(scope="module")
def plans(sandbox: SandboxServer) -> dict[str, str]:
    """Jane's monthly Pro plan: its price and product, and the yearly price of that product."""
    stripe = sandbox.client()
    sub = stripe.v1.subscriptions.list({"customer": sandbox.customers("jane@example.com")[0]})
    price = sub.data[0]["items"].data[0].price
    yearly = next(
        p.id
        for p in stripe.v1.prices.list({"product": str(price.product), "limit": 100}).data
        if p.recurring and p.recurring.interval == "year"
    )
    return {"price": price.id, "product": str(price.product), "yearly": yearly}


RULES: list[tuple[str, dict[str, Any], dict[str, bool]]] = [
    ("no rule", {}, {"jane": True, "amelie": True, "empty": True}),
    ("monthly", {"interval": "month"}, {"jane": True, "amelie": False, "hans": True}),
    ("yearly", {"interval": "year"}, {"jane": False, "hans": False}),
    ("product", {"product": ["PRODUCT", "prod_1Other"]}, {"jane": True, "hans": False}),
    ("price", {"price": "PRICE"}, {"jane": True, "hans": False}),
    ("yearly price", {"price": "YEARLY"}, {"jane": False}),
    ("paid 3", {"min_paid_invoices": 3}, {"jane": True, "empty": False}),
    ("monthly, paid 100", {"interval": "month", "min_paid_invoices": 100}, {"jane": False}),
]
EMAILS = {
    "jane": "jane@example.com",
    "amelie": "amelie@example.fr",
    "empty": "empty@example.com",
    "hans": "hans@example.de",
}


@pytest.mark.parametrize(("rule", "expected"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_the_offer_shows_to_the_customers_its_rule_matches(
    make_proxy: Callable[..., Proxy],
    plans: dict[str, str],
    rule: dict[str, Any],
    expected: dict[str, bool],
) -> None:
    named = json.dumps(rule)
    for placeholder, value in (("PRODUCT", "product"), ("YEARLY", "yearly"), ("PRICE", "price")):
        named = named.replace(placeholder, plans[value])
    when = {"when": json.loads(named)} if rule else {}
    proxy = offering(make_proxy, id="yearly-2027", url="https://shop.example.com/plans", **when)
    with proxy.client() as client:
        for who, shown in expected.items():
            found = account(client, start(client, EMAILS[who]))["offer"]
            assert (found is not None) is shown, who
            if shown:
                assert found["id"] == "yearly-2027" and found["title"] == OFFER["title"]
                assert found["url"] == "https://shop.example.com/plans"


def test_the_token_limit_counts_account_requests(make_proxy: Callable[..., Proxy]) -> None:
    with make_proxy(limit_per_token="2/minute").client() as client:
        session = start(client, "hans@example.de")
        statuses = [
            client.get("/v1/account", headers=bearer(session)).status_code for _ in range(3)
        ]
    assert statuses == [200, 200, 429]


def test_a_webhook_brings_a_payment_into_the_summary(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    customer, invoice = sandbox.customer_owing("pm_card_visa", 4200)
    session = start(http, str(customer.email))
    assert account(http, session)["summary"]["outstanding"] == [{"currency": "usd", "amount": 4200}]
    stripe = sandbox.client()
    assert invoice.id is not None
    paid = stripe.v1.invoices.pay(invoice.id, {"paid_out_of_band": True})
    stripe.v1.customers.balance_transactions.create(
        customer.id, {"amount": -1500, "currency": "usd"}
    )
    # Cached until Stripe says it changed.
    assert account(http, session)["summary"]["outstanding"] == [{"currency": "usd", "amount": 4200}]
    event = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": "invoice.paid",
        "data": {"object": {"object": "invoice", "id": paid.id, "customer": customer.id}},
    }
    assert post_event(http, event).status_code == 200
    updated = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": "customer.updated",
        "data": {"object": {"object": "customer", "id": customer.id, "balance": -1500}},
    }
    assert post_event(http, updated).status_code == 200
    summary = account(http, session)["summary"]
    assert summary["outstanding"] == [] and summary["past_due"] == []
    assert summary["credit"] == [{"currency": "usd", "amount": 1500}]
