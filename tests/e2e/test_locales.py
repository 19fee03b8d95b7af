"""Every built-in locale on a 320 px phone, right to left, a site's own language, negotiation.

Each built-in locale shows the list and an invoice in its own words (no raw key, no English
where it has a translation), with `lang` and `dir` on the portal's root, and nothing wider than
the portal at 320 px. Right-to-left text isolates the values filled into a sentence and mirrors
the layout. A site adds a language the portal lacks (`translations`), right to left too; the
browser's languages pick the right built-in locale; `locale="de_DE"` is read as de-DE.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, FloatRect, Locator, expect

from tools.stack import Stack

from .conftest import DEFAULT_CONTEXT, RECORD_EVENTS, TABS
from .portal import TIMEOUT_MS, TRANSLATIONS, OpenTab, Tab, first, open_portal, pattern, row_for, t

LOCALES = sorted(path.stem for path in TRANSLATIONS.glob("*.json"))
RTL = {"ar-SA", "he-IL"}
ENGLISH = "en-US"
# The site's own translation files, served by the e2e stack's pages host.
SITE_TRANSLATIONS = Path(__file__).parent / "pages" / "i18n"
KEYS = set(json.loads((TRANSLATIONS / f"{ENGLISH}.json").read_text()))
ISOLATE = "\u2068{}\u2069"  # FSI ... PDI around a value filled into a right-to-left sentence
PHONE: dict[str, Any] = {
    **DEFAULT_CONTEXT,
    "viewport": {"width": 320, "height": 640},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
# What the list shows of the demo customer (jane@example.com: a plan, an account summary, an
# invoice past due, an open one, paid ones, more than a page), and an open invoice's view.
LIST_KEYS = [
    "list.title",
    "status.paid",
    "status.open",
    "status.past_due",
    "list.more",
    "action.pay_row",
    "owed.title",
    "plan.current",
    "action.change_plan",
    "action.cancel_plan",
    "account.title",
    "account.past_due",
    "account.credit",
    "account.next_charge",
    "filters.toggle",
    "export.toggle",
    "jump.title",
    "jump.month",
    "jump.year",
    "jump.go",
    "list.due",
]
DETAIL_KEYS = [
    "detail.back",
    "detail.title",
    "status.open",
    "detail.issued",
    "detail.due",
    "detail.bill_to",
    "detail.description",
    "detail.amount",
    "detail.subtotal",
    "detail.total",
    "detail.amount_paid",
    "detail.amount_due",
    "action.pay",
    "action.pdf",
]

# The portal's text as a reader gets it: the root's innerText (a hidden list is left out).
VISIBLE_TEXT = "host => host.shadowRoot.querySelector('[part=portal]').innerText"

# What sticks out at the portal's width: the page scrolling sideways, the host or an element
# that clips or scrolls being wider than its box, any element's box past the host's end edge
# (right, or left in right-to-left text). Visually hidden text (clip: rect(0 0 0 0)) is not seen.
OVERFLOW = """
host => {
  const root = host.shadowRoot;
  const rtl = getComputedStyle(root.querySelector("[part=portal]")).direction === "rtl";
  const edge = host.getBoundingClientRect();
  const all = [...root.querySelectorAll("*")];
  const hidden = all.filter((el) => getComputedStyle(el).clip !== "auto");
  const name = (el) => {
    const attr = (a) => (el.getAttribute(a) ? ` ${a}="${el.getAttribute(a)}"` : "");
    const text = (el.innerText || el.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 80);
    return `<${el.localName}${attr("class")}${attr("part")}> ${JSON.stringify(text)}`;
  };
  const found = [];
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth + 1)
    found.push(`the page scrolls sideways: ${page.scrollWidth} > ${page.clientWidth} px`);
  for (const el of [host, ...all]) {
    if (!el.getClientRects().length || hidden.some((h) => h.contains(el))) continue;
    const clips = el === host || getComputedStyle(el).overflowX !== "visible";
    if (clips && el.scrollWidth > el.clientWidth + 1)
      found.push(`${name(el)} is ${el.scrollWidth} px wide in a ${el.clientWidth} px box`);
    const box = el.getBoundingClientRect();
    const out = rtl ? edge.left - box.left : box.right - edge.right;
    const side = rtl ? "left" : "right";
    if (out > 1) found.push(`${name(el)} goes ${Math.round(out)} px past the ${side} edge`);
  }
  return found;
}
"""


@pytest.fixture(scope="module")
def seeded(stack: Stack) -> Stack:
    """The demo seed as written: its customer has an open invoice whatever ran before."""
    stack.reset()
    return stack


@pytest.fixture(scope="module")
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """One 320 px wide phone for every locale: its cache keeps the scripts between pages."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RECORD_EVENTS)
    yield context
    context.close()


