"""The pages behind a charge's `receipt_url` and a credit note's `pdf`, served without a key.

A receipt is what Stripe emails after a payment: who was paid, the amount, the date, the card
(brand and last four digits), the receipt and invoice numbers and a summary of the lines.
Everything from Stripe goes in as text.
"""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from sandbox import pdf
from sandbox.state import Sandbox

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Receipt from {merchant} #{receipt}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}}
table{{width:100%;border-collapse:collapse}}td{{padding:.3rem 0;border-bottom:1px solid #ddd}}
td.n{{text-align:right}}dt{{color:#666;font-size:.85rem}}dd{{margin:0 0 .6rem}}</style></head>
<body><h1>Receipt from {merchant}</h1>
<p>Receipt #{receipt}</p>
<dl>
<dt>Amount paid</dt><dd class="amount">{amount}</dd>
<dt>Date paid</dt><dd class="date">{date}</dd>
<dt>Payment method</dt><dd class="card">{brand} &ndash; {last4}</dd>
<dt>Invoice number</dt><dd class="invoice">{invoice}</dd>
</dl>
<h2>Summary</h2>
<table>{rows}</table>
{refunded}
<p>Questions? This receipt comes from the Stripe sandbox of Invoice Portal.</p>
</body></html>
"""
NOT_FOUND = "<!doctype html><title>Not found</title><h1>Receipt not found</h1>"


def routes(sb: Sandbox) -> list[Route]:
    documents: dict[tuple[str, str], bytes] = {}  # drawn once per credit note and status

    async def receipt(request: Request) -> Response:
        charge = sb.store.objects["charge"].get(request.path_params["id"])
        if charge is None or charge["status"] != "succeeded":
            return HTMLResponse(NOT_FOUND, 404)
        inv = sb.store.objects["invoice"].get(sb.store.charge_invoices.get(charge["id"], ""))
        return HTMLResponse(page(sb, charge, inv))

    async def credit_note(request: Request) -> Response:
        note = sb.store.objects["credit_note"].get(request.path_params["id"])
        if note is None:
            return Response("Not found", 404, media_type="text/plain")
        key = (note["id"], note["status"])
        if key not in documents:
            inv = sb.store.get("invoice", note["invoice"])
            documents[key] = pdf.credit_note(note, inv, sb.store.credit_note_lines[note["id"]])
        return pdf.download(documents[key], note["number"])

    return [
        Route("/receipts/payment/{id}", receipt, methods=["GET"]),
        Route("/pdf/credit_notes/{id}", credit_note, methods=["GET"]),
    ]


def page(sb: Sandbox, charge: dict[str, Any], inv: dict[str, Any] | None) -> str:
    currency = charge["currency"]
    lines = sb.store.lines.get(inv["id"], []) if inv else []
    rows = "".join(
        f"<tr><td>{escape(line['description'] or '')} &times; {line['quantity']}</td>"
        f"<td class=n>{escape(pdf.money(line['amount'], currency))}</td></tr>"
        for line in lines
    )
    if inv:
        for label, value in (("Subtotal", inv["subtotal"]), ("Total", inv["total"])):
            rows += (
                f"<tr><td>{label}</td><td class=n>{escape(pdf.money(value, currency))}</td></tr>"
            )
    rows += (
        "<tr><td><strong>Amount paid</strong></td>"
        f"<td class=n><strong>{escape(pdf.money(charge['amount'], currency))}</strong></td></tr>"
    )
    refunded = ""
    if charge["amount_refunded"]:
        shown = escape(pdf.money(charge["amount_refunded"], currency))
        refunded = f'<p class="refunded">Refunded: {shown}</p>'
    card = charge["payment_method_details"]["card"]
    return PAGE.format(
        merchant="Invoice Portal Sandbox",
        receipt=escape(charge["receipt_number"] or ""),
        amount=escape(pdf.money(charge["amount"], currency)),
        date=escape(pdf.day(charge["created"])),
        brand=escape(str(card["brand"]).title()),
        last4=escape(card["last4"]),
        invoice=escape((inv or {}).get("number") or ""),
        rows=rows,
        refunded=refunded,
    )
