"""Webhooks an attacker replays or shapes: old signatures are refused, a replayed event changes
nothing, and a validly signed body that is not a Stripe event is a 400, never a 500."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import httpx
import pytest

from sandbox.testing import SandboxServer

from .conftest import WEBHOOK_SECRET, bearer, start

pytestmark = pytest.mark.usefixtures("fresh")
TOLERANCE = 300


def signature(payload: str, at: float) -> str:
    """Stripe's `Stripe-Signature` header for `payload` signed at unix time `at`."""
    stamp = int(at)
    mac = hmac.new(WEBHOOK_SECRET.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256)
    return f"t={stamp},v1={mac.hexdigest()}"


def deliver(http: httpx.Client, payload: str, header: str) -> httpx.Response:
    return http.post("/v1/stripe/webhook", content=payload, headers={"Stripe-Signature": header})


def invoice_event(customer: str) -> dict[str, Any]:
    invoice = {"object": "invoice", "id": "in_1Replayed", "customer": customer}
    return {"id": f"evt_{uuid.uuid4().hex}", "type": "invoice.updated", "data": {"object": invoice}}


def list_calls(http: httpx.Client, sandbox: SandboxServer, session: dict[str, Any]) -> int:
    """The Stripe calls Jane's first list page costs now: 0 while it is cached."""
    sandbox.reset_calls()
    assert http.get("/v1/invoices", headers=bearer(session)).status_code == 200
    return int(sandbox.calls()["total"])


@pytest.fixture
def jane(http: httpx.Client) -> dict[str, Any]:
    return start(http, "jane@example.com")


@pytest.mark.parametrize("age", [TOLERANCE + 100, 10 * 365 * 86400], ids=["minutes", "years"])
def test_an_event_signed_longer_ago_than_the_tolerance_is_refused(
    http: httpx.Client, sandbox: SandboxServer, jane: dict[str, Any], age: int
) -> None:
    payload = json.dumps(invoice_event(jane["customer"]["ids"][0]))
    answer = deliver(http, payload, signature(payload, time.time() - age))
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "invalid_signature"
    assert list_calls(http, sandbox, jane) == 0


def test_a_replayed_event_is_a_no_op_and_leaves_the_cache_warm(
    http: httpx.Client, sandbox: SandboxServer, jane: dict[str, Any]
) -> None:
    payload = json.dumps(invoice_event(jane["customer"]["ids"][0]))
    header = signature(payload, time.time())
    first = deliver(http, payload, header)
    assert first.status_code == 200, first.text
    assert first.json()["received"] is True and not first.json().get("duplicate")
    # The event itself was taken: it cleared Jane's cached list.
    assert list_calls(http, sandbox, jane) >= 1
    assert list_calls(http, sandbox, jane) == 0
    # The same request again, and the same event signed anew as Stripe's own retries are.
    for again in (header, signature(payload, time.time() + 1)):
        answer = deliver(http, payload, again)
        assert answer.status_code == 200, answer.text
        assert answer.json()["received"] is True and answer.json()["duplicate"] is True
        assert list_calls(http, sandbox, jane) == 0


MALFORMED = {
    "data-a-string": {"type": "invoice.updated", "data": "in_1Abc"},
    "object-a-string": {"type": "invoice.updated", "data": {"object": "in_1Abc"}},
    "object-a-list": {"type": "invoice.updated", "data": {"object": [{"id": "in_1Abc"}]}},
    "no-data": {"type": "invoice.updated"},
    "no-id": {"type": "invoice.updated", "data": {"object": {"object": "invoice"}}, "id": None},
    "id-a-number": {"type": "invoice.updated", "data": {"object": {"object": "invoice"}}, "id": 7},
    "type-a-list": {"type": ["invoice.updated"], "data": {"object": {"object": "invoice"}}},
}


@pytest.mark.parametrize("event", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_validly_signed_body_that_is_not_a_stripe_event_is_400(
    http: httpx.Client, event: dict[str, Any]
) -> None:
    body = {"id": f"evt_{uuid.uuid4().hex}", **event}
    if body["id"] is None:
        del body["id"]
    payload = json.dumps(body)
    answer = deliver(http, payload, signature(payload, time.time()))
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "invalid_request"
