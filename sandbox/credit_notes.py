"""Credit notes: issue, preview, list, read, update and void them, with Stripe's effects.

As on Stripe, a credit note first reduces what is still owed on its invoice (`amount_remaining`
and `amount_due`, never below zero): that part is its `pre_payment_amount`, added to the
invoice's `pre_payment_credit_notes_amount`, and an invoice left owing nothing is paid. The rest,
its `post_payment_amount` (added to `post_payment_credit_notes_amount`), must be shared exactly
between `credit_amount` (the customer's balance, applied to their next invoice),
`refund_amount` (a refund of the card payment) and `out_of_band_amount`. Voiding reverses it
all but a refund.
"""

from __future__ import annotations

from typing import Any

from sandbox import balance, billing, charges, crediting, fixtures, shapes
from sandbox.errors import invalid
from sandbox.params import EXPAND, LIST, check
from sandbox.state import Sandbox
from sandbox.store import INVOICE_LINES_SHOWN

REASONS = ("duplicate", "fraudulent", "order_change", "product_unsatisfactory")
LINE = {
    "type": ("custom_line_item", "invoice_line_item"),
    "invoice_line_item": "str",
    "quantity": "int",
    "amount": "int",
    "description": "str",
    "unit_amount": "int",
    "tax_rates": "strs",
    "metadata": "map",
}
SPEC: dict[str, Any] = {
    **EXPAND,
    "invoice": "str",
    "amount": "int",
    "credit_amount": "int",
    "refund_amount": "int",
    "out_of_band_amount": "int",
    "reason": REASONS,
    "memo": "str",
    "metadata": "map",
    "effective_at": "int",
    "email_type": ("credit_note", "none"),
    "lines": [LINE],
}
SPLIT = ("credit_amount", "refund_amount", "out_of_band_amount")


