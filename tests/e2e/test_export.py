"""The accountant's downloads: a CSV of the range's invoices and a zip of their PDFs, saved
by the browser under the proxy's file name; a range too large for one download says why in
the portal's language; no panel when the owner has downloads off."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from playwright.sync_api import Download, Locator, expect

from tools.stack import Stack

from .portal import Tab, containing, open_portal, proxy_settings, t
from .test_billing_details import tool, tools_drawn
from .test_filters import day, invoices_of

HEADER = "number,date,status,currency,subtotal,tax,total,amount_paid,amount_remaining".split(",")


def open_export(tab: Tab, locale: str = "en-US") -> Locator:
    portal = tab.portal()
    tool(portal, "export.toggle", locale).click()
    panel = portal.locator("[part=export]")
    expect(panel.get_by_role("heading", name=t(locale, "export.toggle"))).to_be_visible()
    return panel


def download(tab: Tab, panel: Locator, button: str, start: str, end: str) -> Download:
    panel.get_by_label(t("en-US", "filters.from")).fill(start)
    panel.get_by_label(t("en-US", "filters.to")).fill(end)
    with tab.page.expect_download() as info:
        panel.get_by_role("button", name=t("en-US", button)).click()
    return info.value


def test_the_default_range_is_last_year(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="jane@example.com")
    panel = open_export(tab)
    last = date.today().year - 1
    expect(panel.get_by_label(t("en-US", "filters.from"))).to_have_value(f"{last}-01-01")
    expect(panel.get_by_label(t("en-US", "filters.to"))).to_have_value(f"{last}-12-31")


# The strict page too: its CSP (no blob: anywhere, form-action 'none') lets the download through.
@pytest.mark.parametrize("host", ["plain.html", "strict-csp.html"])
def test_csv_download_has_the_header_and_the_customers_invoices_of_the_range(
    tab: Tab, stack: Stack, host: str
) -> None:
    every = invoices_of(stack, "jane@example.com")
    start, end = day(every[-1]["created"]), day(every[0]["created"])
    open_portal(tab, stack, host, email="jane@example.com")
    panel = open_export(tab)

    saved = download(tab, panel, "export.csv", start, end)
    assert saved.suggested_filename == f"invoices-{start}-{end}.csv"
    text = open(saved.path(), encoding="utf-8").read()  # noqa: PTH123 - Playwright's temporary file
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == HEADER
    assert sorted(row[0] for row in table[1:]) == sorted(i["number"] for i in every)
    oldest = every[-1]
    assert table[1][:4] == [oldest["number"], start, oldest["status"], "usd"]
    assert table[1][6] == f"{oldest['total'] / 100:.2f}"

    expect(panel.get_by_role("status")).to_have_text(containing(f"invoices-{start}-{end}.csv"))
    done = tab.wait_for_event("export_downloaded")["detail"]["response"]
    assert done == {"format": "csv", "from": start, "to": end, "files": None}
    # Usable again once done.
    csv_button = panel.get_by_role("button", name=t("en-US", "export.csv"))
    expect(csv_button).to_have_attribute("aria-disabled", "false")


def test_zip_download_has_each_invoices_pdf_named_by_its_number(tab: Tab, stack: Stack) -> None:
    every = invoices_of(stack, "hans@example.de")
    start, end = day(every[-1]["created"]), day(every[0]["created"])
    open_portal(tab, stack, email="hans@example.de", locale="en-US")
    panel = open_export(tab)

    saved = download(tab, panel, "export.zip", start, end)
    assert saved.suggested_filename == f"invoices-{start}-{end}.zip"
    with zipfile.ZipFile(saved.path()) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(f"{i['number']}.pdf" for i in every)
        assert all(archive.read(name).startswith(b"%PDF") for name in names)

    files = t("en-US", "export.files", count=len(every))
    expect(panel.locator(".progress")).to_contain_text(files)
    done = tab.wait_for_event("export_downloaded")["detail"]["response"]
    assert done == {"format": "zip", "from": start, "to": end, "files": len(every)}


@pytest.mark.context(locale="de-DE")
def test_a_range_too_large_is_explained_in_the_portals_language(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="big@example.com", show_all_invoices=True)
    panel = open_export(tab, "de-DE")
    last = date.today().year - 1
    # Over 100 invoices: too many PDFs for one zip.
    panel.get_by_label(t("de-DE", "filters.from")).fill(f"{last}-01-01")
    panel.get_by_label(t("de-DE", "filters.to")).fill(f"{last}-12-31")
    panel.get_by_role("button", name=t("de-DE", "export.zip")).click()
    expect(panel.get_by_role("status")).to_have_text(t("de-DE", "export.too_many", max=100))
    assert tab.wait_for_event("error")["detail"]["response"]["code"] == "export_too_large"

    # Longer than a year, even as CSV.
    panel.get_by_label(t("de-DE", "filters.from")).fill(f"{last - 1}-01-01")
    panel.get_by_role("button", name=t("de-DE", "export.csv")).click()
    expect(panel.get_by_role("status")).to_have_text(t("de-DE", "export.too_long"))
    assert tab.events("export_downloaded") == []


def test_a_download_can_be_cancelled(tab: Tab, stack: Stack) -> None:
    every = invoices_of(stack, "hans@example.de")
    open_portal(tab, stack, email="hans@example.de")
    panel = open_export(tab)
    # Stripe slow to list the range: the download is still on its way when Cancel is pressed.
    stack.sandbox.latency(2000)
    try:
        panel.get_by_label(t("en-US", "filters.from")).fill(day(every[-1]["created"]))
        panel.get_by_label(t("en-US", "filters.to")).fill(day(every[0]["created"]))
        zip_button = panel.get_by_role("button", name=t("en-US", "export.zip"))
        zip_button.click()
        expect(zip_button).to_have_attribute("aria-disabled", "true")
        panel.get_by_role("button", name=t("en-US", "action.cancel")).click()
        expect(panel.get_by_role("status")).to_have_text(t("en-US", "export.cancelled"))
        expect(zip_button).to_have_attribute("aria-disabled", "false")
        assert tab.events("export_downloaded") == []
    finally:
        stack.sandbox.clear_faults()


def test_downloads_off_hide_the_panel(tab: Tab, stack: Stack) -> None:
    with proxy_settings(stack, PORTAL_ALLOW_EXPORT="false"):
        loaded = open_portal(tab, stack, email="jane@example.com")
        assert loaded["response"]["features"]["export"] is False
        portal = tab.portal()
        tools_drawn(portal)
        expect(tool(portal, "export.toggle")).to_have_count(0)
        expect(portal.locator("[part=export]")).to_have_count(0)
