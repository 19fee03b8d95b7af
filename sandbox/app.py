"""The sandbox server: Stripe's `/v1` API, the control API, the hosted invoice page and PDFs.

Every `/v1` request takes the same path: count it, apply latency and faults, authenticate the
key, find the endpoint, check a restricted key's permissions, replay or record its idempotency
key, run it, answer Stripe's JSON.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox import (
    balance,
    catalog,
    charges,
    control,
    credit_notes,
    customers,
    discounts,
    events,
    hosted,
    invoice_items,
    invoices,
    params,
    payments,
    permissions,
    portal,
    portal_pages,
    portal_sessions,
    previews,
    receipts,
    subscriptions,
    tax_ids,
    taxes,
)
from sandbox.errors import StripeError, api_error, invalid, not_authenticated, rate_limited
from sandbox.shapes import BASE
from sandbox.state import Replay, Sandbox
from sandbox.webhooks import Webhooks

log = logging.getLogger("sandbox")

API_VERSION = "2026-10-28.endive"
Handler = Callable[[Sandbox, dict[str, Any], dict[str, str]], dict[str, Any]]
NAMESPACES = {"billing_portal"}
_KEY = re.compile(r"(sk|rk)_(test|live)_[A-Za-z0-9_]{1,247}")


def _compile(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")


ENDPOINTS: list[tuple[str, re.Pattern[str], Handler]] = [
    (method, _compile(template), handler)
    for module in (
        customers,
        balance,
        tax_ids,
        catalog,
        subscriptions,
        previews,  # before invoices: `POST /v1/invoices/create_preview` is not an invoice id
        invoices,
        invoice_items,
        events,
        portal,
        portal_sessions,
        taxes,
        discounts,
        payments,
        charges,
        credit_notes,
    )
    for method, template, handler in module.ROUTES
]


def endpoint_name(method: str, path: str) -> str:
    """`POST /v1/invoices/in_123/pay` counts as `POST /v1/invoices/{id}/pay`; a namespaced
    collection (`/v1/billing_portal/configurations/bpc_123`) has its ids one further on."""
    parts = path.rstrip("/").split("/")
    shift = 1 if len(parts) > 2 and parts[2] in NAMESPACES else 0
    for i in (3 + shift, 5 + shift):
        if len(parts) > i and parts[i] not in ("search", "preview", "create_preview"):
            parts[i] = "{id}"
    return f"{method} {'/'.join(parts)}"


def create_app(
    seed: str | None = "demo",
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
) -> Starlette:
    sb = Sandbox(seed=seed, webhooks=Webhooks(webhook_url, webhook_secret))
    sb.reset()

    async def api(request: Request) -> Response:
        return await answer(sb, request)

    routes = [
        *control.routes(sb),
        *hosted.routes(sb),
        *receipts.routes(sb),
        *portal_pages.routes(sb),
        Route("/v1/{rest:path}", api, methods=["GET", "POST", "DELETE", "PUT", "PATCH"]),
    ]
    app = Starlette(routes=routes)
    app.state.sandbox = sb
    return app


async def answer(sb: Sandbox, request: Request) -> Response:
    method, path = request.method, request.url.path
    sb.calls[endpoint_name(method, path)] += 1
    base = f"{request.url.scheme}://{request.headers.get('host', 'localhost')}"
    sb.webhooks.base = base
    request_id = "req_" + secrets.token_urlsafe(10).replace("-", "x").replace("_", "y")
    headers = {
        "Request-Id": request_id,
        "Stripe-Version": request.headers.get("stripe-version", API_VERSION),
        "Access-Control-Allow-Origin": "*",
    }
    if sb.latency_ms:
        await asyncio.sleep(sb.latency_ms / 1000)
    fault = sb.take_fault(path)
    if fault and fault.hang:
        await asyncio.sleep(fault.hang)
    elif fault:
        error = rate_limited() if fault.status == 429 else api_error()
        error.status = fault.status or 500
        return _json(error.body(request_id), error.status, headers, base, False)

    livemode = False
    replay_key: tuple[str, str] | None = None
    fingerprint = ""
    try:
        api_key, livemode = authenticate(request)
        handler, ids = resolve(method, path)
        body = (await request.body()).decode("utf-8", "replace") if method == "POST" else ""
        raw = params.parse(request.url.query)
        if body:
            raw.update(params.parse(body))
        permissions.authorize(api_key, method, path, raw.get("expand"))
        key = request.headers.get("idempotency-key")
        if key and method == "POST":
            if len(key) > 255:
                raise invalid("Idempotency keys must be at most 255 characters long.")
            replay_key = (api_key, key)
            fingerprint = hashlib.sha256(
                f"{method} {path}\n{sorted_form(body)}".encode()
            ).hexdigest()
            done = sb.replays.get(replay_key)
            if done is not None:
                if done.fingerprint != fingerprint:
                    raise StripeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with. Try using a key other than "
                        f"'{key}' if you meant to execute a different request.",
                        type="idempotency_error",
                    )
                headers["Idempotent-Replayed"] = "true"
                return Response(done.body, done.status, headers, media_type="application/json")
        sb.idempotency_key = key
        result, status = handler(sb, raw, ids), 200
    except StripeError as error:
        result, status = error.body(request_id), error.status
    except Exception:  # a bug must still answer as Stripe does, and keep the server up
        log.exception("sandbox error on %s %s", method, path)
        result, status = api_error().body(request_id), 500
    finally:
        sb.idempotency_key = None
    response = _json(result, status, headers, base, livemode)
    if replay_key and status < 500 and status != 429:
        sb.replays[replay_key] = Replay(fingerprint, status, bytes(response.body))
    return response


def _json(
    result: dict[str, Any], status: int, headers: dict[str, str], base: str, livemode: bool
) -> Response:
    text = json.dumps(result, ensure_ascii=False, separators=(",", ":")).replace(BASE, base + "/")
    if livemode:
        text = text.replace('"livemode":false', '"livemode":true')
    return Response(text, status, headers, media_type="application/json")


def sorted_form(body: str) -> str:
    return "&".join(sorted(body.split("&")))


def authenticate(request: Request) -> tuple[str, bool]:
    header = request.headers.get("authorization", "")
    key = ""
    if header[:7].lower() == "bearer ":
        key = header[7:].strip()
    elif header[:6].lower() == "basic ":
        try:
            key = base64.b64decode(header[6:].strip()).decode().split(":", 1)[0]
        except ValueError:
            key = "?"
    if not key:
        raise not_authenticated(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details."
        )
    if not _KEY.fullmatch(key):
        shown = (
            key[:8] + "*" * max(0, min(len(key), 40) - 12) + key[-4:] if len(key) > 12 else "***"
        )
        raise not_authenticated(f"Invalid API Key provided: {shown}")
    return key, key.split("_")[1] == "live"


def resolve(method: str, path: str) -> tuple[Handler, dict[str, str]]:
    for verb, pattern, handler in ENDPOINTS:
        match = pattern.match(path)
        if match and verb == method:
            return handler, match.groupdict()
    raise StripeError(
        404,
        f"Unrecognized request URL ({method}: {path}). Please see "
        "https://stripe.com/docs or we can help at https://support.stripe.com/.",
    )
