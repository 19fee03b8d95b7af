"""The customer's account: `GET|POST /v1/account`, the summary of what they owe and will pay
next, and the owner's offer when they match it (docs/openapi.json)."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from edge import access, features, inputs, offer, parts, summary
from edge.errors import not_found

ACCOUNT_FIELDS = {"subscription"}


async def account(request: Request) -> Response:
    settings, gateway, _ = parts.unpacked(request)
    claims, given = await access.authorise(request, ACCOUNT_FIELDS)
    if not settings.allow_summary and settings.offer is None:
        features.require(settings, "summary")
    wanted = inputs.subscription(inputs.parameter(given, "subscription"))
    if wanted is not None and wanted not in claims.subscriptions:
        raise not_found()
    # The customers (credit balance, the plan an offer may ask for) only when something reads them.
    needed = settings.allow_summary or offer.asks_plan(settings.offer)
    found = await summary.fetch_customers(gateway, claims.customers) if needed else []
    sub = summary.subscription(found, wanted or claims.default_subscription)
    shown = None
    if settings.allow_summary:
        shown = await summary.summary(gateway, claims.customers, found, sub, time.time())
    matched = await offer.answer(gateway, settings.offer, claims.customers, sub)
    return JSONResponse({"summary": shown, "offer": matched})


routes: list[BaseRoute] = [Route("/v1/account", account, methods=["GET", "POST"])]
