"""The JSON Schemas of one invoice's detail: its lines, taxes, discounts, bill-to and the card
that paid. Part of the components of the OpenAPI document (`edge.schemas.SCHEMAS`)."""

from __future__ import annotations

from edge.schemas import BOOL, INT, STR, Schema, nullable, obj, ref

ADDRESS_FIELDS = ("line1", "line2", "city", "state", "postal_code", "country")

DETAIL_SCHEMAS: dict[str, Schema] = {
    "Address": {
        "oneOf": [
            obj({f: nullable("string") for f in ADDRESS_FIELDS}),
            {"type": "null"},
        ]
    },
    "Tax": obj(
        {
            "tax_rate": nullable("string", description="the Stripe tax rate's id"),
            "display_name": nullable("string", description="null without Tax rates Read"),
            "percentage": nullable("number"),
            "inclusive": BOOL,
            "amount": INT,
            "taxable_amount": nullable("integer"),
        }
    ),
    "Discount": obj(
        {
            "discount": nullable("string", description="the Stripe discount's id"),
            "name": nullable("string", description="the coupon's name"),
            "code": nullable("string", description="the promotion code the customer entered"),
            "amount": INT,
        }
    ),
    "PaymentMethod": {
        "oneOf": [
            obj(
                {
                    "type": {"type": "string", "description": "card, sepa_debit, ..."},
                    "brand": nullable("string"),
                    "last4": nullable("string"),
                    "exp_month": nullable("integer"),
                    "exp_year": nullable("integer"),
                }
            ),
            {"type": "null"},
        ]
    },
    "InvoiceLine": obj(
        {
            "id": STR,
            "description": nullable("string"),
            "amount": INT,
            "currency": STR,
            "quantity": nullable("integer"),
            "unit_amount": nullable("integer", description="whole minor units, when it is"),
            "unit_amount_decimal": nullable("string", description="minor units, decimal"),
            "period": obj({"start": INT, "end": INT}),
            "taxes": {"type": "array", "items": ref("Tax")},
            "discounts": {"type": "array", "items": ref("Discount")},
        }
    ),
    "CreditNote": obj(
        {
            "id": {"type": "string", "pattern": "^cn_"},
            "number": nullable("string"),
            "status": {"enum": ["issued", "void"]},
            "reason": {
                "oneOf": [
                    {"enum": ["duplicate", "fraudulent", "order_change", "product_unsatisfactory"]},
                    {"type": "null"},
                ]
            },
            "amount": INT | {"description": "minor units, taxes included"},
            "currency": STR,
            "created": INT,
            "memo": nullable("string"),
            "pdf": nullable("string", description="Stripe's PDF of the credit note"),
        }
    ),
    "InvoiceDetail": {
        "allOf": [
            ref("Invoice"),
            obj(
                {
                    "subtotal": INT,
                    "tax": INT,
                    "discount": INT,
                    "total_excluding_tax": nullable("integer"),
                    "customer_name": nullable("string"),
                    "customer_email": nullable("string"),
                    "customer_phone": nullable("string"),
                    "customer_address": ref("Address"),
                    "customer_shipping": {
                        "oneOf": [
                            obj(
                                {
                                    "name": nullable("string"),
                                    "phone": nullable("string"),
                                    "address": ref("Address"),
                                }
                            ),
                            {"type": "null"},
                        ]
                    },
                    "customer_tax_ids": {
                        "type": "array",
                        "items": obj({"type": nullable("string"), "value": nullable("string")}),
                    },
                    "discounts": {"type": "array", "items": ref("Discount")},
                    "taxes": {"type": "array", "items": ref("Tax")},
                    "lines": {"type": "array", "items": ref("InvoiceLine")},
                    "lines_has_more": {
                        "type": "boolean",
                        "description": "more lines than the proxy reads (1,000)",
                    },
                    "paid_with": ref("PaymentMethod"),
                    "hosted_invoice_url": nullable(
                        "string",
                        description="Stripe's hosted page to pay this open invoice another "
                        "way (another card, another method); null once it is not open",
                    ),
                    "receipt_url": nullable(
                        "string",
                        description="Stripe's receipt of the payment of this paid invoice; null "
                        "when receipts are off, the invoice is not paid or has none, or the key "
                        "may not read charges",
                    ),
                    "credit_notes": {
                        "type": "array",
                        "items": ref("CreditNote"),
                        "description": "newest first; empty when credit notes are off, there "
                        "are none, or the key may not read them",
                    },
                    "payment_error": {
                        "description": "why the last attempt to charge this open invoice "
                        "failed (Stripe's codes; the embed words them), else null",
                        "oneOf": [
                            obj(
                                {
                                    "code": nullable("string"),
                                    "decline_code": nullable("string"),
                                    "payment_method": ref("PaymentMethod"),
                                }
                            ),
                            {"type": "null"},
                        ],
                    },
                }
            ),
        ]
    },
}
