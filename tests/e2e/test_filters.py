"""Filtering the list: by status, by a date range (whole UTC days), "Load more" within the
filters, an empty result that says so, the month picker beside it, and no control when the
owner has filters off."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Locator, expect

from tools.stack import Stack

from .portal import Tab, exactly, open_portal, proxy_settings, row_for, rows, t
from .test_billing_details import tool, tools_drawn


def filters_form(portal: Locator, locale: str = "en-US") -> Locator:
    return portal.get_by_role("search", name=t(locale, "filters.title"))


def open_filters(portal: Locator, locale: str = "en-US") -> Locator:
    tool(portal, "filters.toggle", locale).click()
    form = filters_form(portal, locale)
    expect(form).to_be_visible()
    return form


def day(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).date().isoformat()


def invoices_of(stack: Stack, email: str) -> list[dict[str, Any]]:
    """Every invoice the portal can show the customer, from Stripe itself, newest first."""
    client = stack.sandbox.client()
    found = [
        invoice.to_dict()
        for customer in stack.sandbox.customers(email)
        for invoice in client.v1.invoices.list({"customer": customer, "limit": 100}).data
    ]
    return sorted(
        (i for i in found if i["status"] != "draft"), key=lambda i: i["created"], reverse=True
    )


def test_filter_by_status_shows_only_paid_invoices_and_load_more_keeps_it(
    tab: Tab, stack: Stack
) -> None:
    open_portal(tab, stack, email="big@example.com", show_all_invoices=True)
    portal = tab.portal()
    form = open_filters(portal)
    form.get_by_label(t("en-US", "filters.status")).select_option(label=t("en-US", "status.paid"))
    form.get_by_role("button", name=t("en-US", "filters.apply")).click()

    filtered = tab.wait_for_event("list_filtered")["detail"]
    assert filtered["response"] == {"status": "paid", "from": None, "to": None}
    expect(rows(portal)).to_have_count(10)
    badges = rows(portal).locator("[part~=badge]")
    expect(badges.filter(has_not_text=exactly(t("en-US", "status.paid")))).to_have_count(0)

    portal.get_by_role("button", name=t("en-US", "list.more")).click()
    tab.wait_for_event("page_loaded")
    expect(rows(portal)).to_have_count(20)
    expect(badges.filter(has_not_text=exactly(t("en-US", "status.paid")))).to_have_count(0)
    # What is owed is still summed up above, but not listed among the paid ones.
    expect(portal.locator("[part=owed]")).to_be_visible()


def test_date_range_shows_exactly_the_invoices_created_in_it(tab: Tab, stack: Stack) -> None:
    every = invoices_of(stack, "jane@example.com")
    assert len(every) >= 6
    # From the day of the 5th newest to the day of the 2nd newest, both days whole (UTC).
    start, end = day(every[4]["created"]), day(every[1]["created"])
    inside = [i for i in every if start <= day(i["created"]) <= end]
    outside = [i for i in every if i not in inside]
    assert 0 < len(inside) <= 10 and outside

    open_portal(tab, stack, email="jane@example.com", show_all_invoices=True)
    portal = tab.portal()
    form = open_filters(portal)
    form.get_by_label(t("en-US", "filters.from")).fill(start)
    form.get_by_label(t("en-US", "filters.to")).fill(end)
    form.get_by_role("button", name=t("en-US", "filters.apply")).click()

    filtered = tab.wait_for_event("list_filtered")["detail"]
    assert filtered["response"] == {"status": None, "from": start, "to": end}
    expect(rows(portal)).to_have_count(len(inside))
    for invoice in inside:
        expect(row_for(portal, invoice)).to_be_visible()
    expect(portal.locator(".sr[aria-live]")).to_have_text(
        t("en-US", "filters.shown", count=len(inside))
    )
    # The toggle says that a filter is on, and the fields keep what was applied.
    expect(tool(portal, "filters.toggle_on")).to_be_visible()
    expect(form.get_by_label(t("en-US", "filters.from"))).to_have_value(start)


def test_a_range_without_invoices_says_so_and_clearing_brings_them_back(
    tab: Tab, stack: Stack
) -> None:
    loaded = open_portal(tab, stack, email="jane@example.com", show_all_invoices=True)
    portal = tab.portal()
    form = open_filters(portal)
    clear = form.get_by_role("button", name=t("en-US", "filters.clear"))
    expect(clear).to_have_count(0)  # nothing to clear yet
    form.get_by_label(t("en-US", "filters.from")).fill("2001-01-01")
    form.get_by_label(t("en-US", "filters.to")).fill("2001-01-31")
    form.get_by_role("button", name=t("en-US", "filters.apply")).click()

    tab.wait_for_event("list_filtered")
    expect(clear).to_be_visible()
    empty = portal.locator("[part=empty]")
    expect(empty).to_contain_text(t("en-US", "filters.empty_title"))
    expect(empty).to_contain_text(t("en-US", "filters.empty"))
    empty.get_by_role("button", name=t("en-US", "filters.clear")).click()

    cleared = tab.wait_for_event("list_filtered", count=2)["detail"]
    assert cleared["response"] == {"status": None, "from": None, "to": None}
    expect(row_for(portal, loaded["response"]["invoices"][0])).to_be_visible()
    expect(form.get_by_label(t("en-US", "filters.from"))).to_have_value("")
    expect(clear).to_have_count(0)
    expect(tool(portal, "filters.toggle")).to_be_focused()


def test_an_end_before_the_start_is_refused_next_to_the_field(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="jane@example.com")
    portal = tab.portal()
    form = open_filters(portal)
    form.get_by_label(t("en-US", "filters.from")).fill("2025-03-01")
    to = form.get_by_label(t("en-US", "filters.to"))
    to.fill("2025-02-01")
    form.get_by_role("button", name=t("en-US", "filters.apply")).click()

    expect(to).to_have_accessible_description(t("en-US", "filters.bad_range"))
    expect(to).to_be_focused()
    assert tab.events("list_filtered") == []


def test_the_month_picker_keeps_the_status_and_sets_the_ranges_end(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="big@example.com", show_all_invoices=True)
    portal = tab.portal()
    form = open_filters(portal)
    form.get_by_label(t("en-US", "filters.status")).select_option("paid")
    form.get_by_role("button", name=t("en-US", "filters.apply")).click()
    tab.wait_for_event("list_filtered")

    year = time.gmtime().tm_year - 1
    jump = portal.get_by_role("group", name=t("en-US", "jump.title"))
    jump.get_by_label(t("en-US", "jump.month")).select_option(label="March")
    jump.get_by_label(t("en-US", "jump.year")).select_option(str(year))
    jump.get_by_role("button", name=t("en-US", "jump.go")).click()

    page = tab.wait_for_event("list_jumped")["detail"]["response"]["data"]
    end = calendar.timegm((year, 4, 1, 0, 0, 0))
    assert page and all(i["status"] == "paid" and i["created"] < end for i in page)
    expect(form.get_by_label(t("en-US", "filters.to"))).to_have_value(f"{year}-03-31")
    expect(form.get_by_label(t("en-US", "filters.status"))).to_have_value("paid")


def test_filters_off_hide_the_control_and_the_proxy_refuses_them(tab: Tab, stack: Stack) -> None:
    with proxy_settings(stack, PORTAL_ALLOW_FILTERS="false"):
        loaded = open_portal(tab, stack, email="jane@example.com")
        assert loaded["response"]["features"]["filters"] is False
        portal = tab.portal()
        tools_drawn(portal)
        expect(tool(portal, "filters.toggle")).to_have_count(0)
        expect(filters_form(portal)).to_have_count(0)
