"""Real PDFs of invoices and credit notes, drawn with fpdf2."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.responses import Response

from sandbox.invoice_items import ZERO_DECIMAL

FONTS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
]
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def money(amount: int, currency: str) -> str:
    if currency in ZERO_DECIMAL:
        return f"{amount:,} {currency.upper()}"
    return f"{amount / 100:,.2f} {currency.upper()}"


def day(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d") if ts else "-"


def render(inv: dict[str, Any], lines: list[dict[str, Any]]) -> bytes:
    words = f"{inv['customer_name']} {' '.join(line['description'] or '' for line in lines)}"
    pdf, text = _document(f"Invoice {inv['number']}", words)
    for label, value in (
        ("Status", inv["status"]),
        ("Billed to", f"{inv['customer_name'] or ''} <{inv['customer_email'] or ''}>"),
        ("Date of issue", day(inv["status_transitions"]["finalized_at"] or inv["created"])),
        ("Date due", day(inv["due_date"])),
    ):
        pdf.cell(40, 7, label)
        pdf.cell(0, 7, text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    currency = inv["currency"]
    for line in lines:
        pdf.cell(130, 7, text(f"{line['quantity']} x {line['description'] or ''}")[:90])
        pdf.cell(0, 7, money(line["amount"], currency), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    discount = sum(d["amount"] for d in inv["total_discount_amounts"])
    tax = sum(t["amount"] for t in inv["total_taxes"] or ())
    _sums(pdf, currency, (
        ("Subtotal", inv["subtotal"]),
        ("Discount", -discount),
        ("Tax", tax),
        ("Total", inv["total"]),
        ("Amount paid", inv["amount_paid"]),
        ("Amount remaining", inv["amount_remaining"]),
    ))  # fmt: skip
    return bytes(pdf.output())


def credit_note(note: dict[str, Any], inv: dict[str, Any], lines: list[dict[str, Any]]) -> bytes:
    """A credit note as Stripe lays one out: its number, the invoice it credits, its lines
    and sums, and why it was issued."""
    words = f"{inv['customer_name']} {note['memo'] or ''} " + " ".join(
        line["description"] or "" for line in lines
    )
    pdf, text = _document(f"Credit note {note['number']}", words)
    reason = (note["reason"] or "").replace("_", " ")
    for label, value in (
        ("Status", note["status"]),
        ("Invoice", inv["number"] or ""),
        ("Billed to", f"{inv['customer_name'] or ''} <{inv['customer_email'] or ''}>"),
        ("Date of issue", day(note["effective_at"] or note["created"])),
        ("Reason", reason or "-"),
        ("Memo", note["memo"] or "-"),
    ):
        pdf.cell(40, 7, label)
        pdf.cell(0, 7, text(value)[:90], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    currency = note["currency"]
    for line in lines:
        pdf.cell(130, 7, text(f"{line['quantity'] or 1} x {line['description'] or ''}")[:90])
        pdf.cell(0, 7, money(line["amount"], currency), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    tax = sum(t["amount"] for t in note["total_taxes"] or ())
    _sums(pdf, currency, (
        ("Subtotal", note["subtotal"]),
        ("Discount", -note["discount_amount"]),
        ("Tax", tax),
        ("Total credited", note["total"]),
    ))  # fmt: skip
    return bytes(pdf.output())


def download(body: bytes, number: str) -> Response:
    """A PDF as Stripe's file links serve it: an attachment named by the document's number,
    readable from any page, kept a minute by the browser."""
    return Response(body, 200, {
        "Content-Disposition": f'attachment; filename="{number}.pdf"',
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": "private, max-age=60",
    }, media_type="application/pdf")  # fmt: skip


def _document(title: str, words: str) -> tuple[Any, Any]:
    from fpdf import FPDF  # takes most of a second to import: only once a PDF is asked for

    pdf = FPDF()
    pdf.set_title(title)
    font = next((f for f in FONTS if f.exists()), None)
    if font:
        pdf.add_font("body", fname=str(font))
        family = "body"
        if CJK.exists() and any(ord(ch) >= 0x2E80 for ch in words):
            # Loading the CJK font costs a second, so only for documents that need its glyphs.
            pdf.add_font("cjk", fname=str(CJK))
            pdf.set_fallback_fonts(["cjk"])
    else:
        family = "helvetica"
    pdf.add_page()
    pdf.set_font(family, size=20)

    def text(value: str) -> str:
        # Without a Unicode font only Latin-1 can be drawn; say so rather than fail.
        return value if font else value.encode("latin-1", "replace").decode("latin-1")

    pdf.cell(0, 12, text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=11)
    return pdf, text


def _sums(pdf: Any, currency: str, rows: tuple[tuple[str, int], ...]) -> None:
    for label, value in rows:
        pdf.cell(130, 7, label)
        pdf.cell(0, 7, money(value, currency), align="R", new_x="LMARGIN", new_y="NEXT")