@pytest.fixture
def phone_tab(phone: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Tab]:
    """A new page of the phone, watched for uncaught exceptions like `open_tab`'s."""
    tab = Tab(phone.new_page())
    request.node.stash.setdefault(TABS, []).append(tab)
    yield tab
    tab.page.close()


def visible_text(tab: Tab) -> str:
    text: str = tab.portal().evaluate(VISIBLE_TEXT)
    return text


def shown(locale: str, key: str) -> re.Pattern[str]:
    """The locale's string for `key` as a whole (any value in its placeholders)."""
    return re.compile(rf"(?<!\w){pattern(locale, key).pattern}(?!\w)")


def assert_in_own_words(tab: Tab, locale: str, keys: list[str], where: str) -> None:
    """No raw key; each key's string in the locale; none of their English strings left."""
    text = visible_text(tab)
    raw = sorted(set(re.findall(r"[a-z_]+\.[a-z_]+", text)) & KEYS)
    assert not raw, f"{locale}, {where}: raw keys shown: {raw}"
    missing = [key for key in keys if not shown(locale, key).search(text)]
    assert not missing, f"{locale}, {where}: not shown in {locale}: " + ", ".join(
        f"{key} ({t(locale, key)!r})" for key in missing
    )
    if locale.startswith("en-"):
        return
    # The locale's own strings taken out first: a translation may hold an English word.
    rest = text
    for key in keys:
        rest = shown(locale, key).sub(" ", rest)
    english = [
        key
        for key in keys
        if t(locale, key) != t(ENGLISH, key) and shown(ENGLISH, key).search(rest)
    ]
    assert not english, f"{locale}, {where}: English left: " + ", ".join(
        f"{key} ({t(ENGLISH, key)!r})" for key in english
    )


def assert_fits(tab: Tab, locale: str, where: str) -> None:
    found: list[str] = tab.portal().evaluate(OVERFLOW)
    assert not found, f"{locale}, {where}: wider than 320 px:\n" + "\n".join(found)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_built_in_locale_shows_list_and_invoice_in_its_words_at_320_px(
    phone_tab: Tab, seeded: Stack, locale: str
) -> None:
    tab = phone_tab
    loaded = open_portal(tab, seeded, email="jane@example.com", locale=locale)
    portal = tab.portal()
    root = portal.locator("[part=portal]")
    expect(root).to_have_attribute("lang", locale)
    expect(root).to_have_attribute("dir", "rtl" if locale in RTL else "ltr")

    # The list once all of it is drawn: the on-demand chunk's plan, account, tools and jump.
    expect(portal.get_by_role("heading", name=t(locale, "list.title"), exact=True)).to_be_attached()
    expect(portal.locator("[part=account]")).to_be_visible()
    expect(portal.locator("[part=jump]")).to_be_visible()
    expect(portal.locator("[part~=more-button]")).to_have_text(t(locale, "list.more"))
    for status in ("paid", "open", "past_due"):
        badge = portal.locator(f"[part~=badge-{status}]").first
        expect(badge).to_have_text(t(locale, f"status.{status}"))
    assert_in_own_words(tab, locale, LIST_KEYS, "the list")
    assert_fits(tab, locale, "the list")

    invoice = first(loaded["response"]["invoices"], status="open", past_due=False)
    row_for(portal, invoice).click()
    detail = portal.locator("[part=detail]")
    heading = detail.get_by_role("heading", level=2)
    expect(heading).to_have_text(pattern(locale, "detail.title"))
    expect(heading).to_contain_text(invoice["number"])
    expect(detail.locator("[part=totals]")).to_be_visible()
    expect(detail.locator("[part~=pdf-button]")).to_have_text(t(locale, "action.pdf"))
    expect(detail.locator("[part~=back-button]")).to_contain_text(t(locale, "detail.back"))
    expect(root).to_have_attribute("lang", locale)
    assert_in_own_words(tab, locale, DETAIL_KEYS, "an invoice")
    assert_fits(tab, locale, "an invoice")


