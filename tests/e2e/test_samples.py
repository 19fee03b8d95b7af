"""The framework samples in samples/: built and served as their READMEs say, opened in Chromium.

Each sample runs on its own origin, so this module has its own stack whose proxy allows
exactly those origins, as a site owner's would. The settings and the npm installs are the
ones `make sample-react` (samples/run.py) uses; installs are stamped, so reruns skip them.
React and Vue are built once (`vite build` into a temporary folder) and served by
`vite preview`; the Jinja sample is its own server.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from samples import run as samples
from tools.process import HOST, Service, free_port
from tools.stack import Stack, ensure_build

from .portal import Tab, first, pay_and_confirm, row_for, rows, set_attributes, t

# Each sample signs in its own demo customer, so a payment in one leaves the others' data alone.
CUSTOMERS = {"react": "jane@example.com", "vue": "hans@example.de", "jinja": "amelie@example.fr"}
Open = Callable[[str], str]


@pytest.fixture(scope="module")
def sample_ports() -> dict[str, int]:
    return {name: free_port() for name in samples.NAMES}


# Overrides the package's `stack` for this module: its proxy allows the samples' origins.
@pytest.fixture(scope="module")
def stack(sample_ports: dict[str, int]) -> Iterator[Stack]:
    ensure_build()
    allowed = ",".join(samples.origins(port) for port in sample_ports.values())
    with Stack(proxy_env={"PORTAL_ALLOWED_ORIGINS": allowed}) as running:
        yield running


@pytest.fixture(scope="module")
def built(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A Vite sample's `npm ci` and `vite build`, once per module: the folder it wrote."""
    done: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name not in done:
            folder, out = samples.SAMPLES / name, tmp_path_factory.mktemp(name)
            samples.npm_ci(folder)
            command = [samples.vite(name), "build", "--outDir", str(out), "--emptyOutDir"]
            env = samples.environment(name, stack, CUSTOMERS[name])
            subprocess.run(command, cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL)
            done[name] = out
        return done[name]

    return build


@pytest.fixture
def open_sample(
    stack: Stack, sample_ports: dict[str, int], built: Callable[[str], Path], tmp_path: Path
) -> Iterator[Open]:
    """Serve a sample, built React and Vue as `vite preview` does, and answer its address."""
    started: list[Service] = []

    def open_sample(name: str) -> str:
        port = sample_ports[name]
        if name in samples.VITE_SAMPLES:
            preview = [samples.vite(name), "preview", str(samples.SAMPLES / name)]
            argv = [*preview, "--outDir", str(built(name)), "--host", HOST, "--port", str(port)]
            argv.append("--strictPort")
        else:
            argv = samples.dev_server(name, port)
        env = samples.environment(name, stack, CUSTOMERS[name])
        service = Service(f"sample-{name}", argv, port, "/", tmp_path, env)
        started.append(service)
        service.start()
        service.wait_ready()
        return service.url

    yield open_sample
    for service in started:
        service.stop()


def assert_customer_sees_invoices(tab: Tab, url: str, email: str) -> dict[str, Any]:
    """Open the sample; the customer's first page of invoices, as `post_load` gave it."""
    tab.page.goto(url)

    loaded: dict[str, Any] = tab.wait_for_event("post_load")["detail"]["response"]
    assert loaded["customer"]["email"] == email
    count = len(loaded["invoices"])
    assert count > 0, f"{email} has invoices in the demo seed"
    expect(rows(tab.portal())).to_have_count(count)
    # The sample's own DOM listener and its handleResponse both heard the first page.
    expect(tab.page.locator("#portal-status")).to_have_text(f"Portal loaded: {count} invoices")
    expect(tab.page.locator("#portal-events")).to_contain_text("pre_load, post_load")
    return loaded


@pytest.mark.parametrize("name", samples.NAMES)
def test_sample_shows_the_signed_in_customer_their_invoices_and_hears_a_payment(
    name: str, tab: Tab, open_sample: Open
) -> None:
    loaded = assert_customer_sees_invoices(tab, open_sample(name), CUSTOMERS[name])
    invoice = first(loaded["invoices"], status="open")
    row_for(tab.portal(), invoice).click()
    tab.wait_for_event("invoice_opened")

    pay_and_confirm(tab.portal())

    paid = f"Payment received for {invoice['number']}, thank you."
    expect(tab.page.locator("#portal-status")).to_have_text(paid)
    expect(tab.page.locator("#portal-events")).to_contain_text("payment_succeeded")


