from __future__ import annotations

import random
from typing import Any

from edge.merging import decode_cursor, encode_cursor, merge


def stripe_lists(
    customers: dict[str, list[dict[str, Any]]], after: dict[str, str | None], limit: int
) -> dict[str, dict[str, Any]]:
    """What Stripe answers for each customer still to be read, from its position on."""
    lists = {}
    for customer, invoices in customers.items():
        position = after.get(customer, "")
        if position is None:
            continue
        start = 0 if not position else [i["id"] for i in invoices].index(position) + 1
        page = invoices[start : start + limit]
        lists[customer] = {"data": page, "has_more": start + limit < len(invoices)}
    return lists


def walk(customers: dict[str, list[dict[str, Any]]], limit: int) -> list[dict[str, Any]]:
    order = tuple(customers)
    cursor = None
    seen: list[dict[str, Any]] = []
    for _ in range(1000):
        after = decode_cursor(cursor, order)
        assert after is not None
        page, state = merge(stripe_lists(customers, after, limit), order, limit, after)
        seen += page
        if all(state.get(c, "") is None for c in order):
            return seen
        cursor = encode_cursor(state)
    raise AssertionError("pagination never ended")


def invoices_of(customer: str, dates: list[int]) -> list[dict[str, Any]]:
    made = [
        {"id": f"in_{customer[4:]}{n}", "customer": customer, "created": d}
        for n, d in enumerate(dates)
    ]
    return sorted(made, key=lambda i: -i["created"])


def test_merged_pages_hold_every_invoice_once_newest_first_even_with_equal_dates() -> None:
    rng = random.Random(7)
    for _ in range(50):
        customers = {
            f"cus_{name}": invoices_of(
                f"cus_{name}", [rng.randint(1, 20) for _ in range(rng.randint(0, 25))]
            )
            for name in ("A", "B", "C")[: rng.randint(2, 3)]
        }
        limit = rng.randint(1, 7)
        seen = walk(customers, limit)
        ids = [i["id"] for i in seen]
        assert len(ids) == len(set(ids))
        assert set(ids) == {i["id"] for invoices in customers.values() for i in invoices}
        assert [i["created"] for i in seen] == sorted((i["created"] for i in seen), reverse=True)


def test_a_cursor_only_reaches_the_tokens_customers() -> None:
    forged = encode_cursor({"cus_A": "in_A1", "cus_VICTIM": "in_V1"})
    assert decode_cursor(forged, ("cus_A", "cus_B")) == {"cus_A": "in_A1"}


def test_anything_else_is_not_a_cursor() -> None:
    for cursor in ["in_123", "m1.!!!", "m1.W10", "m1." + "A" * 9000, "m1.eyJhIjoxfQ"]:
        decoded = decode_cursor(cursor, ("cus_A",))
        assert decoded is None or decoded == {}, cursor
