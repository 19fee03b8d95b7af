"""The customer's account above the list (what is past due, the credit balance, the next charge),
the owner's offer, and an invoice's receipt and credit notes: as the customer sees them.

The expected figures come from the sandbox through the official Stripe SDK, not from the proxy's
answer, so a wrong sum or a wrong currency on either side fails here. Owner switches and
PORTAL_OFFER need a proxy started with them: `proxy_settings` restarts the package's proxy with
them for one test and restores it afterwards.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import stripe
from playwright.sync_api import Locator, Route, expect

from tools.stack import Stack

from .portal import (
    OpenTab,
    Tab,
    exactly,
    first,
    open_portal,
    pay_and_confirm,
    proxy_settings,
    row_for,
    rows,
    t,
)

JANE = "jane@example.com"
# Shown to every customer on a monthly plan; its texts in English and French only, so that a
# German page shows the English title, and one button for every language.
OFFER: dict[str, Any] = {
    "id": "yearly-2027",
    "title": {
        "en": "Go yearly, get two months free",
        "fr": "Passez à l’annuel : deux mois offerts",
    },
    "text": {"en": "Pay once a year and save.", "fr": "Payez une fois par an et économisez."},
    "button": "See yearly plans",
    "when": {"interval": "month"},
}


def money(amount: int) -> str:
    """A US dollar amount as en-US shows it."""
    return f"${amount / 100:,.2f}"


def day(seconds: int) -> str:
    """A date as en-US shows it (dateStyle medium) on the tests' UTC pages."""
    d = datetime.fromtimestamp(seconds, UTC)
    return f"{d:%b} {d.day}, {d.year}"


def summary(portal: Locator) -> Locator:
    return portal.locator("[part=account]")


def offer_card(portal: Locator) -> Locator:
    return portal.locator("[part=offer]")


def facts(portal: Locator) -> dict[str, str]:
    """The summary's figures as the customer reads them: label -> value."""
    labels = summary(portal).locator("dt").all_inner_texts()
    values = summary(portal).locator("dd").all_inner_texts()
    return dict(zip(labels, values, strict=True))


def sums(invoices: list[Any]) -> int:
    return sum(i.amount_remaining for i in invoices)


def preview_of(client: stripe.StripeClient, customer: stripe.Customer) -> stripe.Invoice:
    """The next invoice of the customer's plan, as Stripe previews it."""
    sub = client.v1.subscriptions.list({"customer": customer.id}).data[0]
    return client.v1.invoices.create_preview({"customer": customer.id, "subscription": sub.id})


def next_charge(client: stripe.StripeClient, customer: stripe.Customer) -> tuple[int, str, int]:
    """Amount, currency and date of the next invoice of the customer's plan: the date of its
    payment attempt, else the end of its period."""
    preview = preview_of(client, customer)
    when = preview.to_dict().get("next_payment_attempt") or preview.period_end
    return preview.amount_due, preview.currency, when


@pytest.fixture
def stripe_client(stack: Stack) -> stripe.StripeClient:
    return stack.sandbox.client()


@pytest.fixture
def offering(stack: Stack) -> Iterator[Stack]:
    url = stack.page_url("plain.html", email="hans@example.de")
    with proxy_settings(stack, PORTAL_OFFER=json.dumps({**OFFER, "url": url})) as running:
        yield running


def test_janes_summary_shows_what_is_past_due_her_credit_and_her_next_charge(
    tab: Tab, fresh_stack: Stack, stripe_client: stripe.StripeClient
) -> None:
    stack = fresh_stack
    jane = stripe_client.v1.customers.list({"email": JANE}).data[0]
    owing = stripe_client.v1.invoices.list({"customer": jane.id, "status": "open"}).data
    late = [i for i in owing if i.due_date and i.due_date < time.time()]
    assert late and len(late) < len(owing), "jane owes a past-due and a not yet due invoice"
    assert jane.balance == -8138, "the workshop's credit note left her 81.38 of credit"
    amount, _, charged_on = next_charge(stripe_client, jane)
    total = preview_of(stripe_client, jane).total
    assert total > amount == 0, "her credit covers the whole next invoice"

    open_portal(tab, stack, email=JANE)
    loaded = tab.wait_for_event("account_loaded")["detail"]["response"]
    portal = tab.portal()

    expect(summary(portal).locator("dt")).to_have_count(3)
    assert facts(portal) == {
        t("en-US", "account.past_due"): money(sums(late)),
        t("en-US", "account.credit"): "$81.38",
        # Covered by her credit: the invoice's total, and that nothing is left to pay.
        t("en-US", "account.next_charge"): t(
            "en-US", "account.next_charge_on", amount=money(total), date=day(charged_on)
        )
        + " · "
        + t("en-US", "account.after_credit", amount=money(amount)),
    }
    # What is outstanding is the banner's, right under the summary: said once.
    expect(portal.locator("[part=owed]")).to_contain_text(money(sums(owing)))
    heading = summary(portal).get_by_role("heading", name=t("en-US", "account.title"))
    expect(heading).to_have_count(1)
    assert loaded["summary"]["credit"] == [{"currency": "usd", "amount": 8138}]
    assert loaded["offer"] is None, "no PORTAL_OFFER: no offer"
    expect(offer_card(portal)).to_have_count(0)
    expect(rows(portal).first).to_be_visible()