@pytest.mark.parametrize("name", samples.VITE_SAMPLES)
def test_framework_state_reaches_the_portal_without_a_reload(
    name: str, tab: Tab, open_sample: Open
) -> None:
    assert_customer_sees_invoices(tab, open_sample(name), CUSTOMERS[name])

    tab.page.get_by_label("Language").select_option("de-DE")

    title = t("de-DE", "list.title")
    expect(tab.portal().get_by_role("heading", name=title)).to_be_visible()
    assert len(tab.events("post_load")) == 1, "a new locale is a new attribute, not a new page"


@pytest.mark.parametrize("name", samples.VITE_SAMPLES)
def test_framework_sample_renews_a_hash_that_was_stale_on_arrival(
    name: str, tab: Tab, stack: Stack, open_sample: Open
) -> None:
    """The app got its identity an hour ago: refused, then a fresh one from the site's server."""
    url, email = open_sample(name), CUSTOMERS[name]
    past = int(time.time()) - 3600
    stale = {"email": email, "hash": stack.hash(email, past), "expires": past}
    aged: list[str] = []

    def age(route: Route) -> None:
        # Only the first answer is old; the renewal reaches the sample's server. (React's
        # development mode would ask twice on mount; this is a production build.)
        if aged:
            route.continue_()
        else:
            aged.append(route.request.url)
            route.fulfill(json=stale)

    tab.page.route(f"{url}/api/portal-identity", age)

    assert_customer_sees_invoices(tab, url, email)

    assert aged, "the sample's identity was aged"
    assert [e["name"] for e in tab.events()][:2] == ["pre_load", "hash_expired"]
    assert_fresh_hash(tab, stack, email)


def test_jinja_sample_renews_a_hash_that_ran_out_while_the_page_was_open(
    tab: Tab, stack: Stack, open_sample: Open
) -> None:
    email = CUSTOMERS["jinja"]
    assert_customer_sees_invoices(tab, open_sample("jinja"), email)
    # An hour later, as far as the hash goes; then the customer asks for every invoice.
    past = int(time.time()) - 3600
    set_attributes(tab.portal(), hash=stack.hash(email, past), expires=str(past))
    set_attributes(tab.portal(), show_all_invoices="")

    tab.wait_for_event("hash_expired")

    loaded = tab.wait_for_event("post_load", count=2)["detail"]["response"]
    count = len(loaded["invoices"])
    expect(tab.page.locator("#portal-status")).to_have_text(f"Portal loaded: {count} invoices")
    expect(rows(tab.portal())).to_have_count(count)
    assert_fresh_hash(tab, stack, email)


def assert_fresh_hash(tab: Tab, stack: Stack, email: str) -> None:
    renewed = int(tab.portal().get_attribute("expires") or 0)
    assert renewed > time.time()
    expect(tab.portal()).to_have_attribute("hash", stack.hash(email, renewed))


@pytest.mark.parametrize("name", samples.NAMES)
def test_the_hash_is_made_on_the_server_and_the_secret_stays_there(
    name: str, tab: Tab, stack: Stack, open_sample: Open, built: Callable[[str], Path]
) -> None:
    assert_customer_sees_invoices(tab, open_sample(name), CUSTOMERS[name])

    expires = int(tab.portal().get_attribute("expires") or 0)
    assert time.time() < expires <= time.time() + 15 * 60 + 60, "an expiring hash, 15 minutes"
    expect(tab.portal()).to_have_attribute("hash", stack.hash(CUSTOMERS[name], expires))
    assert stack.secret not in tab.page.content()
    if name in samples.VITE_SAMPLES:
        # The server's PORTAL_HASH_SECRETS was set during the build too: no VITE_ prefix, so
        # Vite kept it out of every file it wrote.
        files = [p.read_text(errors="replace") for p in built(name).rglob("*") if p.is_file()]
        assert files and not any(stack.secret in text for text in files)


def test_vue_dev_server_serves_the_same_sample(
    tab: Tab, stack: Stack, sample_ports: dict[str, int], tmp_path: Path
) -> None:
    """What `make sample-vue` runs: Vite's dev server, the hash from its stand-in backend."""
    samples.npm_ci(samples.SAMPLES / "vue")
    port = sample_ports["vue"]
    env = samples.environment("vue", stack)
    server = Service("vue-dev", samples.dev_server("vue", port), port, "/", tmp_path, env)
    server.start()
    try:
        server.wait_ready()
        assert_customer_sees_invoices(tab, server.url, samples.EMAIL)
    finally:
        server.stop()
