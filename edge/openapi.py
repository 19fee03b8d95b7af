"""The OpenAPI 3.1 document of the proxy, served at /v1/openapi.json: its operations here,
the schemas of its answers in `edge.schemas` and `edge.detail_schemas`.
"""

from __future__ import annotations

from edge.detail_schemas import DETAIL_SCHEMAS
from edge.openapi_parts import (
    BEARER,
    INVOICE_ID,
    NOT_FOUND,
    RATE_LIMITED,
    TOKEN_ERRORS,
    UPSTREAM,
    answer,
    error,
    link,
    query,
)
from edge.schemas import SCHEMAS, STR, SUBSCRIPTION_ID, Schema, obj, ref

# From a session to what its token may do next: the ids of its first page are invoices this
# proxy has shown to the token's customers, so they may be opened.
SESSION_LINKS = {
    "Invoices": link("listInvoices"),
    "NextPage": link(
        "listInvoices", {"query.starting_after": "$response.body#/invoices/next_cursor"}
    ),
    "Subscription": link("listInvoices", {"query.subscription": "$response.body#/subscription"}),
    **{
        f"{operation}{i}": link(operation, {"path.id": f"$response.body#/invoices/data/{i}/id"})
        for operation in ("getInvoice", "getInvoicePdf", "getInvoicePaymentMethod", "payInvoice")
        for i in (0, 1)
    },
}

