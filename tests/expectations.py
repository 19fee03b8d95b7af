"""What the proxy answers, written once and checked on every runtime it runs on: under uvicorn
in CPython (tests/integration/test_expectations.py) and as a Python Worker in Pyodide
(tests/pyodide/test_worker.py). Each function drives one scenario through `http`, a client of
the proxy under test, and asserts what a client of the proxy sees.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from sandbox.testing import SandboxServer
from tests.integration.conftest import ORIGIN, bearer, start

NOT_FOUND = {"error": {"code": "not_found", "message": "no such object"}}


def session_with_its_first_page(http: httpx.Client) -> dict[str, Any]:
    session = start(http, "jane@example.com")
    assert session["no_user"] is False and session["livemode"] is False
    assert session["customer"]["email"] == "jane@example.com"
    assert session["subscriptions"] and session["scope"] == "subscription"
    page = session["invoices"]
    assert page["object"] == "list" and 0 < len(page["data"]) <= 10
    assert all(i["subscription"] == session["subscription"] for i in page["data"])
    return session


def next_page_from_the_tokens_cursor(http: httpx.Client) -> None:
    session = start(http, "jane@example.com", scope="all", limit=3)
    assert session["invoices"]["has_more"]
    cursor = session["invoices"]["next_cursor"]
    params = {"scope": "all", "limit": 3, "starting_after": cursor}
    answer = http.get("/v1/invoices", params=params, headers=bearer(session))
    assert answer.status_code == 200, answer.text
    first = {i["id"] for i in session["invoices"]["data"]}
    assert answer.json()["data"] and not first & {i["id"] for i in answer.json()["data"]}


def invoice_detail_with_its_lines(http: httpx.Client) -> None:
    session = start(http, "jane@example.com", scope="all")
    invoice_id = session["invoices"]["data"][0]["id"]
    answer = http.get(f"/v1/invoices/{invoice_id}", headers=bearer(session))
    assert answer.status_code == 200, answer.text
    detail = answer.json()
    assert detail["id"] == invoice_id and detail["customer_email"] == "jane@example.com"
    assert detail["lines"] and all(line["description"] for line in detail["lines"])


def pdf_as_a_redirect_or_its_address(http: httpx.Client) -> None:
    session = start(http, "jane@example.com", scope="all")
    invoice_id = session["invoices"]["data"][0]["id"]
    redirect = http.get(f"/v1/invoices/{invoice_id}/pdf", headers=bearer(session))
    assert redirect.status_code == 302, redirect.text
    url = redirect.headers["location"]
    assert url.startswith("http")
    headers = bearer(session) | {"Accept": "application/json"}
    assert http.get(f"/v1/invoices/{invoice_id}/pdf", headers=headers).json() == {"url": url}


def paying_with_the_saved_card(http: httpx.Client, sandbox: SandboxServer) -> None:
    """A customer of its own (a Visa, one open invoice of $25), so that no persona changes."""
    customer, invoice = sandbox.customer_owing("pm_card_visa", 2500)
    email = str(customer.email)
    session = start(http, email, scope="all")
    assert [i["id"] for i in session["owed"]["data"]] == [invoice.id]
    headers = bearer(session) | {"Idempotency-Key": str(uuid.uuid4())}
    answer = http.post(f"/v1/invoices/{invoice.id}/pay", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "paid" and answer.json()["invoice"]["amount_remaining"] == 0


def a_wrong_hash_is_403(http: httpx.Client) -> None:
    answer = http.post("/v1/session", json={"email": "jane@example.com", "hash": "0" * 64})
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "invalid_hash"


def another_customers_invoice_is_404(http: httpx.Client) -> None:
    theirs = start(http, "hans@example.de", scope="all")["invoices"]["data"][0]["id"]
    mine = start(http, "jane@example.com", scope="all")
    answer = http.get(f"/v1/invoices/{theirs}", headers=bearer(mine))
    assert answer.status_code == 404 and answer.json() == NOT_FOUND


def a_preflight_from_the_site(http: httpx.Client) -> None:
    headers = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    answer = http.options("/v1/session", headers=headers)
    assert answer.status_code in (200, 204)
    assert answer.headers["access-control-allow-origin"] == ORIGIN


def the_embeds_simple_requests(http: httpx.Client) -> None:
    """What the embed sends after the session: text/plain JSON holding the token, no
    Authorization header; the same answers, readable by the site's page."""
    session = start(http, "jane@example.com", scope="all", limit=3)
    plain = {"Content-Type": "text/plain;charset=UTF-8", "Origin": ORIGIN}
    body = {"token": session["token"], "scope": "all", "limit": 3}
    more = http.post(
        "/v1/invoices",
        content=json.dumps(body | {"starting_after": session["invoices"]["next_cursor"]}),
        headers=plain,
    )
    assert more.status_code == 200, more.text
    assert more.headers["access-control-allow-origin"] == ORIGIN
    invoice_id = more.json()["data"][0]["id"]
    token = json.dumps({"token": session["token"]})
    detail = http.post(f"/v1/invoices/{invoice_id}", content=token, headers=plain)
    assert detail.status_code == 200 and detail.json()["id"] == invoice_id
    pdf = http.post(f"/v1/invoices/{invoice_id}/pdf", content=token, headers=plain)
    assert pdf.status_code == 200 and pdf.json()["url"].startswith("http")


# The scenarios that need nothing but a client of the proxy, for both runtimes to parametrize.
SCENARIOS: list[Callable[[httpx.Client], None]] = [
    next_page_from_the_tokens_cursor,
    invoice_detail_with_its_lines,
    the_embeds_simple_requests,
    pdf_as_a_redirect_or_its_address,
    a_wrong_hash_is_403,
    another_customers_invoice_is_404,
    a_preflight_from_the_site,
]
