"""Hooks that may stop a payment, awaited as Billflow documents them, and the portal's theme
taken from the host page."""

from __future__ import annotations

import re

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
    pay_requests,
    row_for,
    t,
)

# An invoice no other end-to-end test pays or counts on.
CUSTOMER = "amelie@example.fr"
PAY_ENDPOINT = "POST /v1/invoices/{id}/pay"

REFUSALS = {
    "async-handleResponse-rejects": (
        "el => { el.handleResponse = async ({event}) => { if (event === 'pre_payment') {"
        " await new Promise((r) => setTimeout(r, 300)); throw new Error('on hold'); } }; }",
        "handleResponse (Error: on hold)",
    ),
    "handleResponse-throws": (
        "el => { el.handleResponse = ({event}) => {"
        " if (event === 'pre_payment') throw new Error('not today'); }; }",
        "handleResponse (Error: not today)",
    ),
    "listener-prevents-default": (
        "el => el.addEventListener('invoice-portal:pre_payment', (e) => e.preventDefault())",
        "a listener's preventDefault()",
    ),
    "listener-waitUntil-rejects": (
        "el => el.addEventListener('invoice-portal:pre_payment', (e) => e.detail.waitUntil("
        " new Promise((_, no) => setTimeout(() => no(new Error('ask the boss')), 300))))",
        "a listener's waitUntil() promise (Error: ask the boss)",
    ),
}


def open_payable(tab: Tab, stack: Stack) -> dict[str, object]:
    loaded = open_portal(tab, stack, email=CUSTOMER, show_all_invoices=True, debug=True)
    invoice = first(loaded["response"]["invoices"], status="open")
    row_for(tab.portal(), invoice).click()
    tab.wait_for_event("invoice_opened")
    return invoice


@pytest.mark.parametrize(("refusal", "reason"), REFUSALS.values(), ids=REFUSALS.keys())
def test_refused_pre_payment_charges_nothing_and_says_why_in_debug_mode(
    tab: Tab, fresh_stack: Stack, refusal: str, reason: str
) -> None:
    stack = fresh_stack
    invoice = open_payable(tab, stack)
    portal = tab.portal()
    portal.evaluate(refusal)
    sent = pay_requests(tab)
    stack.sandbox.reset_calls()

    pay_and_confirm(portal)

    expect(portal.get_by_role("status")).to_have_text(t("en-US", "pay.cancelled"))
    expect(portal.get_by_role("button", name=pattern("en-US", "action.pay"))).to_be_enabled()
    assert [e["name"] for e in tab.events() if "pay" in e["name"]] == ["pre_payment"]
    assert sent == [], "a payment request reached the proxy"
    assert stack.sandbox.calls()["by_endpoint"].get(PAY_ENDPOINT, 0) == 0
    cancelled = [line for line in tab.debug_lines() if "cancelled by the pre_payment hook" in line]
    assert cancelled and reason in cancelled[0], tab.debug_lines()
    # The conftest fails the test if the rejection surfaced as an uncaught error.
    tab.page.reload()
    reloaded = tab.wait_for_event("post_load")["detail"]["response"]["invoices"]
    assert first(reloaded, id=invoice["id"])["status"] == "open"


def test_pending_hook_keeps_pay_busy_then_pays_once_when_it_resolves(
    tab: Tab, fresh_stack: Stack
) -> None:
    stack = fresh_stack
    invoice = open_payable(tab, stack)
    portal = tab.portal()
    portal.evaluate(
        """el => { el.handleResponse = ({event}) => event === 'pre_payment'
             ? new Promise((resolve) => { window.allowPayment = resolve; }) : undefined; }"""
    )
    sent = pay_requests(tab)
    stack.sandbox.reset_calls()

    pay_and_confirm(portal)
    busy = portal.get_by_role("button", name=t("en-US", "action.paying"))
    expect(busy).to_have_attribute("aria-disabled", "true")
    busy.click(force=True)  # a second click while the page decides
    tab.page.wait_for_timeout(300)
    assert len(tab.events("pre_payment")) == 1
    assert sent == []
    tab.page.evaluate("window.allowPayment('yes')")

    paid = tab.wait_for_event("payment_succeeded")["detail"]["response"]["invoice"]
    assert paid["id"] == invoice["id"] and paid["status"] == "paid"
    expect(portal.get_by_role("status")).to_have_text(t("en-US", "pay.succeeded"))
    assert len(sent) == 1
    assert stack.sandbox.calls()["by_endpoint"].get(PAY_ENDPOINT) == 1
    assert [e["name"] for e in tab.events() if e["name"].startswith(("pre_pay", "payment_"))] == [
        "pre_payment",
        "payment_started",
        "payment_succeeded",
    ]