PATHS: dict[str, Schema] = {
    "/v1/session": {
        "post": {
            "operationId": "createSession",
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
                "200": answer("The session", ref("Session")) | {"links": SESSION_LINKS},
                "400": error("Malformed request", ["invalid_request"]),
                "403": error(
                    "An Origin not allowed, a refused hash or a disabled feature",
                    [
                        "origin_not_allowed",
                        "missing_hash",
                        "invalid_hash",
                        "expired_hash",
                        "expiring_hash_required",
                        "feature_disabled",
                    ],
                ),
                "404": error("The subscription asked for is not this customer's", ["not_found"]),
                "413": error("Body over 16 KB", ["body_too_large"]),
                "415": error(
                    "Body neither application/json nor text/plain", ["unsupported_media_type"]
                ),
                "429": RATE_LIMITED,
                **UPSTREAM,
            },
        }
    },
    "/v1/invoices": {
        "get": {
            "operationId": "listInvoices",
            "summary": "One page of the customer's invoices, newest first",
            "security": BEARER,
            "parameters": [
                query("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}),
                query(
                    "starting_after",
                    STR,
                    "the opaque next_cursor of the previous page, or the id of an invoice this "
                    "proxy has shown to the token's customers; anything else is 400",
                ),
                query("scope", {"enum": ["subscription", "all"], "default": "subscription"}),
                query("subscription", SUBSCRIPTION_ID),
                query("status", {"enum": ["open", "paid", "void", "uncollectible"]}),
            ],
            "responses": {
                "200": answer("A page", ref("InvoicePage")),
                "400": error(
                    "Malformed query, or starting_after not a cursor of this list",
                    ["invalid_request"],
                ),
                "401": TOKEN_ERRORS,
                "403": error("scope=all while show-all is off", ["feature_disabled"]),
                "404": error("The subscription is not this customer's", ["not_found"]),
                "429": RATE_LIMITED,
                **UPSTREAM,
            },
        }
    },
    "/v1/invoices/{id}": {
        "get": {
            "operationId": "getInvoice",
            "summary": "One invoice with its lines",
            "security": BEARER,
            "parameters": [INVOICE_ID],
            "responses": {
                "200": answer("The invoice", ref("InvoiceDetail")),
                "401": TOKEN_ERRORS,
                "404": NOT_FOUND,
                "429": RATE_LIMITED,
                **UPSTREAM,
            },
        }
    },
    "/v1/invoices/{id}/pdf": {
        "get": {
            "operationId": "getInvoicePdf",
            "summary": "Stripe's PDF: a 302 redirect, or its address with Accept: application/json",
            "security": BEARER,
            "parameters": [INVOICE_ID],
            "responses": {
                "200": answer(
                    "With Accept: application/json",
                    obj({"url": {"type": "string", "format": "uri"}}),
                ),
                "302": {
                    "description": "Redirect to the PDF",
                    "headers": {"Location": {"required": True, "schema": STR}},
                },
                "401": TOKEN_ERRORS,
                "403": error("PDFs are off", ["feature_disabled"]),
                "404": NOT_FOUND,
                "409": error("The invoice has no PDF", ["pdf_unavailable"]),
                "429": RATE_LIMITED,
                **UPSTREAM,
            },
        }
    },
    "/v1/invoices/{id}/payment_method": {
        "get": {
            "operationId": "getInvoicePaymentMethod",
            "summary": "What paying would charge: the saved method's brand, last four and expiry",
            "security": BEARER,
            "parameters": [INVOICE_ID],
            "responses": {
                "200": answer("The method paying would charge", ref("PayWith")),
                "401": TOKEN_ERRORS,
                "403": error("Payments are off", ["feature_disabled"]),
                "404": NOT_FOUND,
                "409": error("The invoice is not open", ["invoice_not_payable"]),
                "429": RATE_LIMITED,
                **UPSTREAM,
            },
        }
    },
    "/v1/invoices/{id}/pay": {
        "post": {
            "operationId": "payInvoice",
            "summary": "Pay an open invoice with the customer's saved payment method",
            "security": BEARER,
            "parameters": [
                INVOICE_ID,
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "schema": {"type": "string", "maxLength": 255},
                    "description": "one payment per key and invoice: the proxy scopes it to "
                    "the invoice and customer before passing it on to Stripe",
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
                "200": answer(
                    "Paid, or the customer must act on the hosted invoice page", ref("PayResult")
                ),
                "400": error("Malformed key or body", ["invalid_request"]),
                "401": TOKEN_ERRORS,
                "402": error(
                    "The card was declined",
                    ["card_declined", "expired_card", "incorrect_cvc", "processing_error"],
                ),
                "403": error("Payments are off", ["feature_disabled"]),
                "404": NOT_FOUND,
                "409": error(
                    "The invoice is not open, or Stripe saw this key with other parameters",
                    ["invoice_not_payable", "idempotency_conflict"],
                ),
                "413": error("Body over 16 KB", ["body_too_large"]),
                "415": error("Body not application/json", ["unsupported_media_type"]),
                "429": RATE_LIMITED,
                **UPSTREAM,
            },
        }
    },
    "/v1/billing_portal": {
        "post": {
            "operationId": "createBillingPortalSession",
            "summary": "A Stripe billing portal session for the token's customer (the one paying "
            "the subscription, else the session's): update the card, change plan, cancel, or "
            "the portal's home page; Stripe sends the customer back to return_url",
            "security": BEARER,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("BillingPortalRequest")}},
            },
            "responses": {
                "200": answer("The session's address", ref("BillingPortalSession")),
                "400": error("Malformed body", ["invalid_request"]),
                "401": TOKEN_ERRORS,
                "403": error(
                    "The flow is turned off, or return_url is not on an allowed origin",
                    ["feature_disabled", "return_url_not_allowed"],
                ),
                "404": error("A subscription not the token's (Stripe not asked)", ["not_found"]),
                "413": error("Body over 16 KB", ["body_too_large"]),
                "415": error("Body not application/json", ["unsupported_media_type"]),
                "429": RATE_LIMITED,
                **UPSTREAM,
            },
        }
    },
    "/v1/stripe/webhook": {
        "post": {
            "operationId": "receiveStripeWebhook",
            "summary": "Stripe webhooks, signature checked (300 s tolerance); clears that "
            "customer's cache",
            "parameters": [
                {"name": "Stripe-Signature", "in": "header", "required": True, "schema": STR}
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("StripeEvent")}},
            },
            "responses": {
                "200": answer(
                    "Received (duplicate: seen in the last 300 s)", ref("WebhookReceipt")
                ),
                "400": error(
                    "Bad or old signature, or a signed body that is not a Stripe event",
                    ["invalid_signature", "invalid_request"],
                ),
                "404": error("STRIPE_WEBHOOK_SECRET is not set", ["not_found"]),
                "413": error("Body over 1 MB", ["body_too_large"]),
            },
        }
    },
    "/v1/openapi.json": {
        "get": {
            "operationId": "getOpenapi",
            "summary": "This document",
            "responses": {"200": answer("OpenAPI 3.1", {"type": "object"})},
        }
    },
    "/healthz": {
        "get": {
            "operationId": "healthz",
            "summary": "Liveness: the process answers",
            "responses": {"200": answer("Alive", obj({"status": {"const": "ok"}}))},
        }
    },
    "/readyz": {
        "get": {
            "operationId": "readyz",
            "summary": "Readiness: Stripe accepts the proxy's key (checked once, then cached)",
            "responses": {
                "200": answer("Ready", obj({"status": {"const": "ready"}})),
                "503": error(
                    "Stripe refuses the key, or cannot be reached",
                    ["stripe_key_rejected", "stripe_unreachable"],
                ),
            },
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
            "schemas": {**SCHEMAS, **DETAIL_SCHEMAS},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