@pytest.fixture
def paying_stack(fresh_stack: Stack) -> Iterator[Stack]:
    """The seeded sandbox, seeded again afterwards: the tests after this one find it unpaid."""
    yield fresh_stack
    fresh_stack.reset()


def test_paying_the_past_due_invoice_here_clears_it_from_the_summary_at_once(
    tab: Tab, paying_stack: Stack
) -> None:
    asked: list[str] = []
    tab.page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/v1/account") else None)
    loaded = open_portal(tab, paying_stack, email=JANE)["response"]
    tab.wait_for_event("account_loaded")
    portal = tab.portal()
    late = first(loaded["invoices"], status="open", past_due=True)
    expect(summary(portal).locator("dt").first).to_have_text(t("en-US", "account.past_due"))

    row_for(portal, late).click()
    tab.wait_for_event("invoice_opened")
    pay_and_confirm(portal)
    tab.wait_for_event("payment_succeeded")
    portal.get_by_role("button", name=exactly(f"← {t('en-US', 'detail.back')}")).click()

    labels = [t("en-US", "account.credit"), t("en-US", "account.next_charge")]
    expect(summary(portal).locator("dt")).to_have_text(labels)
    assert len(asked) == 1, "counted from what is owed, as the banner is: not asked again"


def test_a_customer_owing_nothing_reads_so_in_the_summary(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="empty@example.com")
    tab.wait_for_event("account_loaded")
    portal = tab.portal()

    expect(summary(portal).locator("dt")).to_have_count(1)
    assert facts(portal) == {
        t("en-US", "account.outstanding"): t("en-US", "account.nothing_due"),
    }
    expect(portal.locator("[part=owed]")).to_have_count(0)


@pytest.mark.context(locale="de-DE")
def test_the_summary_speaks_the_customers_language_and_currency(
    tab: Tab, stack: Stack, stripe_client: stripe.StripeClient
) -> None:
    hans = stripe_client.v1.customers.list({"email": "hans@example.de"}).data[0]
    minor, currency, charged_on = next_charge(stripe_client, hans)
    assert currency == "eur" and minor > 0

    open_portal(tab, stack, email="hans@example.de")
    tab.wait_for_event("account_loaded")
    portal = tab.portal()

    # The browser's own Intl, as a German customer's would write them: "58,31 €", "1. Jan. 2027".
    amount, date = tab.page.evaluate(
        """([minor, seconds]) => [
          new Intl.NumberFormat("de-DE", {style: "currency", currency: "EUR"})
            .format(minor / 100),
          new Intl.DateTimeFormat("de-DE", {dateStyle: "medium", timeZone: "UTC"})
            .format(seconds * 1000),
        ]""",
        [minor, charged_on],
    )
    expect(summary(portal).locator("dt")).to_have_count(1)
    assert facts(portal) == {
        t("de-DE", "account.next_charge"): t(
            "de-DE", "account.next_charge_on", amount=amount, date=date
        )
    }, "nothing past due and no credit: only the next charge"


def test_a_failed_summary_leaves_the_list_and_says_so_quietly(tab: Tab, stack: Stack) -> None:
    failed: list[str] = []

    def refuse(route: Route) -> None:
        failed.append(route.request.url)
        route.abort("connectionfailed")

    tab.page.route(f"{stack.edge_url}/v1/account", refuse)
    open_portal(tab, stack, email=JANE)
    portal = tab.portal()

    expect(summary(portal)).to_contain_text(t("en-US", "account.unavailable"))
    error = tab.wait_for_event("error")["detail"]["response"]
    assert error["code"] == "network_error"
    assert failed, "the summary was asked for"
    assert tab.events("account_loaded") == []
    expect(rows(portal).first).to_be_visible()
    expect(portal.get_by_role("alert")).to_have_count(0)
    row_for(portal, tab.events("post_load")[0]["detail"]["response"]["invoices"][0]).click()
    tab.wait_for_event("invoice_opened")


