"""A restricted key (rk_) does exactly what the proxy needs and gets Stripe's 403 otherwise.

The permissions are Customers Write, Subscriptions Read, Invoices Write, Payment methods Read and
Customer portal Write (SECURITY.md), plus Read on tax rates, coupons, promotion codes and payment
intents for an invoice's detail, and Read on charges (receipts) and credit notes for the
customer's account. Customers Write is for billing details: name, address, tax IDs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import stripe

from sandbox.errors import StripeError as StripeErrorInProcess
from sandbox.testing import SandboxServer

RESTRICTED = "rk_test_51InvoicePortalRestrictedKeyForTests0123456789abcdef"
REFUSAL = re.compile(
    r"The provided key 'rk_(test|live)_\*+([A-Za-z0-9]{6})' does not have the required "
    r"permissions for this endpoint on account 'acct_[A-Za-z0-9]+'\. Having the "
    r"'(rak_[a-z_]+)' permission would allow this request to continue\."
)


@pytest.fixture
def restricted(sandbox: SandboxServer) -> stripe.StripeClient:
    return sandbox.client(api_key=RESTRICTED)


@pytest.fixture
def ids(personas: dict[str, Any]) -> dict[str, str]:
    return {
        "jane": personas["customers"]["jane@example.com"][0],
        "plan": personas["subscriptions"]["jane@example.com"][0],
        "invoice": personas["invoices"]["jane@example.com"]["open"][0],
        "card": "pm_card_visa",
    }


def refused_for(call: Callable[[], Any]) -> str:
    """Run a call Stripe must refuse; answer the permission its message names."""
    with pytest.raises(stripe.PermissionError) as caught:
        call()
    error = caught.value
    assert error.http_status == 403
    assert error.error is not None and error.error.type == "invalid_request_error"
    assert error.code is None and error.error.param is None
    message = error.user_message or ""
    match = REFUSAL.fullmatch(message)
    assert match is not None, message
    assert RESTRICTED not in message and match[2] == RESTRICTED[-6:]
    return match[3]


def test_restricted_key_finds_customers_with_their_subscriptions(
    restricted: stripe.StripeClient, ids: dict[str, str]
) -> None:
    jane, plan = ids["jane"], ids["plan"]
    listed = restricted.v1.customers.list(
        {"email": "jane@example.com", "limit": 100, "expand": ["data.subscriptions"]}
    )
    assert [c.id for c in listed.data] == [jane]
    assert [s.id for s in listed.data[0].subscriptions.data] == [plan]  # type: ignore[union-attr]
    one = restricted.v1.customers.retrieve(jane, {"expand": ["subscriptions"]})
    assert one.subscriptions is not None
    assert [s.id for s in one.subscriptions.data] == [plan]
    assert len(restricted.v1.customers.list({"limit": 1}).data) == 1  # the readiness check


def test_restricted_key_lists_and_reads_invoices(
    restricted: stripe.StripeClient, personas: dict[str, Any], ids: dict[str, str]
) -> None:
    jane, plan = ids["jane"], ids["plan"]
    first = restricted.v1.invoices.list({"customer": jane, "limit": 3})
    following = restricted.v1.invoices.list(
        {"customer": jane, "limit": 3, "starting_after": first.data[-1].id}
    )
    assert len(first.data) == 3 and following.data[0].id not in {i.id for i in first.data}
    open_ones = restricted.v1.invoices.list({"customer": jane, "status": "open"}).data
    assert sorted(i.id for i in open_ones) == sorted(
        personas["invoices"]["jane@example.com"]["open"]
    )
    by_plan = restricted.v1.invoices.list({"subscription": plan, "limit": 100}).data
    assert by_plan and {i.parent.subscription_details.subscription for i in by_plan} == {plan}  # type: ignore[union-attr]
    detail = restricted.v1.invoices.retrieve(
        by_plan[0].id, {"expand": ["customer", "parent.subscription_details.subscription"]}
    )
    assert isinstance(detail.customer, stripe.Customer)
    assert detail.customer.id == jane
    assert detail.parent is not None and detail.parent.subscription_details is not None
    assert isinstance(detail.parent.subscription_details.subscription, stripe.Subscription)
    assert detail.parent.subscription_details.subscription.id == plan


def test_restricted_key_pays_an_invoice_once_per_idempotency_key(
    client: stripe.StripeClient,
    restricted: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id)
    assert customer.invoice_settings is not None
    method = customer.invoice_settings.default_payment_method
    assert isinstance(method, str)
    options: stripe.RequestOptions = {"idempotency_key": "restricted-pay"}
    paid = restricted.v1.invoices.pay(inv.id, {"payment_method": method}, options)
    again = restricted.v1.invoices.pay(inv.id, {"payment_method": method}, options)
    assert (paid.status, again.id, again.status) == ("paid", inv.id, "paid")
    assert client.v1.invoices.retrieve(inv.id).attempt_count == 1


OUTSIDE = {
    "credit_notes.create": lambda c, ids: c.v1.credit_notes.create(
        {"invoice": ids["invoice"], "amount": 100}
    ),
    "subscriptions.cancel": lambda c, ids: c.v1.subscriptions.cancel(ids["plan"]),
    "payment_methods.detach": lambda c, ids: c.v1.payment_methods.detach(ids["card"]),
    "payment_methods.attach": lambda c, ids: c.v1.payment_methods.attach(
        "pm_card_visa", {"customer": ids["jane"]}
    ),
    "products.list": lambda c, ids: c.v1.products.list(),
    "prices.create": lambda c, ids: c.v1.prices.create(
        {"currency": "usd", "unit_amount": 100, "product_data": {"name": "X"}}
    ),
    "invoice_items.list": lambda c, ids: c.v1.invoice_items.list(),
    "invoice_items.create": lambda c, ids: c.v1.invoice_items.create(
        {"customer": ids["jane"], "amount": 100, "currency": "usd"}
    ),
    "events.list": lambda c, ids: c.v1.events.list(),
    "tax_rates.create": lambda c, ids: c.v1.tax_rates.create(
        {"display_name": "VAT", "percentage": 20, "inclusive": False}
    ),
    "coupons.create": lambda c, ids: c.v1.coupons.create({"percent_off": 10}),
    "promotion_codes.create": lambda c, ids: c.v1.promotion_codes.create(
        {"promotion": {"type": "coupon", "coupon": "X"}, "code": "NO"}
    ),
}


@pytest.mark.parametrize(
    ("name", "permission"),
    [
        ("credit_notes.create", "rak_credit_note_write"),
        ("subscriptions.cancel", "rak_subscription_write"),
        ("payment_methods.detach", "rak_payment_method_write"),
        ("payment_methods.attach", "rak_payment_method_write"),
        ("products.list", "rak_product_read"),
        ("prices.create", "rak_price_write"),
        ("invoice_items.list", "rak_invoiceitem_read"),
        ("invoice_items.create", "rak_invoiceitem_write"),
        ("events.list", "rak_event_read"),
        ("tax_rates.create", "rak_tax_rate_write"),
        ("coupons.create", "rak_coupon_write"),
        ("promotion_codes.create", "rak_promotion_code_write"),
    ],
)
def test_restricted_key_is_refused_outside_its_permissions(
    restricted: stripe.StripeClient, ids: dict[str, str], name: str, permission: str
) -> None:
    assert refused_for(lambda: OUTSIDE[name](restricted, ids)) == permission


def test_a_refused_call_changes_nothing(
    client: stripe.StripeClient, restricted: stripe.StripeClient, ids: dict[str, str]
) -> None:
    plan, invoice = ids["plan"], ids["invoice"]
    due = client.v1.invoices.retrieve(invoice).amount_due
    refused_for(lambda: restricted.v1.credit_notes.create({"invoice": invoice, "amount": 100}))
    refused_for(lambda: restricted.v1.subscriptions.cancel(plan))
    assert client.v1.credit_notes.list({"invoice": invoice}).data == []
    assert client.v1.invoices.retrieve(invoice).amount_due == due
    assert client.v1.subscriptions.retrieve(plan).status == "active"


@pytest.mark.parametrize(
    ("retrieve", "expand", "permission"),
    [
        (
            "customer",
            "invoice_settings.default_payment_method.customer.test_clock",
            "rak_test_clock_read",
        ),
        ("invoice", "test_clock", "rak_test_clock_read"),
        ("subscription", "items.data.price.product", "rak_product_read"),
        ("subscription", "test_clock", "rak_test_clock_read"),
    ],
)
def test_expanding_what_the_key_cannot_read_is_refused(
    restricted: stripe.StripeClient,
    ids: dict[str, str],
    retrieve: str,
    expand: str,
    permission: str,
) -> None:
    resource: dict[str, tuple[Any, str]] = {
        "customer": (restricted.v1.customers, ids["jane"]),
        "invoice": (restricted.v1.invoices, ids["invoice"]),
        "subscription": (restricted.v1.subscriptions, ids["plan"]),
    }
    service, id = resource[retrieve]
    assert refused_for(lambda: service.retrieve(id, {"expand": [expand]})) == permission


def test_expanding_a_list_refuses_like_a_single_object(
    restricted: stripe.StripeClient, ids: dict[str, str]
) -> None:
    params: stripe.params.InvoiceListParams = {
        "customer": ids["jane"],
        "expand": ["data.test_clock"],
    }
    assert refused_for(lambda: restricted.v1.invoices.list(params)) == "rak_test_clock_read"


def test_expanding_what_the_key_can_read_works(
    restricted: stripe.StripeClient, ids: dict[str, str]
) -> None:
    got = restricted.v1.customers.retrieve(
        ids["jane"], {"expand": ["subscriptions.data.latest_invoice.customer"]}
    )
    assert got.subscriptions.data[0].latest_invoice.customer.id == ids["jane"]  # type: ignore[union-attr]


def test_a_payment_with_a_refused_expansion_charges_nothing(
    client: stripe.StripeClient,
    restricted: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id)
    assert customer.invoice_settings is not None
    method = customer.invoice_settings.default_payment_method
    assert isinstance(method, str)
    params: stripe.params.InvoicePayParams = {"payment_method": method, "expand": ["test_clock"]}
    assert refused_for(lambda: restricted.v1.invoices.pay(inv.id, params)) == "rak_test_clock_read"
    after = client.v1.invoices.retrieve(inv.id)
    assert (after.status, after.attempt_count) == ("open", 0)


def test_live_restricted_keys_are_held_to_the_same_permissions(
    sandbox: SandboxServer, ids: dict[str, str]
) -> None:
    live = sandbox.client(api_key=RESTRICTED.replace("rk_test_", "rk_live_"))
    assert live.v1.customers.retrieve(ids["jane"]).livemode is True
    with pytest.raises(stripe.PermissionError) as caught:
        live.v1.events.list()
    assert (caught.value.user_message or "").startswith("The provided key 'rk_live_*")


def test_secret_keys_keep_full_access(client: stripe.StripeClient, ids: dict[str, str]) -> None:
    jane = ids["jane"]
    assert client.v1.events.list({"limit": 1}).object == "list"  # type: ignore[attr-defined]
    assert client.v1.products.list({"limit": 1}).object == "list"  # type: ignore[attr-defined]
    assert client.v1.payment_methods.list({"customer": jane}).data
    got = client.v1.customers.retrieve(
        jane, {"expand": ["invoice_settings.default_payment_method"]}
    )
    assert got.invoice_settings is not None
    assert isinstance(got.invoice_settings.default_payment_method, stripe.PaymentMethod)
    assert got.invoice_settings.default_payment_method.object == "payment_method"


def test_an_unknown_endpoint_is_still_404_for_a_restricted_key(
    restricted: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        restricted.raw_request("get", "/v1/refunds")
    assert caught.value.http_status == 404


def test_restricted_key_reads_payment_methods(
    restricted: stripe.StripeClient, ids: dict[str, str]
) -> None:
    cards = restricted.v1.payment_methods.list({"customer": ids["jane"]}).data
    assert cards and restricted.v1.payment_methods.retrieve(cards[0].id).customer == ids["jane"]
    got = restricted.v1.customers.retrieve(
        ids["jane"], {"expand": ["invoice_settings.default_payment_method"]}
    )
    assert got.invoice_settings is not None
    card = got.invoice_settings.default_payment_method
    assert isinstance(card, stripe.PaymentMethod) and card.card is not None
    assert card.card.last4 == "4242"


def test_restricted_key_opens_billing_portal_sessions(
    restricted: stripe.StripeClient, ids: dict[str, str]
) -> None:
    made = restricted.v1.billing_portal.sessions.create(
        {"customer": ids["jane"], "return_url": "https://shop.example.com",
         "flow_data": {"type": "payment_method_update"}, "expand": ["configuration"]}
    )  # fmt: skip
    assert made.flow is not None
    assert made.flow.type == "payment_method_update"
    assert isinstance(made.configuration, stripe.billing_portal.Configuration)
    assert made.configuration.object == "billing_portal.configuration"


def test_a_key_without_the_portal_permission_is_refused_a_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sandbox import permissions

    monkeypatch.delitem(permissions.GRANTED, "customer_portal")  # this process's table only
    assert permissions.resource("/v1/billing_portal/sessions") == "customer_portal"
    with pytest.raises(StripeErrorInProcess) as caught:
        permissions.authorize(RESTRICTED, "POST", "/v1/billing_portal/sessions", None)
    match = REFUSAL.fullmatch(caught.value.message)
    assert caught.value.status == 403 and match and match[3] == "rak_customer_portal_write"
