"""What a customer sees and does in the portal on the real stack: focus, paging, paying,
layout, themes and languages. The scenario matrix is in the other files."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tools.stack import Stack

from .portal import Tab, first, open_portal, pattern, pay_and_confirm, row_for, rows, t

REFUSALS = {
    "handleResponse-throws": "el => { el.handleResponse = ({event}) => {"
    " if (event === 'pre_payment') throw new Error('not today'); }; }",
    "listener-prevents-default": "el => el.addEventListener('invoice-portal:pre_payment',"
    " (e) => e.preventDefault())",
}


@pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
def test_pre_payment_refusal_charges_nothing(tab: Tab, fresh_stack: Stack, refusal: str) -> None:
    stack = fresh_stack
    loaded = open_portal(tab, stack, email="jane@example.com", show_all_invoices=True)
    invoice = first(loaded["response"]["invoices"], status="open")
    portal = tab.portal()
    portal.evaluate(refusal)
    row_for(portal, invoice).click()
    tab.wait_for_event("invoice_opened")
    stack.sandbox.reset_calls()

    pay_and_confirm(portal)

    expect(portal.get_by_role("status")).to_have_text(t("en-US", "pay.cancelled"))
    assert [e["name"] for e in tab.events() if "pay" in e["name"]] == ["pre_payment"]
    calls = stack.sandbox.calls()["by_endpoint"]
    assert not [name for name in calls if name.startswith("POST") and "pay" in name], calls
    tab.page.reload()
    reloaded = tab.wait_for_event("post_load")["detail"]["response"]["invoices"]
    assert first(reloaded, id=invoice["id"])["status"] == "open"


def test_focus_moves_to_the_detail_heading_and_back_to_the_row(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="jane@example.com")
    invoice = loaded["response"]["invoices"][2]
    portal = tab.portal()
    row = row_for(portal, invoice)
    row.focus()

    tab.page.keyboard.press("Enter")
    tab.wait_for_event("invoice_opened")
    heading = portal.get_by_role("heading", name=re.compile(re.escape(invoice["number"])))
    expect(heading).to_be_focused()

    tab.page.keyboard.press("Shift+Tab")
    back = portal.get_by_role("button", name=re.compile(re.escape(t("en-US", "detail.back"))))
    expect(back).to_be_focused()
    tab.page.keyboard.press("Enter")
    expect(row_for(portal, invoice)).to_be_focused()


def test_load_more_appends_the_next_page_and_focuses_its_first_invoice(
    tab: Tab, stack: Stack
) -> None:
    loaded = open_portal(tab, stack, email="big@example.com", show_all_invoices=True)
    portal = tab.portal()
    first_page = loaded["response"]["invoices"]
    assert loaded["response"]["has_more"]

    portal.get_by_role("button", name=t("en-US", "list.more")).click()

    page = tab.wait_for_event("page_loaded")["detail"]["response"]
    expect(rows(portal)).to_have_count(len(first_page) + len(page["data"]))
    assert {i["id"] for i in page["data"]}.isdisjoint(i["id"] for i in first_page)
    expect(row_for(portal, page["data"][0])).to_be_focused()
    announced = portal.evaluate("el => el.shadowRoot.querySelector('[aria-live]').textContent")
    assert announced.strip() == t("en-US", "list.loaded", count=len(page["data"]))


def test_site_translation_file_that_404s_is_no_problem(tab: Tab, stack: Stack) -> None:
    # A site serves only the languages it adds or changes: the built-in strings, no notice.
    missing = f"{stack.pages_url}/i18n/missing-{{locale}}.json"
    loaded = open_portal(tab, stack, email="jane@example.com", translations=missing, debug=True)

    portal = tab.portal()
    expect(rows(portal)).to_have_count(len(loaded["response"]["invoices"]))
    expect(portal.get_by_role("heading", name=t("en-US", "list.title"))).to_be_visible()
    expect(portal.get_by_role("status")).to_have_text("")
    assert not tab.events("error")
    assert any("404" in line and "missing-en-US.json" in line for line in tab.debug_lines())


def test_site_translation_file_that_is_not_json_falls_back_to_built_in_strings(
    tab: Tab, stack: Stack
) -> None:
    broken = f"{stack.pages_url}/plain.html?{{locale}}"
    loaded = open_portal(tab, stack, email="jane@example.com", translations=broken)

    portal = tab.portal()
    expect(rows(portal)).to_have_count(len(loaded["response"]["invoices"]))
    expect(portal.get_by_role("heading", name=t("en-US", "list.title"))).to_be_visible()
    expect(portal.get_by_role("status")).to_have_text(t("en-US", "error.translations"))
    error = tab.wait_for_event("error")["detail"]["response"]
    assert error["code"] == "translations_unavailable"


def test_requires_action_payment_is_picked_up_when_the_customer_comes_back(
    tab: Tab, fresh_stack: Stack
) -> None:
    stack = fresh_stack
    loaded = open_portal(tab, stack, email="auth@example.com", show_all_invoices=True)
    invoice = first(loaded["response"]["invoices"], status="open")
    portal = tab.portal()
    row_for(portal, invoice).click()
    tab.wait_for_event("invoice_opened")

    with tab.page.context.expect_page() as popup_info:
        pay_and_confirm(portal)  # the card is saved, and needs authentication
    hosted = popup_info.value
    hosted.wait_for_load_state()
    hosted.get_by_role("button", name=re.compile("Pay")).click()
    hosted.wait_for_load_state()
    hosted.close()
    tab.page.bring_to_front()
    tab.page.evaluate("window.dispatchEvent(new Event('focus'))")

    paid = tab.wait_for_event("payment_succeeded")["detail"]["response"]["invoice"]
    assert paid["id"] == invoice["id"] and paid["status"] == "paid"
    expect(portal.get_by_role("status")).to_have_text(t("en-US", "pay.succeeded"))


def test_list_and_detail_fit_a_320_px_screen(open_tab: Callable[..., Tab], stack: Stack) -> None:
    tab = open_tab(viewport={"width": 320, "height": 640})
    loaded = open_portal(tab, stack, email="jane@example.com", show_all_invoices=True)
    portal = tab.portal()
    overflow = "() => document.scrollingElement.scrollWidth"
    assert tab.page.evaluate(overflow) <= 320
    switcher = open_tab(viewport={"width": 320, "height": 640})
    open_portal(switcher, stack, email="multi@example.com")
    expect(switcher.portal().get_by_role("combobox")).to_be_visible()
    assert switcher.page.evaluate(overflow) <= 320, "the subscription switcher fits"
    row_for(portal, first(loaded["response"]["invoices"], status="open")).click()
    tab.wait_for_event("invoice_opened")
    expect(portal.get_by_role("button", name=pattern("en-US", "action.pay"))).to_be_visible()
    assert tab.page.evaluate(overflow) <= 320
    box = portal.get_by_role("button", name=pattern("en-US", "action.pay")).bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320


@pytest.mark.parametrize(
    ("scheme", "theme", "dark"),
    [
        ("light", None, False),
        ("dark", None, False),  # a page without color-scheme is light (test_hooks_and_theme.py)
        ("dark", "auto", True),
        ("light", "dark", True),
        ("dark", "light", False),
    ],
)
def test_theme_follows_the_color_scheme_unless_the_attribute_says(
    open_tab: Callable[..., Tab], stack: Stack, scheme: str, theme: str | None, dark: bool
) -> None:
    tab = open_tab(color_scheme=scheme)
    open_portal(tab, stack, email="jane@example.com")
    portal = tab.portal()
    if theme:
        portal.evaluate("(el, theme) => el.setAttribute('theme', theme)", theme)
    background = portal.evaluate(
        "el => getComputedStyle(el.shadowRoot.querySelector('[part~=portal]')).backgroundColor"
    )
    red, green, blue = map(int, re.findall(r"\d+", background)[:3])
    assert (red + green + blue < 200) is dark, background


@pytest.mark.context(locale="de-AT")
def test_regional_browser_language_gets_its_language_and_its_regions_formats(
    tab: Tab, stack: Stack
) -> None:
    loaded = open_portal(tab, stack, email="hans@example.de")
    invoice = loaded["response"]["invoices"][0]
    portal = tab.portal()

    expect(portal.get_by_role("heading", name=t("de-DE", "list.title"))).to_be_visible()
    austrian = tab.page.evaluate(
        "([minor, currency]) => new Intl.NumberFormat('de-AT', {style: 'currency', currency})"
        ".format(minor / 100)",
        [invoice["total"], invoice["currency"].upper()],
    )
    assert austrian.startswith("€"), "de-AT writes the euro sign first, unlike de-DE"
    expect(row_for(portal, invoice)).to_contain_text(austrian)
    assert loaded["extras"]["locale"] == "de-DE"


@pytest.mark.context(locale="sr-RS")
def test_unsupported_browser_language_falls_back_to_default_locale(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="jane@example.com", default_locale="fr-FR")

    expect(tab.portal().get_by_role("heading", name=t("fr-FR", "list.title"))).to_be_visible()
    # The strings are French, the formats the visitor's own (Serbian).
    invoice = loaded["response"]["invoices"][0]
    serbian = tab.page.evaluate(
        "s => new Intl.DateTimeFormat('sr-RS', {dateStyle: 'medium'}).format(s * 1000)",
        invoice["created"],
    )
    expect(row_for(tab.portal(), invoice)).to_contain_text(serbian)