def test_the_credit_note_of_janes_workshop_shows_with_its_reason_and_pdf(
    tab: Tab, stack: Stack, stripe_client: stripe.StripeClient
) -> None:
    loaded = open_portal(tab, stack, email=JANE, show_all_invoices=True)["response"]
    workshop = next(i for i in loaded["invoices"] if i["description"] == "Onboarding workshop")
    assert workshop["status"] == "paid"
    [note] = stripe_client.v1.credit_notes.list({"invoice": workshop["id"]}).data
    portal = tab.portal()

    row_for(portal, workshop).click()
    tab.wait_for_event("invoice_opened")

    notes = portal.get_by_role("region", name=t("en-US", "credit_notes.title"))
    expect(notes.get_by_role("heading", name=t("en-US", "credit_notes.title"))).to_be_visible()
    item = notes.get_by_role("listitem")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(note.number)
    expect(item).to_contain_text(day(note.created))
    expect(item).to_contain_text(t("en-US", "credit_notes.reason_product_unsatisfactory"))
    expect(item).to_contain_text(money(note.amount))
    expect(item).to_contain_text(str(note.memo))
    expect(item).not_to_contain_text(t("en-US", "status.void"))
    pdf = item.get_by_role("link", name=t("en-US", "action.pdf"))
    expect(pdf).to_have_attribute("href", str(note.pdf))
    expect(pdf).to_have_attribute("target", "_blank")
    answer = tab.page.request.get(str(note.pdf))
    assert answer.ok and answer.headers["content-type"].startswith("application/pdf")


def test_a_void_credit_note_is_marked_void_and_a_note_without_reason_says_so(
    tab: Tab, stack: Stack, stripe_client: stripe.StripeClient
) -> None:
    customer, invoice = stack.sandbox.customer_owing("pm_card_visa", 20000, item="Audit")
    assert invoice.id is not None
    voided = stripe_client.v1.credit_notes.create(
        {"invoice": invoice.id, "amount": 5000, "reason": "duplicate"}
    )
    stripe_client.v1.credit_notes.void_credit_note(voided.id)
    kept = stripe_client.v1.credit_notes.create({"invoice": invoice.id, "amount": 2500})
    loaded = open_portal(tab, stack, email=customer.email)["response"]
    portal = tab.portal()

    row_for(portal, loaded["invoices"][0]).click()
    tab.wait_for_event("invoice_opened")

    notes = portal.get_by_role("region", name=t("en-US", "credit_notes.title"))
    items = notes.get_by_role("listitem")
    expect(items).to_have_count(2)
    issued = items.filter(has_text=str(kept.number))
    expect(issued).to_contain_text(t("en-US", "credit_notes.reason_none"))
    expect(issued).to_contain_text(money(2500))
    expect(issued).not_to_contain_text(t("en-US", "status.void"))
    void = items.filter(has_text=str(voided.number))
    expect(void).to_contain_text(t("en-US", "credit_notes.reason_duplicate"))
    expect(void.locator("[part~=badge-void]")).to_have_text(t("en-US", "status.void"))


@pytest.mark.context(locale="fr-FR")
def test_a_credit_notes_reason_is_translated(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="amelie@example.fr")["response"]
    portal = tab.portal()
    formation = next(i for i in loaded["invoices"] if i["description"] == "Formation")

    row_for(portal, formation).click()
    tab.wait_for_event("invoice_opened")

    notes = portal.get_by_role("region", name=t("fr-FR", "credit_notes.title"))
    expect(notes.get_by_role("listitem")).to_contain_text(
        t("fr-FR", "credit_notes.reason_order_change")
    )


def test_a_card_paid_invoice_has_its_receipt_one_click_away(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email=JANE)["response"]
    portal = tab.portal()
    paid = next(i for i in loaded["invoices"] if i["status"] == "paid" and i["subscription"])

    row_for(portal, paid).click()
    tab.wait_for_event("invoice_opened")
    receipt = portal.get_by_role("link", name=t("en-US", "receipt.open"))
    expect(receipt).to_have_attribute("rel", "noopener")
    with tab.page.expect_popup() as opened:
        receipt.click()
    page = opened.value

    # Stripe's receipt of that payment, in a tab of its own.
    expect(page.locator("dd.invoice")).to_have_text(paid["number"])
    event = tab.wait_for_event("receipt_opened")["detail"]
    assert event["response"]["invoice"] == paid["id"]
    assert event["response"]["url"] == page.url
    assert tab.page.url.startswith(stack.pages_url), "the portal's page stays where it was"

    # An invoice still to pay has none.
    portal.get_by_role("button", name=exactly(f"← {t('en-US', 'detail.back')}")).click()
    owed = next(i for i in loaded["invoices"] if i["status"] == "open")
    row_for(portal, owed).click()
    tab.wait_for_event("invoice_opened", count=2)
    expect(portal.locator("[part~=pdf-button]")).to_be_visible()
    expect(portal.get_by_role("link", name=t("en-US", "receipt.open"))).to_have_count(0)


