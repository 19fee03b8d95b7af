"""After a declined card, and the plan: the ways on that Stripe's own pages give, from the portal.

Each test makes its own Stripe customer in the sandbox (a declining card and an open invoice,
or a subscription), so it can change cards, pay and cancel without touching the seed's
personas that other tests read.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import Locator, Page, expect

from tools.stack import Stack

from .portal import Tab, containing, exactly, open_portal, pattern, row_for, t

DECLINING = "pm_card_chargeDeclinedInsufficientFunds"


@pytest.fixture
def declining(stack: Stack) -> SimpleNamespace:
    """A customer whose saved Visa (•••• 9995) declines, with one open invoice of $120.00."""
    customer, invoice = stack.sandbox.customer_owing(
        DECLINING, 12000, item="Workshop", name="Dee Fresh", description="Design workshop"
    )
    stripe, email = stack.sandbox.client(), str(customer.email)
    return SimpleNamespace(
        email=email, customer=customer.id, invoice=invoice.id, number=invoice.number, stripe=stripe
    )


def decline(tab: Tab, stack: Stack, who: SimpleNamespace, locale: str = "en-US") -> Locator:
    """Open the portal, pay the invoice from its row, confirm: the card declines."""
    open_portal(tab, stack, email=who.email, debug=True)
    portal = tab.portal()
    portal.get_by_role("button", name=exactly(t(locale, "action.pay_row"))).click()
    portal.get_by_role("button", name=pattern(locale, "action.confirm")).click()
    tab.wait_for_event("payment_failed")
    return portal


def recovery(portal: Locator) -> Locator:
    return portal.locator("[part=recovery]")


@pytest.mark.context(locale="de-DE")
def test_a_decline_says_why_names_the_card_and_offers_two_ways_on(
    tab: Tab, stack: Stack, declining: SimpleNamespace
) -> None:
    portal = decline(tab, stack, declining, "de-DE")

    failed = tab.events("payment_failed")[0]["detail"]["response"]
    assert (failed["code"], failed["decline_code"]) == ("card_declined", "insufficient_funds")
    assert failed["hosted_invoice_url"].startswith(stack.sandbox_url)
    panel = portal.get_by_role("alert")
    heading = panel.get_by_role("heading", name=t("de-DE", "recovery.title"))
    expect(heading).to_be_focused()
    expect(panel).to_contain_text(t("de-DE", "pay.insufficient_funds"))
    expect(panel).to_contain_text("Visa\u00a0••••\u00a09995")
    expect(panel.get_by_role("button", name=t("de-DE", "action.other_card"))).to_be_visible()
    expect(panel.get_by_role("button", name=t("de-DE", "action.update_card"))).to_be_visible()
    # Paying again with the same card stays possible, no longer as the first choice.
    again = portal.get_by_role("button", name=pattern("de-DE", "action.pay"))
    expect(again).to_be_visible()
    expect(again).not_to_have_class(re.compile(r"\bprimary\b"))
    style = panel.evaluate("el => [getComputedStyle(el).textAlign, getComputedStyle(el).color]")
    heading_colour = portal.get_by_role("heading", level=2).evaluate(
        "el => getComputedStyle(el).color"
    )
    assert style[0] in ("start", "left") and style[1] == heading_colour, (
        "the panel reads as part of the invoice, not as the centred, muted error view"
    )
    assert tab.events("payment_succeeded") == []


def test_pay_with_another_card_on_stripes_page_then_the_portal_shows_it_paid(
    tab: Tab, stack: Stack, declining: SimpleNamespace
) -> None:
    portal = decline(tab, stack, declining)

    with tab.page.context.expect_page() as opened:
        recovery(portal).get_by_role("button", name=t("en-US", "action.other_card")).click()
    hosted = opened.value
    hosted.wait_for_load_state()
    assert hosted.url.startswith(f"{stack.sandbox_url}/hosted/invoices/{declining.invoice}")
    event = tab.wait_for_event("hosted_invoice_page_opened")["detail"]
    assert (event["response"]["url"], event["extras"]["invoice"]) == (
        hosted.url,
        declining.invoice,
    )
    hosted.get_by_label("Test card").select_option("pm_card_visa")
    hosted.get_by_role("button", name=containing("Pay")).click()
    expect(hosted.locator(".status")).to_have_attribute("data-status", "paid")
    hosted.close()

    # The customer comes back to the site's tab: the browser focuses its window again.
    tab.page.bring_to_front()
    tab.page.evaluate("window.dispatchEvent(new Event('focus'))")
    paid = tab.wait_for_event("payment_succeeded")["detail"]["response"]
    assert paid["invoice"]["id"] == declining.invoice
    expect(portal.get_by_role("status")).to_have_text(t("en-US", "pay.succeeded"))
    expect(recovery(portal)).to_have_count(0)
    expect(portal.locator("[part~=badge]").first).to_have_text(t("en-US", "status.paid"))


def test_update_the_card_in_stripes_portal_then_pay_in_one_click(
    tab: Tab, stack: Stack, declining: SimpleNamespace
) -> None:
    portal = decline(tab, stack, declining)
    host = tab.page.url

    recovery(portal).get_by_role("button", name=t("en-US", "action.update_card")).click()
    page: Page = tab.page
    page.wait_for_url(re.compile(re.escape(stack.sandbox_url) + r"/p/session/"))
    expect(page.get_by_role("heading", name="Update payment method")).to_be_visible()
    page.get_by_label(containing("(pm_card_visa)")).check()
    page.get_by_role("button", name="Add payment method").click()

    # Stripe sends the customer back to the very page they left, where the invoice waits.
    page.wait_for_url(host)
    started = [line for line in tab.debug_lines() if "payment_method_update_started" in line]
    assert started, "the host page heard that the customer went to update the card"
    confirm = portal.get_by_role("button", name=pattern("en-US", "action.confirm"))
    expect(confirm).to_be_focused()
    expect(portal.locator("[part=confirm]")).to_contain_text("Visa\u00a0••••\u00a04242")
    expect(portal.locator("[part=confirm]")).to_contain_text("$120.00")
    expect(portal.get_by_role("heading", level=2)).to_contain_text(declining.number)
    confirm.click()

    paid = tab.wait_for_event("payment_succeeded")["detail"]["response"]
    assert paid["invoice"]["id"] == declining.invoice
    expect(portal.get_by_role("status")).to_have_text(t("en-US", "pay.succeeded"))
    # Stripe kept the new card as the customer's default, for the next invoices too.
    customer = declining.stripe.v1.customers.retrieve(
        declining.customer, {"expand": ["invoice_settings.default_payment_method"]}
    )
    assert customer.invoice_settings.default_payment_method.card.last4 == "4242"

    # A later visit is a visit of its own: nothing opens by itself.
    page.reload()
    tab.wait_for_event("post_load")
    expect(portal.locator("[part=confirm]")).to_have_count(0)


def test_a_failed_automatic_charge_is_marked_in_the_list_and_explained_in_the_detail(
    tab: Tab, stack: Stack
) -> None:
    loaded = open_portal(tab, stack, email="decline@example.com")["response"]
    # The seed's past-due invoice was charged once and declined (other tests decline more).
    failed = [i for i in loaded["invoices"] if i["payment_failed"] and i["past_due"]]
    assert len(failed) == 1, loaded["invoices"]
    portal = tab.portal()
    row = row_for(portal, failed[0])
    expect(row).to_contain_text(t("en-US", "list.payment_failed"))

    row.click()
    tab.wait_for_event("invoice_opened")
    panel = recovery(portal)
    expect(panel.get_by_role("heading", name=t("en-US", "recovery.failed_title"))).to_be_visible()
    expect(panel).to_contain_text(t("en-US", "pay.insufficient_funds"))
    expect(panel).to_contain_text("Visa\u00a0••••\u00a09995")
    expect(panel.get_by_role("button", name=t("en-US", "action.other_card"))).to_be_visible()
    assert panel.get_attribute("role") is None, "a past failure is not announced as an alert"


@pytest.fixture
def subscriber(stack: Stack) -> SimpleNamespace:
    """A customer with a Visa on the seed's monthly Pro plan, and the yearly price on offer."""
    stripe = stack.sandbox.client()
    customer = stack.sandbox.customer_paying_with("pm_card_visa", name="Sam Plan")
    email = str(customer.email)
    jane = stripe.v1.customers.list({"email": "jane@example.com"}).data[0]
    price = stripe.v1.subscriptions.list({"customer": jane.id}).data[0]["items"].data[0].price
    sub = stripe.v1.subscriptions.create({"customer": customer.id, "items": [{"price": price.id}]})
    return SimpleNamespace(email=email, sub=sub.id, price=price.id, stripe=stripe)


