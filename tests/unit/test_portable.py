"""The application and its Stripe gateway must run where there are no threads or sockets."""

from __future__ import annotations

import ast
import asyncio
import sys
import types
from pathlib import Path
from typing import Any

import httpx
import pytest

from edge import worker
from edge.fetch_transport import FetchTransport, runtime_transport
from edge.settings import ConfigError
from edge.worker import app_for, bindings

EDGE = Path(__file__).resolve().parents[2] / "edge"
# Every module of the proxy but the command line, which starts a server (uvicorn) on purpose.
PORTABLE = sorted(path.name for path in EDGE.glob("*.py") if path.name != "cli.py")
MISSING_ON_PYODIDE = {"uvicorn", "threading", "socket", "subprocess", "multiprocessing", "ssl",
                      "concurrent", "signal", "select", "selectors"}  # fmt: skip


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_the_portable_core_imports_nothing_pyodide_lacks() -> None:
    for name in PORTABLE:
        assert not imported(EDGE / name) & MISSING_ON_PYODIDE, name


def test_only_the_gateway_its_call_runner_and_its_transport_import_stripe() -> None:
    for path in EDGE.glob("*.py"):
        if path.name not in ("gateway.py", "calls.py", "transport.py"):
            assert "stripe" not in imported(path), path.name


def test_the_fetch_transport_is_chosen_only_where_python_has_no_sockets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert runtime_transport() is None
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert isinstance(runtime_transport(), FetchTransport)


class Fetched:
    """What `pyodide.http.pyfetch` gives back: a status, headers and the body, decoded."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    async def bytes(self) -> bytes:
        return self.body


def with_pyfetch(monkeypatch: pytest.MonkeyPatch, pyfetch: Any) -> list[dict[str, Any]]:
    """A stand-in `pyodide.http` whose pyfetch records each call."""
    calls: list[dict[str, Any]] = []

    async def recorded(url: str, **options: Any) -> Fetched:
        calls.append({"url": url, **options})
        answer: Fetched = await pyfetch()
        return answer

    http = types.ModuleType("pyodide.http")
    http.pyfetch = recorded  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pyodide", types.ModuleType("pyodide"))
    monkeypatch.setitem(sys.modules, "pyodide.http", http)
    return calls


def post(timeout: float = 5.0) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = FetchTransport()
        async with httpx.AsyncClient(transport=transport, timeout=timeout) as client:
            return await client.post(
                "https://api.stripe.test/v1/invoices/in_1/pay",
                content=b"a=1",
                headers={"Authorization": "Bearer rk_test_x", "Accept-Encoding": "gzip"},
            )

    return asyncio.run(run())


def test_fetch_gets_the_request_without_the_headers_fetch_sets_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def gzipped() -> Fetched:
        # fetch has decompressed the body already: its encoding and length no longer apply.
        headers = {"content-type": "application/json", "content-encoding": "gzip",
                   "content-length": "999", "request-id": "req_1"}  # fmt: skip
        return Fetched(402, headers, b'{"error": {}}')

    calls = with_pyfetch(monkeypatch, gzipped)
    answer = post()
    (call,) = calls
    assert call["url"] == "https://api.stripe.test/v1/invoices/in_1/pay"
    assert call["method"] == "POST" and call["body"] == b"a=1"
    sent = {name.lower() for name in call["headers"]}
    assert "authorization" in sent and not sent & {"host", "connection", "content-length"}
    assert answer.status_code == 402 and answer.json() == {"error": {}}
    assert answer.headers["request-id"] == "req_1" and "content-encoding" not in answer.headers


def test_a_failed_fetch_is_a_connect_error_and_a_slow_one_a_read_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def refused() -> Fetched:
        raise OSError("TypeError: fetch failed")

    with_pyfetch(monkeypatch, refused)
    with pytest.raises(httpx.ConnectError, match="fetch failed"):
        post()

    async def slow() -> Fetched:
        await asyncio.sleep(5)
        raise AssertionError("not cancelled")

    with_pyfetch(monkeypatch, slow)
    with pytest.raises(httpx.ReadTimeout):
        post(timeout=0.05)


def test_the_worker_reads_its_settings_from_string_bindings_only() -> None:
    env = types.SimpleNamespace(
        STRIPE_SECRET_KEY="rk_test_worker",
        PORTAL_CACHE_SECONDS=60,
        PORTAL_ALLOW_PAY=False,
        PORTAL_REDIS_URL="redis://cache:6379/0",
        SESSIONS=object(),  # a KV namespace: not ours
        PORTAL_ALLOW_PDF=object(),  # not a string either, so left to its default
    )
    assert dict(bindings(env)) == {
        "STRIPE_SECRET_KEY": "rk_test_worker",
        "PORTAL_CACHE_SECONDS": "60",
        "PORTAL_ALLOW_PAY": "false",
        "PORTAL_REDIS_URL": "redis://cache:6379/0",
    }


def test_the_worker_keeps_limits_in_memory_and_builds_one_app_per_bindings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker, "configure_logging", lambda: None)  # the suite's logging stays
    given = (("STRIPE_SECRET_KEY", "rk_test_worker"), ("PORTAL_HASH_SECRETS", "s"),
             ("PORTAL_ALLOWED_ORIGINS", "https://shop.example.com"),
             ("PORTAL_REDIS_URL", "redis://cache:6379/0"))  # fmt: skip
    app = app_for(given)
    assert app.parts.store.redis is None and app.parts.settings.redis_url is None
    assert app_for(given) is app
    with pytest.raises(ConfigError, match="STRIPE_SECRET_KEY"):
        app_for((("PORTAL_HASH_SECRETS", "s"),))
