"""The customer's billing details: read and changed through the portal when the owner allows
it, checked as Stripe checks them, and on the next invoice Stripe finalizes."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, cast

import httpx
import hypothesis
import pytest
import schemathesis
import stripe
from schemathesis import Case

from sandbox.testing import SandboxServer

from .conftest import ORIGIN, Proxy, bearer, start
from .test_contract import conforms
from .test_fuzz import CHECKS

pytestmark = pytest.mark.usefixtures("fresh")

PLAIN = {"Content-Type": "text/plain;charset=UTF-8", "Origin": ORIGIN}
BERLIN = {
    "line1": "Unter den Linden 1",
    "line2": None,
    "city": "Berlin",
    "state": None,
    "postal_code": "10117",
    "country": "DE",
}


@pytest.fixture
def allowing(make_proxy: Callable[..., Proxy]) -> Proxy:
    return make_proxy(allow_billing_details=True)


@pytest.fixture
def http(allowing: Proxy) -> Iterator[httpx.Client]:
    with allowing.client() as client:
        yield client


def customer(sandbox: SandboxServer, **more: Any) -> stripe.Customer:
    email = f"billing-{uuid.uuid4().hex[:12]}@example.com"
    params = {"email": email, "name": "Old Name", **more}
    return sandbox.client().v1.customers.create(cast("stripe.params.CustomerCreateParams", params))


def update(http: httpx.Client, session: dict[str, Any], **body: Any) -> httpx.Response:
    """The change as the embed sends it: the token in a text/plain body."""
    content = json.dumps({"token": session["token"], **body})
    return http.post("/v1/billing_details/update", content=content, headers=PLAIN)


def test_billing_details_are_refused_before_any_stripe_call_when_off(
    proxy: Proxy, sandbox: SandboxServer
) -> None:
    with proxy.client() as http:
        session = start(http, "jane@example.com")
        sandbox.reset_calls()
        read = http.get("/v1/billing_details", headers=bearer(session))
        changed = update(http, session, name="Someone Else")
    for answer in (read, changed):
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "feature_disabled"
    assert sandbox.calls()["total"] == 0


def test_the_details_read_as_stripe_keeps_them(http: httpx.Client, sandbox: SandboxServer) -> None:
    anna = customer(
        sandbox,
        address={k: v for k, v in BERLIN.items() if v},
        tax_id_data=[{"type": "eu_vat", "value": "DE000000000"}],
    )
    session = start(http, str(anna.email))
    answer = http.get("/v1/billing_details", headers=bearer(session))
    assert answer.status_code == 200, answer.text
    details = answer.json()
    assert (details["name"], details["email"], details["address"]) == (
        "Old Name",
        anna.email,
        BERLIN,
    )
    [tax_id] = details["tax_ids"]
    assert tax_id["id"].startswith("txi_")
    assert (tax_id["type"], tax_id["value"], tax_id["country"]) == ("eu_vat", "DE000000000", "DE")
    assert tax_id["verification"] == {"status": "verified"}
    assert len(details["tax_id_types"]) == 135 and "gb_vat" in details["tax_id_types"]
    conforms(details, "BillingDetails")
    # The embed's form of the call: the same answer.
    content = json.dumps({"token": session["token"]})
    assert http.post("/v1/billing_details", content=content, headers=PLAIN).json() == details


def test_a_change_shows_on_the_next_invoice(
    http: httpx.Client, sandbox: SandboxServer, allowing: Proxy
) -> None:
    anna = customer(sandbox, tax_id_data=[{"type": "eu_vat", "value": "DE111111111"}])
    session = start(http, str(anna.email))
    tax_ids = [
        {"type": "eu_vat", "value": "DE123456789"},
        {"type": "gb_vat", "value": "GB123456789"},
    ]

    answer = update(http, session, name="New Name GmbH", address=BERLIN, tax_ids=tax_ids)

    assert answer.status_code == 200, answer.text
    details = answer.json()
    assert (details["name"], details["address"]) == ("New Name GmbH", BERLIN)
    assert sorted((t["type"], t["value"]) for t in details["tax_ids"]) == [
        ("eu_vat", "DE123456789"),
        ("gb_vat", "GB123456789"),
    ]
    # A new session finds the new name at once: the customer's cached answers are gone.
    assert start(http, str(anna.email))["customer"]["name"] == "New Name GmbH"

    client = sandbox.client()
    draft = client.v1.invoices.create(
        {"customer": anna.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    assert draft.id is not None
    client.v1.invoice_items.create({"customer": anna.id, "invoice": draft.id, "amount": 990})
    client.v1.invoices.finalize_invoice(draft.id)
    allowing.forget_cache()  # as Stripe's invoice.finalized webhook would
    later = start(http, str(anna.email), scope="all")
    assert draft.id in [i["id"] for i in later["invoices"]["data"]]
    detail = http.get(f"/v1/invoices/{draft.id}", headers=bearer(later)).json()
    assert (detail["customer_name"], detail["customer_address"]) == ("New Name GmbH", BERLIN)
    assert detail["customer_tax_ids"] == tax_ids


def test_fields_left_out_stay_and_null_removes(http: httpx.Client, sandbox: SandboxServer) -> None:
    anna = customer(
        sandbox,
        address={k: v for k, v in BERLIN.items() if v},
        tax_id_data=[{"type": "eu_vat", "value": "DE123456789"}],
    )
    session = start(http, str(anna.email))
    renamed = update(http, session, name="Anna Accounts").json()
    assert (renamed["name"], renamed["address"], len(renamed["tax_ids"])) == (
        "Anna Accounts",
        BERLIN,
        1,
    )
    cleared = update(http, session, address=None, tax_ids=[]).json()
    assert (cleared["name"], cleared["address"], cleared["tax_ids"]) == ("Anna Accounts", None, [])


def test_a_tax_id_stripe_refuses_is_named_by_its_place_and_nothing_changes(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    anna = customer(sandbox, tax_id_data=[{"type": "gb_vat", "value": "GB123456789"}])
    session = start(http, str(anna.email))
    tax_ids = [{"type": "eu_vat", "value": "DE123456789"}, {"type": "eu_vat", "value": "DE12"}]
    answer = update(http, session, name="New Name", tax_ids=tax_ids)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert (error["code"], error["param"]) == ("tax_id_invalid", "tax_ids[1]")
    assert "DE12" in error["message"]
    after = http.get("/v1/billing_details", headers=bearer(session)).json()
    assert after["name"] == "Old Name"
    assert [(t["type"], t["value"]) for t in after["tax_ids"]] == [("gb_vat", "GB123456789")]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"name": "x" * 257}, "name"),
        ({"name": 7}, "name"),
        ({"address": {"country": "Germany"}}, "address.country"),
        ({"address": {"planet": "Mars"}}, "address.planet"),
        ({"address": "Berlin"}, "address"),
        ({"tax_ids": "DE123456789"}, "tax_ids"),
        ({"tax_ids": [{"type": "xx_vat", "value": "1"}]}, "tax_ids[0].type"),
        ({"tax_ids": [{"type": "eu_vat", "value": " "}]}, "tax_ids[0].value"),
        ({"tax_ids": [{"type": "eu_vat", "value": "DE1", "country": "DE"}]}, "tax_ids[0]"),
    ],
)
def test_a_malformed_field_is_refused_naming_it_before_any_stripe_call(
    http: httpx.Client, sandbox: SandboxServer, body: dict[str, Any], param: str
) -> None:
    session = start(http, "jane@example.com")
    sandbox.reset_calls()
    answer = update(http, session, **body)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["param"]) == ("invalid_request", param)
    assert sandbox.calls()["total"] == 0


def test_a_change_with_the_authorization_header_and_a_json_body(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    anna = customer(sandbox)
    session = start(http, str(anna.email))
    answer = http.post(
        "/v1/billing_details/update",
        json={"address": {"country": "fr", "city": "Paris"}},
        headers=bearer(session),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["address"] == {
        **dict.fromkeys(BERLIN),
        "city": "Paris",
        "country": "FR",
    }


def test_no_generated_change_gets_a_server_error_or_an_undocumented_answer(
    allowing: Proxy, sandbox: SandboxServer
) -> None:
    """Schemathesis on the change, with a real token in either form: whatever the body, a
    documented answer, never a 5xx (the test's own customer takes the changes)."""
    anna = customer(sandbox)
    with allowing.client() as client:
        token = start(client, str(anna.email))["token"]
    schema = schemathesis.openapi.from_url(f"{allowing.url}/v1/openapi.json")
    operation = schema["/v1/billing_details/update"]["post"]
    answered: Counter[int] = Counter()
    for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

        @hypothesis.given(operation.as_strategy(mode))
        @hypothesis.settings(
            max_examples=40,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        def call(case: Case[Any]) -> None:
            if case.media_type == "text/plain" and isinstance(case.body, dict):
                case.body = json.dumps({**case.body, "token": token}).encode()
            else:
                bearer_ = {"Authorization": f"Bearer {token}"}
                case.headers = {**(case.headers or {}), **bearer_}  # type: ignore[assignment,dict-item]
            answered[case.call_and_validate(checks=CHECKS).status_code] += 1

        call()
    # Changes went through, and refusals too.
    assert answered[200] and answered[400], answered