def plan_strip(tab: Tab, stack: Stack, who: SimpleNamespace) -> Locator:
    loaded = open_portal(tab, stack, email=who.email, debug=True)["response"]
    assert loaded["features"]["plan_change"] and loaded["features"]["cancel"]
    strip = tab.portal().locator("[part=plan]")
    expect(strip).to_contain_text(t("en-US", "plan.current"))
    expect(strip).to_contain_text("Pro plan")
    return strip


def test_change_plan_goes_through_stripes_portal_and_comes_back(
    tab: Tab, stack: Stack, subscriber: SimpleNamespace
) -> None:
    strip = plan_strip(tab, stack, subscriber)
    host = tab.page.url

    strip.get_by_role("button", name=t("en-US", "action.change_plan")).click()
    page = tab.page
    page.wait_for_url(re.compile(re.escape(stack.sandbox_url) + r"/p/session/"))
    expect(page.get_by_role("heading", name="Update your plan")).to_be_visible()
    page.get_by_label(containing("yearly")).check()
    page.get_by_role("button", name="Update plan").click()
    page.wait_for_url(host)
    tab.wait_for_event("post_load")

    assert [line for line in tab.debug_lines() if "plan_change_started" in line]
    sub = subscriber.stripe.v1.subscriptions.retrieve(subscriber.sub)
    assert sub["items"].data[0].price.recurring.interval == "year"
    expect(tab.portal().locator("[part=plan]")).to_contain_text("Pro plan")