def money(tab: Tab, locale: str, minor: int, currency: str) -> str:
    """An amount as `Intl` writes it for `locale` (the demo's amounts have two decimals)."""
    text: str = tab.page.evaluate(
        "([locale, value, currency]) => new Intl.NumberFormat(locale,"
        " { style: 'currency', currency }).format(value)",
        [locale, minor / 100, currency.upper()],
    )
    return text


def box(locator: Locator) -> FloatRect:
    found = locator.bounding_box()
    assert found is not None, f"{locator} has no box"
    return found


@pytest.mark.parametrize("locale", sorted(RTL))
def test_right_to_left_isolates_filled_in_values_and_mirrors_the_layout(
    open_tab: OpenTab, seeded: Stack, locale: str
) -> None:
    tab = open_tab()
    loaded = open_portal(tab, seeded, email="jane@example.com", locale=locale)
    portal = tab.portal()
    expect(portal.locator("[part=portal]")).to_have_attribute("dir", "rtl")
    invoice = first(loaded["response"]["invoices"], status="open", past_due=False)
    row = row_for(portal, invoice)

    # The row's amount is at its left, its title at the right; a due date inside a sentence
    # is isolated.
    amount, title = box(row.locator(".amt")), box(row.locator(".what"))
    assert amount["x"] + amount["width"] <= title["x"], "the amount is left of the title"
    due = tab.page.evaluate(
        "([locale, seconds]) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })"
        ".format(seconds * 1000)",
        [locale, invoice["due_date"]],
    )
    assert t(locale, "list.due", date=ISOLATE.format(due)) in (row.text_content() or "")

    row.click()
    detail = portal.locator("[part=detail]")
    heading = detail.get_by_role("heading", level=2)
    expect(heading).to_have_text(
        t(locale, "detail.title", number=ISOLATE.format(invoice["number"]))
    )
    owed = money(tab, locale, invoice["amount_remaining"], invoice["currency"])
    pay = detail.locator("[part~=pay-button]")
    expect(pay).to_have_text(t(locale, "action.pay", amount=ISOLATE.format(owed)))

    # The back link at the right, the actions starting from the right.
    back, section = box(detail.locator("[part~=back-button]")), box(detail)
    assert back["x"] > section["x"] + section["width"] / 2, "the back link is on the right"
    assert section["x"] + section["width"] - (back["x"] + back["width"]) < 2
    pdf = box(detail.locator("[part~=pdf-button]"))
    assert pdf["x"] + pdf["width"] <= box(pay)["x"], "the second action is left of the first"


def date_in(tab: Tab, locale: str, seconds: int) -> str:
    """A date as `Intl` writes it for `locale`, as the portal shows dates."""
    text: str = tab.page.evaluate(
        "([locale, seconds]) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })"
        ".format(seconds * 1000)",
        [locale, seconds],
    )
    return text


def open_with_site_language(
    open_tab: OpenTab, seeded: Stack, locale: str, lang: str, direction: str
) -> tuple[Tab, dict[str, Any]]:
    """The portal wanting `locale`, which only the site's file `<lang>.json` (tests/e2e/pages/
    i18n/) translates: its root's lang and dir, the file's title and paid badge, English for
    a key the file lacks (status.open). The tab and the `post_load` detail."""
    tab = open_tab()
    translations = f"{seeded.pages_url}/i18n/{{locale}}.json"
    loaded = open_portal(
        tab, seeded, email="jane@example.com", locale=locale, translations=translations
    )
    site = json.loads((SITE_TRANSLATIONS / f"{lang}.json").read_text("utf-8"))
    portal = tab.portal()
    root = portal.locator("[part=portal]")
    expect(root).to_have_attribute("lang", lang)
    expect(root).to_have_attribute("dir", direction)
    expect(portal.get_by_role("heading", name=site["list.title"], exact=True)).to_be_attached()
    expect(portal.locator("[part~=badge-paid]").first).to_have_text(site["status.paid"])
    expect(portal.locator("[part~=badge-open]").first).to_have_text(t(ENGLISH, "status.open"))
    return tab, loaded


