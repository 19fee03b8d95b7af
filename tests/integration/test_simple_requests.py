"""Every token call as a CORS simple request: `POST`, `Content-Type: text/plain`, the token and
the parameters in one JSON body. The same answers as the Authorization form, the token never
in a URL, and nothing a cross-site form could send is ever acted on."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from sandbox.testing import SandboxServer

from .conftest import ORIGIN, bearer, start, walk
from .test_contract import conforms

pytestmark = pytest.mark.usefixtures("fresh")

PLAIN = {"Content-Type": "text/plain;charset=UTF-8", "Origin": ORIGIN}
YEAR = 365 * 86400


def simple(http: httpx.Client, path: str, token: str | None, **params: Any) -> httpx.Response:
    body = {**({"token": token} if token is not None else {}), **params}
    return http.post(path, content=json.dumps(body), headers=PLAIN)


def test_list_detail_and_pdf_answer_as_with_the_authorization_header(
    http: httpx.Client,
) -> None:
    session = start(http, "jane@example.com", scope="all", limit=2)
    token, cursor = session["token"], session["invoices"]["next_cursor"]
    query = {"scope": "all", "limit": 2, "starting_after": cursor}
    by_header = http.get("/v1/invoices", params=query, headers=bearer(session))
    by_body = simple(http, "/v1/invoices", token, **query)
    assert by_body.status_code == 200, by_body.text
    assert by_body.json() == by_header.json()
    # The page's answer is readable by the allowed page without any preflight having run.
    assert by_body.headers["access-control-allow-origin"] == ORIGIN
    conforms(by_body.json(), "InvoicePage")

    invoice = session["invoices"]["data"][0]["id"]
    detail = simple(http, f"/v1/invoices/{invoice}", token)
    assert detail.status_code == 200, detail.text
    assert detail.json() == http.get(f"/v1/invoices/{invoice}", headers=bearer(session)).json()
    pdf = simple(http, f"/v1/invoices/{invoice}/pdf", token)
    assert pdf.status_code == 200 and pdf.json()["url"].startswith("http")


def test_paying_as_a_simple_request_with_its_idempotency_key_in_the_body(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    customer, _ = sandbox.customer_owing("pm_card_visa", 4200)
    session = start(http, str(customer.email), scope="all")
    token = session["token"]
    listed = simple(http, "/v1/invoices", token, scope="all", status="open", limit=1).json()
    invoice = listed["data"][0]["id"]
    method = simple(http, f"/v1/invoices/{invoice}/payment_method", token)
    assert method.status_code == 200, method.text
    conforms(method.json(), "PayWith")
    key = str(uuid.uuid4())
    first = simple(http, f"/v1/invoices/{invoice}/pay", token, idempotency_key=key)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "paid"
    sandbox.reset_calls()
    again = simple(http, f"/v1/invoices/{invoice}/pay", token, idempotency_key=key)
    assert again.status_code == 200 and again.json()["invoice"]["id"] == invoice
    bad = simple(http, f"/v1/invoices/{invoice}/pay", token, idempotency_key="a b")
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "idempotency_key"


def test_a_billing_portal_session_as_a_simple_request(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    customer = sandbox.customer_paying_with("pm_card_visa", name="Simple Person")
    session = start(http, str(customer.email))
    answer = simple(
        http,
        "/v1/billing_portal",
        session["token"],
        flow="payment_method_update",
        return_url=ORIGIN + "/billing",
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["url"].startswith(sandbox.url + "/p/session/")


@pytest.mark.parametrize(
    ("token", "code"),
    [(None, "missing_token"), ("", "invalid_token"), (42, "invalid_token"), ("x.y.z", None)],
)
def test_a_missing_or_wrong_token_is_401_without_a_stripe_call(
    http: httpx.Client, sandbox: SandboxServer, token: Any, code: str | None
) -> None:
    sandbox.reset_calls()
    body = {} if token is None else {"token": token}
    answer = http.post("/v1/invoices", content=json.dumps(body), headers=PLAIN)
    assert answer.status_code == 401
    if code is not None:
        assert answer.json()["error"]["code"] == code
    assert sandbox.calls()["total"] == 0


def test_the_token_is_refused_in_a_url(http: httpx.Client) -> None:
    session = start(http, "jane@example.com")
    answer = http.get("/v1/invoices", params={"token": session["token"]})
    assert answer.status_code == 401
    answer = http.get("/v1/invoices", params={"token": "x"}, headers=bearer(session))
    assert answer.status_code == 400 and answer.json()["error"]["param"] == "token"


def test_what_a_cross_site_form_can_send_is_never_acted_on(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    """An HTML form on another site can POST urlencoded or multipart bodies with no preflight;
    even holding a token it is refused, and nothing is charged."""
    customer, owed = sandbox.customer_owing("pm_card_visa", 4200)
    session = start(http, str(customer.email), scope="all")
    invoice = str(owed.id)
    assert invoice in {i["id"] for i in session["owed"]["data"]}
    sandbox.reset_calls()
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        answer = http.post(
            f"/v1/invoices/{invoice}/pay",
            content=f"token={session['token']}",
            headers={"Content-Type": content_type, "Origin": "https://evil.example"},
        )
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "origin_not_allowed"
        answer = http.post(
            f"/v1/invoices/{invoice}/pay",
            content=f"token={session['token']}",
            headers={"Content-Type": content_type},
        )
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "missing_token"
    assert sandbox.calls()["total"] == 0
    detail = http.get(f"/v1/invoices/{invoice}", headers=bearer(session)).json()
    assert detail["status"] == "open"


def test_a_page_on_another_origin_is_refused_even_with_a_token(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    session = start(http, "jane@example.com")
    sandbox.reset_calls()
    answer = http.post(
        "/v1/invoices",
        content=json.dumps({"token": session["token"]}),
        headers={**PLAIN, "Origin": "https://evil.example"},
    )
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in answer.headers
    assert sandbox.calls()["total"] == 0


def test_created_bounds_jump_to_a_month_and_paging_keeps_them(http: httpx.Client) -> None:
    session = start(http, "big@example.com", scope="all", limit=100)
    newest = session["invoices"]["data"][0]["created"]
    assert session["customer"]["since"] <= min(i["created"] for i in session["invoices"]["data"])
    before = newest - 3 * YEAR
    token = session["token"]
    first = simple(http, "/v1/invoices", token, scope="all", limit=5, created={"lt": before})
    assert first.status_code == 200, first.text
    page = first.json()
    assert page["data"] and all(i["created"] < before for i in page["data"])
    # The newest of them is the first before the bound: nothing between was skipped.
    everything = walk(http, session, scope="all", limit=100)
    assert page["data"][0]["id"] == next(i["id"] for i in everything if i["created"] < before)
    following = simple(
        http,
        "/v1/invoices",
        token,
        scope="all",
        limit=5,
        created={"lt": before},
        starting_after=page["next_cursor"],
    ).json()
    assert following["data"] and all(
        i["created"] < page["data"][-1]["created"] for i in following["data"]
    )
    # The query form says the same in Stripe's own notation.
    by_query = http.get(
        "/v1/invoices",
        params={"scope": "all", "limit": 5, "created[lt]": before},
        headers=bearer(session),
    )
    assert by_query.json() == page
    window = simple(
        http,
        "/v1/invoices",
        token,
        scope="all",
        limit=100,
        created={"gte": before - 86400 * 20, "lt": before},
    ).json()
    assert window["data"] and not window["has_more"]
    assert all(before - 86400 * 20 <= i["created"] < before for i in window["data"])


@pytest.mark.parametrize(
    ("created", "param"),
    [
        ("2024-01", "created"),
        ({"before": 1}, "created[before]"),
        ({"lt": -1}, "created[lt]"),
        ({"lt": "soon"}, "created[lt]"),
        ({"lt": 2**41}, "created[lt]"),
        ({"lt": True}, "created[lt]"),
    ],
)
def test_bad_created_bounds_are_400_naming_them_without_a_stripe_call(
    http: httpx.Client, sandbox: SandboxServer, created: Any, param: str
) -> None:
    session = start(http, "jane@example.com")
    sandbox.reset_calls()
    answer = simple(http, "/v1/invoices", session["token"], created=created)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["param"] == param
    assert sandbox.calls()["total"] == 0
