"""Schemathesis against a running proxy and its own /v1/openapi.json: no generated request, from
well-formed to hostile, gets a 5xx or an answer the document does not describe.

Generated values alone would hardly get past the hash check, so the cases also carry what real
visits gave: signed session bodies, the tokens of several customers (a foreign token on another
customer's invoices is a 404), forged tokens, invoice ids shown or never shown, cursors real,
foreign and edited, webhook events signed as Stripe signs them. Every operation is fuzzed on
its own, then again on a proxy with tight limits (its 429s checked too), pay on a proxy that
may pay (with tokens that cannot pay these invoices), and the stateful test follows the
document's links from a session to the invoice endpoints. Derandomized and bounded: the same
cases every run, in well under a minute.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import jwt
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import Case, Response
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from edge import tokens
from edge.openapi import PATHS
from sandbox.testing import SandboxServer

from .conftest import ORIGIN, SECRET, WEBHOOK_SECRET, Proxy, serve, settings_for, signed, start

# Hypothesis describes each stateful step with the whole answer it came from; too long to show.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES_PER_OPERATION = 60
THROTTLED_EXAMPLES = 15
SCENARIOS = 40
STEPS_PER_SCENARIO = 6
OPERATIONS = [(path, method) for path, operations in PATHS.items() for method in operations]
# Payments are off on the fuzzed proxy, and so is asking which card paying would charge.
NEVER_SUCCEEDS = {
    "/v1/invoices/{id}/pay",
    "/v1/invoices/{id}/payment_method",
    # Billing details are off on the fuzzed proxy (test_billing_details fuzzes them on).
    "/v1/billing_details",
    "/v1/billing_details/update",
}
PAY = "POST /v1/invoices/{id}/pay"
EVENT_TYPES = ["invoice.paid", "invoiceitem.created", "customer.updated", "customer.deleted"]
EVENT_IDS = itertools.count()
# JSON where Stripe puts a customer's id, in signed events: none of it may cost a 500.
ODD_IDS = [{"id": ["cus_1"]}, ["cus_1"], {"id": {}}, {"id": 7}, {}, 7, True, None, ""]
# Drawn instead of a real value: keep what schemathesis generated.
KEEP = object()
PEOPLE = ["jane@example.com", "hans@example.de", "twin@example.com", "nobody@example.com"]
# Billing portal requests as the embed sends them (the fuzzed proxy allows only card updates).
PORTAL_BODIES = [
    {"flow": "payment_method_update", "return_url": ORIGIN + "/account"},
    {"flow": "subscription_cancel", "return_url": ORIGIN + "/account"},
    {"flow": "payment_method_update", "return_url": "https://evil.example/account"},
]


@dataclasses.dataclass(frozen=True)
class Visits:
    """What real sessions on the fuzzed proxy gave, for the cases to draw from."""

    bodies: list[dict[str, Any]]
    # Authorization headers: of real sessions (another customer's on jane's ids is a 404),
    # and forged or malformed ones (401).
    tokens: list[str]
    forged: list[str | None]
    # Tokens of customers other than jane: on jane's invoices they can never pay.
    strangers: list[str]
    # Invoice ids the sessions were shown, and ids never shown: 404 without a Stripe call.
    shown: list[str]
    janes: list[str]
    unseen: list[str]
    # Real cursors, edited ones, and invoice ids as cursors.
    cursors: list[str]


@pytest.fixture(scope="module")
def visits(fuzzed: Proxy, sandbox: SandboxServer) -> Visits:
    with fuzzed.client() as http:
        sessions = [start(http, email) for email in PEOPLE]
        sessions.append(start(http, "jane@example.com", scope="all", limit=3))
    jane, hans, _, nobody, jane_all = sessions
    shown = [i["id"] for s in sessions for i in s["invoices"]["data"]]
    seeded = [i for ids in sandbox.seed()["invoices"]["jane@example.com"].values() for i in ids]
    cursors = [s["invoices"]["next_cursor"] for s in sessions if s["invoices"]["has_more"]]
    assert len(cursors) >= 2 and len(shown) > 10
    return Visits(
        bodies=[
            *(signed(email) for email in PEOPLE),
            signed("jane@example.com", scope="all", limit=100),
            signed(jane["customer"]["ids"][0], scope="subscription", limit=1),
        ],
        tokens=[f"Bearer {s['token']}" for s in sessions],
        forged=[
            *(f"Bearer {token}" for token in broken_tokens(jane["token"], hans["token"])),
            "Bearer ",
            "Basic amFuZUBleGFtcGxlLmNvbTo=",
            None,
        ],
        strangers=[f"Bearer {s['token']}" for s in (hans, nobody)],
        shown=shown,
        janes=[i["id"] for s in (jane, jane_all) for i in s["invoices"]["data"]],
        unseen=[*(i for i in seeded if i not in shown), "in_" + "0" * 24],
        cursors=[
            *cursors,
            *(cursor[:-2] + cursor[-1] + cursor[-2] for cursor in cursors),
            *shown[::5],
            *seeded[-3:],
            "in_" + "0" * 24,
        ],
    )


def stripe_sign(payload: bytes) -> str:
    timestamp = int(time.time())
    signed_payload = f"{timestamp}.".encode() + payload
    signature = hmac.new(WEBHOOK_SECRET.encode(), signed_payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def broken_tokens(token: str, foreign: str) -> list[str]:
    """Tokens a visitor could forge from their own and another customer's."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    expired = {**claims, "iat": claims["iat"] - 7200, "exp": int(time.time()) - 60}
    none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    return [
        f"{header}.{payload}.{signature[::-1]}",
        f"{header}.{foreign.split('.')[1]}.{signature}",
        f"{none}.{payload}.",
        jwt.encode(claims, "not-the-secret-of-this-portal-at-all", algorithm="HS256"),
        jwt.encode(expired, tokens.signing_key(SECRET), algorithm="HS256"),
        token + "x" * 9000,
    ]


