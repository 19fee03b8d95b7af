"""The OpenAPI 3.1 document of the proxy, served at /v1/openapi.json: its operations here,
the schemas of its answers in `edge.schemas` and `edge.detail_schemas`.
"""

from __future__ import annotations

from edge.detail_schemas import DETAIL_SCHEMAS
from edge.schemas import SCHEMAS, STR, SUBSCRIPTION_ID, Schema, obj, ref


def _error(description: str, codes: list[str], headers: Schema | None = None) -> Schema:
    answer: Schema = {
        "description": f"{description} (codes: {', '.join(codes)})",
        "content": {"application/json": {"schema": ref("Error")}},
    }
    return answer | ({"headers": headers} if headers else {})


def _json(description: str, schema: Schema) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: Schema, description: str | None = None) -> Schema:
    more = {"description": description} if description else {}
    return {"name": name, "in": "query", "schema": schema} | more


def _link(operation_id: str, parameters: dict[str, str] | None = None) -> Schema:
    token = {"header.Authorization": "Bearer {$response.body#/token}"}
    return {"operationId": operation_id, "parameters": token | (parameters or {})}


INVOICE_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^in_[A-Za-z0-9]{1,250}$"},
}
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
TOKEN_ERRORS = _error(
    "Missing, invalid or expired token",
    ["missing_token", "invalid_token", "expired_token"],
    {"WWW-Authenticate": {"schema": {"type": "string", "const": "Bearer"}}},
)
NOT_FOUND = _error(
    "No such invoice, another customer's, or one never shown to this token's customers "
    "(answered without asking Stripe)",
    ["not_found"],
)
RATE_LIMITED = _error(
    "Too many requests: from this address or for this email or customer (session), with this "
    "token, or the proxy's budget of Stripe calls is spent; Retry-After and error.retry_after "
    "give the whole seconds to wait",
    ["rate_limited"],
    {"Retry-After": {"required": True, "schema": {"type": "integer", "minimum": 1}}},
)
UPSTREAM = {
    "502": _error("Stripe cannot be reached or refused", ["upstream_unavailable"]),
    "504": _error("Stripe did not answer in time", ["upstream_timeout"]),
}
# From a session to what its token may do next: the ids of its first page are invoices this
# proxy has shown to the token's customers, so they may be opened.
SESSION_LINKS = {
    "Invoices": _link("listInvoices"),
    "NextPage": _link(
        "listInvoices", {"query.starting_after": "$response.body#/invoices/next_cursor"}
    ),
    "Subscription": _link("listInvoices", {"query.subscription": "$response.body#/subscription"}),
    **{
        f"{operation}{i}": _link(operation, {"path.id": f"$response.body#/invoices/data/{i}/id"})
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
                "200": _json("The session", ref("Session")) | {"links": SESSION_LINKS},
                "400": _error("Malformed request", ["invalid_request"]),
                "403": _error(
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
                "404": _error("The subscription asked for is not this customer's", ["not_found"]),
                "413": _error("Body over 16 KB", ["body_too_large"]),
                "415": _error(
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
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}),
                _query(
                    "starting_after",
                    STR,
                    "the opaque next_cursor of the previous page, or the id of an invoice this "
                    "proxy has shown to the token's customers; anything else is 400",
                ),
                _query("scope", {"enum": ["subscription", "all"], "default": "subscription"}),
                _query("subscription", SUBSCRIPTION_ID),
                _query("status", {"enum": ["open", "paid", "void", "uncollectible"]}),
            ],
            "responses": {
                "200": _json("A page", ref("InvoicePage")),
                "400": _error(
                    "Malformed query, or starting_after not a cursor of this list",
                    ["invalid_request"],
                ),
                "401": TOKEN_ERRORS,
                "403": _error("scope=all while show-all is off", ["feature_disabled"]),
                "404": _error("The subscription is not this customer's", ["not_found"]),
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
                "200": _json("The invoice", ref("InvoiceDetail")),
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
                "200": _json(
                    "With Accept: application/json",
                    obj({"url": {"type": "string", "format": "uri"}}),
                ),
                "302": {
                    "description": "Redirect to the PDF",
                    "headers": {"Location": {"required": True, "schema": STR}},
                },
                "401": TOKEN_ERRORS,
                "403": _error("PDFs are off", ["feature_disabled"]),
                "404": NOT_FOUND,
                "409": _error("The invoice has no PDF", ["pdf_unavailable"]),
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
                "200": _json("The method paying would charge", ref("PayWith")),
                "401": TOKEN_ERRORS,
                "403": _error("Payments are off", ["feature_disabled"]),
                "404": NOT_FOUND,
                "409": _error("The invoice is not open", ["invoice_not_payable"]),
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
                "409": _error(
                    "The invoice is not open, or Stripe saw this key with other parameters",
                    ["invoice_not_payable", "idempotency_conflict"],
                ),
                "413": _error("Body over 16 KB", ["body_too_large"]),
                "415": _error("Body not application/json", ["unsupported_media_type"]),
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
                "200": _json("The session's address", ref("BillingPortalSession")),
                "400": _error("Malformed body", ["invalid_request"]),
                "401": TOKEN_ERRORS,
                "403": _error(
                    "The flow is turned off, or return_url is not on an allowed origin",
                    ["feature_disabled", "return_url_not_allowed"],
                ),
                "404": _error("A subscription not the token's (Stripe not asked)", ["not_found"]),
                "413": _error("Body over 16 KB", ["body_too_large"]),
                "415": _error("Body not application/json", ["unsupported_media_type"]),
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
                "200": _json("Received (duplicate: seen in the last 300 s)", ref("WebhookReceipt")),
                "400": _error(
                    "Bad or old signature, or a signed body that is not a Stripe event",
                    ["invalid_signature", "invalid_request"],
                ),
                "404": _error("STRIPE_WEBHOOK_SECRET is not set", ["not_found"]),
                "413": _error("Body over 1 MB", ["body_too_large"]),
            },
        }
    },
    "/v1/openapi.json": {
        "get": {
            "operationId": "getOpenapi",
            "summary": "This document",
            "responses": {"200": _json("OpenAPI 3.1", {"type": "object"})},
        }
    },
    "/healthz": {
        "get": {
            "operationId": "healthz",
            "summary": "Liveness: the process answers",
            "responses": {"200": _json("Alive", obj({"status": {"const": "ok"}}))},
        }
    },
    "/readyz": {
        "get": {
            "operationId": "readyz",
            "summary": "Readiness: Stripe accepts the proxy's key (checked once, then cached)",
            "responses": {
                "200": _json("Ready", obj({"status": {"const": "ready"}})),
                "503": _error(
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
