"""Screenshots for the README: the list with what is owed, an invoice, the confirm step, a
full invoice and a declined card's way on, the account summary with the owner's offer, a
paid invoice's credit note and receipt, the filters, the accountant's downloads and the billing
details; desktop and phone, light and dark.

Written to dist/screenshots/ under stable names (`list-desktop-light.png`, `detail-...`,
`confirm-...`, `invoice-...`, `decline-...`, `account-...`, `credit-...`, `filters-...`,
`export-...`, `billing-...`); `make screenshots` writes them to docs/screenshots/ for the
README. The data is the demo seed, reset first, so the pictures only change when the portal
does.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from tools.stack import Stack

from .portal import (
    OpenTab,
    Tab,
    first,
    open_portal,
    pattern,
    pay_and_confirm,
    proxy_settings,
    row_for,
    rows,
    t,
)
from .test_billing_details import tool

VIEWPORTS = {"desktop": {"width": 1024, "height": 720}, "mobile": {"width": 360, "height": 740}}
# The owner's offer of the account pictures (PORTAL_OFFER), shown to customers on a monthly plan.
OFFER = {
    "id": "yearly",
    "title": "Switch to yearly billing",
    "text": "Two months free when you pay for a year up front.",
    "button": "See yearly plans",
    "url": "https://www.example.com/plans",
    "when": {"interval": "month"},
}


def themed(open_tab: OpenTab, device: str, color_scheme: str) -> tuple[Tab, str]:
    """A tab of the device's size in the colour scheme, and the page to show the portal on:
    the portal follows its page, so the dark pictures are taken on a dark page."""
    tab = open_tab(
        viewport=VIEWPORTS[device],
        color_scheme=color_scheme,
        device_scale_factor=2 if device == "mobile" else 1,
    )
    return tab, "dark-page.html" if color_scheme == "dark" else "plain.html"


def fits(tab: Tab, device: str, what: str = "the portal makes") -> None:
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[device]["width"], f"{what} the page scroll sideways"


def shoot(portal: Locator, path: Path) -> None:
    """The portal's picture at `path`, a PNG."""
    portal.screenshot(path=str(path), animations="disabled")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def seeded(stack: Stack) -> Stack:
    stack.reset()
    return stack


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_screenshots_of_list_and_detail(
    open_tab: OpenTab, seeded: Stack, screenshots: Path, device: str, color_scheme: str
) -> None:
    tab, page = themed(open_tab, device, color_scheme)
    loaded = open_portal(tab, seeded, page, email="jane@example.com", show_all_invoices=True)
    portal = tab.portal()
    expect(rows(portal)).to_have_count(len(loaded["response"]["invoices"]))
    box = portal.bounding_box()
    assert box is not None and box["width"] <= VIEWPORTS[device]["width"]
    fits(tab, device)

    shoot(portal, screenshots / f"list-{device}-{color_scheme}.png")

    invoice = first(loaded["response"]["invoices"], status="open")
    row_for(portal, invoice).click()
    tab.wait_for_event("invoice_opened")
    shoot(portal, screenshots / f"detail-{device}-{color_scheme}.png")

    # The confirm step: Pay names the card and the amount; nothing is charged without a confirm.
    portal.get_by_role("button", name=pattern("en-US", "action.pay")).click()
    expect(portal.locator("[part=confirm]")).to_be_visible()
    shoot(portal, screenshots / f"confirm-{device}-{color_scheme}.png")

    # An invoice in full: bill-to, twelve lines, taxes and named discounts.
    loaded = open_portal(tab, seeded, page, email="detail@example.com")
    row_for(portal, first(loaded["response"]["invoices"], status="open")).click()
    tab.wait_for_event("invoice_opened")
    shoot(portal, screenshots / f"invoice-{device}-{color_scheme}.png")

    # A declined card: the reason, the card tried, and the two ways on.
    loaded = open_portal(tab, seeded, page, email="decline@example.com")
    row_for(portal, first(loaded["response"]["invoices"], status="open", past_due=False)).click()
    tab.wait_for_event("invoice_opened")
    pay_and_confirm(portal)
    expect(portal.get_by_role("alert")).to_be_visible()
    shoot(portal, screenshots / f"decline-{device}-{color_scheme}.png")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_screenshots_of_the_account_and_a_credited_invoice(
    open_tab: OpenTab, seeded: Stack, screenshots: Path, device: str, color_scheme: str
) -> None:
    tab, page = themed(open_tab, device, color_scheme)
    with proxy_settings(seeded, PORTAL_OFFER=json.dumps(OFFER)):
        # The summary (past due, credit, next charge) and the offer above the banner and list.
        loaded = open_portal(tab, seeded, page, email="jane@example.com", show_all_invoices=True)
        tab.wait_for_event("account_loaded")
        portal = tab.portal()
        expect(portal.locator("[part=account]")).to_be_visible()
        expect(portal.locator("[part=offer]")).to_be_visible()
        fits(tab, device)
        shoot(portal, screenshots / f"account-{device}-{color_scheme}.png")

        # A paid invoice: its receipt beside the PDF, and the credit note issued against it.
        workshop = first(loaded["response"]["invoices"], description="Onboarding workshop")
        row_for(portal, workshop).click()
        tab.wait_for_event("invoice_opened")
        expect(portal.locator("[part=credit-notes]")).to_be_visible()
        expect(portal.locator("[part~=receipt-button]")).to_be_visible()
        shoot(portal, screenshots / f"credit-{device}-{color_scheme}.png")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_screenshots_of_filters_downloads_and_billing_details(
    open_tab: OpenTab, seeded: Stack, screenshots: Path, device: str, color_scheme: str
) -> None:
    """`filters-*`: the paid invoices; `export-*`: a CSV just downloaded; `billing-*`: the
    billing details with a VAT number Stripe refused (nothing of the seed is changed)."""
    tab, page = themed(open_tab, device, color_scheme)
    with proxy_settings(seeded, PORTAL_ALLOW_BILLING_DETAILS="true"):
        open_portal(tab, seeded, page, email="jane@example.com", show_all_invoices=True)
        portal = tab.portal()
        tool(portal, "filters.toggle").click()
        portal.get_by_label(t("en-US", "filters.status")).select_option("paid")
        portal.get_by_role("button", name=t("en-US", "filters.apply")).click()
        tab.wait_for_event("list_filtered")
        expect(rows(portal).first).to_contain_text(t("en-US", "status.paid"))
        shoot(portal, screenshots / f"filters-{device}-{color_scheme}.png")

        tool(portal, "export.toggle").click()
        panel = portal.locator("[part=export]")
        today = date.today()
        panel.get_by_label(t("en-US", "filters.from")).fill(f"{today.year}-01-01")
        panel.get_by_label(t("en-US", "filters.to")).fill(today.isoformat())
        with tab.page.expect_download():
            panel.get_by_role("button", name=t("en-US", "export.csv")).click()
        expect(panel.get_by_role("status")).to_contain_text(".csv")
        shoot(portal, screenshots / f"export-{device}-{color_scheme}.png")

        tool(portal, "billing.toggle").click()
        panel = portal.locator("[part=billing-details]")
        panel.get_by_role("button", name=t("en-US", "billing.add_tax_id")).click()
        panel.get_by_label(t("en-US", "billing.tax_type")).select_option("eu_vat")
        panel.get_by_label(t("en-US", "billing.tax_value")).fill("DE12")
        panel.get_by_role("button", name=t("en-US", "billing.save")).click()
        expect(panel.get_by_text(t("en-US", "billing.tax_id_invalid"))).to_be_visible()
        shoot(portal, screenshots / f"billing-{device}-{color_scheme}.png")

        fits(tab, device, "the tools make")


