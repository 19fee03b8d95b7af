"""The OpenAPI 3.1 document of the proxy, served at /v1/openapi.json: its operations here,
the schemas of its answers in `edge.schemas`.
"""

from __future__ import annotations

from edge.schemas import BOOL, SCHEMAS, STR, Schema, obj, ref


def _error(description: str, codes: list[str]) -> Schema:
    return {
        "description": f"{description} (codes: {', '.join(codes)})",
        "content": {"application/json": {"schema": ref("Error")}},
    }


def _json(description: str, schema: Schema) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


INVOICE_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^in_"},
}
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
TOKEN_ERRORS = _error(
    "Missing, invalid or expired token", ["missing_token", "invalid_token", "expired_token"]
)
NOT_FOUND = _error("No such invoice, or another customer's", ["not_found"])
UPSTREAM = {
    "502": _error("Stripe cannot be reached or refused", ["upstream_unavailable"]),
    "504": _error("Stripe did not answer in time", ["upstream_timeout"]),
}

PATHS: dict[str, Schema] = {
    "/v1/session": {
        "post": {
            "summary": "Check the hash, resolve the customer, answer a token and the first page",
            "requestBody": {
                "required": True,
                "description": "JSON, sent as application/json or as text/plain (the embed "
                "sends text/plain so that its first call needs no CORS preflight)",
                "content": {
                    "application/json": {"schema": ref("SessionRequest")},
                    "text/plain": {"schema": ref("SessionRequest")},
                },
            },
            "responses": {
                "200": _json("The session", ref("Session")),
                "400": _error("Malformed request", ["invalid_request"]),
                "403": _error(
                    "Refused hash or disabled feature",
                    [
                        "missing_hash",
                        "invalid_hash",
                        "expired_hash",
                        "expiring_hash_required",
                        "feature_disabled",
                    ],
                ),
                "404": _error("The subscription asked for is not this customer's", ["not_found"]),
                "413": _error("Body over 16 KB", ["body_too_large"]),
                "415": _error(
                    "Body neither application/json nor text/plain", ["unsupported_media_type"]
                ),
                **UPSTREAM,
            },
        }
    },
    "/v1/invoices": {
        "get": {
            "summary": "One page of the customer's invoices, newest first",
            "security": BEARER,
            "parameters": [
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
                },
                {
                    "name": "starting_after",
                    "in": "query",
                    "schema": STR,
                    "description": "next_cursor of the previous page",
                },
                {
                    "name": "scope",
                    "in": "query",
                    "schema": {"enum": ["subscription", "all"], "default": "subscription"},
                },
                {
                    "name": "subscription",
                    "in": "query",
                    "schema": {"type": "string", "pattern": "^sub_"},
                },
                {
                    "name": "status",
                    "in": "query",
                    "schema": {"enum": ["open", "paid", "void", "uncollectible"]},
                },
            ],
            "responses": {
                "200": _json("A page", ref("InvoicePage")),
                "400": _error("Malformed query", ["invalid_request"]),
                "401": TOKEN_ERRORS,
                "403": _error("scope=all while show-all is off", ["feature_disabled"]),
                "404": _error("The subscription is not this customer's", ["not_found"]),
                **UPSTREAM,
            },
        }
    },
    "/v1/invoices/{id}": {
        "get": {
            "summary": "One invoice with its lines",
            "security": BEARER,
            "parameters": [INVOICE_ID],
            "responses": {
                "200": _json("The invoice", ref("InvoiceDetail")),
                "401": TOKEN_ERRORS,
                "404": NOT_FOUND,
                **UPSTREAM,
            },
        }
    },
    "/v1/invoices/{id}/pdf": {
        "get": {
            "summary": "Stripe's PDF: a 302 redirect, or its address with Accept: application/json",
            "security": BEARER,
            "parameters": [INVOICE_ID],
            "responses": {
                "200": _json(
                    "With Accept: application/json",
                    obj({"url": {"type": "string", "format": "uri"}}),
                ),
                "302": {
                    "description": "Redirect to the PDF",
                    "headers": {"Location": {"schema": STR}},
                },
                "401": TOKEN_ERRORS,
                "403": _error("PDFs are off", ["feature_disabled"]),
                "404": NOT_FOUND,
                "409": _error("The invoice has no PDF", ["pdf_unavailable"]),
                **UPSTREAM,
            },
        }
    },
    "/v1/invoices/{id}/pay": {
        "post": {
            "summary": "Pay an open invoice with the customer's saved payment method",
            "security": BEARER,
            "parameters": [
                INVOICE_ID,
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "schema": {"type": "string", "maxLength": 255},
                    "description": "one payment per key; passed on to Stripe",
                },
            ],
            "requestBody": {
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {"type": "object", "additionalProperties": False}
                    }
                },
            },
            "responses": {
                "200": _json(
                    "Paid, or the customer must act on the hosted invoice page", ref("PayResult")
                ),
                "400": _error("Malformed key or body", ["invalid_request"]),
                "401": TOKEN_ERRORS,
                "402": _error(
                    "The card was declined",
                    ["card_declined", "expired_card", "incorrect_cvc", "processing_error"],
                ),
                "403": _error("Payments are off", ["feature_disabled"]),
                "404": NOT_FOUND,
                "409": _error("The invoice is not open", ["invoice_not_payable"]),
                **UPSTREAM,
            },
        }
    },
    "/v1/stripe/webhook": {
        "post": {
            "summary": "Stripe webhooks, signature checked; clears that customer's cache",
            "parameters": [
                {"name": "Stripe-Signature", "in": "header", "required": True, "schema": STR}
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "responses": {
                "200": _json("Received", obj({"received": BOOL, "type": STR})),
                "400": _error("Bad signature or body", ["invalid_signature", "invalid_request"]),
                "404": _error("STRIPE_WEBHOOK_SECRET is not set", ["not_found"]),
                "413": _error("Body over 1 MB", ["body_too_large"]),
            },
        }
    },
    "/v1/openapi.json": {
        "get": {
            "summary": "This document",
            "responses": {"200": _json("OpenAPI 3.1", {"type": "object"})},
        }
    },
    "/healthz": {
        "get": {
            "summary": "Liveness",
            "responses": {"200": _json("Alive", obj({"status": {"const": "ok"}}))},
        }
    },
}


def document() -> Schema:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Invoice Portal edge proxy",
            "version": "1",
            "description": "Customer-scoped access to Stripe invoices. Every error is "
            '{"error": {"code": ..., "message": ...}}.',
        },
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
