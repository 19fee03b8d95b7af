"""Billing portal sessions and configurations, created and refused as Stripe does."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import pytest
import stripe

from sandbox.testing import SandboxServer

if TYPE_CHECKING:
    from stripe.params.billing_portal import SessionCreateParams

RETURN = "https://shop.example.com/account"


def session(client: stripe.StripeClient, customer: str, **params: Any) -> Any:
    return client.v1.billing_portal.sessions.create(
        cast("SessionCreateParams", {"customer": customer, "return_url": RETURN, **params})
    )


def refused(call: Any) -> stripe.StripeError:
    with pytest.raises(stripe.StripeError) as caught:
        call()
    return caught.value


def test_a_session_without_a_flow_uses_the_default_configuration(
    sandbox: SandboxServer, client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    made = session(client, jane, locale="de")
    default = client.v1.billing_portal.configurations.list({"is_default": True}).data
    assert [c.id for c in default] == [made.configuration]
    assert (made.object, made.customer, made.flow, made.locale) == (
        "billing_portal.session",
        jane,
        None,
        "de",
    )
    assert made.id.startswith("bps_") and made.return_url == RETURN
    assert made.url.startswith(sandbox.url + "/p/session/test_")


def test_the_demo_default_configuration_offers_every_feature_the_seed_turns_on(
    client: stripe.StripeClient,
) -> None:
    config = client.v1.billing_portal.configurations.list({"is_default": True}).data[0]
    features = config.features
    assert features.payment_method_update.enabled is True
    assert (features.subscription_cancel.enabled, features.subscription_cancel.mode) == (
        True,
        "at_period_end",
    )
    assert features.subscription_update.enabled is True
    assert features.subscription_update.default_allowed_updates == ["price"]


@pytest.mark.parametrize(
    "kind", ["subscription_update", "subscription_cancel", "subscription_update_confirm"]
)
def test_each_subscription_flow_names_its_subscription(
    client: stripe.StripeClient, plan: SimpleNamespace, kind: str
) -> None:
    given: dict[str, Any] = {"subscription": plan.sub.id}
    if kind == "subscription_update_confirm":
        given["items"] = [{"id": plan.sub["items"].data[0].id, "price": plan.yearly.id}]
    made = session(
        client,
        plan.customer.id,
        configuration=plan.config.id,
        flow_data={"type": kind, kind: given},
    )
    assert made.flow.type == kind and made.flow[kind].subscription == plan.sub.id
    others = {"subscription_update", "subscription_cancel", "subscription_update_confirm"}
    assert all(made.flow[other] is None for other in others - {kind})
    assert made.flow.after_completion.type == "portal_homepage"
    if kind == "subscription_update_confirm":
        items = made.flow[kind]["items"]
        assert [(i.id, i.price) for i in items] == [(given["items"][0]["id"], plan.yearly.id)]


def test_a_payment_method_update_flow_redirects_where_asked(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    made = session(
        client,
        customer.id,
        flow_data={
            "type": "payment_method_update",
            "after_completion": {
                "type": "redirect",
                "redirect": {"return_url": "https://shop.example.com/updated"},
            },
        },
    )
    after = made.flow.after_completion
    assert (made.flow.type, after.type, after.hosted_confirmation) == (
        "payment_method_update",
        "redirect",
        None,
    )
    assert after.redirect.return_url == "https://shop.example.com/updated"


def test_the_configuration_can_be_expanded(
    client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    made = client.v1.billing_portal.sessions.create(
        {"customer": customer.id, "expand": ["configuration"]}
    )
    assert isinstance(made.configuration, stripe.billing_portal.Configuration)
    assert made.configuration.object == "billing_portal.configuration"
    assert made.return_url is None


INVALID = {
    "unknown parameter": ({"colour": "red"}, 400, "parameter_unknown", "colour"),
    "no customer": ({"customer": ""}, 400, "parameter_missing", "customer"),
    "unknown customer": ({"customer": "cus_nope"}, 404, "resource_missing", "customer"),
    "unknown configuration": (
        {"configuration": "bpc_nope"},
        404,
        "resource_missing",
        "configuration",
    ),
    "bad return url": ({"return_url": "not a url"}, 400, "url_invalid", "return_url"),
    "bad locale": ({"locale": "xx"}, 400, None, "locale"),
    "no flow type": ({"flow_data": {"after_completion": {"type": "portal_homepage"}}},
                     400, "parameter_missing", "flow_data[type]"),
    "unknown flow type": ({"flow_data": {"type": "subscription_pause"}}, 400, None,
                          "flow_data[type]"),
    "no subscription to cancel": (
        {"flow_data": {"type": "subscription_cancel"}},
        400, "parameter_missing", "flow_data[subscription_cancel][subscription]",
    ),
    "unknown subscription": (
        {"flow_data": {"type": "subscription_update",
                       "subscription_update": {"subscription": "sub_nope"}}},
        404, "resource_missing", "flow_data[subscription_update][subscription]",
    ),
    "another flow's details": (
        {"flow_data": {"type": "payment_method_update",
                       "subscription_cancel": {"subscription": "sub_x"}}},
        400, None, "flow_data[subscription_cancel]",
    ),
    "redirect without an address": (
        {"flow_data": {"type": "payment_method_update",
                       "after_completion": {"type": "redirect"}}},
        400, "parameter_missing", "flow_data[after_completion][redirect][return_url]",
    ),
    "a retention coupon that does not exist": (
        {"flow_data": {"type": "subscription_cancel", "subscription_cancel": {
            "subscription": "{sub}",
            "retention": {"type": "coupon_offer", "coupon_offer": {"coupon": "SAVE20"}}}}},
        404, "resource_missing", "flow_data[subscription_cancel][retention][coupon_offer][coupon]",
    ),
    "an item not of the subscription": (
        {"flow_data": {"type": "subscription_update_confirm", "subscription_update_confirm": {
            "subscription": "{sub}", "items": [{"id": "si_nope", "price": "{yearly}"}]}}},
        404, "resource_missing", "flow_data[subscription_update_confirm][items][0][id]",
    ),
}  # fmt: skip


def fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, names) for v in value]
    return value.format(**names) if isinstance(value, str) else value


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_requests_get_stripes_errors_and_make_no_session(
    client: stripe.StripeClient, plan: SimpleNamespace, case: str
) -> None:
    params, status, code, param = INVALID[case]
    params = fill(params, {"sub": plan.sub.id, "yearly": plan.yearly.id})
    body: Any = {"customer": plan.customer.id, "configuration": plan.config.id, **params}
    error = refused(lambda: client.v1.billing_portal.sessions.create(body))
    assert error.http_status == status
    assert error.error is not None
    assert error.error.type == "invalid_request_error"
    assert (error.code, error.error.param) == (code, param)


def test_a_subscription_of_another_customer_is_refused(
    client: stripe.StripeClient, plan: SimpleNamespace, personas: dict[str, Any]
) -> None:
    jane = personas["customers"]["jane@example.com"][0]
    flow = {"type": "subscription_cancel", "subscription_cancel": {"subscription": plan.sub.id}}
    error = refused(lambda: session(client, jane, flow_data=flow))
    assert error.http_status == 400 and error.error is not None
    assert error.error.param == "flow_data[subscription_cancel][subscription]"
    assert "does not belong to the customer" in error.user_message


def test_a_canceled_subscription_cannot_be_canceled_again(
    client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    client.v1.subscriptions.cancel(plan.sub.id)
    flow = {"type": "subscription_cancel", "subscription_cancel": {"subscription": plan.sub.id}}
    error = refused(lambda: session(client, plan.customer.id, flow_data=flow))
    assert error.http_status == 400 and "canceled" in error.user_message


def test_a_flow_needs_its_feature_enabled(
    client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    config = plan.configuration(subscription_cancel={"enabled": False})
    flow = {"type": "subscription_cancel", "subscription_cancel": {"subscription": plan.sub.id}}
    error = refused(
        lambda: session(client, plan.customer.id, configuration=config.id, flow_data=flow)
    )
    assert error.error is not None
    assert error.http_status == 400 and error.error.param == "flow_data[type]"
    assert "subscription_cancel" in error.user_message


def test_a_plan_change_needs_a_product_the_configuration_offers(
    client: stripe.StripeClient, customer: stripe.Customer, plan: SimpleNamespace
) -> None:
    other = client.v1.prices.create(
        {"currency": "usd", "unit_amount": 300, "recurring": {"interval": "month"},
         "product_data": {"name": "Not offered"}}
    )  # fmt: skip
    sub = client.v1.subscriptions.create({"customer": customer.id, "items": [{"price": other.id}]})
    flow = {"type": "subscription_update", "subscription_update": {"subscription": sub.id}}
    error = refused(
        lambda: session(client, customer.id, configuration=plan.config.id, flow_data=flow)
    )
    assert error.http_status == 400


def test_configurations_are_created_retrieved_listed_and_updated(
    client: stripe.StripeClient, plan: SimpleNamespace
) -> None:
    config = plan.config
    assert (config.object, config.is_default, config.active) == (
        "billing_portal.configuration",
        False,
        True,
    )
    assert client.v1.billing_portal.configurations.retrieve(config.id).id == config.id
    listed = client.v1.billing_portal.configurations.list({"limit": 100}).data
    assert config.id in [c.id for c in listed]
    updated = client.v1.billing_portal.configurations.update(
        config.id, {"default_return_url": RETURN, "active": False}
    )
    assert (updated.default_return_url, updated.active) == (RETURN, False)
    error = refused(lambda: session(client, plan.customer.id, configuration=config.id))
    assert error.error is not None
    assert error.http_status == 400 and error.error.param == "configuration"


@pytest.mark.parametrize(
    ("features", "param", "message"),
    [
        ({}, "features", None),
        (
            {"invoice_history": {"enabled": True},
             "customer_update": {"allowed_updates": ["email"]}},
            "features[customer_update][enabled]",
            None,
        ),
        (
            {"subscription_update": {"enabled": True, "default_allowed_updates": ["price"]}},
            "features[subscription_update][products]",
            None,
        ),
        (
            {"payment_method_update": {"enabled": False},
             "subscription_update": {"enabled": True, "default_allowed_updates": ["price"],
                                     "products": [{"product": "{product}",
                                                   "prices": ["{price}"]}]}},
            None,
            "Cannot enable subscription updates while payment method update is disabled.",
        ),
    ],
)  # fmt: skip
def test_a_configuration_needs_consistent_features(
    client: stripe.StripeClient,
    plan: SimpleNamespace,
    features: dict[str, Any],
    param: str | None,
    message: str | None,
) -> None:
    names = {"product": plan.monthly.product, "price": plan.monthly.id}
    params: Any = {"features": fill(features, names)} if features else {}
    error = refused(lambda: client.v1.billing_portal.configurations.create(params))
    assert error.http_status == 400 and error.error is not None
    if param:
        assert (error.code, error.error.param) == ("parameter_missing", param)
    if message:
        assert error.user_message == message
