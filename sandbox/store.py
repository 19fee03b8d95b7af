"""The sandbox's memory: every object by kind and id, Stripe's list order, cursors and expand."""

from __future__ import annotations

import random
import string
import time
from collections.abc import Callable, Iterable
from typing import Any

from sandbox import fixtures
from sandbox.errors import StripeError, invalid, missing

PREFIXES = {
    "customer": "cus",
    "payment_method": "pm",
    "product": "prod",
    "price": "price",
    "subscription": "sub",
    "subscription_item": "si",
    "invoice": "in",
    "line_item": "il",
    "invoiceitem": "ii",
    "event": "evt",
    "discount": "di",
    "tax_rate": "txr",
    "coupon": "",  # coupon ids are bare codes (`Z4OV52SU`), or what the caller chose
    "promotion_code": "promo",
    "payment_intent": "pi",
    "invoice_payment": "inpay",
    "request": "req",
    "billing_portal.configuration": "bpc",
    "billing_portal.session": "bps",
    "charge": "ch",
    "credit_note": "cn",
    "credit_note_line_item": "cnli",
    "customer_balance_transaction": "cbtxn",
    "tax_id": "txi",
}
KINDS = {prefix: kind for kind, prefix in PREFIXES.items() if prefix}
SHORT_IDS = {"customer", "product", "subscription_item", "request"}
# Kinds added after the seed's ids were fixed draw from their own generator, so making them
# leaves every other seeded id as it was.
LATER_KINDS = {"tax_rate", "coupon", "promotion_code", "payment_intent", "invoice_payment"}
# The same again for the kinds of the customer's account (charges, credit notes, balance, tax
# ids): a third generator, so that neither earlier one draws any differently.
NEWEST_KINDS = {"charge", "credit_note", "credit_note_line_item", "customer_balance_transaction",
                "tax_id"}  # fmt: skip
INVOICE_LINES_SHOWN = 10
INCLUDED_SHOWN = 10  # an included list (customer.subscriptions) shows its first ten
_ALPHABET = string.ascii_letters + string.digits


