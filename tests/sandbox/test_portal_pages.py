"""The hosted customer portal: each flow completed with plain form posts, the Stripe state it
leaves, where it sends the customer after, and the webhooks it causes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import httpx
import pytest
import stripe

from sandbox.app import create_app
from sandbox.testing import SandboxServer

if TYPE_CHECKING:
    from stripe.params.billing_portal import SessionCreateParams

    from tests.sandbox.conftest import Receiver

RETURN = "https://shop.example.com/account"
AFTER = "https://shop.example.com/after"
REDIRECT = {"type": "redirect", "redirect": {"return_url": AFTER}}


def open_session(client: stripe.StripeClient, customer: str, **params: Any) -> Any:
    return client.v1.billing_portal.sessions.create(
        cast("SessionCreateParams", {"customer": customer, "return_url": RETURN, **params})
    )


def post(url: str, **form: str) -> httpx.Response:
    return httpx.post(url, data=form)


def of_type(events: list[Any], *types: str) -> list[Any]:
    return [e for e in events if e.type in types]


def sub_updates(events: list[Any], sub: str) -> list[Any]:
    """The subscription's `customer.subscription.updated` events after its first payment."""
    return [
        e
        for e in of_type(events, "customer.subscription.updated")
        if e.data.object.id == sub and "status" not in e.data.previous_attributes
    ]


