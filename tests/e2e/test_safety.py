"""Text from Stripe, customers and translation files is shown as text, never run."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tools.stack import Stack

from .portal import Tab, containing, first, open_portal, row_for

HOSTILE_LINE = "<img src=x onerror=\"window.__xss='line'\"><script>window.__xss='script'</script>"
HOSTILE_NAME = "<svg onload=\"window.__xss='name'\">Mallory</svg>"
INJECTED = "el => el.shadowRoot.querySelectorAll('img, script, svg, b, iframe').length"


def test_html_in_stripe_data_is_shown_as_text(tab: Tab, stack: Stack) -> None:
    client = stack.sandbox.client()
    email = f"mallory-{uuid.uuid4().hex[:8]}@example.com"
    customer = client.v1.customers.create(params={"email": email, "name": HOSTILE_NAME})
    invoice = client.v1.invoices.create(
        params={"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 7}
    )
    client.v1.invoice_items.create(
        params={
            "customer": customer.id,
            "invoice": invoice.id,
            "amount": 4200,
            "currency": "usd",
            "description": HOSTILE_LINE,
        }
    )
    client.v1.invoices.finalize_invoice(invoice.id)

    loaded = open_portal(tab, stack, email=email)
    row_for(tab.portal(), first(loaded["response"]["invoices"], id=invoice.id)).click()
    tab.wait_for_event("invoice_opened")

    expect(tab.portal().get_by_role("table")).to_contain_text(HOSTILE_LINE)
    assert tab.portal().evaluate(INJECTED) == 0
    assert tab.page.evaluate("window.__xss") is None


def test_html_in_a_seeded_customer_name_never_runs(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="html@example.com", show_all_invoices=True)
    assert "<img" in loaded["response"]["customer"]["name"]

    for invoice in loaded["response"]["invoices"]:
        row_for(tab.portal(), invoice).click()
        tab.wait_for_event(
            "invoice_opened", count=loaded["response"]["invoices"].index(invoice) + 1
        )
        assert tab.portal().evaluate(INJECTED) == 0
        tab.portal().get_by_role("button", name=containing("All invoices")).click()
    assert tab.page.evaluate("window.__xss") is None


def test_html_in_a_site_translation_file_is_shown_as_text(tab: Tab, stack: Stack) -> None:
    translations = f"{stack.pages_url}/i18n-hostile/{{locale}}.json"

    open_portal(
        tab, stack, email="big@example.com", show_all_invoices=True, translations=translations
    )

    heading = tab.portal().get_by_role("heading", level=2)
    expect(heading).to_contain_text("<img src=x onerror=")
    expect(heading).to_contain_text("<script>")
    more = tab.portal().get_by_role("button", name=containing('<b onmouseover="'))
    more.hover()
    assert tab.portal().evaluate(INJECTED) == 0
    assert tab.page.evaluate("window.__xss") is None


def test_debug_attribute_explains_on_the_console(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="twin@example.com", debug=True)

    lines = tab.debug_lines()
    assert any("post_load" in line for line in lines), lines
    assert any("merged" in line for line in lines), "debug names the merged customers"


def test_debug_explains_a_hash_mismatch(tab: Tab, stack: Stack) -> None:
    tab.page.goto(stack.page_url("plain.html", email="jane@example.com", hash="0" * 64, debug=True))
    tab.wait_for_event("error")

    assert any("invalid_hash" in line and "HMAC" in line for line in tab.debug_lines())


def test_without_debug_the_console_stays_quiet(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="twin@example.com")

    assert tab.debug_lines() == []
    assert tab.console_errors() == []
