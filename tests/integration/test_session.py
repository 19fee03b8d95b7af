from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from edge.hashing import CLOCK_SKEW, make_hash
from sandbox.testing import SandboxServer

from .conftest import SECRET, Proxy, bearer, signed, start

pytestmark = pytest.mark.usefixtures("fresh")


def test_every_session_names_the_current_subscription_whatever_the_list_shows(
    http: httpx.Client,
) -> None:
    narrow = start(http, "jane@example.com")
    every = start(http, "jane@example.com", scope="all")
    assert every["subscription"] is None and every["scope"] == "all"
    assert every["current_subscription"] == narrow["current_subscription"]
    assert narrow["current_subscription"] == narrow["subscription"]


def test_a_session_answers_token_features_subscriptions_and_the_first_page(
    http: httpx.Client,
) -> None:
    session = start(http, "jane@example.com")
    assert session["no_user"] is False
    assert session["livemode"] is False
    assert session["features"] == {
        "pay": True,
        "pdf": True,
        "show_all": True,
        "payment_method_update": True,
        "plan_change": False,
        "cancel": False,
        "receipts": True,
        "summary": True,
        "credit_notes": True,
        "export": True,
        "filters": True,
        "billing_details": False,
        "offer": False,
    }
    assert session["customer"]["email"] == "jane@example.com"
    assert session["merged_customers"] == 1
    assert session["subscriptions"] and session["scope"] == "subscription"
    assert session["subscription"] == session["subscriptions"][0]["id"]
    assert session["expires_at"] > time.time() + 14 * 60
    page = session["invoices"]
    assert page["object"] == "list" and 0 < len(page["data"]) <= 10
    assert all(i["subscription"] == session["subscription"] for i in page["data"])
    assert all(i["currency"] == "usd" for i in page["data"])


def test_drafts_are_never_shown(http: httpx.Client) -> None:
    session = start(http, "jane@example.com", scope="all", limit=100)
    statuses = {i["status"] for i in session["invoices"]["data"]}
    assert "draft" not in statuses
    assert {"open", "paid"} <= statuses


def test_show_all_includes_one_time_invoices_that_the_subscription_scope_leaves_out(
    http: httpx.Client,
) -> None:
    subscription = start(http, "jane@example.com", limit=100)
    everything = start(http, "jane@example.com", scope="all", limit=100)
    assert everything["scope"] == "all" and everything["subscription"] is None
    one_time = [i for i in everything["invoices"]["data"] if i["subscription"] is None]
    assert one_time
    shown = {i["id"] for i in subscription["invoices"]["data"]}
    assert not shown & {i["id"] for i in one_time}


@pytest.mark.parametrize(
    ("email", "currency"),
    [("hans@example.de", "eur"), ("yuki@example.jp", "jpy")],
)
def test_customers_see_their_invoices_in_their_currency(
    http: httpx.Client, email: str, currency: str
) -> None:
    session = start(http, email, scope="all")
    assert session["invoices"]["data"]
    assert {i["currency"] for i in session["invoices"]["data"]} == {currency}


def test_an_email_without_a_stripe_customer_gets_an_empty_portal(http: httpx.Client) -> None:
    session = start(http, "nobody@example.com")
    assert session["no_user"] is True and session["customer"] is None
    assert session["invoices"]["data"] == [] and session["invoices"]["has_more"] is False
    listed = http.get("/v1/invoices", headers=bearer(session))
    assert listed.status_code == 200 and listed.json()["data"] == []


def test_a_customer_without_invoices_gets_an_empty_list(http: httpx.Client) -> None:
    session = start(http, "empty@example.com")
    assert session["no_user"] is False and session["customer"] is not None
    assert session["invoices"]["data"] == [] and session["scope"] == "all"


def test_another_spelling_of_the_email_finds_the_customer_and_says_so(http: httpx.Client) -> None:
    session = start(http, "JANE@example.com")
    assert session["no_user"] is False and session["email_matched"] == "case_insensitive"


