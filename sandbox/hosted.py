"""Stripe's hosted invoice page (where a customer pays) and the invoice PDF, sandbox style."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox import billing, pdf
from sandbox.customers import TEST_CARDS
from sandbox.errors import StripeError
from sandbox.state import Sandbox

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice {number}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}
table{{width:100%;border-collapse:collapse}}td{{padding:.3rem 0;border-bottom:1px solid #ddd}}
td.n{{text-align:right}}.status{{font-weight:bold}}.error{{color:#b00}}</style></head>
<body><p>Stripe sandbox &middot; hosted invoice page</p>
<h1>Invoice {number}</h1>
<p class="status" data-status="{status}">Status: {status}</p>
<p>Billed to {name} &lt;{email}&gt;</p>
{message}
<table>{rows}</table>
<p><strong>Amount due: {due}</strong></p>
{form}
<p><a href="{pdf}">Download PDF</a></p>
</body></html>
"""
FORM = """<form method="post" action="/hosted/invoices/{id}/pay">
<label>Test card <select name="payment_method">{options}</select></label>
<button type="submit">Pay {due}</button></form>"""


def routes(sb: Sandbox) -> list[Route]:
    # Drawing a PDF with CJK glyphs takes seconds: keep each one until its invoice changes.
    pdfs: dict[tuple[str, str, int], bytes] = {}

    def lookup(request: Request) -> dict[str, Any] | None:
        inv = sb.store.objects["invoice"].get(request.path_params["id"])
        return None if inv is None or inv["status"] == "draft" else inv

    async def page(request: Request) -> Response:
        inv = lookup(request)
        if inv is None:
            return HTMLResponse(
                "<!doctype html><title>Not found</title><h1>Invoice not found</h1>", 404
            )
        return HTMLResponse(_page(sb, inv, request.query_params.get("error")))

    async def pay(request: Request) -> Response:
        inv = lookup(request)
        if inv is None:
            return HTMLResponse(
                "<!doctype html><title>Not found</title><h1>Invoice not found</h1>", 404
            )
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        choice = form.get("payment_method") or "pm_card_visa"
        if choice not in TEST_CARDS:
            choice = "pm_card_visa"
        query = ""
        try:
            billing.pay(sb, inv, payment_method=choice)
        except StripeError as error:
            # Paying on the hosted page is where authentication happens: it always succeeds here.
            if error.code == "invoice_payment_intent_requires_action":
                billing.mark_paid(sb, inv, None, out_of_band=False, payment_method=choice)
            else:
                query = "?error=" + (error.decline_code or error.code or "failed")
        return RedirectResponse(f"/hosted/invoices/{inv['id']}{query}", 303)

    async def document(request: Request) -> Response:
        inv = lookup(request)
        if inv is None:
            return Response("Not found", 404, media_type="text/plain")
        # Only a fault set on a /pdf/ path: a file Stripe cannot serve right now.
        if any(f.path and f.path.startswith("/pdf/") for f in sb.faults):
            if sb.take_fault(request.url.path):
                return Response("Try again later", 500, media_type="text/plain")
        key = (inv["id"], inv["status"], inv["amount_remaining"])
        if key not in pdfs:
            pdfs[key] = pdf.render(inv, sb.store.lines[inv["id"]])
        return pdf.download(pdfs[key], inv["number"])

    return [
        Route("/hosted/invoices/{id}", page, methods=["GET"]),
        Route("/hosted/invoices/{id}/pay", pay, methods=["POST"]),
        Route("/pdf/invoices/{id}", document, methods=["GET"]),
    ]


def _page(sb: Sandbox, inv: dict[str, Any], error: str | None) -> str:
    currency = inv["currency"]
    rows = "".join(
        f"<tr><td>{line['quantity']} &times; {escape(line['description'] or '')}</td>"
        f"<td class=n>{escape(pdf.money(line['amount'], currency))}</td></tr>"
        for line in sb.store.lines[inv["id"]]
    )
    due = escape(pdf.money(inv["amount_remaining"], currency))
    options = "".join(f'<option value="{escape(c)}">{escape(c)}</option>' for c in TEST_CARDS)
    payable = inv["status"] in ("open", "uncollectible")
    return PAGE.format(
        number=escape(inv["number"] or ""),
        status=escape(inv["status"]),
        name=escape(inv["customer_name"] or ""),
        email=escape(inv["customer_email"] or ""),
        message=f'<p class="error">Payment failed: {escape(error)}</p>' if error else "",
        rows=rows,
        due=due,
        form=FORM.format(id=escape(inv["id"]), options=options, due=due) if payable else "",
        pdf=f"/pdf/invoices/{escape(inv['id'])}",
    )
