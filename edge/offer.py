"""The owner's offer (PORTAL_OFFER): a card shown to the customers who match its rule.

Read and checked once at start (a bad offer stops the start with one line, like any other
variable), kept in `Settings.offer` in one form: every text a {locale: text} object. Matched
per request against the customer's current subscription and, only when the rule asks, the
number of invoices they have paid (one call per customer, cached).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from edge.readers import Invalid

if TYPE_CHECKING:  # the settings read the offer, and the gateway reads the settings
    from edge.gateway import Gateway

Obj = dict[str, Any]
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
LOCALE_PATTERN = re.compile(r"\*|[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
# Each text and how long it may be, in characters.
TEXTS = {"title": 200, "text": 1000, "button": 60}
REQUIRED = ("title", "button")
FIELDS = {"id", "url", "when", *TEXTS}
INTERVALS = ("day", "week", "month", "year")
PREFIXES = {"price": "price_", "product": "prod_"}
MAX_PAID = 100
MAX_URL = 2048


def read_offer(value: str) -> Obj | None:
    """The offer as `Settings.offer` keeps it, from inline JSON or the path of a JSON file."""
    if not value:
        return None
    text = value
    if not value.lstrip().startswith(("{", "[")):
        try:
            text = Path(value).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not UTF-8 text"
            raise Invalid(
                f"names {value!r}, which cannot be read ({reason})",
                "give the path of a readable JSON file, or the JSON itself",
            ) from None
    try:
        found = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise Invalid(f"is not JSON ({error})", "write a JSON object") from None
    if not isinstance(found, dict):
        raise Invalid("is not a JSON object", "write a JSON object")
    return checked(found)


def checked(found: Obj) -> Obj:
    unknown = sorted(set(found) - FIELDS)
    if unknown:
        raise Invalid(
            f"has an unknown field {unknown[0]!r}",
            f"use only {', '.join(sorted(FIELDS))}",
        )
    offer_id = found.get("id", "offer")
    if not isinstance(offer_id, str) or not ID_PATTERN.fullmatch(offer_id):
        raise Invalid(
            "has an id that is not 1 to 64 letters, digits, _ or -", 'write "id": "yearly-2027"'
        )
    offer: Obj = {"id": offer_id}
    for name, longest in TEXTS.items():
        if name in REQUIRED and name not in found:
            raise Invalid(f"has no {name}", f'add "{name}": "..." or {{"en": "...", "fr": "..."}}')
        offer[name] = _texts(name, found.get(name), longest)
    offer["url"] = _url(found.get("url"))
    offer["when"] = _when(found.get("when"))
    return offer


def _texts(name: str, value: Any, longest: int) -> dict[str, str]:
    """A text in every locale given; a plain string is everyone's ("*")."""
    if value is None:
        return {}
    texts = {"*": value} if isinstance(value, str) else value
    fix = f'write "{name}" as a string, or an object of locale to string: {{"en": "..."}}'
    if not isinstance(texts, dict) or not texts:
        raise Invalid(f"has a {name} that is not text", fix)
    for locale, text in texts.items():
        if not LOCALE_PATTERN.fullmatch(locale):
            raise Invalid(f"has a {name} in {locale[:20]!r}, which is not a locale", fix)
        if not isinstance(text, str) or not text.strip():
            raise Invalid(f"has an empty or non-text {name} for {locale!r}", fix)
        if len(text) > longest:
            raise Invalid(f"has a {name} longer than {longest} characters", "shorten it")
    return dict(texts)


def _url(value: Any) -> str | None:
    if value is None:
        return None
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
        hostname = parts.hostname if parts else None
    except ValueError:  # a malformed address: http://[x
        parts = hostname = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not hostname
        or "@" in parts.netloc
        or len(str(value)) > MAX_URL
        or any(c.isspace() for c in str(value))
    ):
        raise Invalid(
            "has a url that is not an absolute http(s) address",
            'write "url": "https://www.example.com/plans", or leave it out for an event only',
        )
    return str(value)


