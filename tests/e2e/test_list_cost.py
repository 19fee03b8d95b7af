"""A click costs the same with 10 rows or 5,000: a new page adds its rows, nothing rebuilds
the others, and the list survives an invoice opened and closed."""

from __future__ import annotations

from playwright.sync_api import expect

from tools.stack import Stack

from .portal import Tab, open_portal, row_for, rows, t

# Every row on screen gets a mark on its DOM node; a row rebuilt is a new node without it.
MARK = "rows => rows.forEach((row, i) => { row.__kept = i; })"
KEPT = "rows => rows.filter((row, i) => row.__kept === i).length"


def test_load_more_adds_its_rows_and_keeps_the_earlier_ones(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="big@example.com", show_all_invoices=True)
    portal = tab.portal()
    page_size = len(loaded["response"]["invoices"])
    more = portal.get_by_role("button", name=t("en-US", "list.more"))

    for pages in (2, 3):
        rows(portal).evaluate_all(MARK)
        more.click()
        expect(rows(portal)).to_have_count(page_size * pages)
        tab.wait_for_event("page_loaded", count=pages - 1)
        assert rows(portal).evaluate_all(KEPT) == page_size * (pages - 1)
        assert rows(portal).evaluate_all("rows => rows.filter(r => '__kept' in r).length") == (
            page_size * (pages - 1)
        ), "the new page's rows are new nodes"

    # As before: the focus goes to the first new row, and the count is announced.
    newest_page = tab.events("page_loaded")[-1]["detail"]["response"]["data"]
    expect(row_for(portal, newest_page[0])).to_be_focused()
    expect(portal.locator(".sr[aria-live]")).to_have_text(
        t("en-US", "list.loaded", count=len(newest_page))
    )


def test_an_invoice_opened_and_closed_leaves_every_row_in_place(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="big@example.com", show_all_invoices=True)
    portal = tab.portal()
    portal.get_by_role("button", name=t("en-US", "list.more")).click()
    tab.wait_for_event("page_loaded")
    count = rows(portal).count()
    rows(portal).evaluate_all(MARK)

    invoice = loaded["response"]["invoices"][3]
    row_for(portal, invoice).click()
    tab.wait_for_event("invoice_opened")
    expect(portal.get_by_role("list")).to_be_hidden()
    portal.get_by_role("button", name=t("en-US", "detail.back"), exact=False).click()

    expect(row_for(portal, invoice)).to_be_focused()
    assert rows(portal).evaluate_all(KEPT) == count
    # One list in the page, not a hidden copy per visit.
    assert portal.evaluate("el => el.shadowRoot.querySelectorAll('ul').length") == 1
