"""Who may see what: a token's claims and its limit, and the only cursors and invoices a
token may name, those this proxy has given or shown its customers. Anything else is refused
here, before it can cost a Stripe call.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from edge import cursors, inputs, parts, tokens
from edge.errors import ApiError, invalid, not_found
from edge.settings import Settings
from edge.shapes import INVOICE_PATTERN


async def authorise(request: Request, fields: set[str]) -> tuple[tokens.Claims, dict[str, Any]]:
    """The token's claims and the call's parameters, one request counted against its
    customers' limit. A call comes in one of two forms, with the same answers:

    - the token in `Authorization: Bearer`, the parameters in the query (GET) or in a JSON
      body (POST), for servers and tools;
    - what the embed sends: `POST` with `Content-Type: text/plain` and one JSON object holding
      `token` and the parameters. That is a CORS "simple request", which a browser sends
      without a preflight: one round trip per action instead of two. It is no opening for
      cross-site requests: the token is never a cookie, so a page that does not hold it cannot
      act, and only the allowed origins can read an answer.
    """
    state = parts.of(request)
    settings = state.settings
    check_origin(request, settings)
    if request.method == "GET":
        claims = inputs.bearer(request, settings, state.tokens)
        given: dict[str, Any] = dict(request.query_params) if request.scope["query_string"] else {}
    elif inputs.media_type(request) == "text/plain":
        given = await inputs.json_object(request, media_types=("text/plain",))
        claims = inputs.body_token(given, settings, state.tokens)
    else:
        claims = inputs.bearer(request, settings, state.tokens)
        given = await inputs.json_object(request) if await request.body() else {}
    inputs.refuse_unknown(given, fields)
    if claims.customers:
        # Every token of the same customers shares one limit: new sessions do not reset it.
        await state.store.hit("token", "|".join(claims.customers))
    return claims, given


def check_origin(request: Request, settings: Settings) -> None:
    """A browser names the page's origin; only the allowed ones may use the portal."""
    origin = inputs.header(request, b"origin")
    if origin is not None and origin not in settings.allowed_origins:
        raise ApiError(403, "origin_not_allowed", "this page's origin may not use the portal")


async def position(request: Request, claims: tokens.Claims, cursor: str | None) -> str | None:
    """Where a list continues: only from a cursor this proxy gave these customers, or an
    invoice it has shown them; anything else is refused before it can cost a Stripe call."""
    if cursor is None:
        return None
    state = parts.of(request)
    position = cursors.open_cursor(state.settings.hash_secrets, cursor, claims.customers)
    if position is None and INVOICE_PATTERN.fullmatch(cursor):
        if await state.store.was_shown(claims.customers, cursor):
            position = cursor
    if position is None:
        raise invalid("starting_after", "starting_after is not a cursor of this list")
    return position


async def shown_invoice(request: Request, claims: tokens.Claims) -> str:
    """The invoice id of the path, if this proxy has shown it to these customers. Any other
    id is answered as missing, without asking Stripe."""
    invoice_id = str(request.path_params["id"])
    if not INVOICE_PATTERN.fullmatch(invoice_id) or not claims.customers:
        raise not_found()
    if not await parts.of(request).store.was_shown(claims.customers, invoice_id):
        raise not_found()
    return invoice_id
