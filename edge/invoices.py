"""A customer's invoices: one page of the list, one invoice, and the ones still open.

Answers are cached per customer for a few seconds (misses too) and cleared by webhooks; every
invoice shown is remembered, so only those can be asked for again.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from edge import cursors, merging, pages, shapes
from edge.cache import MISSING
from edge.errors import ApiError, not_found
from edge.gateway import Gateway

Obj = dict[str, Any]


async def page(
    gateway: Gateway,
    customers: tuple[str, ...],
    *,
    limit: int,
    position: str | None,
    subscription: str | None,
    status: str | None,
    created: dict[str, int] | None = None,
) -> Obj:
    """One page of invoices, drafts left out, several customers merged newest first;
    `status` and Stripe's `created` bounds, when given, passed on to Stripe.

    `position` is where a signed cursor of ours left off (see `cursors`); the page's
    `next_cursor` is signed for these customers, and its invoices are remembered as shown.
    """
    if not customers:
        return shapes.list_page([], False, None) | {"rendering": pages.Rendering()}

    filters: Obj = {"status": status} if status else {}
    if created:
        filters["created"] = created

    async def load() -> tuple[Obj, tuple[str, ...]]:
        shown, has_more, last = await merging.listing(
            gateway.list_invoices, customers, limit, position, subscription, filters
        )
        by_customer: dict[str, list[str]] = {}
        for invoice in shown:
            by_customer.setdefault(invoice["customer"], []).append(invoice["id"])
        await gateway.store.remember(by_customer)
        next_cursor = cursors.sign(gateway.settings.hash_secrets, last, customers)
        listed = shapes.list_page(shown, has_more, next_cursor) | {"rendering": pages.Rendering()}
        # Rendered before it is kept, so that the cache counts the rendering's bytes too.
        pages.page(listed, time.time())
        return listed, customers

    bounds = tuple(sorted(created.items())) if created else None
    key = ("invoices", customers, limit, position, subscription, status, bounds)
    return dict(await gateway.cache.fetch(key, load))


async def invoice(gateway: Gateway, invoice_id: str, customers: tuple[str, ...]) -> Obj:
    """The invoice, with its discounts' names when the key may read them; not found unless
    it belongs to these customers. The cached object itself: read it, never change it."""
    return await visible(
        gateway,
        invoice_id,
        customers,
        "invoice",
        lambda: gateway.retrieve_invoice_named(invoice_id),
    )


async def visible(
    gateway: Gateway,
    invoice_id: str,
    customers: tuple[str, ...],
    kind: str,
    retrieve: Callable[[], Awaitable[Obj]],
) -> Obj:
    """One invoice as `retrieve` reads it, through the cache (a "no such invoice" too), and
    not found unless it belongs to these customers; the cached object itself."""
    if not shapes.INVOICE_PATTERN.fullmatch(invoice_id) or not customers:
        raise not_found()

    # Nearly every request: cached, nothing to load.
    found = gateway.cache.get((kind, invoice_id))
    if found is None:

        async def load() -> tuple[Obj, list[str]]:
            try:
                found = await retrieve()
            except ApiError as error:
                if error.code != "not_found":
                    raise
                return MISSING, [f"invoice:{invoice_id}"]
            return found, [shapes.customer_id(found), f"invoice:{invoice_id}"]

        found = await gateway.cache.fetch((kind, invoice_id), load)
    if found is MISSING or not shapes.visible(found, customers):
        raise not_found()
    return found  # type: ignore[no-any-return]


async def owed(gateway: Gateway, customers: tuple[str, ...]) -> list[Obj]:
    """Each customer's open invoices (one call per customer, up to 100 each), remembered
    as shown."""
    lists = []
    for customer in customers:

        async def load(customer: str = customer) -> tuple[Obj, list[str]]:
            params = {"customer": customer, "status": "open", "limit": 100}
            listed = await gateway.list_invoices(params)
            shown = [shapes.trim(i) for i in listed["data"] if shapes.visible(i, customers)]
            await gateway.store.remember({customer: [i["id"] for i in shown]})
            owed = {"data": shown, "has_more": bool(listed["has_more"])}
            return owed, [customer]

        lists.append(await gateway.cache.fetch(("owed", customer), load))
    return lists