class Store:
    def __init__(self, rng_seed: int = 2, now: Callable[[], int] | None = None) -> None:
        self.rng = random.Random(rng_seed)
        self.later_rng = random.Random(rng_seed + 1)
        self.newest_rng = random.Random(rng_seed + 2)
        self.now: Callable[[], int] = now or (lambda: int(time.time()))
        self.objects: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in PREFIXES}
        self.lines: dict[str, list[dict[str, Any]]] = {}
        self.deleted: set[str] = set()  # deleted customers, which Stripe still shows as such
        self.cards: dict[str, str] = {}  # payment method id -> test card it was made from
        self.open_payments: dict[str, str] = {}  # invoice id -> its open invoice payment's id
        # What Stripe keeps but does not show on the object: a line's tax rates (from its
        # invoice item or subscription item) and a customer's tax ids (their own resource).
        self.line_rates: dict[str, list[str]] = {}
        # Behind a charge, its invoice (Stripe dropped `charge.invoice`, but its receipt shows
        # it); behind a credit note, its lines; the receipt numbers given so far.
        self.charge_invoices: dict[str, str] = {}
        self.credit_note_lines: dict[str, list[dict[str, Any]]] = {}
        self.receipts = 0
        # What Stripe keeps behind a portal configuration and session but does not show:
        # the prices each configuration offers per product, and each session's URL secret
        # with its visit and completion.
        self.portal_products: dict[str, dict[str, list[str]]] = {}
        self.portal_visits: dict[str, dict[str, Any]] = {}
        self._seq: dict[str, int] = {}
        self._ordered: dict[str, list[dict[str, Any]] | None] = {}

    def new_id(self, kind: str) -> str:
        if kind == "coupon":
            return "".join(self.later_rng.choices(string.ascii_uppercase + string.digits, k=8))
        if kind in LATER_KINDS:
            return f"{PREFIXES[kind]}_1" + "".join(self.later_rng.choices(_ALPHABET, k=23))
        if kind in NEWEST_KINDS:
            return f"{PREFIXES[kind]}_1" + "".join(self.newest_rng.choices(_ALPHABET, k=23))
        size = 14 if kind in SHORT_IDS else 24
        if kind not in SHORT_IDS:
            return f"{PREFIXES[kind]}_1" + "".join(self.rng.choices(_ALPHABET, k=size - 1))
        return f"{PREFIXES[kind]}_" + "".join(self.rng.choices(_ALPHABET, k=size))

    def add(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        self.objects[kind][obj["id"]] = obj
        self._seq[obj["id"]] = len(self._seq)
        self._ordered[kind] = None
        return obj

    def remove(self, kind: str, id: str) -> None:
        del self.objects[kind][id]
        self._ordered[kind] = None

    def get(self, kind: str, id: Any, param: str | None = None) -> dict[str, Any]:
        obj = self.objects[kind].get(id) if isinstance(id, str) else None
        if obj is None:
            raise missing(kind, str(id), param)
        return obj

    def lookup(self, id: str) -> dict[str, Any] | None:
        kind = KINDS.get(id.split("_", 1)[0])
        return self.objects[kind].get(id) if kind else self.objects["coupon"].get(id)

    def ordered(self, kind: str) -> list[dict[str, Any]]:
        """Every object of a kind, newest first, as Stripe lists them."""
        cached = self._ordered.get(kind)
        if cached is None:
            cached = sorted(self.objects[kind].values(), key=self.sort_key, reverse=True)
            self._ordered[kind] = cached
        return cached

    def sort_key(self, obj: dict[str, Any]) -> tuple[int, int]:
        # Invoice items carry their creation time as `date`.
        return obj.get("created", obj.get("date", 0)), self._seq[obj["id"]]

    def page(
        self, kind: str, items: Iterable[dict[str, Any]], params: dict[str, Any], url: str
    ) -> dict[str, Any]:
        limit = self.limit(params)
        bound = params.get("created")
        rows = [o for o in items if within(self.sort_key(o)[0], bound)] if bound else list(items)
        after, before = params.get("starting_after"), params.get("ending_before")
        if after and before:
            raise invalid(
                "You may only specify one of these parameters: starting_after, ending_before."
            )
        if after:
            key = self.sort_key(self.get(kind, after, "starting_after"))
            rows = [o for o in rows if self.sort_key(o) < key]
            return fixtures.list_object(rows[:limit], len(rows) > limit, url)
        if before:
            key = self.sort_key(self.get(kind, before, "ending_before"))
            rows = [o for o in rows if self.sort_key(o) > key]
            return fixtures.list_object(rows[-limit:], len(rows) > limit, url)
        return fixtures.list_object(rows[:limit], len(rows) > limit, url)

    def page_in_order(
        self, kind: str, rows: list[dict[str, Any]], params: dict[str, Any], url: str
    ) -> dict[str, Any]:
        """A page of `rows` in their own order (an invoice's or a credit note's lines), not
        newest first; a cursor that is not one of them is Stripe's "no such" error."""
        limit = self.limit(params)
        position = {row["id"]: i for i, row in enumerate(rows)}
        for param in ("starting_after", "ending_before"):
            if params.get(param) and params[param] not in position:
                self.get(kind, params[param], param)
        start, end = 0, len(rows)
        if params.get("starting_after"):
            start = position[params["starting_after"]] + 1
        if params.get("ending_before"):
            end = position[params["ending_before"]]
            start = max(0, end - limit)
            more = start > 0
        else:
            more = end - start > limit
        return fixtures.list_object(rows[start : min(end, start + limit)], more, url)

    @staticmethod
    def limit(params: dict[str, Any]) -> int:
        limit = params.get("limit")
        if limit is None:
            return 10
        if not 1 <= limit <= 100:
            raise StripeError(
                400,
                "This value must be greater than or equal to 1 and less than or equal to 100.",
                param="limit",
                code="parameter_invalid_integer",
            )
        return int(limit)

    def render(self, obj: dict[str, Any], expand: Iterable[str] = ()) -> dict[str, Any]:
        """A copy of an object as the API shows it, with the requested fields expanded."""
        out: dict[str, Any] = fixtures.clone(obj)
        self._fill(out)
        for path in expand or ():
            parts = path.split(".")
            if len(parts) > 4:
                raise invalid(
                    f"You cannot expand more than 4 levels of a property. Property: {path}",
                    "expand",
                )
            self._expand(out, parts, path)
        return out

    def _fill(self, out: dict[str, Any]) -> None:
        if out.get("object") == "invoice":
            lines = self.lines.get(out["id"], [])
            out["lines"]["data"] = fixtures.clone(lines[:INVOICE_LINES_SHOWN])
            out["lines"]["has_more"] = len(lines) > INVOICE_LINES_SHOWN
        elif out.get("object") in ("list", "search_result"):
            for item in out["data"]:
                if isinstance(item, dict):
                    self._fill(item)

    def _expand(self, node: Any, parts: list[str], path: str) -> None:
        if isinstance(node, list):
            for item in node:
                self._expand(item, parts, path)
            return
        if not isinstance(node, dict):
            return
        head, rest = parts[0], parts[1:]
        if head not in node and not self._include(node, head):
            raise invalid(f"This property cannot be expanded ({path}).", "expand")
        value = node[head]
        if isinstance(value, str) and (not rest or value.split("_", 1)[0] in KINDS):
            target = self.lookup(value)
            if target is None and not rest:
                raise invalid(f"This property cannot be expanded ({path}).", "expand")
            value = node[head] = self.render(target) if target else value
        elif isinstance(value, list) and not rest:
            node[head] = [self._expanded(v) for v in value]
        if rest:
            self._expand(value, rest, path)

    def _include(self, node: dict[str, Any], field: str) -> bool:
        """Fields Stripe leaves out unless expanded; today only a customer's `subscriptions`."""
        if node.get("object") != "customer" or field != "subscriptions" or node.get("deleted"):
            return False
        rows = [
            s
            for s in self.ordered("subscription")
            if s["customer"] == node["id"] and s["status"] != "canceled"
        ]
        url = f"/v1/customers/{node['id']}/subscriptions"
        shown = rows[:INCLUDED_SHOWN]
        node[field] = self.render(fixtures.list_object(shown, len(rows) > len(shown), url))
        return True

    def _expanded(self, value: Any) -> Any:
        target = self.lookup(value) if isinstance(value, str) else None
        return self.render(target) if target else value


def within(created: int, bound: int | dict[str, int] | None) -> bool:
    if bound is None:
        return True
    if isinstance(bound, int):
        return created == bound
    return (
        created > bound.get("gt", -(2**63))
        and created >= bound.get("gte", -(2**63))
        and created < bound.get("lt", 2**63)
        and created <= bound.get("lte", 2**63)
    )
