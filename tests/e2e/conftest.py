"""End-to-end fixtures: one local stack and one Chromium for tests/e2e, a recorder per page.

`open_tab(**context_options)` opens a page in a fresh browser context and records what a
host page would see: console messages, uncaught exceptions, and every `invoice-portal:*`
event. A test fails when any host page it opened saw an uncaught exception.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
# `tools` is not part of the installed package; `.venv/bin/pytest` alone would not find it.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import chromium  # noqa: E402
from tools.stack import Stack, ensure_build  # noqa: E402

from .portal import TIMEOUT_MS, Tab  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)

E2E = Path(__file__).resolve().parent
# Tests never write tracked files: screenshots go to dist/ unless `make screenshots` asks for
# docs/screenshots/, the README's copies.
SCREENSHOTS = Path(os.environ.get("INVOICE_PORTAL_SCREENSHOTS") or ROOT / "dist" / "screenshots")
CHROMIUM = os.environ.get("CHROMIUM", chromium.EXECUTABLE)
DEFAULT_CONTEXT: dict[str, Any] = {
    "locale": "en-US",
    "timezone_id": "UTC",
    "color_scheme": "light",
    "reduced_motion": "reduce",
    "viewport": {"width": 1280, "height": 800},
    "accept_downloads": True,
}
TABS = pytest.StashKey[list["Tab"]]()

# Records every `invoice-portal:*` event whatever its name, with its flags, before any
# page script runs, so events dispatched during the portal's first render are kept too.
RECORD_EVENTS = """
(() => {
  const seen = [];
  Object.defineProperty(window, "__portalEvents", { value: seen });
  const dispatch = EventTarget.prototype.dispatchEvent;
  EventTarget.prototype.dispatchEvent = function (event) {
    if (typeof event.type === "string" && event.type.startsWith("invoice-portal:")) {
      let detail;
      try { detail = JSON.parse(JSON.stringify(event.detail ?? null)); }
      catch { detail = String(event.detail); }
      seen.push({
        name: event.type.slice("invoice-portal:".length),
        detail,
        bubbles: event.bubbles,
        composed: event.composed,
        target: (this.id || (this.getAttribute && this.getAttribute("email")) || ""),
      });
    }
    return dispatch.call(this, event);
  };
})();
"""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "context(**options): Playwright browser context options for `tab`"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    result = yield
    uncaught = [error for tab in item.stash.get(TABS, []) for error in tab.uncaught]
    if uncaught:
        pytest.fail("the host page saw an uncaught exception:\n" + "\n".join(uncaught))
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    running: Stack | None = item.funcargs.get("stack") if hasattr(item, "funcargs") else None
    if report.failed and running is not None and call.when == "call":
        report.sections.append(("stack logs", running.logs()))
    return report


# Package scope, not session: Playwright's sync API keeps an asyncio loop running in this
# thread until it stops, which would break every async test that runs after tests/e2e.
@pytest.fixture(scope="package")
def stack() -> Iterator[Stack]:
    ensure_build()
    # Every test's browser comes from 127.0.0.1 and the same few demo customers, far faster
    # than people do: the limits are raised here, and tested in tests/integration.
    generous = {
        "PORTAL_LIMIT_SESSION_PER_IP": "100000/minute",
        "PORTAL_LIMIT_SESSION_PER_IDENTIFIER": "100000/minute",
        "PORTAL_LIMIT_PER_TOKEN": "100000/minute",
        # Off by default for owners; on here, as in the demo, so that their flows are tested.
        "PORTAL_ALLOW_PLAN_CHANGE": "true",
        "PORTAL_ALLOW_CANCEL": "true",
    }
    with Stack(proxy_env=generous) as running:
        yield running


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = chromium.launch(playwright, CHROMIUM)
    yield launched
    launched.close()


@pytest.fixture
def open_tab(
    browser: Browser, stack: Stack, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Tab]]:
    """Open a page in a fresh context; keyword arguments are Playwright context options."""
    tabs = request.node.stash.setdefault(TABS, [])
    contexts = []

    def open_tab(**options: Any) -> Tab:
        context = browser.new_context(**{**DEFAULT_CONTEXT, **options})
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(RECORD_EVENTS)
        contexts.append(context)
        tab = Tab(context.new_page())
        tabs.append(tab)
        return tab

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture
def tab(open_tab: Callable[..., Tab], request: pytest.FixtureRequest) -> Tab:
    """A page in a fresh context; `@pytest.mark.context(locale=...)` sets its options."""
    marker = request.node.get_closest_marker("context")
    return open_tab(**(marker.kwargs if marker else {}))


@pytest.fixture
def page(tab: Tab) -> Page:
    return tab.page


@pytest.fixture
def fresh_stack(stack: Stack) -> Stack:
    """The sandbox as seeded and a proxy with an empty cache, for tests that need known data."""
    stack.reset()
    return stack


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
