"""An invoice's receipt and credit notes, shown with its detail (docs/openapi.json).

The receipt is Stripe's page for the charge that paid the invoice. Its address comes with the
paid payment the detail reads anyway (`gateway.list_invoice_payments` expands the charge), so
it costs no call of its own. Credit notes cost one call, and only for an invoice Stripe says
was credited (a credit note voided since is listed while another one stands). Either is left
out, never refused, when the owner turned it off or the key may not read it (Charges Read,
Credit notes Read).
"""

from __future__ import annotations

from typing import Any

from edge.gateway import Gateway
from edge.settings import Settings

Obj = dict[str, Any]
# What the answer keeps of a Stripe credit note.
NOTE_FIELDS = ("id", "number", "status", "reason", "amount", "currency", "created", "memo", "pdf")
CREDITED = ("pre_payment_credit_notes_amount", "post_payment_credit_notes_amount")


async def load(gateway: Gateway, invoice: Obj, payments: Obj | None, settings: Settings) -> Obj:
    """What an invoice's detail keeps of its documents: the receipt's address, from the paid
    payment the detail has read (`payments`, None when it read none), and the credit notes."""
    notes: list[Obj] = []
    if settings.allow_credit_notes and any(invoice.get(f) for f in CREDITED):
        found = await gateway.list_credit_notes(invoice["id"])
        notes = [
            {f: note.get(f) for f in NOTE_FIELDS}
            for note in (found or {}).get("data") or []
            if isinstance(note, dict) and note.get("invoice") == invoice["id"]
        ]
    receipt = receipt_url(invoice, payments) if settings.allow_receipts else None
    return {"receipt_url": receipt, "credit_notes": notes}


def receipt_url(invoice: Obj, payments: Obj | None) -> str | None:
    """The receipt of the charge that paid a paid invoice, from `GET /v1/invoice_payments`
    with `data.payment.payment_intent.latest_charge` expanded."""
    if invoice.get("status") != "paid" or not payments:
        return None
    for entry in payments.get("data") or []:
        payment = entry.get("payment") if isinstance(entry, dict) else None
        intent = payment.get("payment_intent") if isinstance(payment, dict) else None
        charge = intent.get("latest_charge") if isinstance(intent, dict) else None
        if not isinstance(charge, dict) or charge.get("status") != "succeeded":
            continue
        if _web_address(url := charge.get("receipt_url")):
            return str(url)
    return None


def shape(found: Obj) -> Obj:
    """The detail's `receipt_url` and `credit_notes` (newest first), from what `load` kept."""
    # Stable: notes of the same second stay in Stripe's order, newest first.
    notes = sorted(found["credit_notes"], key=lambda n: n.get("created") or 0, reverse=True)
    return {
        "receipt_url": found["receipt_url"],
        "credit_notes": [
            {
                "id": note["id"],
                "number": note["number"],
                "status": note["status"],
                "reason": note["reason"],
                "amount": note["amount"],
                "currency": note["currency"],
                "created": note["created"],
                "memo": note["memo"] or None,
                "pdf": note["pdf"] if _web_address(note["pdf"]) else None,
            }
            for note in notes
        ],
    }


def _web_address(url: Any) -> bool:
    # The embed opens it as a link: nothing but a web address is ever handed on.
    return isinstance(url, str) and url.startswith(("https://", "http://"))
