"""The README's quick start, run as written: a fresh clone, a fresh virtual environment, the
build, the proxy's check and start, then the printed snippet on a page of our own, in Chromium.

Only what must differ on this machine is replaced: the clone's address (a snapshot of this
working tree, committed into a scratch repository), the three addresses of step 2 (free
loopback ports instead of example.com), the Stripe key (the sandbox's) and the port of
`serve`; `STRIPE_API_BASE` points the proxy at the sandbox. `serve` is started in the
background so that the page can be opened. "Upload dist/cdn/" is done by serving the clone's
dist/cdn/ the way a CDN does (tools.cdn, with CORS), and the page is the printed snippet with
the email and the hash `invoice-portal hash` prints, as step 5 says.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from sandbox.testing import SandboxServer
from tools.process import Service, free_port

from .portal import TIMEOUT_MS

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"<!-- quick-start[^>]*-->\s*```sh\n(.*?)```\s*<!-- /quick-start -->", re.S)
EMAIL = "jane@example.com"


def quick_start() -> str:
    found = BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md has no quick-start block between its markers"
    return found.group(1)


def snapshot(into: Path) -> Path:
    """This working tree as it is (tracked and new files, nothing ignored), committed into a
    scratch repository, so that the README's `git clone` clones exactly what is tested."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    into.mkdir(parents=True)
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            target = into / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=into, check=True)
    subprocess.run(["git", "add", "-A"], cwd=into, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], cwd=into, check=True)
    return into


def adapt(script: str, origin: Path, ports: dict[str, int]) -> str:
    """The block with this machine's addresses; every command stays as written."""
    replaced = {
        r"git clone \S+": f"git clone {origin}",
        r"^CDN_URL=.*$": f"CDN_URL=http://127.0.0.1:{ports['cdn']}/",
        r"^EDGE_URL=.*$": f"EDGE_URL=http://127.0.0.1:{ports['proxy']}",
        r"^SITE_ORIGIN=.*$": f"SITE_ORIGIN=http://127.0.0.1:{ports['site']}",
        r"^export STRIPE_SECRET_KEY=.*$": "export STRIPE_SECRET_KEY=rk_test_quickstart",
        r"^invoice-portal serve (.*)--port \d+\s*$": (
            rf"invoice-portal serve \1--port {ports['proxy']} > serve.log 2>&1 &"
            "\necho $! > serve.pid"
        ),
    }
    for pattern, replacement in replaced.items():
        script, count = re.subn(pattern, replacement, script, count=1, flags=re.M)
        assert count == 1, f"the quick start no longer has a line matching {pattern!r}"
    # Step 5's own command, for the page.
    return script + f"\ninvoice-portal hash {EMAIL} > portal-hash.txt\n"


@pytest.fixture(scope="module")
def stripe() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def services() -> Iterator[list[Service]]:
    started: list[Service] = []
    yield started
    for service in started:
        service.stop()


def test_the_readme_quick_start_ends_with_invoices_on_a_page_of_our_own(
    tmp_path: Path,
    stripe: SandboxServer,
    browser: Browser,
    services: list[Service],
) -> None:
    ports = {name: free_port() for name in ("cdn", "proxy", "site")}
    origin = snapshot(tmp_path / "upstream" / "invoice-portal")
    work = tmp_path / "work"
    work.mkdir()
    script = adapt(quick_start(), origin, ports)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STRIPE_", "PORTAL_", "VIRTUAL_ENV"))
    }
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p
    )
    env["STRIPE_API_BASE"] = stripe.url
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    clone = work / "invoice-portal"
    assert done.returncode == 0, f"the quick start failed:\n{done.stdout}\n{done.stderr}"
    assert "Stripe: the key is accepted" in done.stdout, done.stdout
    assert f'edge="http://127.0.0.1:{ports["proxy"]}"' in done.stdout, "the snippet is printed"
    pid = int((clone / "serve.pid").read_text())
    try:
        edge = f"http://127.0.0.1:{ports['proxy']}"
        ready = _wait_ready(edge + "/readyz", clone / "serve.log", pid)
        assert ready.status_code == 200, ready.text

        # "Upload dist/cdn/": served as a CDN would, at CDN_URL.
        cdn = [sys.executable, "-m", "tools.cdn", "--host", "127.0.0.1"]
        cdn += ["--port", str(ports["cdn"]), "--root", str(clone / "dist" / "cdn")]
        services.append(Service("cdn", cdn, ports["cdn"], "/manifest.json", tmp_path))
        # Step 5: the printed snippet, with the email and the hash the server makes.
        snippet = (clone / "dist" / "cdn" / "snippet.html").read_text(encoding="utf-8")
        digest = (clone / "portal-hash.txt").read_text().strip()
        page = re.sub(r'email="[^"]*"', f'email="{EMAIL}"', snippet)
        page = re.sub(r'hash="[^"]*"', f'hash="{digest}"', page)
        site = tmp_path / "site"
        site.mkdir()
        (site / "billing.html").write_text(
            f"<!doctype html><html lang=en><meta charset=utf-8><title>Billing</title>"
            f"<h1>Billing</h1>{page}</html>",
            encoding="utf-8",
        )
        pages = [sys.executable, "-m", "http.server", str(ports["site"])]
        pages += ["--bind", "127.0.0.1", "--directory", str(site)]
        services.append(Service("site", pages, ports["site"], "/billing.html", tmp_path))
        for service in services:
            service.start()
        for service in services:
            service.wait_ready()

        context = browser.new_context(locale="en-US")
        try:
            tab = context.new_page()
            tab.set_default_timeout(TIMEOUT_MS)
            tab.goto(f"http://127.0.0.1:{ports['site']}/billing.html")
            rows = tab.locator("invoice-portal").get_by_role("list").locator("button[part=row]")
            expect(rows.first).to_be_visible(timeout=TIMEOUT_MS)
            expect(tab.locator("invoice-portal").locator("[part=owed]")).to_be_visible()
        finally:
            context.close()
    finally:
        with contextlib.suppress(ProcessLookupError):  # it may have stopped on its own
            os.kill(pid, signal.SIGTERM)


def _wait_ready(url: str, log: Path, pid: int, timeout: float = 60.0) -> httpx.Response:
    """The proxy's answer at /readyz once it listens (it checks Stripe before it does); polled
    as tools.process polls the services it starts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.05)
    raise AssertionError(f"the proxy never answered:\n{log.read_text()}")
