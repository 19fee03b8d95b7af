"""`invoice-portal serve` on the fast stack: uvloop's event loop and httptools' parser (the
serve extra), and `--workers` processes sharing one port."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from edge.hashing import make_hash
from sandbox.testing import SandboxServer
from tools.process import Service, free_port

from .test_check import environment


def workers(pid: int) -> list[int]:
    """The worker processes uvicorn spawned (not multiprocessing's resource tracker)."""
    found = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [c for c in found if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def loaded(pid: int) -> str:
    """The shared objects mapped into a process: which C extensions it runs on."""
    return Path(f"/proc/{pid}/maps").read_text()


@pytest.fixture
def serve(sandbox: SandboxServer) -> Iterator[Callable[..., Service]]:
    started: list[Service] = []

    def start(*extra: str) -> Service:
        port = free_port()
        argv = [sys.executable, "-m", "edge.cli", "serve", "--port", str(port), *extra]
        logs = Path(tempfile.mkdtemp(prefix="serve-"))
        service = Service("proxy", argv, port, "/readyz", logs, environment(sandbox.url))
        service.start()
        started.append(service)
        service.wait_ready()
        return service

    yield start
    for service in started:
        service.stop()


def session(url: str) -> httpx.Response:
    email = "jane@example.com"
    body = {"email": email, "hash": make_hash("check-secret", email)}
    return httpx.post(url + "/v1/session", json=body, timeout=30)


def test_one_process_runs_on_uvloop_and_httptools(serve: Callable[..., Service]) -> None:
    proxy = serve()
    assert proxy.process is not None
    assert session(proxy.url).status_code == 200
    maps = loaded(proxy.process.pid)
    assert "uvloop" in maps and "httptools" in maps, "the serve extra's C extensions run"


def test_workers_serve_one_port_from_several_processes(serve: Callable[..., Service]) -> None:
    proxy = serve("--workers", "2")
    assert proxy.process is not None
    spawned = workers(proxy.process.pid)
    assert len(spawned) == 2, spawned
    assert all("uvloop" in loaded(pid) for pid in spawned)
    answers = [session(proxy.url).status_code for _ in range(6)]
    assert answers == [200] * 6