def test_cancel_goes_through_stripes_portal_and_the_portal_says_when_it_ends(
    tab: Tab, stack: Stack, subscriber: SimpleNamespace
) -> None:
    strip = plan_strip(tab, stack, subscriber)
    host = tab.page.url

    strip.get_by_role("button", name=t("en-US", "action.cancel_plan")).click()
    page = tab.page
    page.wait_for_url(re.compile(re.escape(stack.sandbox_url) + r"/p/session/"))
    expect(page.get_by_role("heading", name="Cancel your plan")).to_be_visible()
    page.get_by_role("button", name="Cancel plan").click()
    page.wait_for_url(host)
    loaded = tab.wait_for_event("post_load")["detail"]["response"]

    assert [line for line in tab.debug_lines() if "cancel_started" in line]
    ends = next(s for s in loaded["subscriptions"] if s["id"] == subscriber.sub)["cancel_at"]
    assert ends, "Stripe's portal cancelled at the period's end"
    strip = tab.portal().locator("[part=plan]")
    expect(strip).to_contain_text(t("en-US", "plan.ends", date="").strip())
    expect(strip.get_by_role("button", name=t("en-US", "action.cancel_plan"))).to_have_count(0)
    expect(strip.get_by_role("button", name=t("en-US", "action.change_plan"))).to_be_visible()