def test_a_language_only_the_site_has_is_shown_with_its_formats(
    open_tab: OpenTab, seeded: Stack
) -> None:
    """Catalan is not built in: the site's ca.json (a few keys), English for the rest, dates as
    Catalan writes them; ca-ES is asked for, so ca-ES.json is tried first (a 404, no problem)."""
    tab, loaded = open_with_site_language(open_tab, seeded, "ca-ES", "ca", "ltr")
    portal = tab.portal()
    expect(portal.locator("[part~=more-button]")).to_have_text(t(ENGLISH, "list.more"))
    expect(portal.get_by_role("alert")).to_have_count(0)

    invoice = first(loaded["response"]["invoices"], status="open", past_due=False)
    catalan = date_in(tab, "ca-ES", invoice["created"])
    assert catalan != date_in(tab, ENGLISH, invoice["created"])
    expect(row_for(portal, invoice)).to_contain_text(catalan)
    row_for(portal, invoice).click()
    detail = portal.locator("[part=detail]")
    expect(detail.locator("[part~=back-button]")).to_contain_text("Totes les factures")
    expect(detail.get_by_role("heading", level=2)).to_have_text(
        t(ENGLISH, "detail.title", number=invoice["number"])
    )
    expect(detail.locator("dl").first).to_contain_text(catalan)


def test_a_right_to_left_language_only_the_site_has_is_right_to_left(
    open_tab: OpenTab, seeded: Stack
) -> None:
    """Persian, not built in: the site's fa-IR.json with two keys turns the portal around."""
    tab, loaded = open_with_site_language(open_tab, seeded, "fa-IR", "fa-IR", "rtl")
    portal = tab.portal()
    invoice = first(loaded["response"]["invoices"], status="open", past_due=False)
    row = row_for(portal, invoice)
    expect(row).to_contain_text(date_in(tab, "fa-IR", invoice["created"]))
    amount, title = box(row.locator(".amt")), box(row.locator(".what"))
    assert amount["x"] + amount["width"] <= title["x"], "the amount is left of the title"


# The browser's language, the built-in locale that serves it, and the nearest other locale
# with a key where the two differ: the text is the first's, not the second's.
NEGOTIATED = [
    ("pt", "pt-BR", "pt-PT", "list.due"),
    ("zh-Hant-HK", "zh-HK", "zh-TW", "status.open"),
    ("es-MX", "es-419", "es-ES", "owed.title"),
]


@pytest.mark.parametrize(("browser_locale", "locale", "other", "key"), NEGOTIATED)
def test_the_browser_language_picks_the_built_in_locale_that_serves_it(
    open_tab: OpenTab, seeded: Stack, browser_locale: str, locale: str, other: str, key: str
) -> None:
    assert t(locale, key) != t(other, key)
    tab = open_tab(locale=browser_locale)
    assert tab.page.evaluate("navigator.language") == browser_locale
    open_portal(tab, seeded, email="jane@example.com")
    portal = tab.portal()
    expect(portal.locator("[part=portal]")).to_have_attribute("lang", locale)
    expect(portal.get_by_role("heading", name=t(locale, "list.title"), exact=True)).to_be_attached()
    expect(portal.locator("[part~=badge-open]").first).to_have_text(t(locale, "status.open"))
    expect(portal.locator("[part=account]")).to_be_visible()
    text = visible_text(tab)
    assert shown(locale, key).search(text), f"{key} is not {locale}'s {t(locale, key)!r}"
    assert not shown(other, key).search(text), f"{key} is {other}'s {t(other, key)!r}"


def test_an_underscore_locale_attribute_is_read_as_a_language_tag(tab: Tab, seeded: Stack) -> None:
    open_portal(tab, seeded, email="jane@example.com", locale="de_DE", debug=True)
    portal = tab.portal()
    expect(portal.locator("[part=portal]")).to_have_attribute("lang", "de-DE")
    expect(
        portal.get_by_role("heading", name=t("de-DE", "list.title"), exact=True)
    ).to_be_attached()
    expect(portal.locator("[part~=badge-paid]").first).to_have_text(t("de-DE", "status.paid"))
    expect(portal.locator("[part~=more-button]")).to_have_text(t("de-DE", "list.more"))
    expect(portal.locator("[part=error]")).to_have_count(0)
    expect(portal).not_to_contain_text(t("de-DE", "error.config"))
    assert any("de_DE read as de-DE" in line for line in tab.debug_lines()), tab.debug_lines()
