"""What the tests share about the portal: its strings, and how to open it on a host page."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Locator, Page, Request

from tools.stack import Stack

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
# Generous: CI machines are often shared, and a wait only takes this long when it fails.
TIMEOUT_MS = 15_000


class Tab:
    """A host page in its own browser context, and what the host saw."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[ConsoleMessage] = []
        self.uncaught: list[str] = []
        page.on("console", lambda message: self.console.append(message))
        page.on("pageerror", lambda error: self.uncaught.append(f"{error.name}: {error.message}"))

    def portal(self, selector: str = "invoice-portal") -> Locator:
        return self.page.locator(selector)

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = self.page.evaluate("window.__portalEvents")
        return [event for event in seen if name is None or event["name"] == name]

    def wait_for_event(
        self, name: str, count: int = 1, timeout: int = TIMEOUT_MS
    ) -> dict[str, Any]:
        """The `count`-th event called `name`, once it has been dispatched."""
        self.page.wait_for_function(
            "([name, count]) => window.__portalEvents.filter(e => e.name === name).length >= count",
            arg=[name, count],
            timeout=timeout,
        )
        return self.events(name)[count - 1]

    def console_errors(self) -> list[str]:
        return [message.text for message in self.console if message.type == "error"]

    def debug_lines(self) -> list[str]:
        return [m.text for m in self.console if m.text.startswith("[invoice-portal]")]


OpenTab = Callable[..., Tab]


@cache
def strings(locale: str) -> dict[str, Any]:
    """A built-in translation file laid over English, as the portal does."""
    english: dict[str, Any] = json.loads((TRANSLATIONS / "en-US.json").read_text())
    path = TRANSLATIONS / f"{locale}.json"
    own = json.loads(path.read_text()) if path.is_file() else {}
    return {**english, **own}


def t(locale: str, key: str, **params: Any) -> str:
    """The text the portal shows for `key` in `locale`, placeholders filled."""
    value = strings(locale)[key]
    if isinstance(value, dict):
        count = params.get("count")
        value = value.get("one") if count == 1 and "one" in value else value["other"]
    return re.sub(r"\{(\w+)\}", lambda m: str(params.get(m.group(1), m.group(0))), value)


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def containing(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


def open_portal(tab: Tab, stack: Stack, page: str = "plain.html", **query: Any) -> dict[str, Any]:
    """Open a host page and wait for the portal's first page: the `post_load` detail."""
    tab.page.goto(stack.page_url(page, **query))
    loaded: dict[str, Any] = tab.wait_for_event("post_load")["detail"]
    return loaded


def rows(portal: Locator) -> Locator:
    """The invoice rows of the list: one button per invoice (an owed one has a Pay button too)."""
    return portal.get_by_role("list").locator("button[part=row]")


def row_for(portal: Locator, invoice: dict[str, Any]) -> Locator:
    return rows(portal).filter(has_text=invoice["number"])


def first(invoices: list[dict[str, Any]], **wanted: Any) -> dict[str, Any]:
    """The first invoice whose fields have the wanted values."""
    for invoice in invoices:
        if all(invoice.get(key) == value for key, value in wanted.items()):
            return invoice
    raise AssertionError(f"no invoice with {wanted} among {[i['id'] for i in invoices]}")


def pattern(locale: str, key: str) -> re.Pattern[str]:
    """A translated string with any value in its placeholders: `Pay {amount}` -> `Pay .+`."""
    value = strings(locale)[key]
    if isinstance(value, dict):
        value = value["other"]
    parts = re.split(r"\{\w+\}", value)
    return re.compile(".+?".join(re.escape(part) for part in parts))


def set_attributes(portal: Locator, **attributes: str) -> None:
    """Set several attributes at once, as a framework's update does; `_` becomes `-`."""
    portal.evaluate(
        "(el, attrs) => { for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); }",
        {name.replace("_", "-"): value for name, value in attributes.items()},
    )


def pay_and_confirm(portal: Locator, locale: str = "en-US") -> None:
    """Pay, then confirm the card and amount: nothing is charged before the confirm click."""
    # The invoice's own Pay button: after a decline, "Pay with another card" is a button too.
    portal.locator("[part~=pay-button]").filter(has_text=pattern(locale, "action.pay")).click()
    portal.get_by_role("button", name=pattern(locale, "action.confirm")).click()


def pay_requests(tab: Tab) -> list[str]:
    """Every payment request the page sends to the proxy, from now on."""
    sent: list[str] = []

    def on_request(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/pay"):
            sent.append(request.url)

    tab.page.on("request", on_request)
    return sent


@contextlib.contextmanager
def proxy_settings(stack: Stack, **env: str) -> Iterator[Stack]:
    """The stack's proxy restarted with these variables (an owner's switches, PORTAL_OFFER), on
    the same port; as it was again afterwards, for the tests that follow."""
    proxy = stack.services["proxy"]
    before = dict(proxy.env)
    stack.stop_proxy()
    proxy.env.update(env)
    try:
        stack.start_proxy()
        yield stack
    finally:
        stack.stop_proxy()
        proxy.env = before
        stack.start_proxy()
