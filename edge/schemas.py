"""The JSON Schemas of the proxy's answers: the components of its OpenAPI document."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str, **more: Any) -> Schema:
    return {"type": [kind, "null"], **more}


def obj(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


INT = {"type": "integer"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
SUBSCRIPTION_ID = {"type": "string", "pattern": "^sub_[A-Za-z0-9]{1,250}$"}

SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        {
            "error": {
                "type": "object",
                "properties": {
                    "code": STR,
                    "message": STR,
                    "param": {"type": "string", "description": "the offending parameter"},
                    "decline_code": nullable("string", description="Stripe's decline code"),
                    "hosted_invoice_url": nullable(
                        "string",
                        description="on 402: Stripe's hosted invoice page, to pay another way",
                    ),
                    "retry_after": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "on 429: whole seconds to wait, as in Retry-After",
                    },
                },
                "required": ["code", "message"],
            }
        }
    ),
    "Subscription": obj(
        {
            "id": STR,
            "status": STR,
            "created": INT,
            "current_period_end": nullable("integer"),
            "currency": STR,
            "description": nullable("string", description="plan name, for display"),
            "customer": STR,
            "cancel_at": nullable("integer", description="when a cancellation takes effect"),
        }
    ),
    "Invoice": obj(
        {
            "id": {"type": "string", "pattern": "^in_"},
            "number": nullable("string"),
            "status": {"enum": ["open", "paid", "void", "uncollectible"]},
            "past_due": {"type": "boolean", "description": "open and its due date has passed"},
            "payment_failed": {
                "type": "boolean",
                "description": "open after an attempt to charge it: its detail says why",
            },
            "created": INT,
            "due_date": nullable("integer"),
            "paid_at": nullable("integer"),
            "currency": STR,
            "total": INT,
            "amount_due": INT,
            "amount_paid": INT,
            "amount_remaining": INT,
            "subscription": nullable("string"),
            "customer": STR,
            "description": nullable("string"),
        }
    ),
    "Owed": obj(
        {
            "data": {"type": "array", "items": ref("Invoice")},
            "has_more": {
                "type": "boolean",
                "description": "a customer has more than 100 open invoices",
            },
            "totals": {
                "type": "array",
                "items": obj({"currency": STR, "amount_remaining": INT}),
            },
        }
    ),
    "PayWith": obj(
        {
            "invoice": STR,
            "currency": STR,
            "amount_remaining": INT,
            "has_saved_method": {
                "type": "boolean",
                "description": "false: paying answers requires_action with the hosted page",
            },
            "payment_method": ref("PaymentMethod"),
        }
    ),
    "InvoicePage": obj(
        {
            "object": {"const": "list"},
            "data": {"type": "array", "items": ref("Invoice")},
            "has_more": BOOL,
            "next_cursor": nullable(
                "string",
                description="opaque, bound to the token's customers: pass it as starting_after "
                "for the next page",
            ),
        }
    ),
    "SessionRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "email": {
                "type": "string",
                "format": "email",
                "maxLength": 254,
                "description": "exactly one of email, customer",
            },
            "customer": {"type": "string", "pattern": "^cus_[A-Za-z0-9]{1,250}$"},
            "hash": {
                "type": "string",
                "pattern": "^[0-9a-fA-F]{64}$",
                "description": "hex HMAC-SHA256 of the identifier",
            },
            "expires": {
                "type": "integer",
                "minimum": 1,
                "maximum": 2**53 - 1,
                "description": "unix seconds bound into an expiring hash",
            },
            "scope": {"enum": ["subscription", "all"], "default": "subscription"},
            "subscription": SUBSCRIPTION_ID,
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
        },
        "oneOf": [{"required": ["email"]}, {"required": ["customer"]}],
    },
    "Session": obj(
        {
            "token": {"type": "string", "description": "bearer token, valid 15 minutes"},
            "expires_at": INT,
            "livemode": BOOL,
            "features": obj(
                {
                    "pay": BOOL,
                    "pdf": BOOL,
                    "show_all": BOOL,
                    "payment_method_update": BOOL,
                    "plan_change": BOOL,
                    "cancel": BOOL,
                }
            ),
            "no_user": {"type": "boolean", "description": "no Stripe customer: an empty portal"},
            "customer": {
                "oneOf": [
                    obj(
                        {
                            "ids": {"type": "array", "items": STR},
                            "email": nullable("string"),
                            "name": nullable("string"),
                            "since": {
                                "type": "integer",
                                "description": "unix seconds: when the oldest of these Stripe "
                                "customers was created, so no invoice is older",
                            },
                        }
                    ),
                    {"type": "null"},
                ]
            },
            "merged_customers": INT,
            "email_matched": {
                "enum": ["exact", "case_insensitive", None],
                "description": "how the email found its customers; null without any",
            },
            "subscriptions": {"type": "array", "items": ref("Subscription")},
            "subscription": nullable("string"),
            "current_subscription": nullable(
                "string",
                description="the customer's current subscription (most recent active, trialing "
                "or past due, else the most recent), whatever the list shows",
            ),
            "scope": {"enum": ["subscription", "all"]},
            "invoices": ref("InvoicePage"),
            "owed": ref("Owed"),
        }
    ),
    "StripeEvent": {
        "type": "object",
        "description": "a Stripe event, as Stripe signs it: the proxy reads these fields",
        "properties": {
            "id": STR,
            "type": STR,
            "data": {
                "type": "object",
                "properties": {
                    "object": {
                        "type": "object",
                        "properties": {
                            "object": STR,
                            "id": STR,
                            "email": nullable("string"),
                            "customer": {"anyOf": [STR, obj({"id": STR}), {"type": "null"}]},
                        },
                    },
                    "previous_attributes": {"type": "object"},
                },
                "required": ["object"],
            },
        },
        "required": ["id", "type", "data"],
    },
    "WebhookReceipt": obj(
        {
            "received": {"const": True},
            "type": STR,
            "duplicate": {
                "const": True,
                "description": "the same event id came within the last 300 s: nothing was done",
            },
        },
        required=["received", "type"],
    ),
    "BillingPortalRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["flow", "return_url"],
        "properties": {
            "flow": {
                "enum": [
                    "payment_method_update",
                    "subscription_update",
                    "subscription_cancel",
                    "home",
                ],
                "description": "home is allowed only when every flow is: it may lead to each",
            },  # fmt: skip
            "subscription": SUBSCRIPTION_ID
            | {
                "description": "one of the token's; the subscription flows default to the "
                "session's subscription",
            },
            "return_url": {
                "type": "string",
                "format": "uri",
                "description": "where Stripe sends the customer after: a page on one of "
                "PORTAL_ALLOWED_ORIGINS",
            },
        },
    },
    "BillingPortalSession": obj(
        {"url": {"type": "string", "format": "uri", "description": "Stripe's page: open it"}}
    ),
    "PayResult": {
        "oneOf": [
            obj({"status": {"const": "paid"}, "invoice": ref("Invoice")}),
            obj(
                {
                    "status": {"const": "requires_action"},
                    "reason": {"enum": ["no_payment_method", "authentication_required"]},
                    "hosted_invoice_url": nullable("string", format="uri"),
                }
            ),
        ]
    },
}