@st.composite
def as_visitors_send(
    draw: st.DrawFn, cases: st.SearchStrategy[Case[Any]], visits: Visits
) -> Case[Any]:
    """A generated case, with some of its values replaced by those of real visits."""
    case = draw(cases)

    def either(*groups: list[Any]) -> Any:
        # Hypothesis favours the first choices: real values, then schemathesis's own.
        return draw(st.one_of(*(st.sampled_from(group) for group in groups), st.just(KEEP)))

    path, meta = case.operation.path, case.meta
    assert meta is not None
    # A negative case's invalid body or id stays: it is what the case is about.
    positive = meta.generation.mode == schemathesis.GenerationMode.POSITIVE
    # The stateful test is about where a session leads: its sessions are real ones.
    stateful = meta.phase.name == TestPhase.STATEFUL
    if path == "/v1/session":
        if positive:
            body = draw(st.sampled_from(visits.bodies)) if stateful else either(visits.bodies)
            if body is not KEEP:
                case.body = body
        origin = KEEP if stateful else either([ORIGIN], ["https://evil.example", "null"])
        if origin is not KEEP:
            case.headers = {**(case.headers or {}), "Origin": origin}  # type: ignore[assignment,dict-item]
    elif path == "/v1/stripe/webhook":
        event: Any = case.body
        if isinstance(event, dict) and isinstance(event.get("data"), dict):
            obj = event["data"].get("object")
            kind = either(EVENT_TYPES)
            if kind is not KEEP and isinstance(obj, dict):
                # An event the proxy acts on, and not a replay of one already received.
                event["id"], event["type"] = f"evt_{next(EVENT_IDS)}", kind
                obj["object"] = kind.split(".")[0]
        # Signed as Stripe would, the generated event gets past the signature check.
        with_signature = draw(st.sampled_from([True, False]))
        if with_signature and isinstance(event, dict | list | str | int | float):
            case.body = json.dumps(event).encode()
            case.headers = {**(case.headers or {}), "Stripe-Signature": stripe_sign(case.body)}  # type: ignore[assignment,dict-item]
    elif (
        path.startswith(
            ("/v1/invoices", "/v1/billing_portal", "/v1/account", "/v1/billing_details")
        )
        and not stateful
    ):
        # (In the stateful test the links bring the session's token and ids.)
        authorization = either(visits.tokens, visits.forged)
        if authorization is not KEEP:
            headers = {
                k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"
            }
            case.headers = headers | ({"Authorization": authorization} if authorization else {})  # type: ignore[assignment]
        if positive and "id" in (case.path_parameters or {}):
            invoice_id = either(visits.shown, visits.unseen)
            if invoice_id is not KEEP:
                case.path_parameters = {**case.path_parameters, "id": invoice_id}
        if path == "/v1/billing_portal" and positive:
            body = either(PORTAL_BODIES)
            if body is not KEEP:
                case.body = body
        if path == "/v1/invoices":
            cursor = either(visits.cursors)
            if cursor is not KEEP:
                case.query = {**(case.query or {}), "starting_after": cursor}
        if case.media_type == "text/plain" and isinstance(case.body, dict):
            # The embed's form: the token and the parameters in one JSON body.
            body = dict(case.body)
            token = either(visits.tokens, visits.forged)
            if token is not KEEP:
                body.pop("token", None)
                body |= {"token": token.removeprefix("Bearer ")} if token else {}
            if path == "/v1/invoices" and positive:
                cursor = either(visits.cursors)
                body |= {"starting_after": cursor} if cursor is not KEEP else {}
            case.body = json.dumps(body).encode()
    return case


@pytest.fixture(scope="module")
def fuzzed(sandbox: SandboxServer) -> Iterator[Proxy]:
    # Payments off: the fuzz must not pay the seed's open invoices other tests rely on.
    with serve(settings_for(sandbox.url, allow_pay=False)) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def api(fuzzed: Proxy, visits: Visits) -> schemathesis.BaseSchema:
    return load(fuzzed, visits)


