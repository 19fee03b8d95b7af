"""One visitor with one valid hash trying to multiply Stripe calls: whatever the proxy refuses
costs no Stripe call, and its limits answer 429 before Stripe has to."""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import stripe

from sandbox.testing import SandboxServer

from .conftest import Proxy, bearer, serve, settings_for, signed, start

WRONG_HASH = "0" * 64


def random_invoice_id() -> str:
    return "in_1" + secrets.token_hex(12)


def edited(cursor: str) -> list[str]:
    """The cursor with one character changed in its first quarter, one in its last quarter,
    and cut short: what a visitor tries when probing for other positions."""

    def changed(at: int) -> str:
        at = next(i for i in range(at, -1, -1) if cursor[i].isalnum())
        return cursor[:at] + ("A" if cursor[at] != "A" else "B") + cursor[at + 1 :]

    return [changed(len(cursor) // 4), changed(len(cursor) * 3 // 4), cursor[:-3]]


def assert_rate_limited(answer: httpx.Response, most: int) -> None:
    assert answer.status_code == 429, answer.text
    error = answer.json()["error"]
    assert error["code"] == "rate_limited"
    retry_after = answer.headers["retry-after"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= most, retry_after
    assert error["retry_after"] == int(retry_after)


def open_invoice(client: stripe.StripeClient, customer: str) -> stripe.Invoice:
    draft = client.v1.invoices.create(
        {"customer": customer, "collection_method": "send_invoice", "days_until_due": 30}
    )
    client.v1.invoice_items.create(
        {"customer": customer, "invoice": draft.id, "amount": 2500, "description": "Work"}
    )
    return client.v1.invoices.finalize_invoice(draft.id)


@pytest.fixture
def jane(http: httpx.Client, fresh: None) -> dict[str, Any]:
    """Jane's session on the shared proxy, three invoices a page so there is a next page."""
    session = start(http, "jane@example.com", scope="all", limit=3)
    assert session["invoices"]["has_more"] and session["invoices"]["next_cursor"]
    return session


@pytest.fixture(scope="module")
def bare_sandbox() -> Iterator[SandboxServer]:
    """A sandbox of our own with no seed: it can forget everything without harming others."""
    with SandboxServer(seed=None) as server:
        yield server


def test_cursors_never_given_to_the_token_are_400_without_a_stripe_call(
    http: httpx.Client, sandbox: SandboxServer, jane: dict[str, Any]
) -> None:
    hans = start(http, "hans@example.de", scope="all")
    cursor = jane["invoices"]["next_cursor"]
    refused = [random_invoice_id(), hans["invoices"]["data"][0]["id"], *edited(cursor)]
    sandbox.reset_calls()
    for value in refused:
        answer = http.get(
            "/v1/invoices",
            params={"scope": "all", "limit": 3, "starting_after": value},
            headers=bearer(jane),
        )
        assert answer.status_code == 400, (value, answer.text)
        error = answer.json()["error"]
        assert (error["code"], error["param"]) == ("invalid_request", "starting_after")
    assert sandbox.calls()["total"] == 0
    # What the proxy did give Jane still pages: its cursor, and an invoice id it showed her.
    for value in (cursor, jane["invoices"]["data"][1]["id"]):
        answer = http.get(
            "/v1/invoices",
            params={"scope": "all", "limit": 3, "starting_after": value},
            headers=bearer(jane),
        )
        assert answer.status_code == 200, (value, answer.text)


def test_invoices_never_shown_to_the_token_are_404_without_a_stripe_call(
    http: httpx.Client, sandbox: SandboxServer, jane: dict[str, Any]
) -> None:
    hans = start(http, "hans@example.de", scope="all")["invoices"]["data"][0]["id"]
    sandbox.reset_calls()
    for invoice_id in (random_invoice_id(), hans):
        for method, path in [
            ("GET", f"/v1/invoices/{invoice_id}"),
            ("GET", f"/v1/invoices/{invoice_id}/pdf"),
            ("POST", f"/v1/invoices/{invoice_id}/pay"),
        ]:
            answer = http.request(method, path, headers=bearer(jane))
            assert answer.status_code == 404, (method, path, answer.text)
            assert answer.json()["error"]["code"] == "not_found"
    assert sandbox.calls()["total"] == 0


def test_a_not_found_answer_from_stripe_is_cached(bare_sandbox: SandboxServer) -> None:
    client = bare_sandbox.client()
    email = f"gone-{secrets.token_hex(4)}@example.com"
    invoice = open_invoice(client, client.v1.customers.create({"email": email}).id)
    with serve(settings_for(bare_sandbox.url)) as proxy, proxy.client() as http:
        session = start(http, email, scope="all")
        assert [i["id"] for i in session["invoices"]["data"]] == [invoice.id]
        bare_sandbox.reset()  # Stripe forgets every object: the invoice shown is gone
        bare_sandbox.reset_calls()
        for _ in range(3):
            answer = http.get(f"/v1/invoices/{invoice.id}", headers=bearer(session))
            assert answer.status_code == 404, answer.text
            assert answer.json()["error"]["code"] == "not_found"
    # One call, plus at most one refused by the key the first time this process asks for
    # discount names (the sandbox's restricted key has no Coupons Read).
    assert bare_sandbox.calls()["by_endpoint"]["GET /v1/invoices/{id}"] <= 2


def test_a_stripe_429_is_retried_at_most_once(http: httpx.Client, faults: SandboxServer) -> None:
    faults.fault(status=429, count=5, path="/v1/customers")
    answer = http.post("/v1/session", json=signed("jane@example.com"))
    assert answer.status_code in (429, 502, 503), answer.text
    assert answer.json()["error"]["code"] in ("rate_limited", "upstream_unavailable")
    assert 1 <= faults.calls()["by_endpoint"]["GET /v1/customers"] <= 2


def test_a_token_over_its_limit_gets_429_and_so_do_new_tokens_of_the_same_customer(
    make_proxy: Callable[..., Proxy],
) -> None:
    proxy = make_proxy(limit_per_token="5/hour")
    with proxy.client() as http:
        first = start(http, "jane@example.com")
        shown = first["invoices"]["data"][0]["id"]
        paths = ["/v1/invoices", f"/v1/invoices/{shown}"] * 3
        answers = [http.get(path, headers=bearer(first)) for path in paths]
        assert [a.status_code for a in answers] == [200] * 5 + [429], answers[-1].text
        assert_rate_limited(answers[-1], most=3600)
        again = start(http, "jane@example.com")
        assert_rate_limited(http.get("/v1/invoices", headers=bearer(again)), most=3600)
        hans = start(http, "hans@example.de")
        assert http.get("/v1/invoices", headers=bearer(hans)).status_code == 200


def test_sessions_from_one_address_over_the_limit_get_429_before_any_stripe_call(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    proxy = make_proxy(limit_session_per_ip="3/hour")
    with proxy.client() as http:
        start(http, "jane@example.com")
        start(http, "hans@example.de")
        wrong = {**signed("jane@example.com"), "hash": WRONG_HASH}
        assert http.post("/v1/session", json=wrong).status_code == 403
        sandbox.reset_calls()
        assert_rate_limited(http.post("/v1/session", json=signed("yuki@example.jp")), most=3600)
        assert sandbox.calls()["total"] == 0
        # Liveness and the API document are never limited.
        assert http.get("/healthz").status_code == 200
        assert http.get("/v1/openapi.json").status_code == 200


def test_wrong_hashes_for_an_email_do_not_lock_its_owner_out(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    proxy = make_proxy(limit_session_per_identifier="3/hour")
    with proxy.client() as http:
        wrong = {**signed("jane@example.com"), "hash": WRONG_HASH}
        for _ in range(10):
            answer = http.post("/v1/session", json=wrong)
            assert answer.status_code == 403 and answer.json()["error"]["code"] == "invalid_hash"
        for _ in range(3):
            start(http, "jane@example.com")
        sandbox.reset_calls()
        assert_rate_limited(http.post("/v1/session", json=signed("jane@example.com")), most=3600)
        assert sandbox.calls()["total"] == 0
        start(http, "hans@example.de")


def test_the_stripe_budget_answers_429_before_stripe_gets_more_calls(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    budget = 4
    proxy = make_proxy(stripe_calls_per_second=budget)
    sandbox.reset_calls()
    started = time.monotonic()
    refused = None
    with proxy.client() as http:
        session = start(http, "jane@example.com", scope="all")
        # Every limit is another cache key: each request needs a call of its own.
        for limit in range(1, 41):
            before = sandbox.calls()["total"]
            answer = http.get(
                "/v1/invoices", params={"scope": "all", "limit": limit}, headers=bearer(session)
            )
            if answer.status_code == 429:
                refused = answer
                assert sandbox.calls()["total"] == before
                break
            assert answer.status_code == 200, answer.text
    elapsed = time.monotonic() - started
    assert refused is not None, "40 distinct lists within the budget"
    assert_rate_limited(refused, most=2)
    # Fixed or moving windows of a second: at most one budget per second begun, plus one.
    assert sandbox.calls()["total"] <= budget * (math.ceil(elapsed) + 1)
