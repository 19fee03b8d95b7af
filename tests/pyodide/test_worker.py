"""The proxy as a Python Worker in Pyodide (npm `pyodide` under Node), in front of the sandbox:
the same answers as the CPython integration tests, with every Stripe call made by `fetch`.

The wheels come from local files only (tools/worker.py builds them into tmp_path).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sandbox.testing import SandboxServer
from tests.integration.conftest import ORIGIN, SECRET, bearer, start
from tools.worker import PYODIDE, Worker, build_wheels, serve

NOT_FOUND = {"error": {"code": "not_found", "message": "no such object"}}


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert (PYODIDE / "pyodide.mjs").exists(), "npm ci first: the pyodide package is missing"
    return build_wheels(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture(scope="module")
def worker(
    wheels: Path, sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    """The Worker behind its Node front; its bindings mirror the integration tests' settings."""
    env = {
        "STRIPE_SECRET_KEY": "rk_test_integration",
        "PORTAL_HASH_SECRETS": SECRET,
        "PORTAL_ALLOWED_ORIGINS": ORIGIN,
        "STRIPE_API_BASE": sandbox.url,
        "PORTAL_STRIPE_TIMEOUT": "3",
        "PORTAL_STRIPE_DEADLINE": "6",
        "PORTAL_STRIPE_CALLS_PER_SECOND": "1000",
    }
    with serve(wheels, env, tmp_path_factory.mktemp("worker")) as served:
        yield served


@pytest.fixture
def http(worker: Worker) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=worker.url, timeout=30.0) as client:
        yield client


def fetches(http: httpx.Client) -> int:
    count: int = http.get("/_front/fetches").json()["fetches"]
    return count


def test_a_session_answers_the_first_page_with_every_stripe_call_made_by_fetch(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    sandbox.reset_calls()
    before = fetches(http)
    session = start(http, "jane@example.com")
    assert session["no_user"] is False and session["livemode"] is False
    assert session["customer"]["email"] == "jane@example.com"
    assert session["subscriptions"] and session["scope"] == "subscription"
    page = session["invoices"]
    assert page["object"] == "list" and 0 < len(page["data"]) <= 10
    assert all(i["subscription"] == session["subscription"] for i in page["data"])
    stripe_calls = sandbox.calls()["total"]
    assert stripe_calls > 0 and fetches(http) - before == stripe_calls


def test_the_list_pages_on_with_the_tokens_cursor(http: httpx.Client) -> None:
    session = start(http, "jane@example.com", scope="all", limit=3)
    assert session["invoices"]["has_more"]
    cursor = session["invoices"]["next_cursor"]
    params = {"scope": "all", "limit": 3, "starting_after": cursor}
    answer = http.get("/v1/invoices", params=params, headers=bearer(session))
    assert answer.status_code == 200, answer.text
    first = {i["id"] for i in session["invoices"]["data"]}
    assert answer.json()["data"] and not first & {i["id"] for i in answer.json()["data"]}


def test_an_invoice_detail_shows_its_lines(http: httpx.Client) -> None:
    session = start(http, "jane@example.com", scope="all")
    invoice_id = session["invoices"]["data"][0]["id"]
    answer = http.get(f"/v1/invoices/{invoice_id}", headers=bearer(session))
    assert answer.status_code == 200, answer.text
    detail = answer.json()
    assert detail["id"] == invoice_id and detail["customer_email"] == "jane@example.com"
    assert detail["lines"] and all(line["description"] for line in detail["lines"])


def test_the_pdf_is_a_redirect_or_its_address_in_json(http: httpx.Client) -> None:
    session = start(http, "jane@example.com", scope="all")
    invoice_id = session["invoices"]["data"][0]["id"]
    redirect = http.get(f"/v1/invoices/{invoice_id}/pdf", headers=bearer(session))
    assert redirect.status_code == 302, redirect.text
    url = redirect.headers["location"]
    assert url.startswith("http")
    headers = bearer(session) | {"Accept": "application/json"}
    assert http.get(f"/v1/invoices/{invoice_id}/pdf", headers=headers).json() == {"url": url}


def test_paying_an_open_invoice_with_the_saved_card_marks_it_paid(http: httpx.Client) -> None:
    session = start(http, "hans@example.de", scope="all")
    params: dict[str, str | int] = {"scope": "all", "status": "open", "limit": 1}
    listed = http.get("/v1/invoices", params=params, headers=bearer(session)).json()
    assert listed["data"], "hans@example.de has no open invoice"
    invoice_id = listed["data"][0]["id"]
    headers = bearer(session) | {"Idempotency-Key": str(uuid.uuid4())}
    answer = http.post(f"/v1/invoices/{invoice_id}/pay", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "paid" and answer.json()["invoice"]["amount_remaining"] == 0


def test_a_wrong_hash_is_refused_with_403(http: httpx.Client) -> None:
    answer = http.post("/v1/session", json={"email": "jane@example.com", "hash": "0" * 64})
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "invalid_hash"


def test_another_customers_invoice_is_404_as_if_it_did_not_exist(http: httpx.Client) -> None:
    theirs = start(http, "hans@example.de", scope="all")["invoices"]["data"][0]["id"]
    mine = start(http, "jane@example.com", scope="all")
    answer = http.get(f"/v1/invoices/{theirs}", headers=bearer(mine))
    assert answer.status_code == 404 and answer.json() == NOT_FOUND


def test_a_preflight_from_the_allowed_origin_is_answered_for_it(http: httpx.Client) -> None:
    headers = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    answer = http.options("/v1/session", headers=headers)
    assert answer.status_code in (200, 204)
    assert answer.headers["access-control-allow-origin"] == ORIGIN


def test_a_worker_without_its_secrets_answers_500_and_its_log_names_them(
    http: httpx.Client, worker: Worker
) -> None:
    signed = {"email": "jane@example.com", "hash": "0" * 64}
    answer = http.post("/v1/session", json=signed, headers={"X-Front-Bindings": "none"})
    assert answer.status_code == 500 and answer.json()["error"]["code"] == "misconfigured"
    log = worker.log.read_text()
    assert "STRIPE_SECRET_KEY is not set" in log and "PORTAL_HASH_SECRETS is not set" in log
    assert start(http, "jane@example.com")["customer"]["email"] == "jane@example.com"
