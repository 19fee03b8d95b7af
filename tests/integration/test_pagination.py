from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox.testing import SandboxServer

from .conftest import bearer, start, walk

pytestmark = pytest.mark.usefixtures("fresh")


def newest_first(invoices: list[dict[str, Any]]) -> bool:
    created = [i["created"] for i in invoices]
    return created == sorted(created, reverse=True)


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_twin_customers_are_merged_newest_first_across_pages_without_repeats(
    http: httpx.Client, sandbox: SandboxServer, limit: int
) -> None:
    session = start(http, "twin@example.com", scope="all", limit=limit)
    seen = walk(http, session, scope="all", limit=limit)
    ids = [i["id"] for i in seen]
    assert len(ids) == len(set(ids))
    assert newest_first(seen)
    stripe = sandbox.client()
    expected = set()
    for customer in session["customer"]["ids"]:
        for invoice in stripe.v1.invoices.list({"customer": customer, "limit": 100}).data:
            if invoice.status != "draft":
                expected.add(invoice.id)
    assert len({i["customer"] for i in seen}) == 2
    assert set(ids) == expected


def test_a_big_customer_pages_through_with_one_stripe_call_per_page(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session = start(http, "big@example.com", scope="all", limit=100)
    page = session["invoices"]
    assert len(page["data"]) == 100 and page["has_more"]
    seen = list(page["data"])
    sandbox.reset_calls()
    for _ in range(3):
        answer = http.get(
            "/v1/invoices",
            params={"scope": "all", "limit": 100, "starting_after": page["next_cursor"]},
            headers=bearer(session),
        )
        page = answer.json()
        seen += page["data"]
    assert sandbox.calls()["total"] == 3
    assert len(seen) == 400 and len({i["id"] for i in seen}) == 400
    assert newest_first(seen)


def test_a_cursor_that_is_not_one_is_refused(http: httpx.Client) -> None:
    session = start(http, "twin@example.com", scope="all")
    for cursor in ["in_doesnotexist", "m1.!!!", "m1." + "A" * 50, "../x"]:
        answer = http.get(
            "/v1/invoices",
            params={"scope": "all", "starting_after": cursor},
            headers=bearer(session),
        )
        assert answer.status_code == 400, (cursor, answer.text)
        assert answer.json()["error"]["param"] == "starting_after"
