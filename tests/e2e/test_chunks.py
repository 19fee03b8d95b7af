"""The portal in two scripts: the list paints from the first; an invoice, paying and the jump
control come from a second, content-hashed one, loaded with its integrity once the list is on
screen. A second script that cannot load is said, with a way to try again, never a silent hang."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Route, expect

from tools.stack import Stack

from .portal import Tab, open_portal, row_for, t

CDN = Path(__file__).resolve().parents[2] / "dist" / "cdn"
LATER = re.compile(r".*/invoice-portal\.later\.[0-9a-f]{8}\.js$")


def later_name() -> str:
    files: dict[str, object] = json.loads((CDN / "manifest.json").read_text())["files"]
    [name] = [name for name in files if LATER.fullmatch("/" + name)]
    return name


def test_the_list_paints_from_the_first_script_and_the_second_follows(
    tab: Tab, stack: Stack
) -> None:
    loaded: list[str] = []
    tab.page.on(
        "requestfinished", lambda r: loaded.append(r.url) if "invoice-portal" in r.url else None
    )
    open_portal(tab, stack, email="big@example.com", show_all_invoices=True)
    expect(tab.portal().get_by_role("group", name=t("en-US", "jump.title"))).to_be_visible()

    assert [url.rsplit("/", 1)[1] for url in loaded] == ["invoice-portal.js", later_name()]
    script = tab.page.locator("script[src*='invoice-portal.later.']")
    expect(script).to_have_attribute("crossorigin", "anonymous")
    manifest = json.loads((CDN / "manifest.json").read_text())
    expect(script).to_have_attribute("integrity", manifest["files"][later_name()]["integrity"])


def missing(route: Route) -> None:
    route.fulfill(status=404, body="not here", headers={"Access-Control-Allow-Origin": "*"})


def changed(route: Route) -> None:
    body = (CDN / later_name()).read_bytes() + b"\nwindow.__changedChunkRan = 1;"
    route.fulfill(
        status=200,
        body=body,
        content_type="text/javascript",
        headers={"Access-Control-Allow-Origin": "*"},
    )


def test_a_missing_second_script_is_said_with_a_retry(tab: Tab, stack: Stack) -> None:
    tab.page.route(LATER, missing)
    loaded = open_portal(tab, stack, email="jane@example.com", show_all_invoices=True)
    invoice = loaded["response"]["invoices"][0]
    portal = tab.portal()

    row_for(portal, invoice).click()
    notice = portal.get_by_role("status")
    expect(notice).to_contain_text(t("en-US", "error.network"))
    assert tab.wait_for_event("error")["detail"]["response"]["code"] == "chunk_unavailable"
    expect(portal.get_by_role("list")).to_be_visible()

    tab.page.unroute(LATER, missing)
    notice.get_by_role("button", name=t("en-US", "action.retry")).click()
    opened = tab.wait_for_event("invoice_opened")["detail"]["response"]
    assert opened["id"] == invoice["id"]
    expect(portal.get_by_role("heading", level=2)).to_contain_text(invoice["number"])


def test_a_second_script_changed_on_the_way_is_refused_by_its_integrity(
    tab: Tab, stack: Stack
) -> None:
    tab.page.route(LATER, changed)
    loaded = open_portal(tab, stack, email="jane@example.com", show_all_invoices=True)
    portal = tab.portal()

    row_for(portal, loaded["response"]["invoices"][0]).click()

    expect(portal.get_by_role("status")).to_contain_text(t("en-US", "error.network"))
    assert tab.wait_for_event("error")["detail"]["response"]["code"] == "chunk_unavailable"
    assert tab.events("invoice_opened") == []
    assert tab.page.evaluate("window.__changedChunkRan") is None


def test_the_second_script_carries_the_pages_nonce(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, "nonce-csp.html", email="jane@example.com")
    invoice = loaded["response"]["invoices"][0]

    row_for(tab.portal(), invoice).click()

    assert tab.wait_for_event("invoice_opened")["detail"]["response"]["id"] == invoice["id"]
    nonce = tab.page.evaluate(
        "[...document.scripts].find(s => s.src.includes('invoice-portal.later.')).nonce"
    )
    assert nonce == "n0nce-for-the-portal"
    assert tab.console_errors() == [], "the page's CSP refused something"