def is_dark(portal: Locator) -> bool:
    background: str = portal.evaluate(
        "el => getComputedStyle(el.shadowRoot.querySelector('[part~=portal]')).backgroundColor"
    )
    red, green, blue = map(int, re.findall(r"\d+", background)[:3])
    return red + green + blue < 200


@pytest.mark.parametrize("system", ["light", "dark"])
def test_dark_page_gets_a_dark_portal_whatever_the_system(
    open_tab: OpenTab, stack: Stack, system: str
) -> None:
    tab = open_tab(color_scheme=system)
    open_portal(tab, stack, page="dark-page.html", email="jane@example.com")

    assert is_dark(tab.portal())


def test_light_page_on_a_dark_system_gets_a_light_portal(open_tab: OpenTab, stack: Stack) -> None:
    tab = open_tab(color_scheme="dark")
    open_portal(tab, stack, email="jane@example.com")

    assert not is_dark(tab.portal())


@pytest.mark.parametrize(
    ("system", "dark"),
    [
        ("light", {"page": False, "auto": False, "section": True, "light": False}),
        ("dark", {"page": False, "auto": True, "section": True, "light": False}),
    ],
)
def test_each_portal_follows_the_color_scheme_where_it_stands_unless_theme_says(
    open_tab: OpenTab, stack: Stack, system: str, dark: dict[str, bool]
) -> None:
    tab = open_tab(color_scheme=system)
    tab.page.goto(stack.page_url("color-schemes.html"))
    tab.wait_for_event("post_load", count=len(dark))

    assert {name: is_dark(tab.portal(f"#{name}")) for name in dark} == dark


@pytest.mark.parametrize("system", ["light", "dark"])
def test_page_with_light_and_dark_lets_the_system_pick(
    open_tab: OpenTab, stack: Stack, system: str
) -> None:
    tab = open_tab(color_scheme=system)
    open_portal(tab, stack, page="meta-color-scheme.html", email="jane@example.com")

    assert is_dark(tab.portal()) is (system == "dark")


def test_portal_follows_the_page_switching_its_color_scheme_without_a_reload(
    open_tab: OpenTab, stack: Stack
) -> None:
    tab = open_tab(color_scheme="dark")
    open_portal(tab, stack, email="jane@example.com")
    portal = tab.portal()
    root = "(value) => { document.documentElement.style.colorScheme = value; }"
    assert not is_dark(portal)

    tab.page.evaluate(root, "dark")
    assert is_dark(portal)
    tab.page.evaluate(root, "")
    assert not is_dark(portal)
    tab.page.evaluate(root, "light dark")
    assert is_dark(portal), "light dark on a dark system is dark"

    # A site's own dark mode: a class on <html> that its stylesheet maps to color-scheme.
    tab.page.evaluate(root, "")
    tab.page.add_style_tag(content="html.night { color-scheme: dark }")
    tab.page.evaluate("document.documentElement.classList.add('night')")
    assert is_dark(portal)
    portal.evaluate("el => el.setAttribute('theme', 'light')")
    assert not is_dark(portal), "theme=light wins over the page"
    portal.evaluate("el => el.removeAttribute('theme')")
    assert is_dark(portal)
    assert len(tab.events("pre_load")) == 1, "the theme changed without a reload"
