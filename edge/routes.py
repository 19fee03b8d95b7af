"""The HTTP API: route, authorise, one call into the gateway, shape the answer."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from edge import hashing, pages, shapes, tokens
from edge.errors import ApiError, invalid, not_found
from edge.gateway import Gateway
from edge.openapi import document
from edge.settings import Settings

SESSION_FIELDS = {"email", "customer", "hash", "expires", "scope", "subscription", "limit"}
LIST_FIELDS = {"limit", "starting_after", "scope", "subscription", "status"}
STATUSES = {"open", "paid", "void", "uncollectible"}
SUBSCRIPTION_PATTERN = re.compile(r"sub_[A-Za-z0-9]{1,250}")
IDEMPOTENCY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
CURRENT_STATUSES = ("active", "trialing", "past_due")
MAX_EXPIRES = 2**53


async def session(request: Request) -> Response:
    settings, gateway = _parts(request)
    # text/plain makes the embed's first call a CORS "simple request": no preflight, so the
    # first paint waits for one round trip to the proxy, not two. Safe here: a session changes
    # nothing, needs a valid hash, and its answer is readable only by the allowed origins.
    body = await _json_object(request, media_types=("application/json", "text/plain"))
    _refuse_unknown(body, SESSION_FIELDS)
    email, customer = body.get("email"), body.get("customer")
    if (email is None) == (customer is None):
        raise invalid("email", "give exactly one of email and customer")
    if email is not None and not (isinstance(email, str) and hashing.is_email(email)):
        raise invalid("email", "email must be an email address")
    if customer is not None and not (
        isinstance(customer, str) and hashing.is_customer_id(customer)
    ):
        raise invalid("customer", "customer must be a Stripe customer id (cus_...)")
    given = _optional(body, "hash", str)
    if given is not None and len(given) > 128:
        raise invalid("hash", "hash is too long")
    expires = _optional(body, "expires", int)
    if expires is not None and not 0 < expires < MAX_EXPIRES:
        raise invalid("expires", "expires must be a unix time in seconds")
    scope = _scope(body.get("scope", "subscription"), settings)
    wanted = _subscription(_optional(body, "subscription", str))
    limit = _limit(body.get("limit", 10))

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

    if email is not None:
        customers = await gateway.customers_by_email(email)
    else:
        customers = await gateway.customer_by_id(identifier)
    ids = tuple(c["id"] for c in customers)
    subscriptions = sorted(
        (s for c in customers for s in ((c.get("subscriptions") or {}).get("data") or [])),
        key=lambda s: s.get("created") or 0,
        reverse=True,
    )
    sub_ids = tuple(s["id"] for s in subscriptions)
    if wanted is not None and wanted not in sub_ids:
        raise not_found()
    current = [s["id"] for s in subscriptions if s.get("status") in CURRENT_STATUSES]
    default = wanted or next(iter(current or sub_ids), None)
    shown = default if scope == "subscription" else None
    listed = await gateway.invoices(ids, limit=limit, cursor=None, subscription=shown, status=None)
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
    first = customers[0] if customers else None
    return JSONResponse(
        {
            "token": token,
            "expires_at": expires_at,
            "livemode": not settings.test_mode,
            "features": _features(settings),
            "no_user": not customers,
            "customer": None
            if first is None
            else {
                "ids": list(ids),
                "email": first.get("email"),
                "name": next((c["name"] for c in customers if c.get("name")), None),
            },
            "merged_customers": len(customers),
            "subscriptions": [shapes.subscription(s) for s in subscriptions],
            "subscription": shown,
            "scope": "subscription" if shown else "all",
            "invoices": shapes.page(listed, now),
        }
    )


async def list_invoices(request: Request) -> Response:
    settings, gateway = _parts(request)
    claims = _authorise(request, settings)
    query = request.query_params
    _refuse_unknown(dict(query), LIST_FIELDS)
    limit = _limit(_integer(query.get("limit", "10"), "limit"))
    cursor = query.get("starting_after") or None
    if cursor is not None and len(cursor) > 4096:
        raise invalid("starting_after", "starting_after is not a cursor of this list")
    scope = _scope(query.get("scope", "subscription"), settings)
    status = query.get("status") or None
    if status is not None and status not in STATUSES:
        raise invalid("status", "status must be one of open, paid, void, uncollectible")
    wanted = _subscription(query.get("subscription") or None)
    if wanted is not None and wanted not in claims.subscriptions:
        raise not_found()
    shown = (wanted or claims.default_subscription) if scope == "subscription" else None
    try:
        listed = await gateway.invoices(
            claims.customers, limit=limit, cursor=cursor, subscription=shown, status=status
        )
    except ApiError as error:
        if error.code == "not_found":
            raise invalid("starting_after", "starting_after is not a cursor of this list") from None
        raise
    return pages.response(listed, time.time())


async def invoice_detail(request: Request) -> Response:
    settings, gateway = _parts(request)
    claims = _authorise(request, settings)
    invoice = await gateway.invoice(request.path_params["id"], claims.customers)
    return JSONResponse(shapes.invoice_detail(invoice, time.time()))


async def invoice_pdf(request: Request) -> Response:
    settings, gateway = _parts(request)
    claims = _authorise(request, settings)
    if not settings.allow_pdf:
        raise ApiError(403, "feature_disabled", "PDF downloads are turned off on this portal")
    invoice = await gateway.invoice(request.path_params["id"], claims.customers)
    url = invoice.get("invoice_pdf")
    if not url:
        raise ApiError(409, "pdf_unavailable", "this invoice has no PDF")
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"url": url})
    return RedirectResponse(url, status_code=302)


async def pay_invoice(request: Request) -> Response:
    settings, gateway = _parts(request)
    claims = _authorise(request, settings)
    if not settings.allow_pay:
        raise ApiError(403, "feature_disabled", "payments are turned off on this portal")
    key = request.headers.get("idempotency-key")
    if key is not None and not IDEMPOTENCY_PATTERN.fullmatch(key):
        raise invalid("Idempotency-Key", "Idempotency-Key must be 1 to 255 printable characters")
    if await request.body():
        _refuse_unknown(await _json_object(request), set())
    result = await gateway.pay(request.path_params["id"], claims.customers, key)
    if result["status"] == "paid":
        result = {"status": "paid", "invoice": shapes.invoice(result["invoice"], time.time())}
    return JSONResponse(result)


async def webhook(request: Request) -> Response:
    settings, gateway = _parts(request)
    if settings.webhook_secret is None:
        raise not_found()
    signature = request.headers.get("stripe-signature")
    if not signature:
        raise ApiError(400, "invalid_signature", "the Stripe-Signature header is missing")
    event = gateway.webhook_event(await request.body(), signature)
    return JSONResponse({"received": True, "type": event["type"]})


async def openapi(request: Request) -> Response:
    return JSONResponse(document())


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


routes = [
    Route("/v1/session", session, methods=["POST"]),
    Route("/v1/invoices", list_invoices, methods=["GET"]),
    Route("/v1/invoices/{id}", invoice_detail, methods=["GET"]),
    Route("/v1/invoices/{id}/pdf", invoice_pdf, methods=["GET"]),
    Route("/v1/invoices/{id}/pay", pay_invoice, methods=["POST"]),
    Route("/v1/stripe/webhook", webhook, methods=["POST"]),
    Route("/v1/openapi.json", openapi, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
]


def _parts(request: Request) -> tuple[Settings, Gateway]:
    return request.app.state.settings, request.app.state.gateway


def _authorise(request: Request, settings: Settings) -> tokens.Claims:
    header = request.headers.get("authorization")
    if not header:
        raise ApiError(401, "missing_token", "an Authorization: Bearer token is required")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "invalid_token", "the Authorization header is not a Bearer token")
    try:
        return tokens.verify(
            settings.hash_secrets,
            token.strip(),
            livemode=not settings.test_mode,
            now=int(time.time()),
        )
    except tokens.TokenError as error:
        raise ApiError(401, error.code, error.message) from None


def _features(settings: Settings) -> dict[str, bool]:
    return {
        "pay": settings.allow_pay,
        "pdf": settings.allow_pdf,
        "show_all": settings.allow_show_all,
    }


async def _json_object(
    request: Request, media_types: tuple[str, ...] = ("application/json",)
) -> dict[str, Any]:
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if given not in media_types:
        raise ApiError(
            415, "unsupported_media_type", f"send the body as JSON ({' or '.join(media_types)})"
        )
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise invalid("body", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise invalid("body", "the body must be a JSON object")
    return body


def _refuse_unknown(given: dict[str, Any], known: set[str]) -> None:
    for name in given:
        if name not in known:
            raise invalid(name[:100], f"unknown parameter {name[:100]!r}")


def _optional(body: dict[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    # bool is an int in Python, never in JSON.
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise invalid(name, f"{name} has the wrong type")
    return value


def _integer(value: str, name: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        raise invalid(name, f"{name} must be a whole number")
    return int(value)


def _limit(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
        raise invalid("limit", "limit must be a whole number from 1 to 100")
    return value


def _scope(value: Any, settings: Settings) -> str:
    if value not in ("subscription", "all"):
        raise invalid("scope", "scope must be subscription or all")
    if value == "all" and not settings.allow_show_all:
        raise ApiError(403, "feature_disabled", "showing all invoices is turned off on this portal")
    return str(value)


def _subscription(value: Any) -> str | None:
    if value is not None and not (isinstance(value, str) and SUBSCRIPTION_PATTERN.fullmatch(value)):
        raise invalid("subscription", "subscription must be a subscription id (sub_...)")
    return value