def test_a_customer_id_opens_the_same_portal_as_its_email(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    by_email = start(http, "hans@example.de", scope="all")
    customer_id = by_email["customer"]["ids"][0]
    by_id = start(http, customer_id, scope="all")
    assert by_id["customer"]["ids"] == [customer_id]
    assert by_id["invoices"]["data"] == by_email["invoices"]["data"]


def test_an_unknown_customer_id_with_a_valid_hash_gets_an_empty_portal(http: httpx.Client) -> None:
    session = start(http, "cus_DoesNotExist000")
    assert session["no_user"] is True and session["invoices"]["data"] == []


def test_two_stripe_customers_with_one_email_are_merged(http: httpx.Client) -> None:
    session = start(http, "twin@example.com", scope="all")
    assert session["merged_customers"] == 2 and len(session["customer"]["ids"]) == 2
    owners = {i["customer"] for i in session["invoices"]["data"]}
    assert owners == set(session["customer"]["ids"])


def test_a_chosen_subscription_shows_only_its_invoices(http: httpx.Client) -> None:
    first = start(http, "multi@example.com")
    assert len(first["subscriptions"]) >= 2
    other = next(s["id"] for s in first["subscriptions"] if s["id"] != first["subscription"])
    chosen = start(http, "multi@example.com", subscription=other)
    assert chosen["subscription"] == other
    assert chosen["invoices"]["data"]
    assert {i["subscription"] for i in chosen["invoices"]["data"]} == {other}
    listed = http.get("/v1/invoices", params={"subscription": other}, headers=bearer(first))
    assert listed.json()["data"] == chosen["invoices"]["data"]


def test_another_customers_subscription_is_not_found(http: httpx.Client) -> None:
    jane = start(http, "jane@example.com")
    multi = start(http, "multi@example.com")
    answer = http.post(
        "/v1/session", json=signed("multi@example.com", subscription=jane["subscription"])
    )
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    listed = http.get(
        "/v1/invoices", params={"subscription": jane["subscription"]}, headers=bearer(multi)
    )
    assert listed.status_code == 404


def test_status_filter_is_applied(http: httpx.Client) -> None:
    session = start(http, "jane@example.com")
    answer = http.get(
        "/v1/invoices", params={"scope": "all", "status": "paid"}, headers=bearer(session)
    )
    assert answer.status_code == 200
    assert answer.json()["data"] and {i["status"] for i in answer.json()["data"]} == {"paid"}


def test_html_in_names_comes_back_as_plain_json_text(http: httpx.Client) -> None:
    session = start(http, "html@example.com", scope="all")
    answer = http.get(
        f"/v1/invoices/{session['invoices']['data'][0]['id']}", headers=bearer(session)
    )
    assert answer.headers["content-type"] == "application/json"
    texts = [session["customer"]["name"]] + [line["description"] for line in answer.json()["lines"]]
    assert any("<" in (t or "") for t in texts)


def test_invoice_detail_has_lines_and_totals(http: httpx.Client) -> None:
    session = start(http, "jane@example.com", scope="all")
    invoice_id = session["invoices"]["data"][0]["id"]
    detail = http.get(f"/v1/invoices/{invoice_id}", headers=bearer(session)).json()
    assert detail["id"] == invoice_id and detail["lines"]
    assert detail["customer_email"] == "jane@example.com"
    assert (
        sum(line["amount"] for line in detail["lines"]) == detail["subtotal"]
        or detail["lines_has_more"]
    )
    assert detail["total"] == detail["subtotal"] + detail["tax"] - detail["discount"]


def test_pdf_is_a_redirect_or_json_for_the_embed(http: httpx.Client) -> None:
    session = start(http, "jane@example.com", scope="all")
    invoice_id = session["invoices"]["data"][0]["id"]
    redirect = http.get(f"/v1/invoices/{invoice_id}/pdf", headers=bearer(session))
    assert redirect.status_code == 302
    url = redirect.headers["location"]
    assert url.startswith("http")
    as_json = http.get(
        f"/v1/invoices/{invoice_id}/pdf",
        headers={**bearer(session), "Accept": "application/json"},
    )
    assert as_json.status_code == 200 and as_json.json() == {"url": url}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"email": "jane@example.com", "hash": make_hash("wrong", "jane@example.com")},
            "invalid_hash",
        ),
        ({"email": "jane@example.com"}, "missing_hash"),
        (
            {"email": "jane@example.com", "hash": make_hash(SECRET, "hans@example.de")},
            "invalid_hash",
        ),
        (
            {
                "email": "jane@example.com",
                "hash": make_hash(SECRET, "jane@example.com:1000"),
                "expires": 1000,
            },
            "expired_hash",
        ),
    ],
)
def test_wrong_missing_and_expired_hashes_are_refused_with_403(
    http: httpx.Client, sandbox: SandboxServer, body: dict[str, Any], code: str
) -> None:
    answer = http.post("/v1/session", json=body)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == code
    assert sandbox.calls()["total"] == 0


