"""Real answers match the OpenAPI document the proxy serves."""

from __future__ import annotations

import uuid

import httpx
import jsonschema
import pytest

from edge.openapi import document

from .conftest import bearer, signed, start

pytestmark = pytest.mark.usefixtures("fresh")


def conforms(body: object, schema: str) -> None:
    root = {"components": document()["components"], "$ref": f"#/components/schemas/{schema}"}
    jsonschema.Draft202012Validator(root).validate(body)


def test_answers_match_their_documented_schemas(http: httpx.Client) -> None:
    for email in ["jane@example.com", "twin@example.com", "nobody@example.com", "html@example.com"]:
        conforms(start(http, email), "Session")
    session = start(http, "jane@example.com", scope="all", limit=100)
    conforms(session, "Session")
    listed = http.get("/v1/invoices", params={"limit": 2}, headers=bearer(session)).json()
    conforms(listed, "InvoicePage")
    for invoice in session["invoices"]["data"][:5]:
        detail = http.get(f"/v1/invoices/{invoice['id']}", headers=bearer(session)).json()
        conforms(detail, "InvoiceDetail")


def test_pay_answers_and_errors_match_their_schemas(http: httpx.Client) -> None:
    for email in ["nocard@example.com", "auth@example.com"]:
        session = start(http, email, scope="all")
        invoice = next(i for i in session["invoices"]["data"] if i["status"] == "open")
        answer = http.post(
            f"/v1/invoices/{invoice['id']}/pay",
            headers={**bearer(session), "Idempotency-Key": str(uuid.uuid4())},
        )
        conforms(answer.json(), "PayResult")
    errors = [
        http.post("/v1/session", json=signed("jane@example.com") | {"hash": "0" * 64}),
        http.post("/v1/session", json={"email": 1}),
        http.get("/v1/invoices"),
        http.get("/v1/invoices/in_1nope", headers=bearer(session)),
    ]
    for answer in errors:
        conforms(answer.json(), "Error")
