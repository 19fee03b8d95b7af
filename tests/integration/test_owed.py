"""What the customer owes is in every session's answer, and emails match ignoring case."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from edge.hashing import make_hash
from sandbox.testing import SandboxServer

from .conftest import SECRET, Proxy, bearer, start

pytestmark = pytest.mark.usefixtures("fresh")


def test_every_open_invoice_is_owed_oldest_due_first_whatever_the_scope(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    # Other tests pay some of jane's invoices: compare with what Stripe holds open right now.
    customer = sandbox.customers("jane@example.com")[0]
    stripe_open = sandbox.client().v1.invoices.list({"customer": customer, "status": "open"})
    session = start(http, "jane@example.com")
    assert session["scope"] == "subscription"
    owed = session["owed"]
    assert {i["status"] for i in owed["data"]} == {"open"}
    assert {i["id"] for i in owed["data"]} == {i.id for i in stripe_open.data}
    assert len(owed["data"]) >= 1
    dues = [i["due_date"] or i["created"] for i in owed["data"]]
    assert dues == sorted(dues) and owed["data"][0]["past_due"] is True
    assert owed["totals"] == [
        {"currency": "usd", "amount_remaining": sum(i["amount_remaining"] for i in owed["data"])}
    ]
    assert owed["has_more"] is False


def test_owed_invoices_may_be_opened_though_the_list_never_showed_them(http: httpx.Client) -> None:
    session = start(http, "jane@example.com")
    listed = {i["id"] for i in session["invoices"]["data"]}
    hidden = [i["id"] for i in session["owed"]["data"] if i["id"] not in listed]
    assert hidden
    answer = http.get(f"/v1/invoices/{hidden[0]}", headers=bearer(session))
    assert answer.status_code == 200


def test_owed_costs_one_call_per_customer_and_nothing_on_reload(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    start(http, "jane@example.com")
    calls = sandbox.calls()["by_endpoint"]
    assert calls["GET /v1/invoices"] == 2  # the first page and the open invoices
    sandbox.reset_calls()
    start(http, "jane@example.com")
    assert sandbox.calls()["total"] == 0


def test_an_email_in_another_case_finds_the_customer_and_says_so(http: httpx.Client) -> None:
    exact = start(http, "jane@example.com")
    assert exact["email_matched"] == "exact"
    other = start(http, "Jane@Example.com")
    assert other["email_matched"] == "case_insensitive"
    assert other["customer"]["ids"] == exact["customer"]["ids"]
    assert other["owed"]["totals"] == exact["owed"]["totals"]


def test_a_hash_over_one_spelling_does_not_open_another(http: httpx.Client) -> None:
    body = {"email": "Jane@example.com", "hash": make_hash(SECRET, "jane@example.com")}
    answer = http.post("/v1/session", json=body)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "invalid_hash"


def test_an_email_without_any_customer_searches_once_then_is_cached(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session = start(http, "nobody-at-all@example.com")
    assert session["no_user"] is True and session["email_matched"] is None
    assert session["owed"] == {"data": [], "has_more": False, "totals": []}
    calls = sandbox.calls()["by_endpoint"]
    assert calls == {"GET /v1/customers": 1, "GET /v1/customers/search": 1}
    sandbox.reset_calls()
    start(http, "nobody-at-all@example.com")
    assert sandbox.calls()["total"] == 0


def test_spellings_of_one_email_share_its_session_limit(make_proxy: Callable[..., Proxy]) -> None:
    proxy = make_proxy(limit_session_per_identifier="2/hour")
    with proxy.client() as http:
        start(http, "jane@example.com")
        start(http, "Jane@example.com")
        body = {"email": "JANE@example.com", "hash": make_hash(SECRET, "JANE@example.com")}
        assert http.post("/v1/session", json=body).status_code == 429
