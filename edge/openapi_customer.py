"""The OpenAPI operations on the customer's own records: the accountant's downloads (CSV, zip
of PDFs) and the billing details, with their schemas. Each token GET has a POST twin, the
CORS simple request the embed sends (see `simple_request`)."""

from __future__ import annotations

from edge.billing_details import (
    ADDRESS_LENGTH,
    MAX_TAX_IDS,
    NAME_LENGTH,
    TAX_ID_TYPES,
    VALUE_LENGTH,
)
from edge.detail_schemas import ADDRESS_FIELDS
from edge.exports import MAX_DAYS, MAX_ROWS
from edge.openapi_parts import (
    BEARER,
    RATE_LIMITED,
    TOKEN_ERRORS,
    UPSTREAM,
    answer,
    error,
    simple_request,
    with_token,
)
from edge.schemas import STR, Schema, nullable, obj, ref

DAY = {"type": "string", "format": "date"}
RANGE = (
    "YYYY-MM-DD, UTC, inclusive; from <= to, at most "
    f"{MAX_DAYS} days apart; invoices are those created in the range, drafts left out"
)
DISPOSITION = {
    "Content-Disposition": {
        "required": True,
        "schema": STR,
        "description": 'attachment; filename="invoices-FROM-TO.csv" (or .zip)',
    }
}
FILES = {
    "Invoice-Portal-Files": {
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
        "description": "how many invoices the zip holds a PDF of, or names in MISSING.txt",
    }
}
EXPORT_REFUSED = error(
    "A missing or malformed date (param names from or to), an unknown parameter, or a range "
    "too long or holding too many invoices (the message names the bound)",
    ["invalid_request", "export_too_large"],
)
OFF_OR_ORIGIN = ["feature_disabled", "origin_not_allowed"]


def _export(operation: str, summary: str, content: Schema, headers: Schema) -> Schema:
    return {
        "operationId": operation,
        "summary": summary,
        "security": BEARER,
        "parameters": [
            {"name": name, "in": "query", "required": True, "schema": DAY, "description": RANGE}
            | {"example": example}
            for name, example in (("from", "2026-01-01"), ("to", "2026-12-31"))
        ],
        "responses": {
            "200": {"description": "The file, streamed", "headers": headers, "content": content},
            "400": EXPORT_REFUSED,
            "401": TOKEN_ERRORS,
            "403": error("Downloads are off, or an Origin not allowed", OFF_OR_ORIGIN),
            "404": error("A customer of the token is gone from Stripe", ["not_found"]),
            "429": RATE_LIMITED,
            **UPSTREAM,
        },
    }


EXPORT_CSV = _export(
    "exportInvoicesCsv",
    "The token's invoices created in a range as CSV, oldest first: number, date, status, "
    "currency, subtotal, tax, total, amount_paid, amount_remaining (amounts in major units, "
    f'"12.34", "1200" for zero-decimal currencies); at most {MAX_ROWS} invoices',
    {"text/csv": {"schema": {"type": "string"}}},
    DISPOSITION,
)
EXPORT_ZIP = _export(
    "exportInvoicesZip",
    "The PDFs of the token's invoices created in a range, as a zip streamed file by file "
    "(<number>.pdf; a PDF that cannot be fetched or is over 10 MB is a line of MISSING.txt); "
    "at most PORTAL_EXPORT_MAX_INVOICES invoices, checked before any PDF is fetched; each "
    "PDF counts against the token's limit",
    {"application/zip": {"schema": {"type": "string", "contentMediaType": "application/zip"}}},
    DISPOSITION | FILES,
)
EXPORT_BODY: dict[str, Schema] = {"from": DAY, "to": DAY}