def test_an_expiring_hash_opens_a_session(http: httpx.Client) -> None:
    expires = int(time.time()) + 600
    body = {"email": "jane@example.com", "expires": expires}
    body["hash"] = make_hash(SECRET, "jane@example.com", expires)
    assert http.post("/v1/session", json=body).status_code == 200


def test_a_session_token_never_outlives_its_expiring_hash(http: httpx.Client) -> None:
    # Two seconds before the end of the clock-skew grace an expired hash still opens a session.
    hash_ends = int(time.time()) + 2
    expires = hash_ends - CLOCK_SKEW
    body = {"email": "jane@example.com", "expires": expires}
    body["hash"] = make_hash(SECRET, "jane@example.com", expires)
    session = http.post("/v1/session", json=body).json()
    assert session["expires_at"] <= hash_ends
    time.sleep(max(0.0, hash_ends - time.time()) + 1.1)
    answer = http.get("/v1/invoices", headers=bearer(session))
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "expired_token"
    renewed = http.post("/v1/session", json=body)
    assert renewed.status_code == 403 and renewed.json()["error"]["code"] == "expired_hash"


def test_the_owner_can_require_expiring_hashes(make_proxy: Callable[..., Proxy]) -> None:
    proxy = make_proxy(require_expiring_hash=True)
    with proxy.client() as client:
        answer = client.post("/v1/session", json=signed("jane@example.com"))
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "expiring_hash_required"


def test_hash_checks_can_be_turned_off_in_test_mode(make_proxy: Callable[..., Proxy]) -> None:
    proxy = make_proxy(require_hash=False)
    with proxy.client() as client:
        answer = client.post("/v1/session", json={"email": "jane@example.com"})
    assert answer.status_code == 200 and answer.json()["no_user"] is False


def test_disabled_features_are_refused_even_when_called_directly(
    make_proxy: Callable[..., Proxy], http: httpx.Client
) -> None:
    proxy = make_proxy(allow_pay=False, allow_pdf=False, allow_show_all=False)
    with proxy.client() as client:
        session = start(client, "jane@example.com")
        assert {k: session["features"][k] for k in ("pay", "pdf", "show_all")} == {
            "pay": False,
            "pdf": False,
            "show_all": False,
        }
        invoice_id = session["invoices"]["data"][0]["id"]
        refused = [
            client.post("/v1/session", json=signed("jane@example.com", scope="all")),
            client.get("/v1/invoices", params={"scope": "all"}, headers=bearer(session)),
            client.get(f"/v1/invoices/{invoice_id}/pdf", headers=bearer(session)),
            client.post(f"/v1/invoices/{invoice_id}/pay", headers=bearer(session)),
        ]
    for answer in refused:
        assert answer.status_code == 403, answer.request.url
        assert answer.json()["error"]["code"] == "feature_disabled"
