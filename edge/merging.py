"""One page of a customer's invoices, and of several Stripe customers under one email listed
as one: merged newest first.

Each customer's own list is read from where the previous page left it (Stripe's cursor per
customer, carried in one opaque cursor), and the heads are merged by date, so no invoice is
repeated or skipped across pages, whatever order Stripe gives equal dates.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import json
from collections.abc import Awaitable, Callable
from typing import Any

from edge import shapes
from edge.errors import invalid

Obj = dict[str, Any]
ListInvoices = Callable[[Obj], Awaitable[Obj]]
PREFIX = "m1."


async def listing(
    list_invoices: ListInvoices,
    customers: tuple[str, ...],
    limit: int,
    position: str | None,
    subscription: str | None,
    filters: Obj,
) -> tuple[list[Obj], bool, str | None]:
    """The invoices of one page (trimmed, drafts and strangers left out), whether more follow,
    and the Stripe position of the next page; `filters` are Stripe's list parameters."""
    base: Obj = {"limit": limit, **filters}
    if not subscription and len(customers) > 1:
        after = decode_cursor(position, customers)
        if after is None:
            raise invalid("starting_after", "starting_after is not a cursor of this list")
        merged, following = await page(list_invoices, customers, base, limit, after)
        shown = [shapes.trim(i) for i in merged if shapes.visible(i, customers)]
        return shown, following is not None, following
    if position is not None and not shapes.INVOICE_PATTERN.fullmatch(position):
        raise invalid("starting_after", "starting_after is not a cursor of this list")
    params = {**base, **({"starting_after": position} if position else {})}
    if subscription:
        params["subscription"] = subscription
    else:
        params["customer"] = customers[0]
    listed = await list_invoices(params)
    shown = [shapes.trim(i) for i in listed["data"] if shapes.visible(i, customers)]
    has_more = bool(listed["has_more"])
    return shown, has_more, listed["data"][-1]["id"] if listed["data"] and has_more else None


async def page(
    list_invoices: ListInvoices,
    customers: tuple[str, ...],
    base: Obj,
    limit: int,
    after: dict[str, str | None],
) -> tuple[list[Obj], str | None]:
    """One merged page, and the cursor of the next one (None after the last)."""
    lists: dict[str, Obj] = {}
    for customer in customers:
        if after.get(customer, "") is None:
            continue
        params = {**base, "customer": customer}
        if after.get(customer):
            params["starting_after"] = after[customer]
        lists[customer] = await list_invoices(params)
    merged, state = merge(lists, customers, limit, after)
    has_more = any(state.get(c, "") is not None for c in customers)
    return merged, encode_cursor(state) if has_more else None


def merge(
    lists: dict[str, Obj], customers: tuple[str, ...], limit: int, after: dict[str, str | None]
) -> tuple[list[Obj], dict[str, str | None]]:
    """The first `limit` invoices of the lists, and where each list stands after them.

    A list's position is the id of its last invoice shown, "" (or absent) for its start,
    None once it is used up.
    """
    heads = [
        (-invoice["created"], customers.index(customer), position, invoice)
        for customer, listed in lists.items()
        for position, invoice in enumerate(listed["data"])
    ]
    merged = [entry[3] for entry in heapq.nsmallest(limit, heads, key=lambda e: e[:3])]
    state = dict(after)
    for customer, listed in lists.items():
        taken = [i for i in merged if i.get("customer") == customer]
        if taken:
            state[customer] = taken[-1]["id"]
        if len(taken) == len(listed["data"]) and not listed["has_more"]:
            state[customer] = None
    return merged, state


def encode_cursor(state: dict[str, str | None]) -> str:
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, customers: tuple[str, ...]) -> dict[str, str | None] | None:
    """The positions in a cursor, or None when it is not one of ours."""
    if cursor is None:
        return {}
    try:
        if not cursor.startswith(PREFIX) or len(cursor) > 8192:
            return None
        state = json.loads(base64.urlsafe_b64decode(cursor[3:] + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(state, dict):
        return None
    # The cursor comes from the visitor: only the token's customers are read from it.
    return {
        c: v
        for c, v in state.items()
        if c in customers
        and (v is None or (isinstance(v, str) and shapes.INVOICE_PATTERN.fullmatch(v)))
    }
