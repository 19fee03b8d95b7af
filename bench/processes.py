"""Servers the benchmarks run against, each in its own process on a free port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


class Missing(Exception):
    """A piece the section needs is not in the tree (yet): reported, not fatal."""


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 15) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    # The port is released before the server binds it; a collision is unlikely and fails loudly.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require(*relative: str) -> None:
    absent = [path for path in relative if not (ROOT / path).exists()]
    if absent:
        raise Missing("not in the tree yet: " + ", ".join(absent))


@contextlib.contextmanager
def serve(
    name: str, argv: list[str], env: dict[str, str], port: int, ready_path: str = "/"
) -> Iterator[Server]:
    """Start `argv` (which must listen on `port`), wait until it answers HTTP, stop it after."""
    log = Path(tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")[1])
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            argv, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_ready(server, name, ready_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)


def _wait_ready(server: Server, name: str, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{name} exited with {server.process.returncode}:\n{server.tail()}")
        try:
            httpx.get(server.url + path, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer within {timeout:.0f} s:\n{server.tail()}")


def uvicorn_argv(app: str, port: int, factory: bool = True) -> list[str]:
    """The one server configuration both the proxy and the bare baseline run under."""
    argv = [PYTHON, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--workers", "1", "--no-access-log", "--log-level", "warning"]
    return argv + (["--factory"] if factory else [])


@contextlib.contextmanager
def sandbox() -> Iterator[Server]:
    require("sandbox/__main__.py")
    port = free_port()
    argv = [PYTHON, "-m", "sandbox", "--port", str(port), "--seed", "demo"]
    with serve("sandbox", argv, {}, port, "/_sandbox/calls") as server:
        yield server


HASH_SECRET = "bench-hash-secret"  # noqa: S105 - a local sandbox, never a real secret
WEBHOOK_SECRET = "whsec_bench"  # noqa: S105


def proxy_env(stripe_base: str) -> dict[str, str]:
    return {
        "STRIPE_SECRET_KEY": "sk_test_sandbox",
        "STRIPE_API_BASE": stripe_base,
        "PORTAL_HASH_SECRETS": HASH_SECRET,
        "PORTAL_ALLOWED_ORIGINS": "http://127.0.0.1",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }


@contextlib.contextmanager
def proxy(stripe_base: str, **settings: str) -> Iterator[Server]:
    """The real proxy under uvicorn; `settings` are more environment variables."""
    require("edge/app.py")
    port = free_port()
    argv = uvicorn_argv("edge.app:create_app", port)
    env = {**proxy_env(stripe_base), **settings}
    with serve("edge proxy", argv, env, port, "/healthz") as server:
        yield server
