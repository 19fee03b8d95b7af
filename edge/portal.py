"""A Stripe billing portal session for the token's customer: a card update, a plan change, a
cancellation, or the portal's home page, then back to a page of the site.

Every refusal (a flow the owner has not turned on, a return address off the site's origins,
a subscription not the token's) comes before any Stripe call.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from edge import features, tokens
from edge.errors import ApiError, invalid, not_found
from edge.gateway import Gateway
from edge.settings import Settings

Obj = dict[str, Any]
SUBSCRIPTION_FLOWS = ("subscription_update", "subscription_cancel")
FLOWS = ("payment_method_update", *SUBSCRIPTION_FLOWS, "home")
MAX_URL = 2048


async def session_url(
    gateway: Gateway,
    claims: tokens.Claims,
    flow: Any,
    subscription: str | None,
    return_url: Any,
) -> str:
    """The address of a new portal session for `flow`, coming back to `return_url`."""
    if flow not in FLOWS:
        raise invalid("flow", f"flow must be one of {', '.join(FLOWS)}")
    if not isinstance(return_url, str):
        raise invalid("return_url", "return_url must be the address of a page of this site")
    settings = gateway.settings
    if not _on_site(return_url, settings.allowed_origins):
        message = "return_url is not on an origin allowed to use the portal"
        raise ApiError(403, "return_url_not_allowed", message)
    if not _enabled(flow, settings):
        raise ApiError(403, "feature_disabled", f"{flow} is turned off on this portal")
    if subscription is not None and subscription not in claims.subscriptions:
        raise not_found()
    if flow in SUBSCRIPTION_FLOWS:
        subscription = subscription or claims.default_subscription
        if subscription is None:
            raise invalid("subscription", "this flow needs one of the customer's subscriptions")
    if not claims.customers:
        raise not_found()
    # Several Stripe customers under one email: the one paying the plan in question (else the
    # plan the portal shows), whose card the customer means to change.
    customer = claims.customers[0]
    owned = subscription or claims.default_subscription
    if owned is not None and len(claims.customers) > 1:
        customer = await _owner(gateway, owned)
        if customer not in claims.customers:
            raise not_found()
    params: Obj = {"customer": customer, "return_url": return_url}
    if flow != "home":
        after = {"type": "redirect", "redirect": {"return_url": return_url}}
        params["flow_data"] = {"type": flow, "after_completion": after}
        if flow in SUBSCRIPTION_FLOWS:
            params["flow_data"][flow] = {"subscription": subscription}
    made = await gateway.create_portal_session(params)
    return str(made["url"])


def _enabled(flow: str, settings: Settings) -> bool:
    on = features.features(settings)
    if flow == "home":
        # The home page offers whatever the account's portal configuration enables, so it is
        # offered only when the owner allows every action it could lead to.
        return all(on[name] for name in features.PORTAL_SWITCHES)
    name = {"subscription_update": "plan_change", "subscription_cancel": "cancel"}.get(flow, flow)
    return on[name]


def _on_site(url: str, origins: tuple[str, ...]) -> bool:
    # Exactly an allowed origin, so the portal never sends a customer anywhere else.
    if len(url) > MAX_URL or any(c.isspace() or not c.isprintable() or c == "\\" for c in url):
        return False
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or "@" in parts.netloc:
        return False
    return f"{parts.scheme}://{parts.netloc}" in origins


async def _owner(gateway: Gateway, subscription: str) -> str:
    """The customer of one of the token's subscriptions, when the token has several
    customers (one call, cached)."""

    async def load() -> tuple[str, list[str]]:
        found = await gateway.retrieve_subscription(subscription)
        customer = found.get("customer")
        owner = customer.get("id") if isinstance(customer, dict) else customer
        return str(owner), [str(owner)]

    return str(await gateway.cache.fetch(("subscription_owner", subscription), load))
