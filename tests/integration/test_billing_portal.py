"""A Stripe billing portal session for the token's customer: each flow opens a working page
of Stripe's portal that comes back to the site, and every refusal costs no Stripe call."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from sandbox.testing import SandboxServer

from .conftest import ORIGIN, Proxy, bearer, start
from .test_contract import conforms

pytestmark = pytest.mark.usefixtures("fresh")

RETURN = ORIGIN + "/account/billing?tab=invoices"


def portal(client: httpx.Client, session: dict[str, Any], **body: object) -> httpx.Response:
    return client.post("/v1/billing_portal", json=body, headers=bearer(session))


def opened(answer: httpx.Response, sandbox: SandboxServer) -> str:
    assert answer.status_code == 200, answer.text
    conforms(answer.json(), "BillingPortalSession")
    url = answer.json()["url"]
    assert url.startswith(sandbox.url + "/p/session/")
    return str(url)


@pytest.fixture
def subscriber(sandbox: SandboxServer) -> SimpleNamespace:
    """A fresh customer with a Visa card on the seed's Pro plan (monthly), for tests that
    change things; `newer` is a second customer under the same email, made later, without one."""
    stripe = sandbox.client()
    customer = sandbox.customer_paying_with("pm_card_visa", name="Portal Person")
    email = str(customer.email)
    jane = sandbox.customers("jane@example.com")[0]
    price = stripe.v1.subscriptions.list({"customer": jane}).data[0]["items"].data[0].price
    sub = stripe.v1.subscriptions.create({"customer": customer.id, "items": [{"price": price.id}]})
    newer = stripe.v1.customers.create({"email": email, "name": "Newer Record"})
    yearly = [
        p.id
        for p in stripe.v1.prices.list({"product": price.product, "limit": 100}).data
        if p.recurring and p.recurring.interval == "year" and p.currency == price.currency
    ]
    return SimpleNamespace(
        email=email, customer=customer.id, newer=newer.id, sub=sub.id, yearly=yearly, stripe=stripe
    )


@pytest.fixture
def every_flow(make_proxy: Callable[..., Proxy]) -> Iterator[httpx.Client]:
    proxy = make_proxy(allow_plan_change=True, allow_cancel=True)
    with proxy.client() as client:
        yield client


def test_a_card_update_saves_the_new_card_and_comes_back_to_the_site(
    http: httpx.Client, sandbox: SandboxServer, subscriber: SimpleNamespace
) -> None:
    session = start(http, subscriber.email)
    answer = portal(
        http, session, flow="payment_method_update", subscription=subscriber.sub, return_url=RETURN
    )
    url = opened(answer, sandbox)  # for the customer paying that subscription, not the newer one
    page = httpx.get(url)
    assert page.status_code == 200 and 'value="pm_card_mastercard"' in page.text
    done = httpx.post(url + "/payment_method", data={"payment_method": "pm_card_mastercard"})
    assert (done.status_code, done.headers["location"]) == (303, RETURN)
    after = subscriber.stripe.v1.customers.retrieve(
        subscriber.customer, {"expand": ["invoice_settings.default_payment_method"]}
    )
    assert after.invoice_settings.default_payment_method.card.last4 == "4444"


def test_a_plan_change_moves_the_subscription_and_comes_back(
    every_flow: httpx.Client, sandbox: SandboxServer, subscriber: SimpleNamespace
) -> None:
    session = start(every_flow, subscriber.email)
    answer = portal(
        every_flow,
        session,
        flow="subscription_update",
        subscription=subscriber.sub,
        return_url=RETURN,
    )
    url = opened(answer, sandbox)
    page = httpx.get(url).text
    assert subscriber.yearly and f'value="{subscriber.yearly[0]}"' in page
    done = httpx.post(
        f"{url}/subscriptions/{subscriber.sub}/update", data={"price": subscriber.yearly[0]}
    )
    assert (done.status_code, done.headers["location"]) == (303, RETURN)
    sub = subscriber.stripe.v1.subscriptions.retrieve(subscriber.sub)
    assert sub["items"].data[0].price.id == subscriber.yearly[0]


def test_a_cancellation_without_a_subscription_named_is_of_the_current_one(
    every_flow: httpx.Client, sandbox: SandboxServer, subscriber: SimpleNamespace
) -> None:
    session = start(every_flow, subscriber.email)
    url = opened(
        portal(every_flow, session, flow="subscription_cancel", return_url=RETURN), sandbox
    )
    assert "at the end of your billing period" in httpx.get(url).text
    done = httpx.post(f"{url}/subscriptions/{subscriber.sub}/cancel")
    assert (done.status_code, done.headers["location"]) == (303, RETURN)
    assert subscriber.stripe.v1.subscriptions.retrieve(subscriber.sub).cancel_at_period_end


def test_the_home_page_offers_each_action_and_the_way_back(
    every_flow: httpx.Client, sandbox: SandboxServer, subscriber: SimpleNamespace
) -> None:
    session = start(every_flow, subscriber.email)
    url = opened(portal(every_flow, session, flow="home", return_url=RETURN), sandbox)
    page = httpx.get(url)
    assert page.status_code == 200
    path = httpx.URL(url).path
    assert f'href="{path}/subscriptions/{subscriber.sub}/cancel"' in page.text
    assert f'href="{path}/payment_method"' in page.text
    assert 'class="return" href="https://shop.example.com/account/billing?tab=invoices' in page.text


def test_the_session_is_for_the_customer_that_owns_the_subscription(
    every_flow: httpx.Client, sandbox: SandboxServer, subscriber: SimpleNamespace
) -> None:
    session = start(every_flow, subscriber.email)
    assert session["customer"]["ids"] == [subscriber.newer, subscriber.customer]
    sandbox.reset_calls()
    answer = portal(
        every_flow,
        session,
        flow="subscription_cancel",
        subscription=subscriber.sub,
        return_url=RETURN,
    )
    url = opened(answer, sandbox)  # Stripe refuses a subscription of another customer
    assert httpx.get(url).status_code == 200
    assert sandbox.calls()["by_endpoint"] == {
        "GET /v1/subscriptions/{id}": 1,
        "POST /v1/billing_portal/sessions": 1,
    }


def test_the_features_say_which_flows_the_owner_allows(
    http: httpx.Client, every_flow: httpx.Client
) -> None:
    assert start(http, "jane@example.com")["features"] == {
        "pay": True,
        "pdf": True,
        "show_all": True,
        "payment_method_update": True,
        "plan_change": False,
        "cancel": False,
        "receipts": True,
        "summary": True,
        "credit_notes": True,
        "export": True,
        "filters": True,
        "billing_details": False,
        "offer": False,
    }
    features = start(every_flow, "jane@example.com")["features"]
    assert features["plan_change"] and features["cancel"] and features["payment_method_update"]


ELSEWHERE = [
    "https://evil.example/account",
    "https://shop.example.com.evil.example/account",
    "https://shop.example.com@evil.example/",
    "https://shop.example.com:8443/account",
    "http://shop.example.com/account",
    "//evil.example/account",
    "/account",
    "javascript:alert(1)",
    "https://shop.example.com\\@evil.example/",
    " https://shop.example.com/account",
    "",
]


@pytest.mark.parametrize("return_url", ELSEWHERE)
def test_a_return_url_off_the_site_is_refused_before_stripe(
    http: httpx.Client, sandbox: SandboxServer, return_url: str
) -> None:
    session = start(http, "jane@example.com")
    sandbox.reset_calls()
    answer = portal(http, session, flow="payment_method_update", return_url=return_url)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "return_url_not_allowed"
    assert sandbox.calls()["total"] == 0


def test_flows_the_owner_has_not_turned_on_are_refused_before_stripe(
    http: httpx.Client, make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    session = start(http, "jane@example.com")
    sandbox.reset_calls()
    refused = [
        portal(http, session, flow=flow, return_url=RETURN)
        for flow in ("subscription_update", "subscription_cancel", "home")
    ]
    proxy = make_proxy(allow_payment_method_update=False)
    with proxy.client() as client:
        other = start(client, "jane@example.com")
        sandbox.reset_calls()
        refused.append(portal(client, other, flow="payment_method_update", return_url=RETURN))
    for answer in refused:
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "feature_disabled"
        conforms(answer.json(), "Error")
    assert sandbox.calls()["total"] == 0


def test_a_subscription_that_is_not_the_tokens_is_not_found_before_stripe(
    every_flow: httpx.Client, sandbox: SandboxServer, subscriber: SimpleNamespace
) -> None:
    session = start(every_flow, "jane@example.com")
    sandbox.reset_calls()
    for flow in ("subscription_cancel", "payment_method_update"):
        answer = portal(
            every_flow, session, flow=flow, subscription=subscriber.sub, return_url=RETURN
        )
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    assert sandbox.calls()["total"] == 0


def test_malformed_requests_are_refused_before_stripe(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session = start(http, "jane@example.com")
    sandbox.reset_calls()
    bodies: list[dict[str, object]] = [
        {"flow": "subscription_pause", "return_url": RETURN},
        {"return_url": RETURN},
        {"flow": "payment_method_update"},
        {"flow": "payment_method_update", "return_url": ["https://shop.example.com/"]},
        {"flow": "payment_method_update", "return_url": RETURN, "customer": "cus_other"},
        {"flow": "payment_method_update", "return_url": RETURN, "subscription": "in_1abc"},
    ]
    for body in bodies:
        answer = portal(http, session, **body)
        assert answer.status_code == 400, body
        assert answer.json()["error"]["code"] == "invalid_request"
    no_token = http.post("/v1/billing_portal", json={"flow": "home", "return_url": RETURN})
    assert no_token.status_code == 401
    assert sandbox.calls()["total"] == 0


def test_portal_sessions_count_against_the_tokens_rate_limit(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    proxy = make_proxy(limit_per_token="2/hour")
    with proxy.client() as client:
        session = start(client, "jane@example.com")
        answers = [
            portal(client, session, flow="payment_method_update", return_url="https://x.example")
            for _ in range(3)
        ]
    assert [a.status_code for a in answers] == [403, 403, 429]
    assert answers[2].headers["retry-after"]