ADDRESS_IN = {
    "oneOf": [
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                f: nullable("string", maxLength=ADDRESS_LENGTH)
                | ({"description": "2-letter ISO code"} if f == "country" else {})
                for f in ADDRESS_FIELDS
            },
        },
        {"type": "null", "description": "remove the address"},
    ]
}
TAX_ID_IN = obj(
    {
        "type": {"enum": list(TAX_ID_TYPES)},
        "value": {"type": "string", "minLength": 1, "maxLength": VALUE_LENGTH},
    }
) | {"additionalProperties": False}
UPDATE: Schema = {
    "type": "object",
    "additionalProperties": False,
    "description": "Fields absent stay as they are",
    "properties": {
        "name": nullable("string", maxLength=NAME_LENGTH),
        "address": ADDRESS_IN,
        "tax_ids": {
            "type": "array",
            "maxItems": MAX_TAX_IDS,
            "items": TAX_ID_IN,
            "description": "the full set wanted: tax IDs not listed are deleted, new ones created",
        },
    },
}

CUSTOMER_SCHEMAS: dict[str, Schema] = {
    "TaxId": obj(
        {
            "id": {"type": "string", "pattern": "^txi_"},
            "type": {"type": "string", "description": "one of tax_id_types"},
            "value": STR,
            "country": nullable("string"),
            "verification": {
                "oneOf": [
                    obj({"status": {"enum": ["pending", "verified", "unverified", "unavailable"]}}),
                    {"type": "null"},
                ]
            },
        }
    ),
    "BillingDetails": obj(
        {
            "name": nullable("string"),
            "email": nullable("string"),
            "address": ref("Address"),
            "tax_ids": {"type": "array", "items": ref("TaxId")},
            "tax_id_types": {"type": "array", "items": {"enum": list(TAX_ID_TYPES)}},
        }
    ),
    "BillingDetailsUpdate": UPDATE,
}

DETAILS_COMMON: Schema = {
    "200": answer("The customer's billing details", ref("BillingDetails")),
    "401": TOKEN_ERRORS,
    "403": error("Billing details are off, or an Origin not allowed", OFF_OR_ORIGIN),
    "404": error("The token has no Stripe customer", ["not_found"]),
    "429": RATE_LIMITED,
    **UPSTREAM,
}
DETAILS = {
    "operationId": "getBillingDetails",
    "summary": "The name, email, address and tax IDs Stripe puts on the customer's next "
    "invoices (the token's first customer), and the tax ID types Stripe takes",
    "security": BEARER,
    "responses": DETAILS_COMMON,
}
DETAILS_UPDATE = {
    "operationId": "updateBillingDetails",
    "summary": "Change the name, address or tax IDs; Stripe copies them onto each invoice it "
    "finalizes from now on",
    "description": "Two forms: the token in Authorization and an application/json body; or, "
    "as a CORS simple request, a text/plain body holding token too.",
    "security": [*BEARER, {}],
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ref("BillingDetailsUpdate")},
            "text/plain": {"schema": with_token(UPDATE)},
        },
    },
    "responses": {
        **DETAILS_COMMON,
        "400": error(
            "A field Stripe would refuse (param names it: name, address.country, "
            "tax_ids[0].type, ...), or a tax ID value Stripe refuses for its type (param "
            "tax_ids[N])",
            ["invalid_request", "tax_id_invalid"],
        ),
        "413": error("Body over 16 KB", ["body_too_large"]),
        "415": error("Body neither application/json nor text/plain", ["unsupported_media_type"]),
    },
}

CUSTOMER_PATHS: dict[str, Schema] = {
    "/v1/invoices/export.csv": {
        "get": EXPORT_CSV,
        "post": simple_request(EXPORT_CSV, EXPORT_BODY),
    },
    "/v1/invoices/export.zip": {
        "get": EXPORT_ZIP,
        "post": simple_request(EXPORT_ZIP, EXPORT_BODY),
    },
    "/v1/billing_details": {"get": DETAILS, "post": simple_request(DETAILS)},
    "/v1/billing_details/update": {"post": DETAILS_UPDATE},
}
