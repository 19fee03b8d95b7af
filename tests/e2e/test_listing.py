"""The invoice list: first page, pagination, scope, merged customers, detail, re-rendering."""

from __future__ import annotations

from playwright.sync_api import expect

from tools.stack import Stack

from .portal import OpenTab, Tab, containing, exactly, open_portal, row_for, rows, set_attributes, t


def test_customer_sees_the_first_page_of_their_invoices(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="jane@example.com")

    portal = tab.portal()
    expect(portal.get_by_role("heading", name=t("en-US", "list.title"))).to_be_visible()
    invoices = loaded["response"]["invoices"]
    assert invoices, "jane has invoices in the demo seed"
    expect(rows(portal)).to_have_count(len(invoices))
    for invoice in invoices:
        expect(row_for(portal, invoice)).to_be_visible()
    assert loaded["response"]["customer"]["email"] == "jane@example.com"


def test_customer_with_5000_invoices_paints_fast_and_loads_more(tab: Tab, stack: Stack) -> None:
    stack.sandbox.reset_calls()
    loaded = open_portal(tab, stack, email="big@example.com", show_all_invoices=True)
    portal = tab.portal()
    expect(rows(portal)).to_have_count(len(loaded["response"]["invoices"]))
    tab.wait_for_event("account_loaded")  # the account's own calls, after first paint, are done
    # Fast because it never depends on the number of invoices: the customer, one page and
    # what is owed (open invoices) from Stripe, not 5,000; then the account's next charge.
    # At most (fewer when another test left them cached):
    most = {
        "GET /v1/customers": 1,
        "GET /v1/invoices": 2,
        "GET /v1/customers/{id}": 1,  # the credit balance
        "POST /v1/invoices/create_preview": 1,
    }
    calls = stack.sandbox.calls()["by_endpoint"]
    assert all(0 < count <= most.get(endpoint, 0) for endpoint, count in calls.items()), calls
    painted = tab.page.evaluate(
        "performance.getEntriesByName('invoice-portal:painted')[0].startTime"
    )
    assert painted < 3000, f"first page on screen {painted:.0f} ms after navigation"
    assert loaded["response"]["has_more"] is True

    page_size = len(loaded["response"]["invoices"])
    more = portal.get_by_role("button", name=t("en-US", "list.more"))
    for pages in (2, 3, 4):
        more.click()
        expect(rows(portal)).to_have_count(page_size * pages)
        tab.wait_for_event("page_loaded", count=pages - 1)

    numbers = rows(portal).evaluate_all("rows => rows.map(r => r.textContent)")
    assert len(set(numbers)) == len(numbers), "a page repeated invoices of the previous one"
    loaded_pages = [event["detail"]["response"] for event in tab.events("page_loaded")]
    ids = [i["id"] for page in [loaded["response"]["invoices"]] for i in page] + [
        i["id"] for page in loaded_pages for i in page["data"]
    ]
    assert len(set(ids)) == page_size * 4
    created = [i["created"] for page in loaded_pages for i in page["data"]]
    assert created == sorted(created, reverse=True), "pages are not newest first"


def test_subscription_scope_shows_only_its_invoices_until_show_all(
    open_tab: OpenTab, stack: Stack
) -> None:
    scoped_tab = open_tab()
    scoped = open_portal(scoped_tab, stack, email="jane@example.com")["response"]
    everything_tab = open_tab()
    everything = open_portal(
        everything_tab, stack, email="jane@example.com", show_all_invoices=True
    )
    everything = everything["response"]

    assert scoped["scope"] == "subscription"
    assert everything["scope"] == "all"
    subscription = scoped["subscription"]
    assert subscription, "jane has an active subscription in the demo seed"
    owed = {i["id"] for i in scoped["owed"]["data"]}
    # What the customer owes is in view whatever the scope; the rest is the subscription's.
    assert {i["subscription"] for i in scoped["invoices"] if i["id"] not in owed} == {subscription}
    assert owed <= {i["id"] for i in scoped["invoices"]}
    one_time = [
        i
        for i in everything["invoices"]
        if i["subscription"] != subscription and i["id"] not in owed
    ]
    assert one_time, "show-all-invoices shows invoices outside the subscription"

    expect(row_for(everything_tab.portal(), one_time[0])).to_be_visible()
    expect(row_for(scoped_tab.portal(), one_time[0])).to_have_count(0)


