"""Errors and empty states say what happened and what to do; debug mode explains email case."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tools.stack import Stack

from .portal import Tab, open_portal, t


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
