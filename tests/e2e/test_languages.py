"""Languages: the browser's, an explicit `locale`, and the site's own translation file."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tools.stack import Stack

from .portal import OpenTab, Tab, open_portal, row_for, t


def formatted(tab: Tab, locale: str, invoice: dict[str, Any]) -> tuple[str, str]:
    """The invoice's amount and date as `Intl` writes them for `locale`."""
    amount, date = tab.page.evaluate(
        """([locale, minor, currency, seconds]) => {
          const money = new Intl.NumberFormat(locale, { style: "currency", currency });
          const digits = money.resolvedOptions().maximumFractionDigits;
          return [money.format(minor / 10 ** digits),
                  new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(seconds * 1000)];
        }""",
        [locale, invoice["total"], invoice["currency"].upper(), invoice["created"]],
    )
    return amount, date


@pytest.mark.parametrize("locale", ["de-DE", "fr-FR", "ja-JP"])
def test_browser_language_translates_text_amounts_and_dates(
    open_tab: OpenTab, stack: Stack, locale: str
) -> None:
    tab = open_tab(locale=locale)
    loaded = open_portal(tab, stack, email="jane@example.com")
    portal = tab.portal()

    expect(portal.get_by_role("heading", name=t(locale, "list.title"))).to_be_visible()
    assert t(locale, "list.title") != t("en-US", "list.title")
    invoice = loaded["response"]["invoices"][0]
    amount, date = formatted(tab, locale, invoice)
    row = row_for(portal, invoice)
    expect(row).to_contain_text(amount)
    expect(row).to_contain_text(date)
    english_amount, english_date = formatted(tab, "en-US", invoice)
    assert (amount, date) != (english_amount, english_date), "the formats differ from English"
    assert loaded["extras"]["locale"] == locale


def test_explicit_locale_attribute_wins_over_the_browser_language(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="jane@example.com", locale="fr-FR")

    portal = tab.portal()
    expect(portal.get_by_role("heading", name=t("fr-FR", "list.title"))).to_be_visible()
    amount, _ = formatted(tab, "fr-FR", loaded["response"]["invoices"][0])
    expect(row_for(portal, loaded["response"]["invoices"][0])).to_contain_text(amount)


def test_zero_decimal_currency_is_shown_without_minor_units(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="yuki@example.jp", show_all_invoices=True)

    invoice = next(i for i in loaded["response"]["invoices"] if i["currency"] == "jpy")
    amount, _ = formatted(tab, "en-US", invoice)
    assert "." not in amount
    expect(row_for(tab.portal(), invoice)).to_contain_text(amount)


@pytest.mark.context(locale="de-DE")
def test_site_translation_file_overrides_a_built_in_string(tab: Tab, stack: Stack) -> None:
    translations = f"{stack.pages_url}/i18n/{{locale}}.json"

    open_portal(tab, stack, email="jane@example.com", translations=translations)

    portal = tab.portal()
    expect(portal.get_by_role("heading", name="Ihre Rechnungen bei Acme")).to_be_visible()
    # Keys the site's file lacks keep their built-in German text.
    expect(portal.get_by_role("button", name=t("de-DE", "list.more"))).to_be_visible()