def test_two_stripe_customers_under_one_email_are_merged(tab: Tab, stack: Stack) -> None:
    customer_ids = stack.sandbox.customers("twin@example.com")
    assert len(customer_ids) == 2

    loaded = open_portal(tab, stack, email="twin@example.com", show_all_invoices=True)

    response = loaded["response"]
    assert sorted(response["customer"]["ids"]) == sorted(customer_ids)
    owners = {invoice["customer"] for invoice in response["invoices"]}
    assert owners == set(customer_ids), "invoices of both customers are listed"
    owed = {i["id"] for i in response["owed"]["data"]}
    assert {i["customer"] for i in response["owed"]["data"]} == set(customer_ids)
    # What is owed first, then the rest newest first.
    ids = [invoice["id"] for invoice in response["invoices"]]
    assert set(ids[: len(owed)]) == owed
    created = [invoice["created"] for invoice in response["invoices"][len(owed) :]]
    assert created == sorted(created, reverse=True)
    expect(rows(tab.portal())).to_have_count(len(response["invoices"]))


def test_opening_an_invoice_shows_its_lines_and_totals(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="jane@example.com", show_all_invoices=True)
    invoice = loaded["response"]["invoices"][0]
    portal = tab.portal()

    row_for(portal, invoice).click()

    opened = tab.wait_for_event("invoice_opened")["detail"]["response"]
    assert opened["id"] == invoice["id"]
    heading = portal.get_by_role("heading", name=containing(invoice["number"]))
    expect(heading).to_be_visible()
    expect(heading).to_be_focused()
    table = portal.get_by_role("table")
    for line in opened["lines"]:
        expect(table).to_contain_text(line["description"])
    expect(portal.get_by_text(exactly(t("en-US", "detail.total")))).to_be_visible()

    portal.get_by_role("button", name=containing(t("en-US", "detail.back"))).click()
    expect(row_for(portal, invoice)).to_be_focused()


def test_changing_attributes_re_renders_without_a_reload(tab: Tab, stack: Stack) -> None:
    open_portal(tab, stack, email="jane@example.com")
    portal = tab.portal()
    tab.page.evaluate("window.__sameDocument = true")

    set_attributes(portal, email="twin@example.com", hash=stack.hash("twin@example.com"))
    reloaded = tab.wait_for_event("post_load", count=2)["detail"]["response"]
    assert reloaded["customer"]["email"] == "twin@example.com"
    expect(row_for(portal, reloaded["invoices"][0])).to_be_visible()

    set_attributes(portal, locale="de-DE")
    expect(portal.get_by_role("heading", name=t("de-DE", "list.title"))).to_be_visible()
    assert tab.page.evaluate("window.__sameDocument") is True


def test_customer_with_two_subscriptions_can_switch_between_them(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="multi@example.com")["response"]
    subscriptions = [s["id"] for s in loaded["subscriptions"]]
    assert len(subscriptions) == 2
    other = next(s for s in subscriptions if s != loaded["subscription"])
    portal = tab.portal()

    portal.get_by_label(t("en-US", "list.subscription")).select_option(other)

    switched = tab.wait_for_event("page_loaded")["detail"]
    assert switched["extras"]["subscription"] == other
    invoices = switched["response"]["data"]
    assert invoices and {i["subscription"] for i in invoices} == {other}
    # What is owed stays first, whichever subscription is picked.
    owed = [i["id"] for i in loaded["owed"]["data"]]
    shown = owed + [i["id"] for i in invoices if i["id"] not in owed]
    expect(rows(portal)).to_have_count(len(shown))
    expect(row_for(portal, invoices[0])).to_be_visible()


def test_customer_without_invoices_sees_the_empty_state(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="empty@example.com", show_all_invoices=True)

    assert loaded["response"]["invoices"] == []
    expect(tab.portal().get_by_text(t("en-US", "list.empty"))).to_be_visible()


def test_email_without_a_stripe_customer_gets_an_empty_portal(tab: Tab, stack: Stack) -> None:
    loaded = open_portal(tab, stack, email="nobody-yet@example.com")

    assert loaded["response"] == {"no_user": True}
    expect(tab.portal().get_by_text(t("en-US", "list.empty"))).to_be_visible()
    assert tab.events("error") == []
