"""Failures on the way to Stripe: a clear message, a retry that recovers, nothing broken."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tools.stack import Stack

from .portal import Tab, open_portal, row_for, rows, t


@pytest.fixture
def faults(stack: Stack) -> Iterator[Stack]:
    """A proxy with an empty cache, so every call reaches the failing sandbox."""
    stack.sandbox.clear_faults()
    stack.stop_proxy()
    stack.start_proxy()
    yield stack
    stack.sandbox.clear_faults()


def test_proxy_down_then_back_recovers_with_retry(tab: Tab, stack: Stack) -> None:
    with stack.proxy_down():
        tab.page.goto(stack.page_url("plain.html", email="jane@example.com"))
        error = tab.wait_for_event("error")["detail"]["response"]
        assert error["code"] == "network_error"
        alert = tab.portal().get_by_role("alert")
        expect(alert).to_contain_text(t("en-US", "error.network"))

    tab.portal().get_by_role("button", name=t("en-US", "action.retry")).click()

    loaded = tab.wait_for_event("post_load")["detail"]["response"]
    expect(row_for(tab.portal(), loaded["invoices"][0])).to_be_visible()
    expect(tab.portal().get_by_role("alert")).to_have_count(0)


@pytest.mark.parametrize("status", [429, 500])
def test_stripe_failing_shows_a_clear_message_and_retry_recovers(
    tab: Tab, faults: Stack, status: int
) -> None:
    # More failures than the proxy's retries absorb, so the customer sees the outage.
    faults.sandbox.fault(status, count=1000)
    tab.page.goto(faults.page_url("plain.html", email="jane@example.com", show_all_invoices=True))

    error = tab.wait_for_event("error", timeout=30_000)["detail"]["response"]
    # Stripe rate-limiting the account reaches the customer as the proxy's own 429.
    expected = "rate_limited" if status == 429 else "upstream_unavailable"
    assert error["code"] in (expected, "upstream_timeout")
    expect(tab.portal().get_by_role("alert")).to_contain_text(t("en-US", "error.unavailable"))
    expect(tab.portal().get_by_role("alert")).not_to_contain_text(str(status))

    faults.sandbox.clear_faults()
    tab.portal().get_by_role("button", name=t("en-US", "action.retry")).click()
    loaded = tab.wait_for_event("post_load")["detail"]["response"]
    expect(rows(tab.portal())).to_have_count(len(loaded["invoices"]))


def test_a_single_stripe_hiccup_is_retried_unseen(tab: Tab, faults: Stack) -> None:
    faults.sandbox.fault(429, count=1)

    loaded = open_portal(tab, faults, email="jane@example.com", show_all_invoices=True)

    expect(rows(tab.portal())).to_have_count(len(loaded["response"]["invoices"]))
    assert tab.events("error") == []


def test_stripe_failing_while_opening_an_invoice_keeps_the_list(tab: Tab, faults: Stack) -> None:
    loaded = open_portal(tab, faults, email="jane@example.com", show_all_invoices=True)
    invoice = loaded["response"]["invoices"][0]
    faults.sandbox.fault(500, count=1000)

    row_for(tab.portal(), invoice).click()

    assert tab.wait_for_event("error", timeout=30_000)["detail"]["response"]["code"]
    expect(tab.portal().get_by_role("alert")).to_contain_text(t("en-US", "error.unavailable"))
    faults.sandbox.clear_faults()
    tab.portal().get_by_role("button", name=t("en-US", "action.retry")).click()
    assert tab.wait_for_event("invoice_opened")["detail"]["response"]["id"] == invoice["id"]
    tab.portal().get_by_role("button", name=t("en-US", "detail.back"), exact=False).click()
    expect(row_for(tab.portal(), invoice)).to_be_visible()