def build(
    sb: Sandbox, p: dict[str, Any], at: int, *, shared: bool = True
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The credit note `p` asks for, checked as Stripe checks it (`shared`: its post-payment
    amount shared out exactly as well); nothing changed yet."""
    store = sb.store
    inv = store.get("invoice", p["invoice"], "invoice")
    if inv["status"] not in ("open", "paid", "uncollectible"):
        raise invalid(
            "Credit notes can only be issued for finalized invoices that are open, paid or "
            f"uncollectible. This invoice is {inv['status']}.",
            "invoice",
        )
    rows = crediting.lines(sb, inv, p)
    note = fixtures.template("credit_note")
    note.update(
        id=store.new_id("credit_note"),
        amount_shipping=0,
        created=at,
        currency=inv["currency"],
        customer=inv["customer"],
        customer_balance_transaction=None,
        effective_at=p.get("effective_at") or at,
        invoice=inv["id"],
        livemode=False,
        memo=p.get("memo") or None,
        metadata=p.get("metadata") or {},
        out_of_band_amount=p.get("out_of_band_amount") or None,
        reason=p.get("reason"),
        shipping_cost=None,
        status="issued",
        voided_at=None,
        pretax_credit_amounts=[],
        refunds=[],
        customer_account=None,
    )
    crediting.finish(sb, note, rows)
    left = inv["total"] - crediting.credited(sb, inv)
    if note["amount"] <= 0 or note["amount"] > left:
        raise invalid(
            f"The credit note's total ({note['amount']}) must be greater than 0 and at most the "
            f"amount that can still be credited on invoice {inv['id']} ({left}).",
            "amount" if p.get("amount") is not None else "lines",
        )
    pre = min(note["amount"], max(inv["amount_remaining"], 0))
    post = note["amount"] - pre
    given = sum(p.get(k) or 0 for k in SPLIT)
    if shared and given != post:
        raise invalid(
            "The sum of credit_amount, refund_amount and out_of_band_amount "
            f"({given}) must equal the credit note's post-payment amount ({post}).",
            next((k for k in SPLIT if p.get(k)), "credit_amount"),
        )
    refund = p.get("refund_amount") or 0
    if refund:
        charge = charges.paid_by(sb, inv)
        room = charge["amount"] - charge["amount_refunded"] if charge else 0
        if refund > room:
            raise invalid(
                f"Refund amount ({refund}) is greater than the amount of the invoice's card "
                f"payment that can still be refunded ({room}).",
                "refund_amount",
            )
    count = sum(1 for n in store.objects["credit_note"].values() if n["invoice"] == inv["id"])
    note.update(
        number=f"{inv['number']}-CN-{count + 1:02d}",
        pdf=f"{shapes.BASE}pdf/credit_notes/{note['id']}",
        pre_payment_amount=pre,
        post_payment_amount=post,
        type="pre_payment" if not post else "post_payment" if not pre else "mixed",
    )
    note["lines"] = _lines_page(note["id"], rows)
    return note, rows


def issue(
    sb: Sandbox, p: dict[str, Any], at: int | None = None, *, rest_to_balance: bool = False
) -> dict[str, Any]:
    """Issue a credit note; `rest_to_balance` (the seed's) credits what comes after payment
    to the customer's balance when `p` does not share it out."""
    store = sb.store
    at = at or store.now()
    if rest_to_balance and not any(p.get(k) for k in SPLIT):
        note, rows = build(sb, p, at, shared=False)
        p = {**p, "credit_amount": note["post_payment_amount"]}
    else:
        note, rows = build(sb, p, at)
    inv = store.get("invoice", note["invoice"])
    before = fixtures.clone(inv)
    store.add("credit_note", note)
    store.credit_note_lines[note["id"]] = rows
    pre, post = note["pre_payment_amount"], note["post_payment_amount"]
    inv["pre_payment_credit_notes_amount"] += pre
    inv["post_payment_credit_notes_amount"] += post
    if pre:
        inv["amount_due"] -= pre
        inv["amount_remaining"] -= pre
    if p.get("credit_amount"):
        customer = store.get("customer", inv["customer"])
        txn = balance.transact(
            sb, customer, -p["credit_amount"], "credit_note", credit_note=note["id"],
            invoice=inv["id"], at=at,
        )  # fmt: skip
        note["customer_balance_transaction"] = txn["id"]
    if p.get("refund_amount"):
        charges.refund(sb, inv, p["refund_amount"])
        refund_id = "re_" + note["id"][3:]
        note["refunds"] = [{"amount_refunded": p["refund_amount"], "refund": refund_id,
                            "payment_record_refund": None, "type": "refund"}]  # fmt: skip
    sb.emit("credit_note.created", note)
    if pre and inv["amount_remaining"] <= 0 and inv["status"] in ("open", "uncollectible"):
        billing.mark_paid(sb, inv, at, out_of_band=True)
    sb.emit("invoice.updated", inv, before)
    return note


def void(sb: Sandbox, note: dict[str, Any]) -> dict[str, Any]:
    if note["status"] == "void":
        raise invalid("This credit note has already been voided.")
    if note["refunds"]:
        raise invalid("A credit note with a refund cannot be voided: its refund stays made.")
    store = sb.store
    at = store.now()
    inv = store.get("invoice", note["invoice"])
    before = fixtures.clone(inv)
    pre, post = note["pre_payment_amount"], note["post_payment_amount"]
    inv["pre_payment_credit_notes_amount"] -= pre
    inv["post_payment_credit_notes_amount"] -= post
    if pre:
        inv["amount_due"] += pre
        inv["amount_remaining"] = inv["amount_due"] - inv["amount_paid"]
        if inv["status"] == "paid" and inv["amount_remaining"] > 0:
            inv["status"] = "open"  # it was paid by this credit note alone
            inv["status_transitions"]["paid_at"] = None
    if note["customer_balance_transaction"]:
        given = store.get("customer_balance_transaction", note["customer_balance_transaction"])
        customer = store.get("customer", inv["customer"])
        balance.transact(sb, customer, -given["amount"], "credit_note", credit_note=note["id"],
                         invoice=inv["id"], at=at)  # fmt: skip
    note.update(status="void", voided_at=at)
    sb.emit("credit_note.voided", note)
    sb.emit("invoice.updated", inv, before)
    return note


def _lines_page(id: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    shown = rows[:INVOICE_LINES_SHOWN]  # the first ten, as on an invoice
    return fixtures.list_object(shown, len(rows) > len(shown), f"/v1/credit_notes/{id}/lines")


def create(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, SPEC, required=("invoice",))
    return sb.store.render(issue(sb, p), p.get("expand", ()))


def preview(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, SPEC, required=("invoice",))
    note, _ = build(sb, p, sb.store.now())
    return sb.store.render(note, p.get("expand", ()))


def preview_lines(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    paging = {k: v for k, v in LIST.items() if k not in ("created", "expand")}
    p = check(raw, {**SPEC, **paging}, required=("invoice",))
    note, rows = build(sb, {k: v for k, v in p.items() if k not in paging}, sb.store.now())
    page = sb.store.page_in_order(
        "credit_note_line_item", rows, p, "/v1/credit_notes/preview/lines"
    )
    return sb.store.render(page, p.get("expand", ()))


def retrieve(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(sb.store.get("credit_note", ids["id"]), p.get("expand", ()))


def update(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**EXPAND, "memo": "str", "metadata": "map"})
    note = sb.store.get("credit_note", ids["id"])
    before = fixtures.clone(note)
    if "memo" in p:
        note["memo"] = p["memo"] or None
    if "metadata" in p:
        note["metadata"] = {k: v for k, v in {**note["metadata"], **p["metadata"]}.items() if v}
    sb.emit("credit_note.updated", note, before)
    return sb.store.render(note, p.get("expand", ()))


def void_endpoint(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, EXPAND)
    return sb.store.render(void(sb, sb.store.get("credit_note", ids["id"])), p.get("expand", ()))


def listing(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {**LIST, "invoice": "str", "customer": "str"})
    rows = [
        n
        for n in sb.store.ordered("credit_note")
        if p.get("invoice") in (None, n["invoice"]) and p.get("customer") in (None, n["customer"])
    ]
    page = sb.store.page("credit_note", rows, p, "/v1/credit_notes")
    return sb.store.render(page, p.get("expand", ()))


def lines(sb: Sandbox, raw: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    p = check(raw, {k: v for k, v in LIST.items() if k != "created"})
    note = sb.store.get("credit_note", ids["id"])
    rows = sb.store.credit_note_lines[note["id"]]
    page = sb.store.page_in_order(
        "credit_note_line_item", rows, p, f"/v1/credit_notes/{note['id']}/lines"
    )
    return sb.store.render(page, p.get("expand", ()))


ROUTES = [
    ("POST", "/v1/credit_notes", create),
    ("GET", "/v1/credit_notes", listing),
    ("GET", "/v1/credit_notes/preview", preview),
    ("GET", "/v1/credit_notes/preview/lines", preview_lines),
    ("GET", "/v1/credit_notes/{id}", retrieve),
    ("POST", "/v1/credit_notes/{id}", update),
    ("GET", "/v1/credit_notes/{id}/lines", lines),
    ("POST", "/v1/credit_notes/{id}/void", void_endpoint),
]
