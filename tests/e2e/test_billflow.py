"""The Billflow drop-in: Billflow's markup and settings kept, only its script swapped for ours."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tools.stack import Stack

from .portal import TIMEOUT_MS, Tab, rows, t

JANE = "jane@example.com"
PORTAL = "#billflow-embed > invoice-portal"


def host_responses(tab: Tab, event: str) -> list[Any]:
    """What the page's own `handleResponse` received for `event`, once it has received it."""
    tab.page.wait_for_function(
        "event => (window.billflowResponses || []).some(r => r.event === event)",
        arg=event,
        timeout=TIMEOUT_MS,
    )
    responses: list[dict[str, Any]] = tab.page.evaluate("window.billflowResponses")
    return [r["response"] for r in responses if r["event"] == event]


def assert_shows_janes_invoices(tab: Tab) -> None:
    (loaded,) = host_responses(tab, "post_load")
    assert loaded["customer"]["email"] == JANE
    assert loaded["invoices"], "jane has invoices in the demo seed"
    portal = tab.portal(PORTAL)
    expect(rows(portal)).to_have_count(len(loaded["invoices"]))
    expect(portal.get_by_role("heading", name=t("en-US", "list.title"))).to_be_visible()
    expect(tab.portal()).to_have_count(1)


@pytest.mark.parametrize(
    "page",
    ["billflow.html", "billflow-settings-later.html", "billflow-data-edge.html"],
    ids=["billflow-order", "settings-after-the-script", "data-edge-on-the-script"],
)
def test_billflow_snippet_with_our_script_shows_the_invoices(
    tab: Tab, stack: Stack, page: str
) -> None:
    tab.page.goto(stack.page_url(page))

    assert_shows_janes_invoices(tab)
    assert host_responses(tab, "pre_load"), "handleResponse hears pre_load too, as with Billflow"
    assert tab.console_errors() == []


def test_billflow_only_settings_do_not_become_attributes(tab: Tab, stack: Stack) -> None:
    tab.page.goto(stack.page_url("billflow.html"))
    host_responses(tab, "post_load")

    names = tab.portal(PORTAL).evaluate("el => el.getAttributeNames().sort()")
    assert names == ["data-billflow", "edge", "email", "hash"]


def test_billflow_div_rendered_after_the_script_ran_gets_the_portal(tab: Tab, stack: Stack) -> None:
    tab.page.goto(stack.page_url("billflow-late-div.html"))
    tab.page.wait_for_function("window.InvoicePortal", timeout=TIMEOUT_MS)
    expect(tab.portal()).to_have_count(0)

    tab.page.evaluate(
        """() => {
          const div = document.createElement("div");
          div.id = "billflow-embed";
          document.getElementById("app").append(div);
        }"""
    )

    assert_shows_janes_invoices(tab)


def test_billflow_settings_without_edge_show_the_configuration_error_and_name_the_fix(
    tab: Tab, stack: Stack
) -> None:
    tab.page.goto(stack.page_url("billflow-no-edge.html"))

    error = tab.wait_for_event("error")["detail"]["response"]
    assert error["code"] == "invalid_config" and '"edge"' in error["message"]
    alert = tab.portal(PORTAL).get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text(t("en-US", "error.title"))
    expect(alert.locator("p")).to_have_text(t("en-US", "error.config"))
    (named,) = [m for m in tab.console_errors() if m.startswith("[invoice-portal]")]
    assert "window.billflowSettings" in named and "edge:" in named and "data-edge=" in named
    assert tab.events("post_load") == []


def test_two_copies_of_the_script_mount_one_portal(tab: Tab, stack: Stack) -> None:
    sessions: list[str] = []
    tab.page.on("request", lambda r: sessions.append(r.url) if r.url.endswith("/session") else None)
    # goto() returns after `load`, so both async copies of the script have run.
    tab.page.goto(stack.page_url("billflow-twice.html"))

    assert_shows_janes_invoices(tab)
    assert len(host_responses(tab, "post_load")) == 1
    assert len(sessions) == 1


def test_the_page_mounting_itself_replaces_the_drop_in(tab: Tab, stack: Stack) -> None:
    tab.page.goto(stack.page_url("billflow.html"))
    host_responses(tab, "post_load")

    mounted = tab.page.evaluate_handle(
        """() => {
          const { billing_page_id, ...settings } = window.billflowSettings;
          return InvoicePortal.mount("#billflow-embed", { ...settings, locale: "de-DE" });
        }"""
    )

    expect(tab.portal()).to_have_count(1)
    assert tab.page.evaluate("el => el === document.querySelector('invoice-portal')", mounted)
    portal = tab.portal(PORTAL)
    expect(portal).not_to_have_attribute("data-billflow", "")
    expect(portal.get_by_role("heading", name=t("de-DE", "list.title"))).to_be_visible()
