"""The proxy as a Python Worker in Pyodide (npm `pyodide` under Node), in front of the sandbox:
the same answers as under CPython (the scenarios of tests/expectations.py, which
tests/integration/test_expectations.py runs there), with every Stripe call made by `fetch`.

The wheels come from local files only (tools/worker.py builds them into tmp_path).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from sandbox.testing import SandboxServer
from tests import expectations as expect
from tests.integration.conftest import ORIGIN, SECRET, start
from tools.worker import PYODIDE, Worker, build_wheels, prepared, serve


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheels `make test` prepared (no network during the tests); built here when the
    test runs on its own, or when edge/ changed since."""
    assert (PYODIDE / "pyodide.mjs").exists(), "npm ci first: the pyodide package is missing"
    ready = prepared()
    if ready is None:
        assert not os.environ.get("CI"), "make test prepares the wheels before the tests"
        return build_wheels(tmp_path_factory.mktemp("build"))
    return ready


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture(scope="module")
def worker(
    wheels: Path, sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    """The Worker behind its Node front; its bindings mirror the integration tests' settings."""
    env = {
        "STRIPE_SECRET_KEY": "rk_test_integration",
        "PORTAL_HASH_SECRETS": SECRET,
        "PORTAL_ALLOWED_ORIGINS": ORIGIN,
        "STRIPE_API_BASE": sandbox.url,
        "PORTAL_STRIPE_TIMEOUT": "3",
        "PORTAL_STRIPE_DEADLINE": "6",
        "PORTAL_STRIPE_CALLS_PER_SECOND": "1000",
    }
    with serve(wheels, env, tmp_path_factory.mktemp("worker")) as served:
        yield served


@pytest.fixture
def http(worker: Worker) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=worker.url, timeout=30.0) as client:
        yield client


def fetches(http: httpx.Client) -> int:
    count: int = http.get("/_front/fetches").json()["fetches"]
    return count


def test_a_session_answers_the_first_page_with_every_stripe_call_made_by_fetch(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    sandbox.reset_calls()
    before = fetches(http)
    expect.session_with_its_first_page(http)
    stripe_calls = sandbox.calls()["total"]
    assert stripe_calls > 0 and fetches(http) - before == stripe_calls


@pytest.mark.parametrize("scenario", expect.SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_the_same_answers_as_in_cpython(
    http: httpx.Client, scenario: Callable[[httpx.Client], None]
) -> None:
    scenario(http)


def test_paying_with_the_saved_card(http: httpx.Client, sandbox: SandboxServer) -> None:
    expect.paying_with_the_saved_card(http, sandbox)


def test_a_worker_without_its_secrets_answers_500_and_its_log_names_them(
    http: httpx.Client, worker: Worker
) -> None:
    signed = {"email": "jane@example.com", "hash": "0" * 64}
    answer = http.post("/v1/session", json=signed, headers={"X-Front-Bindings": "none"})
    assert answer.status_code == 500 and answer.json()["error"]["code"] == "misconfigured"
    log = worker.log.read_text()
    assert "STRIPE_SECRET_KEY is not set" in log and "PORTAL_HASH_SECRETS is not set" in log
    assert start(http, "jane@example.com")["customer"]["email"] == "jane@example.com"
