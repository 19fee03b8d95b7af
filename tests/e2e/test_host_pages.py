"""The sample host pages: strict CSP, hostile CSS, two portals, a module mount, the demo."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tools.stack import Stack

from .portal import Tab, open_portal, row_for, rows, t

FRAME_STYLE = """el => {
  const frame = el.shadowRoot.querySelector('[part~="portal"]');
  const style = getComputedStyle(frame);
  return { font: style.fontFamily, size: style.fontSize, color: style.color,
           radius: style.borderTopLeftRadius, border: style.borderTopWidth };
}"""


@pytest.mark.context(locale="de-DE")
def test_portal_works_under_a_strict_content_security_policy(tab: Tab, stack: Stack) -> None:
    answer = tab.page.request.get(stack.page_url("strict-csp.html"))
    policy = answer.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'none'" in policy

    loaded = open_portal(tab, stack, "strict-csp.html", email="jane@example.com")

    expect(rows(tab.portal())).to_have_count(len(loaded["response"]["invoices"]))
    # The German strings are a second file from the CDN, fetched under the same policy.
    expect(tab.portal().get_by_role("heading", name=t("de-DE", "list.title"))).to_be_visible()
    style = tab.portal().evaluate(FRAME_STYLE)
    assert style["radius"] != "0px", "the portal's own stylesheet was applied"
    refused = [m for m in tab.console_errors() if "Content Security Policy" in m]
    assert refused == []


def test_aggressive_global_css_leaves_the_portal_unchanged(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, "aggressive-css.html", email="hans@example.de")
    portal = tab.portal()
    expect(rows(portal)).to_have_count(len(loaded["response"]["invoices"]))
    # What comes after first paint (the account's summary, the tools) is there: it would
    # otherwise appear between the two screenshots.
    tab.wait_for_event("account_loaded")
    page_heading = tab.page.locator("h1")
    assert page_heading.evaluate("h => getComputedStyle(h).color") == "rgb(255, 0, 0)"
    expect(tab.page.get_by_role("button", name="A page button")).to_be_hidden()
    hostile = portal.screenshot(animations="disabled")
    hostile_style = portal.evaluate(FRAME_STYLE)

    # The same page, the same portal, without the stylesheet: nothing may change.
    tab.page.evaluate("document.querySelector('link[rel=stylesheet]').disabled = true")
    expect(page_heading).not_to_have_css("color", "rgb(255, 0, 0)")

    assert portal.evaluate(FRAME_STYLE) == hostile_style
    assert portal.screenshot(animations="disabled") == hostile, (
        "the host page's CSS changed how the portal looks"
    )


def test_two_portals_on_one_page_work_independently(tab: Tab, stack: Stack) -> None:
    tab.page.goto(stack.page_url("two-portals.html"))
    tab.wait_for_event("post_load", count=2)
    first, second = tab.portal("#first"), tab.portal("#second")
    loads = {event["target"]: event["detail"]["response"] for event in tab.events("post_load")}
    assert loads["first"]["customer"]["email"] == "jane@example.com"
    assert loads["second"]["customer"]["email"] == "twin@example.com"
    expect(first.get_by_role("heading", name=t("en-US", "list.title"))).to_be_visible()
    expect(second.get_by_role("heading", name=t("de-DE", "list.title"))).to_be_visible()

    row_for(first, loads["first"]["invoices"][0]).click()

    opened = tab.wait_for_event("invoice_opened")
    assert opened["target"] == "first"
    expect(rows(second)).to_have_count(len(loads["second"]["invoices"]))
    expect(second.get_by_role("heading", name=t("de-DE", "list.title"))).to_be_visible()


def test_framework_can_mount_the_portal_from_a_module_script(tab: Tab, stack: Stack) -> None:
    tab.page.goto(stack.page_url("module-mount.html"))

    loaded = tab.wait_for_event("post_load")["detail"]["response"]

    assert loaded["scope"] == "all", "the snake_case show_all_invoices setting was honoured"
    portal = tab.portal("#billing invoice-portal")
    expect(rows(portal)).to_have_count(len(loaded["invoices"]))
    handled = tab.page.evaluate("window.hostResponses")
    assert handled[:2] == ["pre_load", "post_load"], "handleResponse sees every event"
    assert tab.page.evaluate("window.mountedPortal === document.querySelector('invoice-portal')")


def test_events_bubble_out_of_the_shadow_root(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="jane@example.com")

    for event in tab.events():
        assert event["bubbles"] and event["composed"], event["name"]
        assert set(event["detail"]) >= {"event", "response", "extras"}
        assert event["detail"]["event"] == event["name"]
    assert [e["name"] for e in tab.events()][:2] == ["pre_load", "post_load"]


def test_demo_page_switches_customer_and_language(tab: Tab, stack: Stack) -> None:
    first_visit = open_portal(tab, stack, "")["response"]
    assert first_visit["customer"]["email"] == "jane@example.com"
    # The demo opens as the snippet ships: the subscription's invoices, and what is owed first.
    assert first_visit["scope"] == "subscription"
    assert first_visit["owed"]["data"], "jane owes one-time invoices in the demo seed"
    expect(tab.page.get_by_label("Show all invoices")).not_to_be_checked()
    customer = tab.page.get_by_label("Customer")
    assert "big@example.com" in customer.locator("option").all_inner_texts()

    with tab.page.expect_navigation():
        customer.select_option("hans@example.de")
    loaded = tab.wait_for_event("post_load")["detail"]["response"]
    assert loaded["customer"]["email"] == "hans@example.de"

    with tab.page.expect_navigation():
        tab.page.get_by_label("Language").select_option("fr-FR")
    tab.wait_for_event("post_load")
    expect(tab.portal().get_by_role("heading", name=t("fr-FR", "list.title"))).to_be_visible()
    expect(tab.page.locator("#events li").first).to_be_visible()
    assert stack.secret not in tab.page.content()
