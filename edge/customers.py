"""The Stripe customers a session is for: by email, ignoring case, or by id.

Answers are cached per email and per customer for a few seconds (misses too) and cleared by
webhooks.
"""

from __future__ import annotations

from typing import Any

from edge.errors import ApiError
from edge.gateway import Gateway

Obj = dict[str, Any]


async def by_email(gateway: Gateway, email: str) -> tuple[list[Obj], str | None]:
    """The Stripe customers with this email, newest first, with their subscriptions, and
    how they matched: "exact", "case_insensitive", or None when none did.

    Stripe's email filter on the list is exact and always current, so it goes first: one
    call for almost every visitor. Only when it finds no one does the proxy ask Stripe's
    search, whose `email:` match ignores case but can be up to a minute behind (Stripe
    says not to use it right after a write): a customer created a moment ago under another
    spelling shows up a minute later, never one under the exact spelling.
    """

    async def load() -> tuple[tuple[list[Obj], str | None], list[str]]:
        found = await gateway.list_customers(email)
        # Stripe's email filter is exact already; the check keeps it so whatever answers.
        customers = [c for c in found["data"] if c.get("email") == email and not c.get("deleted")]
        matched: str | None = "exact" if customers else None
        if not customers:
            customers = await _search(gateway, email)
            matched = "case_insensitive" if customers else None
        tags = [f"email:{email.lower()}", *(c["id"] for c in customers)]
        return (customers, matched), tags

    customers, matched = await gateway.cache.fetch(("email", email), load)
    return list(customers), matched


async def _search(gateway: Gateway, email: str) -> list[Obj]:
    quote = "'" if "'" not in email else '"'
    if quote in email or "\\" in email or any(c.isspace() for c in email):
        return []  # not expressible as one clause of Stripe's query language
    found = await gateway.search_customers(f"email:{quote}{email}{quote}")
    folded = email.lower()
    customers = [
        c
        for c in found["data"]
        if str(c.get("email") or "").lower() == folded and not c.get("deleted")
    ]
    return sorted(customers, key=lambda c: c.get("created") or 0, reverse=True)


async def by_id(gateway: Gateway, customer_id: str) -> list[Obj]:
    """The customer, with subscriptions; none when unknown or deleted."""

    async def load() -> tuple[list[Obj], list[str]]:
        try:
            found = await gateway.retrieve_customer(customer_id)
        except ApiError as error:
            if error.code != "not_found":
                raise
            return [], [customer_id]
        return ([] if found.get("deleted") else [found]), [customer_id]

    return list(await gateway.cache.fetch(("customer", customer_id), load))
