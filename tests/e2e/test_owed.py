"""What the customer owes stands first, and a payment names its card before it charges."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Locator, expect

from tools.stack import Stack

from .portal import Tab, containing, exactly, open_portal, pattern, pay_requests, rows, t

PAY_ENDPOINT = "POST /v1/invoices/{id}/pay"


@pytest.fixture
def paying_stack(fresh_stack: Stack) -> Iterator[Stack]:
    """The seeded sandbox, seeded again afterwards: the tests after this one find it unpaid."""
    yield fresh_stack
    fresh_stack.reset()


def money(amount: int) -> str:
    """A US dollar amount as en-US shows it."""
    return f"${amount / 100:,.2f}"


def banner(portal: Locator) -> Locator:
    return portal.locator("[part=owed]")


def row_item(portal: Locator, invoice: dict[str, Any]) -> Locator:
    """The list item of an invoice: its row button and, when owed, its Pay button."""
    return portal.get_by_role("listitem").filter(
        has=portal.page.locator(f"[data-k='row:{invoice['id']}']")
    )


def test_owed_invoices_stand_first_with_the_total_and_a_pay_button(tab: Tab, stack: Stack) -> None:
    # Without show-all-invoices: jane's one-time invoices are owed, so they are in view anyway.
    loaded = open_portal(tab, stack, email="jane@example.com")["response"]
    owed = loaded["owed"]
    portal = tab.portal()
    open_ids = [i["id"] for i in owed["data"] if i["status"] == "open"]
    assert len(open_ids) == 2, "jane owes an open and a past-due one-time invoice"
    total = sum(i["amount_remaining"] for i in owed["data"] if i["status"] == "open")

    expect(banner(portal)).to_contain_text(t("en-US", "owed.title"))
    expect(banner(portal)).to_contain_text(money(total))
    expect(banner(portal)).to_contain_text(t("en-US", "owed.count", count=2))
    expect(banner(portal)).to_contain_text(t("en-US", "owed.past_due", count=1))

    ids = rows(portal).evaluate_all("rows => rows.map(r => r.dataset.k.slice(4))")
    assert ids[:2] == open_ids, "what is owed comes first"
    assert len(ids) == len(set(ids)), "an owed invoice is not repeated further down"
    assert ids == [i["id"] for i in loaded["invoices"]], "post_load lists what is on screen"
    rest = [i for i in loaded["invoices"] if i["id"] not in open_ids]
    assert [i["created"] for i in rest] == sorted((i["created"] for i in rest), reverse=True)
    for invoice in loaded["invoices"]:
        pay = row_item(portal, invoice).get_by_role("button", name=t("en-US", "action.pay_row"))
        expect(pay).to_have_count(1 if invoice["id"] in open_ids else 0)


def test_rows_lead_with_what_the_invoice_was_for(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="jane@example.com")["response"]
    portal = tab.portal()
    plans = {s["id"]: s["description"] for s in loaded["subscriptions"]}
    for invoice in loaded["invoices"][:4]:
        what = invoice["description"] or plans.get(invoice["subscription"]) or invoice["number"]
        row = portal.locator(f"[data-k='row:{invoice['id']}']")
        expect(row.locator(".what")).to_have_text(what)
        expect(row).to_contain_text(invoice["number"])


def test_nothing_owed_shows_no_banner(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="empty@example.com")["response"]
    assert not loaded.get("owed", {}).get("data")
    expect(tab.portal().get_by_role("heading", name=t("en-US", "list.empty_title"))).to_be_visible()
    expect(banner(tab.portal())).to_have_count(0)


def test_the_heading_is_for_screen_readers_unless_the_page_asks_for_it(
    tab: Tab, stack: Stack
) -> None:
    open_portal(tab, stack, email="jane@example.com")
    portal = tab.portal()
    heading = portal.get_by_role("heading", name=t("en-US", "list.title"), exact=True)
    expect(heading).to_have_count(1)
    box = heading.bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1, box

    portal.evaluate("el => el.setAttribute('show-heading', '')")

    box = heading.bounding_box()
    assert box is not None and box["width"] > 20 and box["height"] > 10, box


def test_pay_in_the_row_names_the_card_and_charges_only_on_confirm(
    tab: Tab, paying_stack: Stack
) -> None:
    stack = paying_stack
    loaded = open_portal(tab, stack, email="jane@example.com")["response"]
    portal = tab.portal()
    invoice = loaded["invoices"][0]
    before = sum(i["amount_remaining"] for i in loaded["owed"]["data"])
    sent = pay_requests(tab)

    row_item(portal, invoice).get_by_role("button", name=t("en-US", "action.pay_row")).click()

    confirm = portal.get_by_role("group", name=t("en-US", "pay.confirm_title"))
    amount = money(invoice["amount_remaining"])
    expect(confirm).to_contain_text(
        t("en-US", "pay.confirm_text", amount=amount, card="Visa •••• 4242")
    )
    confirm_button = portal.get_by_role("button", name=t("en-US", "action.confirm", amount=amount))
    expect(confirm_button).to_be_focused()
    tab.page.wait_for_timeout(200)
    assert sent == [] and tab.events("pre_payment") == [], "nothing is charged before the confirm"

    # Cancel goes back to the Pay button; nothing happened.
    portal.get_by_role("button", name=t("en-US", "action.cancel")).click()
    expect(confirm).to_have_count(0)
    pay = portal.get_by_role("button", name=t("en-US", "action.pay", amount=amount))
    expect(pay).to_be_focused()
    assert sent == []

    pay.click()
    confirm_button.click()

    paid = tab.wait_for_event("payment_succeeded")["detail"]["response"]["invoice"]
    assert paid["id"] == invoice["id"]
    assert [e["name"] for e in tab.events() if e["name"].startswith(("pre_pay", "payment_"))] == [
        "pre_payment",
        "payment_started",
        "payment_succeeded",
    ]
    assert len(sent) == 1
    assert stack.sandbox.calls()["by_endpoint"].get(PAY_ENDPOINT) == 1

    portal.get_by_role("button", name=containing(t("en-US", "detail.back"))).click()
    expect(banner(portal)).to_contain_text(money(before - invoice["amount_remaining"]))
    expect(banner(portal)).to_contain_text(t("en-US", "owed.count", count=1))


def test_without_a_saved_card_pay_goes_to_stripes_page_without_a_confirm_step(
    tab: Tab, stack: Stack
) -> None:
    loaded = open_portal(tab, stack, email="nocard@example.com")["response"]
    portal = tab.portal()
    invoice = loaded["invoices"][0]

    with tab.page.context.expect_page() as popup_info:
        row_item(portal, invoice).get_by_role("button", name=t("en-US", "action.pay_row")).click()

    action = tab.wait_for_event("payment_requires_action")["detail"]["response"]
    assert popup_info.value.url == action["hosted_invoice_url"]
    expect(portal.get_by_role("group", name=t("en-US", "pay.confirm_title"))).to_have_count(0)
    # The notice and its link read as two sentences: "...payment page. Open payment page".
    status = portal.get_by_role("status")
    expect(status).to_have_text(
        exactly(f"{t('en-US', 'pay.action_required')} {t('en-US', 'pay.open_page')}")
    )


def test_the_confirm_step_in_german_names_amount_and_card(
    open_tab: Any, paying_stack: Stack
) -> None:
    tab = open_tab(locale="de-DE")
    loaded = open_portal(tab, paying_stack, email="hans@example.de")["response"]
    portal = tab.portal()
    invoice = loaded["invoices"][0]
    assert invoice["status"] == "open"

    row_item(portal, invoice).get_by_role("button", name=t("de-DE", "action.pay_row")).click()

    confirm = portal.get_by_role("group", name=t("de-DE", "pay.confirm_title"))
    expect(confirm).to_contain_text("Visa •••• 4242")
    expect(confirm).to_contain_text(containing("\u00a0€"))
    portal.get_by_role("button", name=pattern("de-DE", "action.confirm")).click()
    assert (
        tab.wait_for_event("payment_succeeded")["detail"]["response"]["invoice"]["id"]
        == invoice["id"]
    )
