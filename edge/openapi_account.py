"""The OpenAPI operation on the customer's account (`/v1/account`) and its answer's schemas;
the GET has a POST twin, the CORS simple request the embed sends (see `simple_request`)."""

from __future__ import annotations

from edge.openapi_parts import (
    BEARER,
    RATE_LIMITED,
    TOKEN_ERRORS,
    UPSTREAM,
    answer,
    error,
    query,
    simple_request,
)
from edge.schemas import INT, STR, SUBSCRIPTION_ID, Schema, nullable, obj, ref

SUBSCRIPTION = (
    "which of the token's subscriptions the next charge and the offer's rule are about; by "
    "default the session's current one"
)
AMOUNTS = {"type": "array", "items": ref("Amount")}
TEXTS = {
    "type": "object",
    "additionalProperties": STR,
    "description": 'locale ("en", "fr-CA", or "*" for any) to text: the embed shows the '
    "visitor's locale, then its language, then *, then en, then the first",
}

ACCOUNT_SCHEMAS: dict[str, Schema] = {
    "Amount": obj({"currency": STR, "amount": INT | {"description": "minor units"}}),
    "NextCharge": {
        "oneOf": [
            obj(
                {
                    "amount": INT
                    | {"description": "what the next invoice will ask for, credit taken off"},
                    "total": INT | {"description": "the next invoice's total, before credit"},
                    "currency": STR,
                    "date": INT | {"description": "unix time Stripe will charge or invoice"},
                    "subscription": STR,
                }
            ),
            {"type": "null"},
        ],
        "description": "from Stripe's preview of the subscription's next invoice; null when "
        "it will not invoice again",
    },
    "AccountSummary": {
        "oneOf": [
            obj(
                {
                    "outstanding": AMOUNTS
                    | {"description": "open invoices' amount remaining, per currency"},
                    "past_due": AMOUNTS | {"description": "of those, the ones past their due date"},
                    "credit": AMOUNTS
                    | {"description": "the customer's credit balance, taken off next invoices"},
                    "next_charge": ref("NextCharge"),
                }
            ),
            {"type": "null"},
        ],
        "description": "null when the owner turned the summary off",
    },
    "Offer": {
        "oneOf": [
            obj(
                {
                    "id": STR,
                    "title": TEXTS,
                    "text": TEXTS | {"description": "empty when the offer has none"},
                    "button": TEXTS,
                    "url": nullable(
                        "string",
                        description="where the button leads; null: the "
                        "embed only emits upsell_clicked",
                    ),  # fmt: skip
                }
            ),
            {"type": "null"},
        ],
        "description": "the owner's offer (PORTAL_OFFER); null when there is none or the "
        "customer does not match its rule",
    },
    "Account": obj({"summary": ref("AccountSummary"), "offer": ref("Offer")}),
}

ACCOUNT = {
    "operationId": "getAccount",
    "summary": "The customer's account: what they owe and will pay next, and the owner's offer",
    "security": BEARER,
    "parameters": [query("subscription", SUBSCRIPTION_ID, SUBSCRIPTION)],
    "responses": {
        "200": answer("The account", ref("Account")),
        "400": error("Malformed query", ["invalid_request"]),
        "401": TOKEN_ERRORS,
        "403": error(
            "The summary and the offer are both off, or an Origin not allowed",
            ["feature_disabled", "origin_not_allowed"],
        ),
        "404": error("The subscription is not this customer's", ["not_found"]),
        "429": RATE_LIMITED,
        **UPSTREAM,
    },
}

ACCOUNT_PATHS: dict[str, Schema] = {
    "/v1/account": {
        "get": ACCOUNT,
        "post": simple_request(ACCOUNT, {"subscription": SUBSCRIPTION_ID}),
    }
}
