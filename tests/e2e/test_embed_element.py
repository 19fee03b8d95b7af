"""The <invoice-portal> element on the real stack: its upgrade, attributes, requests, events
and failures. The scenario matrix (personas, languages, faults) is in the other files."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Request, Route, expect

from tools.stack import Stack

from .portal import Tab, open_portal, row_for, rows, t


def test_handle_response_assigned_before_the_script_loads_gets_every_event(
    tab: Tab, stack: Stack
) -> None:
    # The CDN answer is held until the page has set handleResponse on the element while it
    # is still an unknown element; the script then upgrades it.
    held: list[Route] = []
    tab.page.route(f"{stack.cdn_url}/invoice-portal.js", lambda route: held.append(route))
    tab.page.goto(stack.page_url("plain.html", email="jane@example.com"), wait_until="commit")
    tab.page.wait_for_selector("invoice-portal", state="attached")
    upgraded = tab.page.evaluate(
        """() => {
          window.seen = [];
          const el = document.querySelector('invoice-portal');
          el.handleResponse = ({event}) => window.seen.push(event);
          return customElements.get('invoice-portal') !== undefined;
        }"""
    )
    assert upgraded is False
    while not held:
        tab.page.wait_for_timeout(20)
    held[0].continue_()

    tab.wait_for_event("post_load")
    # Read together: handleResponse is told of each event just before the page hears it.
    seen, heard = tab.page.evaluate("[window.seen, window.__portalEvents.map((e) => e.name)]")
    assert seen[:2] == ["pre_load", "post_load"] and seen == heard


@pytest.mark.context(locale="de-DE")
def test_locale_file_is_fetched_while_the_session_call_is_running(tab: Tab, stack: Stack) -> None:
    order: list[str] = []
    hosts: set[str] = set()

    def on_request(request: Request) -> None:
        hosts.add(re.sub(r"^(https?://[^/]+).*", r"\1", request.url))
        if "/i18n/index." in request.url:
            order.append("index requested")
        elif re.search(r"/i18n/de-DE\.[0-9a-f]{8}\.json$", request.url):
            order.append("locale requested")
        elif "/i18n/" in request.url:
            order.append("other parts requested")

    tab.page.on("request", on_request)
    tab.page.on(
        "requestfinished",
        lambda r: order.append("session answered") if r.url.endswith("/v1/session") else None,
    )
    stack.sandbox.latency(300, "/v1/invoices")
    try:
        open_portal(tab, stack, email="hans@example.de")
    finally:
        stack.sandbox.clear_faults()

    # The index, then the locale's first file, both while the session call runs; the locale's
    # other parts only with the on-demand chunk, after first paint.
    assert order.index("index requested") < order.index("locale requested")
    assert order.index("locale requested") < order.index("session answered")
    assert order.count("index requested") == order.count("locale requested") == 1
    assert "other parts requested" not in order[: order.index("session answered")]
    assert hosts <= {stack.pages_url, stack.cdn_url, stack.edge_url}
    expect(tab.portal().get_by_role("heading", name=t("de-DE", "list.title"))).to_be_visible()


def test_first_paint_needs_no_cors_preflight_before_the_session_call(
    tab: Tab, stack: Stack
) -> None:
    # Chromium does not show preflights to Playwright; the proxy's request log does.
    log = stack.services["proxy"].log_path

    def preflights() -> int:
        lines = log.read_text(errors="replace").splitlines()
        return sum('"method": "OPTIONS"' in line and '"/v1/session"' in line for line in lines)

    before = preflights()
    open_portal(tab, stack, email="hans@example.de")
    assert preflights() == before


def test_expired_token_is_replaced_by_a_new_session_unseen(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="jane@example.com")
    invoice = loaded["response"]["invoices"][0]
    sessions: list[str] = []
    tab.page.on("request", lambda r: sessions.append(r.url) if r.url.endswith("/session") else None)
    refused: list[str] = []

    def expire_once(route: Route) -> None:
        if refused or route.request.method != "POST":
            route.fallback()
            return
        refused.append(route.request.url)
        body = {"error": {"code": "expired_token", "message": "the token has expired"}}
        route.fulfill(
            status=401,
            body=json.dumps(body),
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": stack.pages_url},
        )

    tab.page.route(f"{stack.edge_url}/v1/invoices/*", expire_once)
    row_for(tab.portal(), invoice).click()

    opened = tab.wait_for_event("invoice_opened")["detail"]["response"]
    assert opened["id"] == invoice["id"]
    assert refused and len(sessions) == 1
    assert tab.events("error") == []


@pytest.mark.context(locale="de-DE")
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"email": "jane@example.com", "customer": "cus_123"}, '"email" and "customer"'),
        ({"email": "jane@example.com", "locale": "not a tag!"}, '"locale"'),
        ({"email": "jane@example.com", "hash": "ab", "expires": "tomorrow"}, '"expires"'),
        ({"email": "no-at-sign"}, '"email"'),
    ],
    ids=["email-and-customer", "bad-locale", "bad-expires", "bad-email"],
)
def test_bad_attributes_show_a_translated_message_and_an_error_event(
    tab: Tab, stack: Stack, query: dict[str, str], named: str
) -> None:
    tab.page.goto(stack.page_url("plain.html", debug=True, **query))

    error = tab.wait_for_event("error")["detail"]["response"]
    assert error["code"] == "invalid_config"
    assert named in error["message"]
    alert = tab.portal().get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text(t("de-DE", "error.title"))
    expect(alert.locator("p")).to_have_text(t("de-DE", "error.config"))
    assert any(named in line for line in tab.debug_lines())
    assert tab.events("post_load") == []


def test_removing_the_edge_attribute_shows_the_configuration_error(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="jane@example.com")
    sessions: list[str] = []
    tab.page.on("request", lambda r: sessions.append(r.url) if r.url.endswith("/session") else None)

    tab.portal().evaluate("el => el.removeAttribute('edge')")

    error = tab.wait_for_event("error")["detail"]["response"]
    assert error["code"] == "invalid_config" and '"edge"' in error["message"]
    alert = tab.portal().get_by_role("alert")
    expect(alert.get_by_role("heading")).to_have_text(t("en-US", "error.title"))
    expect(alert.locator("p")).to_have_text(t("en-US", "error.config"))
    assert sessions == []


def test_changing_locale_re_translates_without_a_new_session(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="jane@example.com", locale="en-US")
    sessions: list[str] = []
    tab.page.on("request", lambda r: sessions.append(r.url) if r.url.endswith("/session") else None)
    portal = tab.portal()

    portal.evaluate("el => el.setAttribute('locale', 'ja-JP')")

    expect(portal.get_by_role("heading", name=t("ja-JP", "list.title"))).to_be_visible()
    assert sessions == []


def test_changing_email_reloads_the_portal_for_that_customer(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="jane@example.com")
    portal = tab.portal()

    portal.evaluate(
        "(el, [email, hash]) => { el.setAttribute('email', email);"
        " el.setAttribute('hash', hash); }",
        ["yuki@example.jp", stack.hash("yuki@example.jp")],
    )

    loaded = tab.wait_for_event("post_load", count=2)["detail"]["response"]
    assert loaded["customer"]["email"] == "yuki@example.jp"
    expect(rows(portal).first).to_contain_text(re.compile("[¥￥]"))
    assert len(tab.events("pre_load")) == 2, "several attribute changes make one reload"


def test_performance_marks_bracket_the_first_paint(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="jane@example.com")
    marks = tab.page.evaluate(
        """() => ['invoice-portal:start', 'invoice-portal:painted'].map(
             (name) => performance.getEntriesByName(name).map((m) => m.startTime))"""
    )
    [start], [painted] = marks
    assert 0 < start < painted


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, "<html>not json</html>"),
        (200, '{"token": "t", "invoices": {"data": [null, 7]}}'),
        (200, '"just a string"'),
        (502, "Bad Gateway"),
    ],
    ids=["html", "nonsense-invoices", "json-string", "502-text"],
)
def test_proxy_answering_garbage_shows_an_error_with_retry(
    tab: Tab, stack: Stack, status: int, body: str
) -> None:
    answered: list[str] = []

    def garbage(route: Route) -> None:
        if route.request.method != "POST" or answered:
            route.fallback()
            return
        answered.append(body)
        route.fulfill(
            status=status,
            body=body,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": stack.pages_url},
        )

    tab.page.route(f"{stack.edge_url}/v1/session", garbage)
    tab.page.goto(stack.page_url("plain.html", email="jane@example.com"))

    error = tab.wait_for_event("error")["detail"]["response"]
    assert error["code"] and error["message"]
    portal = tab.portal()
    expect(portal.get_by_role("alert")).to_contain_text(t("en-US", "error.unavailable"))
    assert tab.console_errors() == [] or all("Failed to load" in m for m in tab.console_errors())

    portal.get_by_role("button", name=t("en-US", "action.retry")).click()
    loaded = tab.wait_for_event("post_load")["detail"]["response"]
    expect(rows(portal)).to_have_count(len(loaded["invoices"]))
