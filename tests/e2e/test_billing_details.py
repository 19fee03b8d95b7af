"""The customer's billing details: loaded when the panel opens, saved with name, address and
tax IDs, shown again after a reload and on the next invoice Stripe finalizes; a tax ID Stripe
refuses is shown next to its field with what was typed; no button when the owner has them off
(the default)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Locator, expect

from tools.stack import Stack

from .portal import OpenTab, Tab, containing, exactly, open_portal, proxy_settings, row_for, t
from .test_accessibility import PAGES, serious_violations


def tool(portal: Locator, key: str, locale: str = "en-US") -> Locator:
    """One of the disclosure buttons above the list."""
    return portal.locator("[part=tools]").get_by_role("button", name=exactly(t(locale, key)))


def tools_drawn(portal: Locator) -> None:
    """The on-demand chunk is here and has drawn the tools the owner allows (filters and
    downloads are on by default)."""
    expect(portal.locator("[part=tools]")).to_be_visible()


@pytest.fixture
def allowed(stack: Stack) -> Iterator[Stack]:
    with proxy_settings(stack, PORTAL_ALLOW_BILLING_DETAILS="true"):
        yield stack


def fresh_customer(stack: Stack) -> tuple[Any, Any]:
    """A customer of its own, with one open invoice: the seed's personas stay as they are."""
    return stack.sandbox.customer_owing("pm_card_visa", 4200, name="Old Name")


def open_details(tab: Tab, stack: Stack, email: str) -> Locator:
    open_portal(tab, stack, email=email, show_all_invoices=True)
    portal = tab.portal()
    tool(portal, "billing.toggle").click()
    panel = portal.locator("[part=billing-details]")
    expect(panel.get_by_label(t("en-US", "billing.name"))).to_be_visible()
    return panel


def test_saved_billing_details_show_after_a_reload_and_on_the_next_invoice(
    tab: Tab, allowed: Stack
) -> None:
    customer, _ = fresh_customer(allowed)
    panel = open_details(tab, allowed, customer.email)
    expect(panel.get_by_label(t("en-US", "billing.name"))).to_have_value("Old Name")

    panel.get_by_label(t("en-US", "billing.name")).fill("Acme GmbH")
    panel.get_by_label(t("en-US", "billing.line1")).fill("Hauptstraße 5")
    panel.get_by_label(t("en-US", "billing.city")).fill("Berlin")
    panel.get_by_label(t("en-US", "billing.postal_code")).fill("10115")
    country = panel.get_by_label(t("en-US", "billing.country"))
    expect(country.locator("option[value=DE]")).to_have_text("Germany")
    country.select_option("DE")
    panel.get_by_role("button", name=t("en-US", "billing.add_tax_id")).click()
    expect(panel.get_by_label(t("en-US", "billing.tax_type"))).to_have_value("de_stn")
    panel.get_by_label(t("en-US", "billing.tax_type")).select_option("eu_vat")
    expect(panel.get_by_label(t("en-US", "billing.tax_type"))).to_contain_text(
        "European Union VAT (eu_vat)"
    )
    panel.get_by_label(t("en-US", "billing.tax_value")).fill("DE123456789")
    panel.get_by_role("button", name=t("en-US", "billing.save")).click()

    expect(panel.get_by_role("status")).to_have_text(t("en-US", "billing.saved"))
    updated = tab.wait_for_event("billing_details_updated")["detail"]["response"]
    assert updated["name"] == "Acme GmbH"
    assert updated["address"]["country"] == "DE" and updated["address"]["city"] == "Berlin"
    assert [(x["type"], x["value"]) for x in updated["tax_ids"]] == [("eu_vat", "DE123456789")]
    # Saved: the tax ID is now listed as Stripe has it, with a way to remove it.
    expect(panel.locator(".taxes li")).to_have_count(1)
    expect(panel.locator(".taxes li")).to_contain_text("DE123456789")

    # A reload reads them back from Stripe.
    panel = open_details(tab, allowed, customer.email)
    expect(panel.get_by_label(t("en-US", "billing.name"))).to_have_value("Acme GmbH")
    expect(panel.get_by_label(t("en-US", "billing.line1"))).to_have_value("Hauptstraße 5")
    expect(panel.get_by_label(t("en-US", "billing.country"))).to_have_value("DE")
    expect(panel.locator(".taxes li")).to_contain_text("DE123456789")

    # Stripe copies them onto the next invoice it finalizes.
    client = allowed.sandbox.client()
    draft = client.v1.invoices.create(
        {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 30}
    )
    assert draft.id is not None
    client.v1.invoice_items.create(
        {"customer": customer.id, "invoice": draft.id, "amount": 990, "description": "After"}
    )
    invoice = client.v1.invoices.finalize_invoice(draft.id).to_dict()
    loaded = open_portal(tab, allowed, email=customer.email, show_all_invoices=True)
    assert invoice["id"] in [i["id"] for i in loaded["response"]["invoices"]]
    row_for(tab.portal(), invoice).click()
    tab.wait_for_event("invoice_opened")
    bill_to = tab.portal().locator("[part=bill-to]")
    for text in ("Acme GmbH", "Hauptstraße 5", "Berlin", "DE123456789"):
        expect(bill_to).to_contain_text(text)


