"""The gateway's own rules, and what the concept modules ask through it, over a scripted HTTP
layer (the sandbox tests cover the rest)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
import stripe

from edge import customers, invoices, payments
from edge.errors import ApiError
from edge.gateway import Gateway
from edge.settings import Settings
from edge.store import Store

SETTINGS = Settings(
    stripe_secret_key="sk_test_unit",
    hash_secrets=("s",),
    allowed_origins=("https://a.example",),
    api_base="http://stripe.invalid",
    stripe_timeout=0.5,
    stripe_deadline=1.0,
)
EMPTY_LIST = {"object": "list", "data": [], "has_more": False, "url": "/v1/customers"}


def gateway(*answers: object, store: Store | None = None) -> tuple[Gateway, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    script = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = script.pop(0) if script else EMPTY_LIST
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        if isinstance(answer, int):
            body = {"error": {"type": "api_error", "message": "boom"}}
            return httpx.Response(answer, json=body)
        return httpx.Response(200, json=answer)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    return Gateway(SETTINGS, client, store), seen


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_every_call_pins_the_sdks_api_version_and_carries_the_key_only_in_the_header() -> (
    None
):
    gate, seen = gateway()
    await customers.by_email(gate, "jane@example.com")
    assert seen[0].headers["stripe-version"] == stripe.api_version
    assert seen[0].headers["authorization"] == "Bearer sk_test_unit"
    assert "sk_test_unit" not in str(seen[0].url)


@pytest.mark.anyio
@pytest.mark.parametrize("failure", [500, 503, httpx.ConnectError("refused")])
async def test_server_errors_and_network_errors_are_retried(
    failure: int | httpx.ConnectError,
) -> None:
    gate, seen = gateway(failure, failure, EMPTY_LIST)
    assert await customers.by_email(gate, "jane@example.com") == ([], None)
    assert len(seen) == 4  # three tries of the list, then the search for another spelling


@pytest.mark.anyio
async def test_a_stripe_rate_limit_is_retried_once_and_no_more() -> None:
    gate, seen = gateway(429, EMPTY_LIST)
    assert await customers.by_email(gate, "jane@example.com") == ([], None)
    assert len(seen) == 3
    gate, seen = gateway(*[429] * 10)
    with pytest.raises(ApiError) as caught:
        await customers.by_email(gate, "jane@example.com")
    assert (caught.value.status, caught.value.code) == (429, "rate_limited")
    assert len(seen) == 2


@pytest.mark.anyio
async def test_a_spent_stripe_budget_answers_429_without_calling_stripe() -> None:
    store = Store(replace(SETTINGS, stripe_calls_per_second=2), seen_bytes=10**6)
    gate, seen = gateway(store=store)
    await customers.by_email(gate, "a@example.com")  # the list, then the search
    with pytest.raises(ApiError) as caught:
        await customers.by_email(gate, "b@example.com")
    assert (caught.value.status, caught.value.code) == (429, "rate_limited")
    assert caught.value.headers == {"Retry-After": "1"}
    assert len(seen) == 2


@pytest.mark.anyio
async def test_retries_stop_at_the_deadline_with_upstream_unavailable() -> None:
    gate, seen = gateway(*[500] * 50)
    with pytest.raises(ApiError) as caught:
        await customers.by_email(gate, "jane@example.com")
    assert (caught.value.status, caught.value.code) == (502, "upstream_unavailable")
    assert 2 <= len(seen) <= 5


@pytest.mark.anyio
async def test_a_client_error_from_stripe_is_not_retried() -> None:
    gate, seen = gateway(400)
    with pytest.raises(ApiError):
        await invoices.invoice(gate, "in_1abc", ("cus_A",))
    assert len(seen) == 1


@pytest.mark.anyio
async def test_a_timeout_is_504_upstream_timeout() -> None:
    gate, seen = gateway(*[httpx.ReadTimeout("slow")] * 50)
    with pytest.raises(ApiError) as caught:
        await customers.by_email(gate, "jane@example.com")
    assert (caught.value.status, caught.value.code) == (504, "upstream_timeout")


@pytest.mark.anyio
async def test_pay_without_a_key_still_sends_one_so_retries_cannot_charge_twice() -> None:
    customer: dict[str, Any] = {"id": "cus_A", "object": "customer"}
    customer["invoice_settings"] = {"default_payment_method": "pm_1"}
    invoice: dict[str, Any] = {
        "id": "in_1abc",
        "object": "invoice",
        "status": "open",
        "customer": customer,
    }
    invoice |= {"default_payment_method": None, "parent": None, "hosted_invoice_url": "https://h"}
    paid = {**invoice, "customer": "cus_A", "status": "paid"}
    gate, seen = gateway(invoice, 500, paid)
    result = await payments.pay(gate, "in_1abc", ("cus_A",), None)
    assert result["status"] == "paid"
    first, second = seen[1], seen[2]
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert b"payment_method=pm_1" in first.content


@pytest.mark.anyio
async def test_an_invoice_of_another_customer_is_not_found() -> None:
    invoice = {"id": "in_1abc", "object": "invoice", "status": "open", "customer": "cus_B"}
    gate, _ = gateway(invoice)
    with pytest.raises(ApiError) as caught:
        await invoices.invoice(gate, "in_1abc", ("cus_A",))
    assert caught.value.code == "not_found"


def customer_list(*emails: str, object: str = "list") -> dict[str, object]:
    data = [
        {"id": f"cus_{i}", "object": "customer", "email": e, "created": i}
        for i, e in enumerate(emails)
    ]
    return {"object": object, "data": data, "has_more": False, "url": "/v1/customers"}


@pytest.mark.anyio
async def test_an_exact_email_match_costs_one_call_and_never_searches() -> None:
    gate, seen = gateway(customer_list("Jane@example.com"))
    found, matched = await customers.by_email(gate, "Jane@example.com")
    assert [c["id"] for c in found] == ["cus_0"] and matched == "exact"
    assert [r.url.path for r in seen] == ["/v1/customers"]


@pytest.mark.anyio
async def test_another_spelling_is_found_by_search_ignoring_case_newest_first() -> None:
    listed = customer_list("jane@example.com", "JANE@EXAMPLE.COM", "janet@example.com")
    gate, seen = gateway(EMPTY_LIST, listed | {"object": "search_result"})
    found, matched = await customers.by_email(gate, "Jane@Example.com")
    assert [c["id"] for c in found] == ["cus_1", "cus_0"]
    assert matched == "case_insensitive"
    assert [r.url.path for r in seen] == ["/v1/customers", "/v1/customers/search"]
    assert seen[1].url.params["query"] == "email:'Jane@Example.com'"


@pytest.mark.anyio
async def test_an_email_with_a_quote_is_searched_in_the_other_quotes_or_not_at_all() -> None:
    gate, seen = gateway()
    await customers.by_email(gate, "o'brien@example.com")
    assert seen[1].url.params["query"] == 'email:"o\'brien@example.com"'
    gate, seen = gateway()
    assert await customers.by_email(gate, "o'b\"x@example.com") == ([], None)
    assert len(seen) == 1
