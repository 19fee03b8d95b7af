"""Stripe's webhook events: their shape, replays, and what each event makes stale.

The signature (with Stripe's 300 s tolerance) is checked by the gateway, the one module that
speaks Stripe; an event id seen again within that window is answered without acting again.
"""

from __future__ import annotations

from typing import Any

from edge import shapes
from edge.cache import TTLCache
from edge.errors import invalid
from edge.store import Store

PREFIXES = ("invoice.", "customer.", "invoiceitem.", "credit_note.")


async def receive(event: Any, cache: TTLCache, store: Store) -> dict[str, Any]:
    """Forget whatever a signed event makes stale; the answer for Stripe."""
    data = event.get("data") if isinstance(event, dict) else None
    obj = data.get("object") if isinstance(data, dict) else None
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(data, dict)
        and isinstance(obj, dict)
    ):
        raise invalid("body", "the body is not a Stripe event (id, type, data.object)")
    answer = {"received": True, "type": event["type"]}
    if not await store.first_event(event["id"]):
        return {**answer, "duplicate": True}
    if event["type"].startswith(PREFIXES):
        if obj.get("object") == "customer":
            previous = data.get("previous_attributes")
            previous = previous if isinstance(previous, dict) else {}
            emails = (obj.get("email"), previous.get("email"))
            # Lowercased: a session for any spelling of the email may have found this customer.
            tags = {
                shapes.ref_id(obj),
                *(f"email:{e.lower()}" for e in emails if isinstance(e, str)),
            }
        else:
            tags = {shapes.customer_id(obj)}
        cache.forget(t for t in tags if isinstance(t, str) and t)
    return answer