def _when(value: Any) -> Obj:
    if value is None:
        return {}
    fix = 'write "when": {"interval": "month", "product": "prod_...", "min_paid_invoices": 3}'
    if not isinstance(value, dict):
        raise Invalid("has a when that is not an object", fix)
    unknown = sorted(set(value) - {"interval", "min_paid_invoices", *PREFIXES})
    if unknown:
        raise Invalid(f"has an unknown condition {unknown[0]!r} in when", fix)
    when: Obj = {}
    if "interval" in value:
        if value["interval"] not in INTERVALS:
            raise Invalid("has a when.interval that is not day, week, month or year", fix)
        when["interval"] = value["interval"]
    for name, prefix in PREFIXES.items():
        if name not in value:
            continue
        ids = [value[name]] if isinstance(value[name], str) else value[name]
        if (
            not isinstance(ids, list)
            or not ids
            or not all(isinstance(i, str) and i.startswith(prefix) and len(i) < 256 for i in ids)
        ):
            raise Invalid(
                f"has a when.{name} that is not a {prefix}... id or a list of them",
                f'write "{name}": "{prefix}..." or ["{prefix}...", "{prefix}..."]',
            )
        when[name] = sorted(set(ids))
    if "min_paid_invoices" in value:
        count = value["min_paid_invoices"]
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_PAID:
            raise Invalid(
                f"has a when.min_paid_invoices that is not a whole number from 1 to {MAX_PAID}",
                fix,
            )
        when["min_paid_invoices"] = count
    return when


def asks_plan(offer: Obj | None) -> bool:
    """Whether matching needs the customer's current subscription."""
    return offer is not None and any(k in offer["when"] for k in ("interval", *PREFIXES))


def matches(offer: Obj, subscription: Obj | None, paid_count: int) -> bool:
    """Every condition of the offer's rule holds for this subscription (a Stripe one, with
    its items' prices, or None) and this number of paid invoices."""
    when = offer["when"]
    if when.get("min_paid_invoices", 0) > paid_count:
        return False
    if not asks_plan(offer):
        return True
    items = ((subscription or {}).get("items") or {}).get("data") or []
    prices: list[Obj] = [
        i["price"] for i in items if isinstance(i, dict) and isinstance(i.get("price"), dict)
    ]
    if "interval" in when and not any(
        (p.get("recurring") or {}).get("interval") == when["interval"] for p in prices
    ):
        return False
    if "price" in when and not any(p.get("id") in when["price"] for p in prices):
        return False
    products = [p.get("product") for p in prices]  # an id, or the product when expanded
    ids = [p.get("id") if isinstance(p, dict) else p for p in products]
    return "product" not in when or any(p in when["product"] for p in ids)


async def answer(
    gateway: Gateway, offer: Obj | None, customers: tuple[str, ...], subscription: Obj | None
) -> Obj | None:
    """The offer for these customers, or None when there is none or they do not match."""
    if offer is None or not customers:
        return None
    wanted = offer["when"].get("min_paid_invoices", 0)
    # The rule's other conditions first: the paid invoices are counted only when they hold.
    if not matches(offer, subscription, wanted):
        return None
    if wanted and await paid_count(gateway, customers, wanted) < wanted:
        return None
    return {k: offer[k] for k in ("id", "title", "text", "button", "url")}


async def paid_count(gateway: Gateway, customers: tuple[str, ...], wanted: int) -> int:
    """How many invoices these customers have paid, counted up to `wanted`."""
    total = 0
    for customer in customers:

        async def load(customer: str = customer) -> tuple[Obj, list[str]]:
            params = {"customer": customer, "status": "paid", "limit": wanted}
            listed = await gateway.list_invoices(params)
            return {"count": len(listed.get("data") or [])}, [customer]

        found = await gateway.cache.fetch(("paid_count", customer, wanted), load)
        total += found["count"]
        if total >= wanted:
            break
    return total
