"""Refused hashes: wrong, missing and expired each give a message and an `error` event."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tools.stack import Stack

from .portal import Tab, row_for, rows, set_attributes, t


def refused(tab: Tab, stack: Stack, **query: str | int | bool) -> dict[str, Any]:
    tab.page.goto(stack.page_url("plain.html", **query))
    error: dict[str, Any] = tab.wait_for_event("error")["detail"]
    return error


@pytest.mark.context(locale="de-DE")
def test_wrong_hash_shows_a_translated_refusal(tab: Tab, stack: Stack) -> None:
    error = refused(tab, stack, email="jane@example.com", hash=stack.hash("john@example.com"))

    assert error["response"]["code"] == "invalid_hash"
    alert = tab.portal().get_by_role("alert")
    expect(alert).to_contain_text(t("de-DE", "error.denied"))
    expect(rows(tab.portal())).to_have_count(0)
    assert tab.events("post_load") == []


def test_missing_hash_is_refused(tab: Tab, stack: Stack) -> None:
    error = refused(tab, stack, email="jane@example.com", no_hash=True)

    assert error["response"]["code"] == "missing_hash"
    expect(tab.portal().get_by_role("alert")).to_contain_text(t("en-US", "error.denied"))


@pytest.mark.context(locale="fr-FR")
def test_expired_hash_is_refused_with_hash_expired(tab: Tab, stack: Stack) -> None:
    error = refused(tab, stack, email="jane@example.com", expires_in=-60)

    assert error["response"]["code"] == "expired_hash"
    assert tab.events("hash_expired"), "an expired hash announces hash_expired"
    expect(tab.portal().get_by_role("alert")).to_contain_text(t("fr-FR", "error.expired"))


def test_fresh_hash_after_expiry_lets_the_portal_carry_on(tab: Tab, stack: Stack) -> None:
    refused(tab, stack, email="jane@example.com", expires_in=-60)
    tab.wait_for_event("hash_expired")

    expires = int(time.time()) + 600
    set_attributes(tab.portal(), hash=stack.hash("jane@example.com", expires), expires=str(expires))

    loaded = tab.wait_for_event("post_load")["detail"]["response"]
    expect(row_for(tab.portal(), loaded["invoices"][0])).to_be_visible()
    expect(tab.portal().get_by_role("alert")).to_have_count(0)
