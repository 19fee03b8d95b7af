"""The HTTP API: route, authorise, one call into the module of the concept asked for (which
asks the gateway), shape the answer."""

from __future__ import annotations

import re
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from edge import (
    access,
    customers,
    details,
    features,
    hashing,
    inputs,
    invoices,
    pages,
    parts,
    payments,
    portal,
    shapes,
    tokens,
    webhooks,
)
from edge.errors import ApiError, invalid, not_found
from edge.openapi import document

SESSION_FIELDS = {"email", "customer", "hash", "expires", "scope", "subscription", "limit"}
PORTAL_FIELDS = {"flow", "subscription", "return_url"}
LIST_FIELDS = {"limit", "starting_after", "scope", "subscription", "status", *inputs.CREATED}
PAY_FIELDS = {"idempotency_key"}
TOKEN_FIELDS: set[str] = set()
STATUSES = {"open", "paid", "void", "uncollectible"}
IDEMPOTENCY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
CURRENT_STATUSES = ("active", "trialing", "past_due")
MAX_EXPIRES = 2**53


async def session(request: Request) -> Response:
    settings, gateway, store = parts.unpacked(request)
    access.check_origin(request, settings)
    await store.hit("session_ip", request.client.host if request.client else "unknown")
    # text/plain makes the embed's first call a CORS "simple request": no preflight, so the
    # first paint waits for one round trip to the proxy, not two. Safe here: a session changes
    # nothing, needs a valid hash, and its answer is readable only by the allowed origins.
    body = await inputs.json_object(request, media_types=("application/json", "text/plain"))
    inputs.refuse_unknown(body, SESSION_FIELDS)
    email, customer = body.get("email"), body.get("customer")
    if (email is None) == (customer is None):
        raise invalid("email", "give exactly one of email and customer")
    if email is not None and not (isinstance(email, str) and hashing.is_email(email)):
        raise invalid("email", "email must be an email address")
    if customer is not None and not (
        isinstance(customer, str) and hashing.is_customer_id(customer)
    ):
        raise invalid("customer", "customer must be a Stripe customer id (cus_...)")
    given = inputs.optional(body, "hash", str)
    if given is not None and len(given) > 128:
        raise invalid("hash", "hash is too long")
    expires = inputs.optional(body, "expires", int)
    if expires is not None and not 0 < expires < MAX_EXPIRES:
        raise invalid("expires", "expires must be a unix time in seconds")
    scope = inputs.scope(body.get("scope", "subscription"), settings)
    wanted = inputs.subscription(inputs.optional(body, "subscription", str))
    limit = inputs.limit(body.get("limit", 10))

    identifier = email if email is not None else customer
    assert identifier is not None
    now = time.time()
    if settings.require_hash or given is not None:
        try:
            hashing.check_hash(
                settings.hash_secrets,
                identifier,
                given,
                expires,
                now=now,
                max_lifetime=settings.max_hash_lifetime,
                require_expiring=settings.require_expiring_hash,
            )
        except hashing.HashError as error:
            raise ApiError(403, error.code, error.message) from None
    # Counted once the hash is valid, so that wrong hashes can never lock a customer out.
    # Jane@x and jane@x reach the same Stripe customers (below), so they share one limit;
    # each still needs a hash over its own exact spelling.
    await store.hit("session_identifier", identifier.lower() if email else identifier)

    matched: str | None = None
    if email is not None:
        found, matched = await customers.by_email(gateway, email)
    else:
        found = await customers.by_id(gateway, identifier)
    ids = tuple(c["id"] for c in found)
    subscriptions = sorted(
        (s for c in found for s in ((c.get("subscriptions") or {}).get("data") or [])),
        key=lambda s: s.get("created") or 0,
        reverse=True,
    )
    sub_ids = tuple(s["id"] for s in subscriptions)
    if wanted is not None and wanted not in sub_ids:
        raise not_found()
    current = [s["id"] for s in subscriptions if s.get("status") in CURRENT_STATUSES]
    default = wanted or next(iter(current or sub_ids), None)
    shown = default if scope == "subscription" else None
    listed = await invoices.page(
        gateway, ids, limit=limit, position=None, subscription=shown, status=None
    )
    # What the customer owes is always in view, whatever the list shows.
    owed = await invoices.owed(gateway, ids)
    token, expires_at = tokens.issue(
        settings.hash_secrets,
        customers=ids,
        subscriptions=sub_ids,
        default_subscription=default,
        livemode=not settings.test_mode,
        now=int(now),
        # A session never outlives its expiring hash: once the hash has run out, the embed's
        # next session attempt is refused with expired_hash and the site can sign a fresh one.
        lifetime=settings.token_seconds
        if expires is None
        else max(1, min(settings.token_seconds, expires + hashing.CLOCK_SKEW - int(now))),
    )
    # Everything after the token is the same for every session of these customers with these
    # choices, while the objects it is made from are the ones cached: rendered once (`pages`).
    first = found[0] if found else None

    def rest(at: float) -> dict[str, object]:
        return {
            "livemode": not settings.test_mode,
            "features": features.features(settings),
            "no_user": not found,
            "customer": None
            if first is None
            else {
                "ids": list(ids),
                "email": first.get("email"),
                "name": next((c["name"] for c in found if c.get("name")), None),
                # The oldest an invoice can be: where the embed's month picker starts.
                "since": min(c["created"] for c in found),
            },
            "merged_customers": len(found),
            "email_matched": matched,
            "subscriptions": [shapes.subscription(s) for s in subscriptions],
            "subscription": shown,
            # The plan the customer is on, whatever the list shows: what billing portal flows
            # act on when no subscription is named.
            "current_subscription": default,
            "scope": "subscription" if shown else "all",
            "invoices": shapes.page(listed, at),
            "owed": details.owed(owed, at),
        }

    key = ("session", ids, matched, shown, default, limit)
    shown_invoices = [*listed["data"], *(i for o in owed for i in o["data"])]
    sources = (*found, listed["rendering"], *owed)
    rendered = await pages.kept(gateway.cache, key, ids, now, rest, shown_invoices, sources)
    return pages.answer(pages.merged({"token": token, "expires_at": expires_at}, rendered))


