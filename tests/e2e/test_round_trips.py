"""One round trip per action: after first paint, every action of the embed reaches the proxy
as exactly one request, with no CORS preflight (OPTIONS) before it, and no token in a path.

Counted at the proxy, from its log (one `"event": "request"` line per request, preflights
included): Chromium does not show preflights to Playwright. The host page is on another origin
than the proxy, as on a real site, so CORS applies.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Response, expect

from tools.stack import Stack

from .portal import Tab, first, open_portal, pattern, row_for, rows, t

# Requests that do not come from the browser: the sandbox's webhooks, the stack's health checks.
NOT_THE_BROWSER = ("/v1/stripe/webhook", "/healthz")


class ProxyLog:
    """The proxy's request lines appended since the last action."""

    def __init__(self, stack: Stack) -> None:
        self.path: Path = stack.services["proxy"].log_path
        self.offset = self.path.stat().st_size

    def lines(self) -> list[dict[str, Any]]:
        with self.path.open("rb") as log:
            log.seek(self.offset)
            text = log.read().decode(errors="replace")
        found = []
        for line in text.splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if entry.get("event") == "request" and not entry["path"].startswith(NOT_THE_BROWSER):
                found.append(entry)
        return found

    def action(self, method: str, path: str) -> list[tuple[str, str]]:
        """Every request since the last action, once the one of this action is logged: the
        proxy writes a request's line as it answers, so a preflight's line is already there."""
        deadline = time.monotonic() + 10
        while not any(
            e["method"] == method and re.fullmatch(path, e["path"]) for e in self.lines()
        ):
            assert time.monotonic() < deadline, (
                f"no {method} {path} reached the proxy: {self.lines()}"
            )
            time.sleep(0.02)  # polls the log file for the line; no browser state waits on it
        seen = [(e["method"], e["path"]) for e in self.lines()]
        self.offset = self.path.stat().st_size
        return seen


def session_tokens(tab: Tab) -> list[str]:
    tokens: list[str] = []

    def on_response(response: Response) -> None:
        if response.request.method == "POST" and response.url.endswith("/v1/session"):
            tokens.append(response.json()["token"])

    tab.page.on("response", on_response)
    return tokens


def test_every_action_is_one_request_without_preflight(tab: Tab, fresh_stack: Stack) -> None:
    stack = fresh_stack
    log = ProxyLog(stack)
    tokens = session_tokens(tab)
    loaded = open_portal(tab, stack, email="big@example.com", show_all_invoices=True)["response"]
    portal = tab.portal()
    # The session; then, with the second script after first paint, the account summary.
    tab.wait_for_event("account_loaded")
    at_load = sorted(log.action("POST", "/v1/account"))
    assert at_load == [("POST", "/v1/account"), ("POST", "/v1/session")]
    owed = first(loaded["invoices"], status="open")
    path = f"/v1/invoices/{owed['id']}"

    row_for(portal, owed).click()
    tab.wait_for_event("invoice_opened")
    assert log.action("POST", path) == [("POST", path)], "open an invoice"

    with tab.page.expect_download():
        portal.get_by_role("button", name=t("en-US", "action.pdf")).click()
    tab.wait_for_event("pdf_downloaded")
    assert log.action("POST", f"{path}/pdf") == [("POST", f"{path}/pdf")], "the PDF"

    portal.locator("[part~=pay-button]").click()
    confirm = portal.get_by_role("button", name=pattern("en-US", "action.confirm"))
    expect(confirm).to_be_visible()
    assert log.action("POST", f"{path}/payment_method") == [("POST", f"{path}/payment_method")], (
        "which card paying would charge"
    )
    confirm.click()
    tab.wait_for_event("payment_succeeded")
    assert log.action("POST", f"{path}/pay") == [("POST", f"{path}/pay")], "pay"

    portal.get_by_role("button", name=re.compile(re.escape(t("en-US", "detail.back")))).click()
    count = rows(portal).count()
    portal.get_by_role("button", name=t("en-US", "list.more")).click()
    expect(rows(portal)).to_have_count(count + 10)
    assert log.action("POST", "/v1/invoices") == [("POST", "/v1/invoices")], "Load more"

    jump = portal.get_by_role("group", name=t("en-US", "jump.title"))
    jump.get_by_label(t("en-US", "jump.year")).select_option(str(time.gmtime().tm_year - 2))
    jump.get_by_role("button", name=t("en-US", "jump.go")).click()
    tab.wait_for_event("list_jumped")
    assert log.action("POST", "/v1/invoices") == [("POST", "/v1/invoices")], "jump to a month"

    assert tokens, "the page got a session token"
    logged = log.path.read_text(errors="replace")
    assert not any(token in logged for token in tokens), "a token reached the proxy's log"


def test_a_declined_card_and_stripes_portal_are_one_request_each(
    tab: Tab, fresh_stack: Stack
) -> None:
    stack = fresh_stack
    log = ProxyLog(stack)
    loaded = open_portal(tab, stack, email="decline@example.com", show_all_invoices=True)
    invoice = first(loaded["response"]["invoices"], status="open")
    path = f"/v1/invoices/{invoice['id']}"
    portal = tab.portal()
    row_for(portal, invoice).click()
    tab.wait_for_event("invoice_opened")
    log.action("POST", path)

    portal.locator("[part~=pay-button]").click()
    confirm = portal.get_by_role("button", name=pattern("en-US", "action.confirm"))
    expect(confirm).to_be_visible()
    assert log.action("POST", f"{path}/payment_method") == [("POST", f"{path}/payment_method")]
    confirm.click()
    tab.wait_for_event("payment_failed")
    assert log.action("POST", f"{path}/pay") == [("POST", f"{path}/pay")], "a declined card"

    portal.get_by_role("button", name=t("en-US", "action.update_card")).click()
    tab.page.wait_for_url(re.compile(re.escape(stack.sandbox_url)))
    assert log.action("POST", "/v1/billing_portal") == [("POST", "/v1/billing_portal")]