def load(proxy: Proxy, visits: Visits) -> schemathesis.BaseSchema:
    """The document the proxy serves, its cases sent as visitors would."""
    # Only the document's own links: those carry the session's token, inferred ones cannot.
    only_links: dict[str, Any] = {"phases": {"stateful": {"inference": {"algorithms": []}}}}
    schema = schemathesis.openapi.from_url(
        f"{proxy.url}/v1/openapi.json", config=schemathesis.Config.from_dict(only_links)
    )

    def before_generate_case(
        context: schemathesis.HookContext, cases: st.SearchStrategy[Case[Any]]
    ) -> st.SearchStrategy[Case[Any]]:
        return as_visitors_send(cases, visits)

    schema.hooks.register_hook_with_name(before_generate_case, "before_generate_case")
    return schema


def fuzz(operation: schemathesis.APIOperation[Any, Any, Any, Any], examples: int) -> Counter[int]:
    """Send generated cases, valid and invalid, and check every answer; their statuses."""
    answered: Counter[int] = Counter()
    modes = [schemathesis.GenerationMode.POSITIVE]
    if list(operation.iter_parameters()) or operation.body:
        modes.append(schemathesis.GenerationMode.NEGATIVE)
    # Each mode on its own: drawn from one strategy, Hypothesis soon favours one of them.
    for mode in modes:

        @hypothesis.given(operation.as_strategy(mode))
        @hypothesis.settings(
            max_examples=examples // len(modes),
            derandomize=True,
            database=None,
            deadline=None,
            # A failure names its request: shrinking it, request by request, could take minutes.
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        def call(case: Case[Any]) -> None:
            answered[case.call_and_validate(checks=CHECKS).status_code] += 1

        call()
    return answered


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(
    api: schemathesis.BaseSchema, path: str, method: str
) -> None:
    answered = fuzz(api[path][method], EXAMPLES_PER_OPERATION)
    # Real sessions and tokens got through, not only refusals.
    if path not in NEVER_SUCCEEDS:
        assert any(status < 400 for status in answered), answered


def test_throttled_answers_match_the_document(
    make_proxy: Callable[..., Proxy], visits: Visits
) -> None:
    throttled = make_proxy(
        allow_pay=False,
        limit_session_per_ip="3/hour",
        limit_per_token="2/hour",
        stripe_calls_per_second=2,
    )
    schema = load(throttled, visits)
    answered = Counter[int]()
    for path, method in OPERATIONS:
        answered += fuzz(schema[path][method], THROTTLED_EXAMPLES)
    # The 429s with their Retry-After were among the answers the checks saw.
    assert answered[429] >= 5, answered


def test_payment_requests_are_checked_before_anything_is_paid(
    make_proxy: Callable[..., Proxy], visits: Visits, sandbox: SandboxServer
) -> None:
    paying = make_proxy(allow_pay=True)
    # Other customers' tokens on jane's invoices: every case gets as far as it can, and no
    # invoice of the seed is paid.
    schema = load(paying, dataclasses.replace(visits, tokens=visits.strangers, shown=visits.janes))
    before = sandbox.calls()["by_endpoint"].get(PAY, 0)
    answered = fuzz(schema["/v1/invoices/{id}/pay"]["post"], EXAMPLES_PER_OPERATION)
    assert sandbox.calls()["by_endpoint"].get(PAY, 0) == before
    assert answered[400] and answered[404], answered


@pytest.mark.parametrize("kind", EVENT_TYPES)
def test_signed_events_with_odd_ids_are_answered_as_documented(
    api: schemathesis.BaseSchema, kind: str
) -> None:
    operation = api["/v1/stripe/webhook"]["post"]
    about = kind.split(".")[0]
    # Where the proxy reads the customer: a customer's own id, or an invoice's customer.
    named = "id" if about == "customer" else "customer"
    for odd in ODD_IDS:
        for field in (named, "email"):
            event: dict[str, Any] = {
                "id": f"evt_{next(EVENT_IDS)}",
                "type": kind,
                "data": {"object": {}},
            }
            event["data"]["object"] = {"object": about, field: odd}
            payload = json.dumps(event).encode()
            headers = {"Stripe-Signature": stripe_sign(payload)}
            case = operation.Case(body=payload, headers=headers, media_type="application/json")
            assert case.call_and_validate(checks=CHECKS).status_code in (200, 400)


def test_sessions_lead_to_invoices_without_a_server_error_or_an_undocumented_answer(
    api: schemathesis.BaseSchema,
) -> None:
    answered: Counter[tuple[str, int]] = Counter()

    class Visit(api.as_state_machine()):  # type: ignore[misc]
        def after_call(self, response: Response, case: Case[Any]) -> None:
            super().after_call(response, case)
            answered[case.operation.label, response.status_code] += 1

        def validate_response(
            self, response: Response, case: Case[Any], additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    Visit.run(
        settings=hypothesis.settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS_PER_SCENARIO,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
    # The links were followed with real tokens and ids, not only refused.
    for label in ["POST /v1/session", "GET /v1/invoices", "GET /v1/invoices/{id}"]:
        assert answered[label, 200], (label, answered)
