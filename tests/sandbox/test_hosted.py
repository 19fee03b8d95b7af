"""The hosted invoice page and the invoice PDF the sandbox serves."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import httpx
import stripe
from pypdf import PdfReader

from sandbox.testing import SandboxServer


def test_pdf_is_a_real_pdf_with_the_invoice_number(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    inv = client.v1.invoices.retrieve(personas["invoices"]["hans@example.de"]["open"][0])
    assert inv.invoice_pdf is not None and inv.number is not None
    response = httpx.get(inv.invoice_pdf)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["content-disposition"] == f'attachment; filename="{inv.number}.pdf"'
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert inv.number in text and "Müller" in text


def test_hosted_page_shows_html_from_stripe_as_text(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    inv = client.v1.invoices.retrieve(personas["invoices"]["html@example.com"]["open"][0])
    assert inv.hosted_invoice_url is not None
    page = httpx.get(inv.hosted_invoice_url).text
    assert "<script>window.__xss" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page


def test_paying_on_the_hosted_page_marks_the_invoice_paid(
    client: stripe.StripeClient,
    customer: stripe.Customer,
    open_invoice: Callable[..., stripe.Invoice],
) -> None:
    inv = open_invoice(customer.id)
    assert inv.hosted_invoice_url is not None
    response = httpx.post(inv.hosted_invoice_url + "/pay", data={"payment_method": "pm_card_visa"})
    assert response.status_code == 303
    assert client.v1.invoices.retrieve(inv.id).status == "paid"
    assert 'data-status="paid"' in httpx.get(inv.hosted_invoice_url).text


def test_hosted_page_completes_authentication_a_card_asks_for(
    client: stripe.StripeClient, personas: dict[str, Any]
) -> None:
    inv_id = personas["invoices"]["auth@example.com"]["open"][-1]
    url = client.v1.invoices.retrieve(inv_id).hosted_invoice_url
    assert url is not None
    httpx.post(url + "/pay", data={"payment_method": "pm_card_authenticationRequired"})
    assert client.v1.invoices.retrieve(inv_id).status == "paid"


def test_drafts_have_no_page_and_no_pdf(sandbox: SandboxServer, personas: dict[str, Any]) -> None:
    draft = personas["invoices"]["jane@example.com"]["draft"][0]
    assert httpx.get(f"{sandbox.url}/hosted/invoices/{draft}").status_code == 404
    assert httpx.get(f"{sandbox.url}/pdf/invoices/{draft}").status_code == 404
