"""Charges: what a card payment attempt leaves behind, succeeded or failed, and its receipt.

Every attempt to pay an invoice by card is a Charge (`ch_...`) of the invoice's PaymentIntent,
its `latest_charge`: a succeeded one with a `receipt_number` and a `receipt_url` (a page the
sandbox serves, `sandbox.receipts`), or a failed one with Stripe's `failure_code`,
`failure_message` and `outcome`, as Stripe records a declined card.
"""

from __future__ import annotations

from typing import Any

from sandbox import shapes
from sandbox.fixtures import clone, list_object, template
from sandbox.params import EXPAND, LIST, check
from sandbox.state import Sandbox

STATEMENT_DESCRIPTOR = "INVOICE PORTAL SANDBOX"  # Stripe's limit: 22 characters
_CHARGE = template("charge")
_CHARGE.update(
    amount_refunded=0,
    application=None,
    application_fee=None,
    application_fee_amount=None,
    calculated_statement_descriptor=STATEMENT_DESCRIPTOR,
    disputed=False,
    failure_balance_transaction=None,
    fraud_details={},
    metadata={},
    on_behalf_of=None,
    receipt_email=None,
    refunded=False,
    review=None,
    shipping=None,
    source=None,
    source_transfer=None,
    statement_descriptor=None,
    statement_descriptor_suffix=None,
    transfer_data=None,
    transfer_group=None,
)
_CARD = _CHARGE["payment_method_details"]["card"]


def record(
    sb: Sandbox,
    intent: dict[str, Any],
    inv: dict[str, Any],
    payment_method: str,
    at: int,
    decline: tuple[str, str, str] | None = None,
) -> dict[str, Any]:
    """A charge of `intent` by `payment_method`: succeeded, or failed with `decline`
    (code, decline code, message). It becomes the PaymentIntent's `latest_charge`."""
    store = sb.store
    method = store.get("payment_method", payment_method)
    charge = dict(_CHARGE)  # shallow: nested values here are only ever replaced
    charge_id = store.new_id("charge")
    amount = intent["amount"]
    ok = decline is None
    code, _, message = decline or (None, None, None)
    charge.update(
        id=charge_id,
        amount=amount,
        amount_captured=amount if ok else 0,
        balance_transaction="txn_" + charge_id[3:] if ok else None,
        billing_details=clone(method["billing_details"]),
        captured=ok,
        created=at,
        currency=intent["currency"],
        customer=intent["customer"],
        description=intent["description"],
        failure_code=code,
        failure_message=message,
        outcome=_outcome(decline),
        paid=ok,
        payment_intent=intent["id"],
        payment_method=payment_method,
        payment_method_details={"card": _card(method["card"], amount, ok), "type": "card"},
        receipt_number=None,
        receipt_url=None,
        refunds=list_object([], False, f"/v1/charges/{charge_id}/refunds"),
        status="succeeded" if ok else "failed",
    )
    if ok:
        store.receipts += 1
        number = f"{1000 + store.receipts // 10000}-{store.receipts % 10000:04d}"
        charge.update(
            receipt_number=number,
            receipt_url=f"{shapes.BASE}receipts/payment/{charge_id}",
        )
        inv["receipt_number"] = number
    store.charge_invoices[charge_id] = inv["id"]
    intent["latest_charge"] = charge_id
    return store.add("charge", charge)


def _card(card: dict[str, Any], amount: int, ok: bool) -> dict[str, Any]:
    out = dict(_CARD)
    out.update(
        amount_authorized=amount if ok else None,
        authorization_code="123456" if ok else None,
        brand=card["brand"],
        checks={
            "address_line1_check": None,
            "address_postal_code_check": None,
            "cvc_check": "pass",
        },  # fmt: skip
        country=card["country"],
        exp_month=card["exp_month"],
        exp_year=card["exp_year"],
        fingerprint=card["fingerprint"],
        funding=card["funding"],
        installments=None,
        last4=card["last4"],
        network=card["brand"],
        network_transaction_id=None,
        overcapture={"maximum_amount_capturable": amount, "status": "unavailable"},
        regulated_status=card["regulated_status"],
        three_d_secure=None,
        wallet=None,
    )
    return out


def _outcome(decline: tuple[str, str, str] | None) -> dict[str, Any]:
    if decline is None:
        status, reason, message, kind = (
            "approved_by_network",
            None,
            "Payment complete.",
            "authorized",
        )
    else:
        status, reason, kind = "declined_by_network", decline[1], "issuer_declined"
        message = (
            "The bank did not return any further details with this decline."
            if reason == "generic_decline"
            else f"The bank returned the decline code `{reason}`."
        )
    return {
        "advice_code": None,
        "network_advice_code": None,
        "network_decline_code": None,
        "network_status": status,
        "reason": reason,
        "seller_message": message,
        "type": kind,
    }


def refund(sb: Sandbox, inv: dict[str, Any], amount: int) -> dict[str, Any] | None:
    """Refund `amount` of the succeeded charge that paid `inv`; None when none did."""
    charge = paid_by(sb, inv)
    if charge is None:
        return None
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
    return charge


def paid_by(sb: Sandbox, inv: dict[str, Any]) -> dict[str, Any] | None:
    """The succeeded charge that paid an invoice, if a card paid it."""
    store = sb.store
    for payment in store.objects["invoice_payment"].values():
        if payment["invoice"] == inv["id"] and payment["status"] == "paid":
            intent = store.objects["payment_intent"].get(payment["payment"]["payment_intent"])
            charge = store.objects["charge"].get((intent or {}).get("latest_charge") or "")
            if charge and charge["status"] == "succeeded":
                return charge
    return None


def retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(sb.store.get("charge", ids["id"]), p.get("expand", ()))


def listing(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "customer": "str", "payment_intent": "str", "transfer_group": "str"})
    rows = [
        c
        for c in sb.store.ordered("charge")
        if p.get("customer") in (None, c["customer"])
        and p.get("payment_intent") in (None, c["payment_intent"])
        and p.get("transfer_group") in (None, c["transfer_group"])
    ]
    page = sb.store.page("charge", rows, p, "/v1/charges")
    return sb.store.render(page, p.get("expand", ()))


ROUTES = [
    ("GET", "/v1/charges", listing),
    ("GET", "/v1/charges/{id}", retrieve),
]