def test_the_owners_offer_is_shown_to_a_matching_customer_and_heard_when_clicked(
    tab: Tab, offering: Stack
) -> None:
    stack = offering
    open_portal(tab, stack, email=JANE)
    loaded = tab.wait_for_event("account_loaded")["detail"]["response"]
    portal = tab.portal()
    card = offer_card(portal)

    expect(card.get_by_role("heading", name=OFFER["title"]["en"])).to_be_visible()
    expect(card).to_contain_text(OFFER["text"]["en"])
    assert loaded["offer"]["id"] == OFFER["id"]
    expect(summary(portal)).to_be_visible()

    # A page that handles the click itself keeps the customer here.
    tab.page.evaluate(
        """() => document.querySelector("invoice-portal").addEventListener(
          "invoice-portal:upsell_clicked", (e) => e.preventDefault(), {once: true})"""
    )
    card.get_by_role("button", name=OFFER["button"]).click()
    clicked = tab.wait_for_event("upsell_clicked")["detail"]["response"]
    assert clicked == {
        "id": OFFER["id"],
        "url": stack.page_url("plain.html", email="hans@example.de"),
    }
    expect(card).to_be_visible()

    # Otherwise the portal follows the owner's address, in this tab.
    card.get_by_role("button", name=OFFER["button"]).click()
    tab.page.wait_for_url(clicked["url"])
    expect(tab.portal()).to_have_attribute("email", "hans@example.de")


def test_the_offer_speaks_the_customers_language_when_the_owner_wrote_it(
    open_tab: OpenTab, offering: Stack
) -> None:
    french = open_tab(locale="fr-FR")
    open_portal(french, offering, email=JANE)
    french.wait_for_event("account_loaded")
    expect(offer_card(french.portal()).get_by_role("heading")).to_have_text(OFFER["title"]["fr"])

    german = open_tab(locale="de-DE")  # no German text: the English one
    open_portal(german, offering, email=JANE)
    german.wait_for_event("account_loaded")
    card = offer_card(german.portal())
    expect(card.get_by_role("heading")).to_have_text(OFFER["title"]["en"])
    expect(card.get_by_role("button")).to_have_text(OFFER["button"])


def test_a_customer_the_offer_is_not_for_sees_none(tab: Tab, offering: Stack) -> None:
    open_portal(tab, offering, email="amelie@example.fr")  # no subscription, so no monthly plan
    loaded = tab.wait_for_event("account_loaded")["detail"]["response"]

    assert loaded["offer"] is None
    expect(offer_card(tab.portal())).to_have_count(0)
    # Nothing past due, no credit, no plan: the banner of what she owes says it all.
    assert loaded["summary"]["outstanding"] and not loaded["summary"]["next_charge"]
    expect(tab.portal().locator("[part=owed]")).to_be_visible()
    expect(summary(tab.portal())).to_have_count(0)


def test_each_switch_off_hides_its_part(tab: Tab, stack: Stack) -> None:
    switches = {
        "PORTAL_ALLOW_SUMMARY": "false",
        "PORTAL_ALLOW_RECEIPTS": "false",
        "PORTAL_ALLOW_CREDIT_NOTES": "false",
        "PORTAL_OFFER": json.dumps(OFFER),
    }
    with proxy_settings(stack, **switches):
        loaded = open_portal(tab, stack, email=JANE, show_all_invoices=True)["response"]
        account = tab.wait_for_event("account_loaded")["detail"]["response"]
        portal = tab.portal()
        assert account["summary"] is None
        expect(offer_card(portal)).to_be_visible()
        expect(summary(portal)).to_have_count(0)

        workshop = next(i for i in loaded["invoices"] if i["description"] == "Onboarding workshop")
        row_for(portal, workshop).click()
        tab.wait_for_event("invoice_opened")
        expect(portal.locator("[part~=pdf-button]")).to_be_visible()
        expect(portal.get_by_role("link", name=t("en-US", "receipt.open"))).to_have_count(0)
        expect(portal.locator("[part=credit-notes]")).to_have_count(0)


def test_with_summary_and_offer_off_the_account_is_not_asked_for(tab: Tab, stack: Stack) -> None:
    asked: list[str] = []
    tab.page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/v1/account") else None)
    with proxy_settings(stack, PORTAL_ALLOW_SUMMARY="false"):
        loaded = open_portal(tab, stack, email=JANE)["response"]
        assert not loaded["features"]["summary"] and not loaded["features"]["offer"]
        portal = tab.portal()
        # An open invoice needs the on-demand chunk, which draws the account when it is on.
        row_for(portal, loaded["invoices"][0]).click()
        tab.wait_for_event("invoice_opened")
        expect(summary(portal)).to_have_count(0)
        expect(offer_card(portal)).to_have_count(0)
        assert asked == [] and tab.events("account_loaded") == []
