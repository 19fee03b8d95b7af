"""The OpenAPI operations on one customer's invoices: the list, one invoice, its PDF, what
paying would charge, paying. Each token GET has a POST twin, the CORS simple request the
embed sends (see `simple_request`)."""

from __future__ import annotations

from edge.inputs import CREATED_BOUNDS, MAX_TIME
from edge.openapi_parts import (
    BEARER,
    INVOICE_ID,
    NOT_FOUND,
    RATE_LIMITED,
    TOKEN_ERRORS,
    UPSTREAM,
    answer,
    error,
    query,
    simple_request,
)
from edge.schemas import STR, SUBSCRIPTION_ID, Schema, obj, ref

UNIX_SECONDS = {"type": "integer", "minimum": 0, "maximum": MAX_TIME - 1}
LIMIT = {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}
STARTING_AFTER = (
    "the opaque next_cursor of the previous page, or the id of an invoice this proxy has shown "
    "to the token's customers; anything else is 400"
)
SCOPE = {"enum": ["subscription", "all"], "default": "subscription"}
STATUS = {"enum": ["open", "paid", "void", "uncollectible"]}
ORIGIN_REFUSED = error("An Origin not allowed", ["origin_not_allowed"])

LIST = {
    "operationId": "listInvoices",
    "summary": "One page of the customer's invoices, newest first",
    "security": BEARER,
    "parameters": [
        query("limit", LIMIT),
        query("starting_after", STR, STARTING_AFTER),
        query("scope", SCOPE),
        query("subscription", SUBSCRIPTION_ID),
        query("status", STATUS),
        *(
            query(
                f"created[{op}]",
                UNIX_SECONDS,
                f"Stripe's created bound: only invoices created {op} this unix time",
            )
            for op in CREATED_BOUNDS
        ),
    ],
    "responses": {
        "200": answer("A page", ref("InvoicePage")),
        "400": error(
            "Malformed query, or starting_after not a cursor of this list", ["invalid_request"]
        ),
        "401": TOKEN_ERRORS,
        "403": error(
            "scope=all while show-all is off, or an Origin not allowed",
            ["feature_disabled", "origin_not_allowed"],
        ),
        "404": error("The subscription is not this customer's", ["not_found"]),
        "429": RATE_LIMITED,
        **UPSTREAM,
    },
}
LIST_BODY: dict[str, Schema] = {
    "limit": LIMIT,
    "starting_after": STR | {"description": STARTING_AFTER},
    "scope": SCOPE,
    "subscription": SUBSCRIPTION_ID,
    "status": STATUS,
    "created": obj({op: UNIX_SECONDS for op in CREATED_BOUNDS})
    | {
        "additionalProperties": False,
        "description": 'Stripe\'s created bounds, unix seconds: e.g. {"lt": ...} lists the '
        "invoices before a month, and Load more keeps the bound when it is sent again",
    },
}

DETAIL = {
    "operationId": "getInvoice",
    "summary": "One invoice with its lines",
    "security": BEARER,
    "parameters": [INVOICE_ID],
    "responses": {
        "200": answer("The invoice", ref("InvoiceDetail")),
        "401": TOKEN_ERRORS,
        "403": ORIGIN_REFUSED,
        "404": NOT_FOUND,
        "429": RATE_LIMITED,
        **UPSTREAM,
    },
}

PDF = {
    "operationId": "getInvoicePdf",
    "summary": "Stripe's PDF: a 302 redirect, or its address with Accept: application/json "
    "(the POST twin always answers the address)",
    "security": BEARER,
    "parameters": [INVOICE_ID],
    "responses": {
        "200": answer(
            "With Accept: application/json, and to the POST twin",
            obj({"url": {"type": "string", "format": "uri"}}),
        ),
        "302": {
            "description": "Redirect to the PDF",
            "headers": {"Location": {"required": True, "schema": STR}},
        },
        "401": TOKEN_ERRORS,
        "403": error(
            "PDFs are off, or an Origin not allowed", ["feature_disabled", "origin_not_allowed"]
        ),
        "404": NOT_FOUND,
        "409": error("The invoice has no PDF", ["pdf_unavailable"]),
        "429": RATE_LIMITED,
        **UPSTREAM,
    },
}

PAYMENT_METHOD = {
    "operationId": "getInvoicePaymentMethod",
    "summary": "What paying would charge: the saved method's brand, last four and expiry",
    "security": BEARER,
    "parameters": [INVOICE_ID],
    "responses": {
        "200": answer("The method paying would charge", ref("PayWith")),
        "401": TOKEN_ERRORS,
        "403": error(
            "Payments are off, or an Origin not allowed", ["feature_disabled", "origin_not_allowed"]
        ),
        "404": NOT_FOUND,
        "409": error("The invoice is not open", ["invoice_not_payable"]),
        "429": RATE_LIMITED,
        **UPSTREAM,
    },
}

IDEMPOTENCY = (
    "one payment per key and invoice: the proxy scopes it to the invoice and customer before "
    "passing it on to Stripe"
)
PAY_BODY = {"idempotency_key": {"type": "string", "maxLength": 255, "description": IDEMPOTENCY}}

PAY = {
    "operationId": "payInvoice",
    "summary": "Pay an open invoice with the customer's saved payment method",
    "description": "Two forms: the token in Authorization with an optional Idempotency-Key "
    "header and an empty or JSON body; or, as a CORS simple request, a text/plain body holding "
    "token and idempotency_key.",
    "parameters": [
        INVOICE_ID,
        {"name": "Idempotency-Key", "in": "header", "schema": STR, "description": IDEMPOTENCY},
    ],
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {"schema": obj(PAY_BODY) | {"additionalProperties": False}},
            "text/plain": {
                "schema": obj({"token": STR, **PAY_BODY}, required=["token"])
                | {"additionalProperties": False}
            },
        },
    },
    "security": [*BEARER, {}],
    "responses": {
        "200": answer(
            "Paid, or the customer must act on the hosted invoice page", ref("PayResult")
        ),
        "400": error("Malformed key or body", ["invalid_request"]),
        "401": TOKEN_ERRORS,
        "402": error(
            "The card was declined",
            ["card_declined", "expired_card", "incorrect_cvc", "processing_error"],
        ),
        "403": error(
            "Payments are off, or an Origin not allowed", ["feature_disabled", "origin_not_allowed"]
        ),
        "404": NOT_FOUND,
        "409": error(
            "The invoice is not open, or Stripe saw this key with other parameters",
            ["invoice_not_payable", "idempotency_conflict"],
        ),
        "413": error("Body over 16 KB", ["body_too_large"]),
        "415": error("Body neither application/json nor text/plain", ["unsupported_media_type"]),
        "429": RATE_LIMITED,
        **UPSTREAM,
    },
}

INVOICE_PATHS: dict[str, Schema] = {
    "/v1/invoices": {"get": LIST, "post": simple_request(LIST, LIST_BODY)},
    "/v1/invoices/{id}": {"get": DETAIL, "post": simple_request(DETAIL)},
    "/v1/invoices/{id}/pdf": {"get": PDF, "post": simple_request(PDF)},
    "/v1/invoices/{id}/payment_method": {
        "get": PAYMENT_METHOD,
        "post": simple_request(PAYMENT_METHOD),
    },
    "/v1/invoices/{id}/pay": {"post": PAY},
}