# The list and an open invoice in other languages: right to left, Japanese, German's long
# words; on a desktop, and Arabic on a phone too (`locale-ar-SA-list-desktop-light.png`, ...).
LOCALE_SHOTS = [
    ("ar-SA", "desktop"),
    ("ja-JP", "desktop"),
    ("de-DE", "desktop"),
    ("ar-SA", "mobile"),
]


@pytest.mark.parametrize(("locale", "device"), LOCALE_SHOTS)
def test_screenshots_of_list_and_detail_in_other_locales(
    open_tab: OpenTab, seeded: Stack, screenshots: Path, locale: str, device: str
) -> None:
    tab, page = themed(open_tab, device, "light")
    loaded = open_portal(
        tab, seeded, page, email="jane@example.com", show_all_invoices=True, locale=locale
    )
    portal = tab.portal()
    expect(portal.locator("[part=portal]")).to_have_attribute("lang", locale)
    expect(rows(portal)).to_have_count(len(loaded["response"]["invoices"]))
    expect(portal.locator("[part=account]")).to_be_visible()
    expect(portal.locator("[part~=badge-paid]").first).to_have_text(t(locale, "status.paid"))
    fits(tab, device)
    shoot(portal, screenshots / f"locale-{locale}-list-{device}-light.png")

    row_for(portal, first(loaded["response"]["invoices"], status="open")).click()
    tab.wait_for_event("invoice_opened")
    expect(portal.locator("[part=totals]")).to_be_visible()
    expect(portal.locator("[part~=pdf-button]")).to_have_text(t(locale, "action.pdf"))
    shoot(portal, screenshots / f"locale-{locale}-detail-{device}-light.png")