def test_an_invalid_vat_number_is_shown_next_to_its_field_with_what_was_typed(
    tab: Tab, allowed: Stack
) -> None:
    customer, _ = fresh_customer(allowed)
    panel = open_details(tab, allowed, customer.email)
    panel.get_by_label(t("en-US", "billing.name")).fill("Typed Name")
    panel.get_by_role("button", name=t("en-US", "billing.add_tax_id")).click()
    panel.get_by_label(t("en-US", "billing.tax_type")).select_option("eu_vat")
    value = panel.get_by_label(t("en-US", "billing.tax_value"))
    value.fill("DE12")
    panel.get_by_role("button", name=t("en-US", "billing.save")).click()

    expect(value).to_have_accessible_description(t("en-US", "billing.tax_id_invalid"))
    expect(value).to_have_attribute("aria-invalid", "true")
    expect(value).to_be_focused()
    expect(value).to_have_value("DE12")
    expect(panel.get_by_label(t("en-US", "billing.name"))).to_have_value("Typed Name")
    error = tab.wait_for_event("error")["detail"]["response"]
    assert error["code"] == "tax_id_invalid"
    assert tab.events("billing_details_updated") == []

    # Corrected, it is saved.
    value.fill("DE123456789")
    panel.get_by_role("button", name=t("en-US", "billing.save")).click()
    expect(panel.get_by_role("status")).to_have_text(t("en-US", "billing.saved"))
    expect(value).to_have_count(0)  # now a saved tax ID, listed as text
    expect(panel.locator(".taxes li")).to_contain_text("DE123456789")


@pytest.mark.context(locale="fr-FR")
def test_the_form_speaks_the_portals_language_countries_included(tab: Tab, allowed: Stack) -> None:
    customer, _ = fresh_customer(allowed)
    open_portal(tab, allowed, email=customer.email)
    portal = tab.portal()
    tool(portal, "billing.toggle", "fr-FR").click()
    panel = portal.locator("[part=billing-details]")
    country = panel.get_by_label(t("fr-FR", "billing.country"))
    expect(country.locator("option[value=DE]")).to_have_text("Allemagne")
    expect(panel.get_by_role("heading", name=t("fr-FR", "billing.toggle"))).to_be_visible()
    expect(panel).to_contain_text(containing(t("fr-FR", "billing.text")))


def test_billing_details_are_off_by_default_and_hide_their_button(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="jane@example.com")
    assert loaded["response"]["features"]["billing_details"] is False
    portal = tab.portal()
    tools_drawn(portal)
    expect(tool(portal, "billing.toggle")).to_have_count(0)
    expect(portal.locator("[part=billing-details]")).to_have_count(0)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_tools_have_no_serious_accessibility_violations(
    open_tab: OpenTab, allowed: Stack, color_scheme: str
) -> None:
    tab = open_tab(color_scheme=color_scheme)
    open_portal(tab, allowed, PAGES[color_scheme], email="jane@example.com")
    portal = tab.portal()
    for key, part in (("filters.toggle", "filters"), ("export.toggle", "export")):
        tool(portal, key).click()
        expect(portal.locator(f"[part={part}]")).to_be_visible()
        assert serious_violations(tab) == []
    tool(portal, "billing.toggle").click()
    panel = portal.locator("[part=billing-details]")
    panel.get_by_role("button", name=t("en-US", "billing.add_tax_id")).click()
    expect(panel.get_by_label(t("en-US", "billing.tax_value"))).to_be_focused()
    assert serious_violations(tab) == []
