"""The OpenAPI 3.1 document of the proxy, served at /v1/openapi.json: its operations here,
the schemas of its answers in `edge.schemas` and `edge.detail_schemas`.
"""

from __future__ import annotations

from edge.detail_schemas import DETAIL_SCHEMAS
from edge.openapi_account import ACCOUNT_PATHS, ACCOUNT_SCHEMAS
from edge.openapi_customer import CUSTOMER_PATHS, CUSTOMER_SCHEMAS
from edge.openapi_invoices import INVOICE_PATHS
from edge.openapi_parts import (
    BEARER,
    RATE_LIMITED,
    TOKEN_ERRORS,
    UPSTREAM,
    answer,
    error,
    link,
    with_token,
)
from edge.schemas import SCHEMAS, STR, Schema, obj, ref

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
    **INVOICE_PATHS,
    **ACCOUNT_PATHS,
    **CUSTOMER_PATHS,
    "/v1/billing_portal": {
        "post": {
            "operationId": "createBillingPortalSession",
            "summary": "A Stripe billing portal session for the token's customer (the one paying "
            "the subscription, else the session's): update the card, change plan, cancel, or "
            "the portal's home page; Stripe sends the customer back to return_url",
            "description": "Two forms: the token in Authorization and an application/json "
            "body; or, as a CORS simple request, a text/plain body holding token too.",
            "security": [*BEARER, {}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": ref("BillingPortalRequest")},
                    "text/plain": {"schema": with_token(SCHEMAS["BillingPortalRequest"])},
                },
            },
            "responses": {
                "200": answer("The session's address", ref("BillingPortalSession")),
                "400": error("Malformed body", ["invalid_request"]),
                "401": TOKEN_ERRORS,
                "403": error(
                    "The flow is turned off, return_url is not on an allowed origin, or the "
                    "page's Origin is not allowed",
                    ["feature_disabled", "return_url_not_allowed", "origin_not_allowed"],
                ),
                "404": error("A subscription not the token's (Stripe not asked)", ["not_found"]),
                "413": error("Body over 16 KB", ["body_too_large"]),
                "415": error(
                    "Body neither application/json nor text/plain", ["unsupported_media_type"]
                ),
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
            "schemas": {**SCHEMAS, **DETAIL_SCHEMAS, **ACCOUNT_SCHEMAS, **CUSTOMER_SCHEMAS},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
