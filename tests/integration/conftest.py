"""The proxy served by uvicorn on a free port, against one Stripe sandbox per session."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from edge.app import Api, JsonLines, create_app
from edge.hashing import make_hash
from edge.settings import Settings
from sandbox.testing import SandboxServer

SECRET = "integration-secret-0123456789"
WEBHOOK_SECRET = "whsec_integration"
ORIGIN = "https://shop.example.com"


@dataclasses.dataclass
class Proxy:
    url: str
    app: Api
    settings: Settings

    def client(self, **options: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=20.0, **options)

    def forget_cache(self) -> None:
        self.app.parts.gateway.cache.clear()


def settings_for(sandbox_url: str, **overrides: Any) -> Settings:
    base = Settings(
        stripe_secret_key="rk_test_integration",
        hash_secrets=(SECRET,),
        allowed_origins=(ORIGIN,),
        webhook_secret=WEBHOOK_SECRET,
        api_base=sandbox_url,
        stripe_timeout=3.0,
        stripe_deadline=6.0,
        # The suite makes hundreds of sessions from one address: a test of a limit sets its own.
        limit_session_per_ip="100000/minute",
        limit_session_per_identifier="100000/minute",
        limit_per_token="100000/minute",
        stripe_calls_per_second=1000,
    )
    return dataclasses.replace(base, **overrides)


@contextlib.contextmanager
def serve(settings: Settings) -> Iterator[Proxy]:
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the proxy did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Proxy(f"http://127.0.0.1:{port}", app, settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class LogLines(logging.Handler):
    """Every line the proxies of this suite log, formatted as the proxy writes them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonLines())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="session", autouse=True)
def log_lines() -> Iterator[LogLines]:
    """The whole suite's log at INFO, as `invoice-portal serve` logs; test_logs.py, which
    runs last, reads it."""
    handler = LogLines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """test_logs.py right after the suite's other tests, before any other directory's."""
    here = Path(__file__).parent
    last = [item for item in items if item.path.name == "test_logs.py"]
    rest = [item for item in items if item.path.name != "test_logs.py"]
    ours = [n for n, item in enumerate(rest) if item.path.parent == here]
    at = ours[-1] + 1 if ours else len(rest)
    items[:] = rest[:at] + last + rest[at:]


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture(scope="session")
def proxy(sandbox: SandboxServer) -> Iterator[Proxy]:
    with serve(settings_for(sandbox.url)) as running:
        yield running


@pytest.fixture
def make_proxy(sandbox: SandboxServer) -> Iterator[Callable[..., Proxy]]:
    """A proxy with its own settings, stopped at the end of the test."""
    with contextlib.ExitStack() as stack:

        def make(**overrides: Any) -> Proxy:
            return stack.enter_context(serve(settings_for(sandbox.url, **overrides)))

        yield make


@pytest.fixture
def fresh(sandbox: SandboxServer, proxy: Proxy) -> Iterator[None]:
    """No faults, a cold cache and zeroed call counters. The seed is not reloaded (5,000
    invoices take seconds): tests that change Stripe's state each use their own invoices."""
    proxy.forget_cache()
    sandbox.reset_calls()
    yield


@pytest.fixture
def faults(sandbox: SandboxServer, fresh: None) -> Iterator[SandboxServer]:
    """The sandbox, for a test that makes it fail; its faults are cleared afterwards."""
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture
def http(proxy: Proxy) -> Iterator[httpx.Client]:
    with proxy.client() as client:
        yield client


def signed(identifier: str, **body: Any) -> dict[str, Any]:
    key = "customer" if identifier.startswith("cus_") else "email"
    return {key: identifier, "hash": make_hash(SECRET, identifier), **body}


def start(client: httpx.Client, identifier: str, **body: Any) -> dict[str, Any]:
    answer = client.post("/v1/session", json=signed(identifier, **body))
    assert answer.status_code == 200, answer.text
    session: dict[str, Any] = answer.json()
    return session


def bearer(session: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {session['token']}"}


def walk(client: httpx.Client, session: dict[str, Any], **query: Any) -> list[dict[str, Any]]:
    """Every invoice of the list, page after page, starting from the session's first page."""
    page = session["invoices"]
    seen = list(page["data"])
    while page["has_more"]:
        params = {**query, "starting_after": page["next_cursor"]}
        answer = client.get("/v1/invoices", params=params, headers=bearer(session))
        assert answer.status_code == 200, answer.text
        page = answer.json()
        seen += page["data"]
    return seen


def wait_for(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)
