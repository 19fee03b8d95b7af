"""The demo customers the benchmarks load, and the hashes a site's server would make for them."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import httpx

from bench.processes import HASH_SECRET

BIG = "big@example.com"
FULL_PAGE = "jane@example.com"
SMALL_SIZE = 5  # invoices: the "customer with 5 invoices"
STRIPE_KEY = {"Authorization": "Bearer sk_test_sandbox"}


def hash_for(identifier: str, secret: str = HASH_SECRET) -> str:
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


def seed(sandbox: str) -> dict[str, Any]:
    answer = httpx.get(f"{sandbox}/_sandbox/seed", timeout=10)
    answer.raise_for_status()
    found: dict[str, Any] = answer.json()
    return found


def seeded(sandbox: str) -> dict[str, list[str]]:
    customers: dict[str, list[str]] = seed(sandbox)["customers"]
    return customers


def small(sandbox: str) -> str:
    """The seeded customer (one Stripe customer, a subscription) with closest to 5 invoices."""
    data = seed(sandbox)
    subscribed = data.get("subscriptions", {})
    counts: dict[str, int] = {
        email: sum(
            len(ids)
            for status, ids in data.get("invoices", {}).get(email, {}).items()
            if status != "draft"
        )
        for email, ids in data["customers"].items()
        if len(ids) == 1 and subscribed.get(email) and email != BIG
    }
    if not counts:
        raise RuntimeError("the demo seed has no single customer with a subscription")
    return min(counts, key=lambda email: (abs(counts[email] - SMALL_SIZE), email))


def full_page(sandbox: str) -> str:
    """A customer whose first page is full (10 invoices): the throughput benchmark's list."""
    return FULL_PAGE if FULL_PAGE in seeded(sandbox) else small(sandbox)


def big(sandbox: str) -> str:
    if BIG not in seeded(sandbox):
        raise RuntimeError(f"the demo seed has no {BIG}")
    return BIG


def invoice_count(sandbox: str, email: str) -> int:
    """Invoices a customer can see (drafts are never shown), counted through Stripe's API."""
    total = 0
    with httpx.Client(base_url=sandbox, headers=STRIPE_KEY, timeout=30) as client:
        for customer in seeded(sandbox)[email]:
            params: dict[str, Any] = {"customer": customer, "limit": 100}
            while True:
                page = client.get("/v1/invoices", params=params)
                page.raise_for_status()
                data = page.json()
                total += sum(1 for invoice in data["data"] if invoice["status"] != "draft")
                if not data["has_more"] or not data["data"]:
                    break
                params["starting_after"] = data["data"][-1]["id"]
    return total
