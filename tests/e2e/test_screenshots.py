"""Screenshots for the README: the list with what is owed, an invoice, the confirm step, a
full invoice and a declined card's way on; desktop and phone, light and dark.

Written to dist/screenshots/ under stable names (`list-desktop-light.png`, `detail-...`,
`confirm-...`, `invoice-...`, `decline-...`); `make screenshots` writes them to
docs/screenshots/ for the README. The data is the demo seed, reset first, so the pictures only
change when the portal does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tools.stack import Stack

from .portal import OpenTab, first, open_portal, pattern, pay_and_confirm, row_for, rows

VIEWPORTS = {"desktop": {"width": 1024, "height": 720}, "mobile": {"width": 360, "height": 740}}


@pytest.fixture(scope="module")
def seeded(stack: Stack) -> Stack:
    stack.reset()
    return stack


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_screenshots_of_list_and_detail(
    open_tab: OpenTab, seeded: Stack, screenshots: Path, device: str, color_scheme: str
) -> None:
    tab = open_tab(
        viewport=VIEWPORTS[device],
        color_scheme=color_scheme,
        device_scale_factor=2 if device == "mobile" else 1,
    )
    # The portal follows its page: the dark pictures are taken on a dark page.
    page = "dark-page.html" if color_scheme == "dark" else "plain.html"
    loaded = open_portal(tab, seeded, page, email="jane@example.com", show_all_invoices=True)
    portal = tab.portal()
    expect(rows(portal)).to_have_count(len(loaded["response"]["invoices"]))
    box = portal.bounding_box()
    assert box is not None and box["width"] <= VIEWPORTS[device]["width"]
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[device]["width"], "the portal makes the page scroll sideways"

    list_shot = screenshots / f"list-{device}-{color_scheme}.png"
    portal.screenshot(path=str(list_shot), animations="disabled")

    invoice = first(loaded["response"]["invoices"], status="open")
    row_for(portal, invoice).click()
    tab.wait_for_event("invoice_opened")
    detail_shot = screenshots / f"detail-{device}-{color_scheme}.png"
    portal.screenshot(path=str(detail_shot), animations="disabled")

    # The confirm step: Pay names the card and the amount; nothing is charged without a confirm.
    portal.get_by_role("button", name=pattern("en-US", "action.pay")).click()
    expect(portal.locator("[part=confirm]")).to_be_visible()
    confirm_shot = screenshots / f"confirm-{device}-{color_scheme}.png"
    portal.screenshot(path=str(confirm_shot), animations="disabled")

    # An invoice in full: bill-to, twelve lines, taxes and named discounts.
    loaded = open_portal(tab, seeded, page, email="detail@example.com")
    row_for(portal, first(loaded["response"]["invoices"], status="open")).click()
    tab.wait_for_event("invoice_opened")
    invoice_shot = screenshots / f"invoice-{device}-{color_scheme}.png"
    portal.screenshot(path=str(invoice_shot), animations="disabled")

    # A declined card: the reason, the card tried, and the two ways on.
    loaded = open_portal(tab, seeded, page, email="decline@example.com")
    row_for(portal, first(loaded["response"]["invoices"], status="open", past_due=False)).click()
    tab.wait_for_event("invoice_opened")
    pay_and_confirm(portal)
    expect(portal.get_by_role("alert")).to_be_visible()
    decline_shot = screenshots / f"decline-{device}-{color_scheme}.png"
    portal.screenshot(path=str(decline_shot), animations="disabled")

    for shot in (list_shot, detail_shot, confirm_shot, invoice_shot, decline_shot):
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
