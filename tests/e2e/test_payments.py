"""Paying from the portal: success, a decline, authentication, the keyboard, and the PDF."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tools.stack import Stack

from .portal import (
    Tab,
    containing,
    first,
    open_portal,
    pattern,
    pay_and_confirm,
    row_for,
    strings,
    t,
)


def open_invoice(tab: Tab, stack: Stack, email: str, **wanted: object) -> dict[str, object]:
    """Open the portal for `email` and the first invoice with the wanted fields."""
    loaded = open_portal(tab, stack, email=email, show_all_invoices=True)
    invoice = first(loaded["response"]["invoices"], **wanted)
    row_for(tab.portal(), invoice).click()
    tab.wait_for_event("invoice_opened")
    return invoice


def test_paying_an_open_invoice_marks_it_paid(tab: Tab, fresh_stack: Stack) -> None:
    stack = fresh_stack
    invoice = open_invoice(tab, stack, "jane@example.com", status="open")
    portal = tab.portal()

    pay_and_confirm(portal)

    succeeded = tab.wait_for_event("payment_succeeded")["detail"]
    assert succeeded["response"]["invoice"]["id"] == invoice["id"]
    assert succeeded["response"]["invoice"]["status"] == "paid"
    expect(portal.get_by_role("status")).to_contain_text(t("en-US", "pay.succeeded"))
    expect(portal.get_by_text(t("en-US", "status.paid"), exact=True).first).to_be_visible()
    expect(portal.get_by_role("button", name=pattern("en-US", "action.pay"))).to_have_count(0)
    assert [e["name"] for e in tab.events() if e["name"].startswith(("pre_pay", "payment_"))] == [
        "pre_payment",
        "payment_started",
        "payment_succeeded",
    ]

    tab.page.reload()
    reloaded = tab.wait_for_event("post_load")["detail"]["response"]["invoices"]
    assert first(reloaded, id=invoice["id"])["status"] == "paid", "the payment was not kept"


@pytest.mark.context(locale="de-DE")
def test_declined_card_shows_a_translated_message_and_the_decline_code(
    tab: Tab, stack: Stack
) -> None:
    invoice = open_invoice(tab, stack, "decline@example.com", status="open")
    portal = tab.portal()

    pay_and_confirm(portal, "de-DE")

    failed = tab.wait_for_event("payment_failed")["detail"]
    decline_code = failed["response"]["decline_code"]
    assert failed["response"]["code"] == "card_declined"
    assert decline_code, "the decline code reaches the host page"
    key = f"pay.{decline_code}" if f"pay.{decline_code}" in strings("de-DE") else "pay.declined"
    expect(portal.get_by_text(t("de-DE", key))).to_be_visible()
    assert tab.events("payment_succeeded") == []
    expect(portal.get_by_role("button", name=pattern("de-DE", "action.pay"))).to_be_enabled()

    tab.page.reload()
    reloaded = tab.wait_for_event("post_load")["detail"]["response"]["invoices"]
    assert first(reloaded, id=invoice["id"])["status"] == "open", "a declined invoice stays open"


@pytest.mark.parametrize(
    ("email", "reason"),
    [("auth@example.com", "authentication_required"), ("nocard@example.com", "no_payment_method")],
)
def test_customer_who_must_act_gets_stripes_hosted_invoice_page(
    tab: Tab, stack: Stack, email: str, reason: str
) -> None:
    open_invoice(tab, stack, email, status="open")
    portal = tab.portal()

    with tab.page.context.expect_page() as popup_info:
        if reason == "no_payment_method":  # nothing to confirm: Stripe's page asks for a card
            portal.get_by_role("button", name=pattern("en-US", "action.pay")).click()
        else:
            pay_and_confirm(portal)

    action = tab.wait_for_event("payment_requires_action")["detail"]["response"]
    hosted = action["hosted_invoice_url"]
    assert action["reason"] == reason
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url == hosted
    assert hosted.startswith(stack.sandbox_url), "the hosted page is Stripe's (the sandbox's)"
    expect(portal.get_by_role("status")).to_contain_text(t("en-US", "pay.action_required"))
    link = portal.get_by_role("link", name=t("en-US", "pay.open_page"))
    expect(link).to_have_attribute("href", hosted)
    assert tab.events("payment_succeeded") == []


def test_paying_with_the_keyboard_alone(tab: Tab, fresh_stack: Stack) -> None:
    stack = fresh_stack
    loaded = open_portal(tab, stack, email="jane@example.com", show_all_invoices=True)
    invoice = first(loaded["response"]["invoices"], status="open")
    portal = tab.portal()
    keyboard = tab.page.keyboard

    def focused() -> str:
        text: str = portal.evaluate("el => el.shadowRoot.activeElement?.textContent ?? ''")
        return text

    def tab_to(text: str) -> None:
        for _ in range(40):
            keyboard.press("Tab")
            if text in focused():
                return
        raise AssertionError(f"Tab never reached {text!r}")

    tab_to(invoice["number"])
    keyboard.press("Enter")
    tab.wait_for_event("invoice_opened")
    expect(portal.get_by_role("heading", name=containing(invoice["number"]))).to_be_focused()
    pay_label = t("en-US", "action.pay", amount="").strip()
    tab_to(pay_label)
    keyboard.press("Enter")
    confirm = portal.get_by_role("button", name=pattern("en-US", "action.confirm"))
    expect(confirm).to_be_focused()
    keyboard.press("Enter")

    assert (
        tab.wait_for_event("payment_succeeded")["detail"]["response"]["invoice"]["id"]
        == (invoice["id"])
    )
    expect(portal.get_by_role("status")).to_contain_text(t("en-US", "pay.succeeded"))


def test_pdf_download_is_a_valid_pdf_of_the_invoice(tab: Tab, stack: Stack) -> None:
    invoice = open_invoice(tab, stack, "jane@example.com", status="paid")
    portal = tab.portal()

    # The portal opens Stripe's PDF in a new tab; headless Chromium saves it as a download.
    with tab.page.expect_download() as download_info:
        portal.get_by_role("button", name=t("en-US", "action.pdf")).click()

    downloaded = tab.wait_for_event("pdf_downloaded")["detail"]["response"]
    download = download_info.value
    assert download.url == downloaded["url"]
    assert download.url.startswith(stack.sandbox_url), "the PDF is Stripe's (the sandbox's)"
    pdf = PdfReader(download.path())
    text = "".join(page.extract_text() for page in pdf.pages)
    assert str(invoice["number"]) in text
