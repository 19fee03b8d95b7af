"""An invoice in full, as a printed invoice shows it: bill-to, every line, taxes, discounts."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, expect

from tools.stack import Stack

from .portal import Tab, first, open_portal, row_for, t

MINUS = "\u2212"


def gbp(amount: float) -> str:
    """A pound amount as en-US shows it, negative with a true minus sign."""
    text = f"£{abs(amount) / 100:,.2f}"
    return f"{MINUS}{text}" if amount < 0 else text


def open_detail(tab: Tab, stack: Stack, **wanted: Any) -> tuple[Locator, dict[str, Any]]:
    loaded = open_portal(tab, stack, email="detail@example.com")["response"]
    invoice = first(loaded["invoices"], **wanted)
    row_for(tab.portal(), invoice).click()
    detail: dict[str, Any] = tab.wait_for_event("invoice_opened")["detail"]["response"]
    return tab.portal().locator("[part=detail]"), detail


def test_every_line_with_quantity_unit_price_tax_and_discount(tab: Tab, stack: Stack) -> None:
    view, d = open_detail(tab, stack, status="open")
    lines = d["lines"]
    assert len(lines) == 12, "the proxy sends every line"

    table = view.get_by_role("table", name=t("en-US", "detail.items", count=12))
    expect(table.locator("tbody tr")).to_have_count(12)
    expect(view).not_to_contain_text(t("en-US", "detail.more_lines"))
    for index, line in enumerate(lines):
        row = table.locator("tbody tr").nth(index)
        expect(row).to_contain_text(line["description"])
        unit = float(line["unit_amount_decimal"] or line["unit_amount"])
        expect(row).to_contain_text(f"{line['quantity']} × {gbp(unit)}")
        expect(row).to_contain_text(gbp(line["amount"]))
        for tax in line["taxes"]:
            expect(row).to_contain_text(
                f"{tax['display_name']} {tax['percentage']:g}%: {gbp(tax['amount'])}"
            )
        for discount in line["discounts"]:
            shown = f"{discount['name']}: {gbp(-discount['amount'])}"
            if discount["amount"]:
                expect(row).to_contain_text(shown)
            else:  # a discount that took nothing off this line is not listed on it
                expect(row).not_to_contain_text(f"{discount['name']}:")
    assert any(line["taxes"] for line in lines) and any(line["discounts"] for line in lines)


def test_totals_name_discounts_with_a_true_minus_sign(tab: Tab, stack: Stack) -> None:
    view, d = open_detail(tab, stack, status="open")
    totals = view.locator("[part=totals]")

    expect(totals).to_contain_text(f"{t('en-US', 'detail.subtotal')}{gbp(d['subtotal'])}")
    assert d["discounts"], "the seeded invoice has discounts"
    for discount in d["discounts"]:
        expect(totals).to_contain_text(f"{discount['name']}{gbp(-discount['amount'])}")
    for tax in d["taxes"]:
        expect(totals).to_contain_text(gbp(tax["amount"]))
    expect(totals).to_contain_text(f"{t('en-US', 'detail.total')}{gbp(d['total'])}")
    expect(totals).to_contain_text(f"{t('en-US', 'detail.amount_paid')}{gbp(d['amount_paid'])}")
    expect(totals).to_contain_text(f"{t('en-US', 'detail.amount_due')}{gbp(d['amount_remaining'])}")
    assert "-£" not in view.inner_text(), "a hyphen is not a minus sign"


def test_bill_to_and_what_the_invoice_was_for(tab: Tab, stack: Stack) -> None:
    view, d = open_detail(tab, stack, status="open")
    bill = view.locator("[part=bill-to]")

    expect(bill.get_by_role("heading", name=t("en-US", "detail.bill_to"))).to_be_visible()
    for text in [
        d["customer_name"],
        d["customer_email"],
        "221B Baker Street",
        "NW1 6XE London",
        "United Kingdom",
        d["customer_phone"],
        "GB VAT GB123456789",
    ]:
        expect(bill).to_contain_text(text)
    expect(view.locator("[part=description]")).to_have_text("Studio fit-out")


def test_a_paid_invoice_says_which_card_paid_it(tab: Tab, stack: Stack) -> None:
    view, d = open_detail(tab, stack, status="paid")
    assert d["paid_with"]["last4"] == "4242"

    expect(view).to_contain_text(f"{t('en-US', 'detail.paid_with')}Visa •••• 4242")
    expect(view.locator("[part=totals]")).to_contain_text(
        f"{t('en-US', 'detail.amount_due')}{gbp(0)}"
    )
