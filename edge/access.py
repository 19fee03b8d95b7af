"""Who may see what: a bearer token's claims and its limit, and the only cursors and invoices a
token may name, those this proxy has given or shown its customers. Anything else is refused
here, before it can cost a Stripe call.
"""

from __future__ import annotations

from starlette.requests import Request

from edge import cursors, inputs, tokens
from edge.errors import invalid, not_found
from edge.shapes import INVOICE_PATTERN


async def authorise(request: Request) -> tokens.Claims:
    """The token's claims, and one request counted against its customers' limit."""
    state = request.app.state
    claims = inputs.bearer(request, state.settings, state.tokens)
    if claims.customers:
        # Every token of the same customers shares one limit: new sessions do not reset it.
        await state.store.hit("token", "|".join(claims.customers))
    return claims


async def position(request: Request, claims: tokens.Claims, cursor: str | None) -> str | None:
    """Where a list continues: only from a cursor this proxy gave these customers, or an
    invoice it has shown them; anything else is refused before it can cost a Stripe call."""
    if cursor is None:
        return None
    state = request.app.state
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
    if not await request.app.state.store.was_shown(claims.customers, invoice_id):
        raise not_found()
    return invoice_id
