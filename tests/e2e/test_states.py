"""Errors and empty states say what happened and what to do; debug mode explains email case."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tools.stack import Stack

from .portal import Tab, first, open_portal, pay_and_confirm, row_for, strings, t


def test_debug_mode_says_when_the_email_matched_only_ignoring_case(tab: Tab, stack: Stack) -> None:
    # The site spells the address its own way; the hash is over exactly that spelling.
    loaded = open_portal(tab, stack, email="Jane@Example.com", debug=True)["response"]

    assert loaded["invoices"], "the customer is found whatever the case"
    lines = [line for line in tab.debug_lines() if "ignoring case" in line]
    assert lines and "Jane@Example.com" in lines[0] and "jane@example.com" in lines[0], (
        tab.debug_lines()
    )


def test_an_exact_email_says_nothing_about_case(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="jane@example.com", debug=True)

    assert not [line for line in tab.debug_lines() if "ignoring case" in line]


@pytest.mark.context(locale="de-DE")
def test_a_refused_portal_has_a_heading_what_happened_and_what_to_do(
    tab: Tab, stack: Stack
) -> None:
    tab.page.goto(stack.page_url("plain.html", email="jane@example.com", hash="0" * 64))
    tab.wait_for_event("error")
    alert = tab.portal().get_by_role("alert")

    expect(alert.get_by_role("heading", name=t("de-DE", "error.title"))).to_be_visible()
    expect(alert).to_contain_text(t("de-DE", "error.denied"))
    assert "neu" in t("de-DE", "error.denied"), "the message says what to do: reload"


def test_an_empty_portal_has_a_heading_and_says_what_to_expect(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="empty@example.com")
    empty = tab.portal().locator("[part=empty]")

    expect(empty.get_by_role("heading", name=t("en-US", "list.empty_title"))).to_be_visible()
    expect(empty).to_contain_text(t("en-US", "list.empty"))


@pytest.mark.context(locale="de-DE")
def test_a_decline_notice_is_a_notice_not_the_centred_error_view(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="decline@example.com")["response"]
    portal = tab.portal()
    row_for(portal, first(loaded["invoices"], status="open")).click()
    tab.wait_for_event("invoice_opened")

    pay_and_confirm(portal, "de-DE")

    failed = tab.wait_for_event("payment_failed")["detail"]["response"]
    key = f"pay.{failed['decline_code']}"
    status = portal.get_by_role("status")
    expect(status).to_have_text(t("de-DE", key if key in strings("de-DE") else "pay.declined"))
    style = status.evaluate(
        "el => { const s = getComputedStyle(el); return [s.textAlign, s.color]; }"
    )
    heading = portal.get_by_role("heading", level=2).evaluate("el => getComputedStyle(el).color")
    assert style[0] in ("start", "left"), style
    assert style[1] == heading, "the notice is in the text colour, not the error view's muted one"