async def list_invoices(request: Request) -> Response:
    settings, gateway, _ = parts.unpacked(request)
    claims, given = await access.authorise(request, LIST_FIELDS)
    limit = inputs.limit(inputs.parameter(given, "limit", int) or 10)
    scope = inputs.scope(inputs.parameter(given, "scope") or "subscription", settings)
    status = inputs.parameter(given, "status")
    if status is not None and status not in STATUSES:
        raise invalid("status", "status must be one of open, paid, void, uncollectible")
    created = inputs.created(given)
    if status is not None or created:
        features.require(settings, "filters")
    wanted = inputs.subscription(inputs.parameter(given, "subscription"))
    if wanted is not None and wanted not in claims.subscriptions:
        raise not_found()
    shown = (wanted or claims.default_subscription) if scope == "subscription" else None
    position = await access.position(request, claims, inputs.parameter(given, "starting_after"))
    listed = await invoices.page(
        gateway,
        claims.customers,
        limit=limit,
        position=position,
        subscription=shown,
        status=status,
        created=created,
    )
    return pages.answer(pages.page(listed, time.time()))


async def invoice_detail(request: Request) -> Response:
    claims, _ = await access.authorise(request, TOKEN_FIELDS)
    invoice_id = await access.shown_invoice(request, claims)
    found = await details.fetch(parts.of(request).gateway, invoice_id, claims.customers)
    return pages.answer(details.answer(found, time.time()))


async def invoice_payment_method(request: Request) -> Response:
    settings, gateway, _ = parts.unpacked(request)
    claims, _ = await access.authorise(request, TOKEN_FIELDS)
    features.require(settings, "pay")
    invoice_id = await access.shown_invoice(request, claims)
    return JSONResponse(await payments.pay_with(gateway, invoice_id, claims.customers))


async def invoice_pdf(request: Request) -> Response:
    settings, gateway, _ = parts.unpacked(request)
    claims, _ = await access.authorise(request, TOKEN_FIELDS)
    features.require(settings, "pdf")
    invoice_id = await access.shown_invoice(request, claims)
    invoice = await invoices.invoice(gateway, invoice_id, claims.customers)
    url = invoice.get("invoice_pdf")
    if not url:
        raise ApiError(409, "pdf_unavailable", "this invoice has no PDF")
    # A POST is the embed's simple request, which reads the address; a browser following a
    # redirect to Stripe could not.
    if request.method == "POST" or "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"url": url})
    return RedirectResponse(url, status_code=302)


async def pay_invoice(request: Request) -> Response:
    settings, gateway, _ = parts.unpacked(request)
    claims, given = await access.authorise(request, PAY_FIELDS)
    features.require(settings, "pay")
    key = inputs.parameter(given, "idempotency_key")
    name = "idempotency_key"
    if key is None:
        key, name = request.headers.get("idempotency-key"), "Idempotency-Key"
    if key is not None and not IDEMPOTENCY_PATTERN.fullmatch(key):
        raise invalid(name, f"{name} must be 1 to 255 printable characters")
    invoice_id = await access.shown_invoice(request, claims)
    result = await payments.pay(gateway, invoice_id, claims.customers, key)
    if result["status"] == "paid":
        result = {"status": "paid", "invoice": shapes.invoice(result["invoice"], time.time())}
    return JSONResponse(result)


async def billing_portal(request: Request) -> Response:
    _, gateway, _ = parts.unpacked(request)
    claims, given = await access.authorise(request, PORTAL_FIELDS)
    wanted = inputs.subscription(inputs.optional(given, "subscription", str))
    flow, return_url = given.get("flow"), given.get("return_url")
    return JSONResponse(
        {"url": await portal.session_url(gateway, claims, flow, wanted, return_url)}
    )


async def webhook(request: Request) -> Response:
    settings, gateway, store = parts.unpacked(request)
    if settings.webhook_secret is None:
        raise not_found()
    signature = request.headers.get("stripe-signature")
    if not signature:
        raise ApiError(400, "invalid_signature", "the Stripe-Signature header is missing")
    event = gateway.webhook_event(await request.body(), signature)
    return JSONResponse(await webhooks.receive(event, gateway.cache, store))


async def openapi(request: Request) -> Response:
    return JSONResponse(document())


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    _, gateway, _ = parts.unpacked(request)
    problem = await gateway.ready()
    if problem is not None:
        raise problem
    return JSONResponse({"status": "ready"})


routes = [
    Route("/v1/session", session, methods=["POST"]),
    Route("/v1/invoices", list_invoices, methods=["GET", "POST"]),
    Route("/v1/invoices/{id}", invoice_detail, methods=["GET", "POST"]),
    Route("/v1/invoices/{id}/pdf", invoice_pdf, methods=["GET", "POST"]),
    Route("/v1/invoices/{id}/pay", pay_invoice, methods=["POST"]),
    Route("/v1/invoices/{id}/payment_method", invoice_payment_method, methods=["GET", "POST"]),
    Route("/v1/billing_portal", billing_portal, methods=["POST"]),
    Route("/v1/stripe/webhook", webhook, methods=["POST"]),
    Route("/v1/openapi.json", openapi, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
]