def test_updating_the_card_makes_it_the_default_and_says_so_by_webhook(
    receiver: Receiver, client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    assert customer.invoice_settings is not None
    old = customer.invoice_settings.default_payment_method
    made = open_session(
        client,
        customer.id,
        flow_data={"type": "payment_method_update", "after_completion": REDIRECT},
    )
    page = httpx.get(made.url)
    assert page.status_code == 200 and 'value="pm_card_mastercard"' in page.text
    assert "Visa •••• 4242" in page.text  # the card on file
    done = post(made.url + "/payment_method", payment_method="pm_card_mastercard")
    assert (done.status_code, done.headers["location"]) == (303, AFTER)
    after = client.v1.customers.retrieve(
        customer.id, {"expand": ["invoice_settings.default_payment_method"]}
    )
    assert after.invoice_settings is not None
    card = after.invoice_settings.default_payment_method
    assert isinstance(card, stripe.PaymentMethod) and card.card is not None
    assert card.id != old and (card.card.brand, card.card.last4) == ("mastercard", "4444")
    assert card.customer == customer.id
    events = receiver.events(
        lambda got: any(e.data.object.id == card.id for e in got)
        and any(e.type == "customer.updated" and e.data.object.id == customer.id
                and e.data.object.invoice_settings.default_payment_method == card.id
                for e in got)
    )  # fmt: skip
    attached = [
        e for e in of_type(events, "payment_method.attached") if e.data.object.id == card.id
    ]
    assert len(attached) == 1 and attached[0].data.object.customer == customer.id
    updated = [e for e in of_type(events, "customer.updated") if e.data.object.id == customer.id]
    assert updated[-1].data.previous_attributes.to_dict() == {
        "invoice_settings": {"default_payment_method": old}
    }
    assert events.index(attached[0]) < events.index(updated[-1])


def test_a_declining_card_is_saved_and_then_declines_the_next_payment(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    made = open_session(client, customer.id, flow_data={"type": "payment_method_update"})
    post(made.url + "/payment_method", payment_method="pm_card_chargeDeclinedInsufficientFunds")
    inv = open_invoice(customer.id)
    with pytest.raises(stripe.CardError) as caught:
        client.v1.invoices.pay(inv.id)
    assert caught.value.error is not None
    assert caught.value.error.decline_code == "insufficient_funds"


def test_changing_the_plan_moves_the_subscription_to_the_chosen_price(
    receiver: Receiver, client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    flow = {"type": "subscription_update", "after_completion": REDIRECT,
            "subscription_update": {"subscription": plan.sub.id}}  # fmt: skip
    made = open_session(client, plan.customer.id, configuration=plan.config.id, flow_data=flow)
    page = httpx.get(made.url).text
    assert "Portal plan (monthly)" in page and f'value="{plan.yearly.id}"' in page
    assert f'value="{plan.monthly.id}"' not in page  # the current price is not offered again
    action = f"{made.url}/subscriptions/{plan.sub.id}/update"
    assert post(action, price="price_nope").status_code == 400
    done = post(action, price=plan.yearly.id)
    assert (done.status_code, done.headers["location"]) == (303, AFTER)
    sub = client.v1.subscriptions.retrieve(plan.sub.id)
    item = sub["items"].data[0]
    assert (item.price.id, item.plan.id, sub.status) == (plan.yearly.id, plan.yearly.id, "active")
    events = receiver.events(lambda got: bool(sub_updates(got, plan.sub.id)))
    updated = sub_updates(events, plan.sub.id)[-1]
    assert updated.data.object["items"].data[0].price.id == plan.yearly.id
    old_items = updated.data.previous_attributes["items"]["data"]
    assert old_items[0]["price"]["id"] == plan.monthly.id


def test_canceling_cancels_at_the_period_end_and_shows_the_confirmation(
    receiver: Receiver, client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    flow = {
        "type": "subscription_cancel",
        "subscription_cancel": {"subscription": plan.sub.id},
        "after_completion": {
            "type": "hosted_confirmation",
            "hosted_confirmation": {"custom_message": "Sorry to see you go <3"},
        },
    }
    made = open_session(client, plan.customer.id, configuration=plan.config.id, flow_data=flow)
    assert "at the end of your billing period" in httpx.get(made.url).text
    done = post(f"{made.url}/subscriptions/{plan.sub.id}/cancel")
    assert done.status_code == 303
    confirmation = httpx.get(httpx.URL(made.url).join(done.headers["location"]))
    assert "Sorry to see you go &lt;3" in confirmation.text and RETURN in confirmation.text
    sub = client.v1.subscriptions.retrieve(plan.sub.id)
    end = sub["items"].data[0].current_period_end
    assert (sub.status, sub.cancel_at_period_end, sub.cancel_at) == ("active", True, end)
    assert sub.cancellation_details is not None
    assert sub.cancellation_details.reason == "cancellation_requested"
    events = receiver.events(lambda got: bool(sub_updates(got, plan.sub.id)))
    updated = sub_updates(events, plan.sub.id)[-1]
    assert updated.data.previous_attributes["cancel_at_period_end"] is False


def test_a_configuration_that_cancels_immediately_ends_the_subscription(
    receiver: Receiver, client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    config = plan.configuration(cancel_mode="immediately")
    flow = {"type": "subscription_cancel", "subscription_cancel": {"subscription": plan.sub.id}}
    made = open_session(client, plan.customer.id, configuration=config.id, flow_data=flow)
    assert "canceled immediately" in httpx.get(made.url).text
    done = post(f"{made.url}/subscriptions/{plan.sub.id}/cancel")
    assert done.headers["location"] == httpx.URL(made.url).path  # the portal homepage
    assert client.v1.subscriptions.retrieve(plan.sub.id).status == "canceled"
    events = receiver.events(
        lambda got: any(e.type == "customer.subscription.deleted" for e in got)
    )
    [deleted] = of_type(events, "customer.subscription.deleted")
    assert (deleted.data.object.id, deleted.data.object.status) == (plan.sub.id, "canceled")


def test_confirming_a_prepared_update_applies_it(
    client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    item = plan.sub["items"].data[0].id
    items = [{"id": item, "price": plan.yearly.id}]
    confirm = {"subscription": plan.sub.id, "items": items}
    flow = {"type": "subscription_update_confirm", "after_completion": REDIRECT,
            "subscription_update_confirm": confirm}  # fmt: skip
    made = open_session(client, plan.customer.id, configuration=plan.config.id, flow_data=flow)
    assert "Portal plan (yearly)" in httpx.get(made.url).text
    done = post(f"{made.url}/subscriptions/{plan.sub.id}/confirm")
    assert done.headers["location"] == AFTER
    assert client.v1.subscriptions.retrieve(plan.sub.id)["items"].data[0].price.id == (
        plan.yearly.id
    )


def test_the_homepage_links_every_enabled_action_and_the_way_back(
    client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    made = open_session(client, plan.customer.id, configuration=plan.config.id)
    page = httpx.get(made.url).text
    path = httpx.URL(made.url).path
    assert f'href="{RETURN}"' in page and "Visa •••• 4242" in page
    assert f'href="{path}/payment_method"' in page
    assert f'href="{path}/subscriptions/{plan.sub.id}/update"' in page
    assert f'href="{path}/subscriptions/{plan.sub.id}/cancel"' in page
    done = post(f"{made.url}/subscriptions/{plan.sub.id}/cancel")
    assert done.headers["location"] == path  # back to the homepage, which says when it ends
    assert "Cancels on" in httpx.get(made.url).text


def test_a_homepage_without_those_features_offers_no_such_links(
    client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    config = plan.configuration(
        subscription_cancel={"enabled": False}, subscription_update={"enabled": False}
    )
    made = open_session(client, plan.customer.id, configuration=config.id)
    page = httpx.get(made.url).text
    assert "/cancel" not in page and "/update" not in page and "/payment_method" in page
    assert post(f"{made.url}/subscriptions/{plan.sub.id}/cancel").status_code == 404
    assert client.v1.subscriptions.retrieve(plan.sub.id).cancel_at_period_end is False


def test_a_flow_session_does_only_its_own_action(
    client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    made = open_session(
        client,
        plan.customer.id,
        configuration=plan.config.id,
        flow_data={"type": "payment_method_update"},
    )
    assert post(f"{made.url}/subscriptions/{plan.sub.id}/cancel").status_code == 404
    assert (
        post(f"{made.url}/subscriptions/{plan.sub.id}/update", price=plan.yearly.id).status_code
        == 404
    )
    sub = client.v1.subscriptions.retrieve(plan.sub.id)
    assert (sub.cancel_at_period_end, sub["items"].data[0].price.id) == (False, plan.monthly.id)


def test_the_portal_shows_what_stripe_holds_as_text(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    html = personas["customers"]["html@example.com"][0]
    page = httpx.get(open_session(client, html).url).text
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_an_unknown_session_and_a_wrong_card_are_refused(
    sandbox: SandboxServer, client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    assert httpx.get(f"{sandbox.url}/p/session/test_nope").status_code == 404
    made = open_session(client, customer.id, flow_data={"type": "payment_method_update"})
    assert post(made.url + "/payment_method", payment_method="pm_nope").status_code == 400
    after = client.v1.customers.retrieve(customer.id)
    assert after.invoice_settings is not None and customer.invoice_settings is not None
    assert after.invoice_settings.default_payment_method == (
        customer.invoice_settings.default_payment_method
    )


def test_a_session_url_nobody_visits_expires_after_five_minutes() -> None:
    app = create_app(seed="empty")
    clock = [1_800_000_000]
    app.state.sandbox.store.now = lambda: clock[0]

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
            auth = {"Authorization": "Bearer sk_test_clock"}
            cus = await http.post("/v1/customers", data={"email": "c@example.com"}, headers=auth)
            made = []
            for _ in range(2):
                answer = await http.post(
                    "/v1/billing_portal/sessions", data={"customer": cus.json()["id"]}, headers=auth
                )
                made.append(answer.json()["url"])
            clock[0] += 299
            visited = (await http.get(made[0])).status_code  # visited in time: it stays usable
            clock[0] += 2
            return [
                visited,
                (await http.get(made[1])).status_code,
                (await http.get(made[0])).status_code,
            ]

    assert asyncio.run(run()) == [200, 410, 200]
