"""Jumping to a month: the invoices created before that month ended (in the customer's time
zone), older ones with "Load more", and a way back to the newest."""

from __future__ import annotations

import calendar
import time

import pytest
from playwright.sync_api import Locator, expect

from tools.stack import Stack

from .portal import OpenTab, Tab, open_portal, row_for, rows, t
from .test_accessibility import PAGES, serious_violations


def jump_control(portal: Locator, locale: str = "en-US") -> Locator:
    return portal.get_by_role("group", name=t(locale, "jump.title"))


def month_start(year: int, month: int) -> int:
    """Unix seconds of the first of a month (1-12), UTC: the tests' browsers run in UTC."""
    return calendar.timegm((year, month, 1, 0, 0, 0))


def test_jump_three_years_back_then_load_more_then_back_to_the_newest(
    tab: Tab, stack: Stack
) -> None:
    loaded = open_portal(tab, stack, email="big@example.com", show_all_invoices=True)
    newest = loaded["response"]["invoices"][0]
    portal = tab.portal()
    now = time.gmtime()
    year, month = now.tm_year - 3, now.tm_mon
    end = month_start(year + (month == 12), month % 12 + 1)

    jump = jump_control(portal)
    jump.get_by_label(t("en-US", "jump.month")).select_option(label=calendar.month_name[month])
    jump.get_by_label(t("en-US", "jump.year")).select_option(str(year))
    jump.get_by_role("button", name=t("en-US", "jump.go")).click()

    jumped = tab.wait_for_event("list_jumped")["detail"]
    assert jumped["extras"]["year"] == year and jumped["extras"]["month"] == month
    page = jumped["response"]["data"]
    assert page and all(i["created"] < end for i in page)
    assert page[0]["created"] >= end - 86400, "the newest invoice of that month comes first"
    expect(rows(portal)).to_have_count(len(page))
    expect(rows(portal).first).to_contain_text(page[0]["number"])
    name = f"{calendar.month_name[month]} {year}"
    expect(portal.locator(".sr[aria-live]")).to_have_text(t("en-US", "jump.shown", month=name))

    portal.get_by_role("button", name=t("en-US", "list.more")).click()
    older = tab.wait_for_event("page_loaded")["detail"]["response"]["data"]
    assert older and all(i["created"] <= page[-1]["created"] for i in older)
    expect(rows(portal)).to_have_count(len(page) + len(older))
    # The selects still say where the list is.
    expect(jump.get_by_label(t("en-US", "jump.year"))).to_have_value(str(year))

    jump.get_by_role("button", name=t("en-US", "jump.newest")).click()
    back = tab.wait_for_event("list_jumped", count=2)["detail"]
    assert back["extras"]["year"] is None and back["extras"]["month"] is None
    expect(row_for(portal, newest)).to_be_visible()
    expect(jump.get_by_role("button", name=t("en-US", "jump.newest"))).to_have_count(0)


@pytest.mark.context(locale="de-DE", viewport={"width": 360, "height": 740})
def test_jump_control_is_labelled_in_the_portals_language_and_fits_a_phone(
    tab: Tab, stack: Stack
) -> None:
    open_portal(tab, stack, email="big@example.com", show_all_invoices=True)
    portal = tab.portal()
    jump = jump_control(portal, "de-DE")
    months = jump.get_by_label(t("de-DE", "jump.month"))
    expect(months.locator("option")).to_have_count(12)
    expect(months.locator("option").first).to_have_text("Januar")
    years = jump.get_by_label(t("de-DE", "jump.year"))
    expect(years.locator("option").first).to_have_text(str(time.gmtime().tm_year))
    box, frame = jump.bounding_box(), portal.bounding_box()
    assert box and frame and box["x"] + box["width"] <= frame["x"] + frame["width"]

    # Keyboard alone: the selects and the button are in the tab order.
    years.focus()
    tab.page.keyboard.press("ArrowDown")
    tab.page.keyboard.press("Tab")
    expect(jump.get_by_role("button", name=t("de-DE", "jump.go"))).to_be_focused()
    tab.page.keyboard.press("Enter")
    jumped = tab.wait_for_event("list_jumped")["detail"]["extras"]
    assert jumped["year"] == time.gmtime().tm_year - 1


def test_one_page_of_invoices_has_no_jump_control(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="yuki@example.jp")
    assert loaded["response"]["has_more"] is False
    portal = tab.portal()
    # An invoice opened and closed: the second script, which draws the control, is here.
    invoice = loaded["response"]["invoices"][0]
    row_for(portal, invoice).click()
    tab.wait_for_event("invoice_opened")
    portal.get_by_role("button", name=t("en-US", "detail.back"), exact=False).click()
    expect(row_for(portal, invoice)).to_be_focused()
    expect(jump_control(portal)).to_have_count(0)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_jump_control_has_no_serious_accessibility_violations(
    open_tab: OpenTab, stack: Stack, color_scheme: str
) -> None:
    tab = open_tab(color_scheme=color_scheme)
    open_portal(tab, stack, PAGES[color_scheme], email="big@example.com", show_all_invoices=True)
    jump = jump_control(tab.portal())
    jump.get_by_role("button", name=t("en-US", "jump.go")).click()
    expect(jump.get_by_role("button", name=t("en-US", "jump.newest"))).to_be_visible()

    assert serious_violations(tab) == []
