"""Servers the benchmarks run against, each in its own process on a free port."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tools.process import ROOT as ROOT
from tools.process import Service as Service
from tools.process import free_port as free_port

PYTHON = sys.executable


class Missing(Exception):
    """A piece the section needs is not in the tree (yet): reported, not fatal."""


def require(*relative: str) -> None:
    absent = [path for path in relative if not (ROOT / path).exists()]
    if absent:
        raise Missing("not in the tree yet: " + ", ".join(absent))


@contextlib.contextmanager
def serve(
    name: str, argv: list[str], env: dict[str, str], port: int, ready_path: str = "/"
) -> Iterator[Service]:
    """Start `argv` (which must listen on `port`), wait until it answers HTTP, stop it after."""
    with tempfile.TemporaryDirectory(prefix="bench-") as logs:
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
        server = Service(name, argv, port, ready_path, Path(logs), full_env)
        server.start()
        try:
            server.wait_ready()
            yield server
        finally:
            server.stop()


def server_stack() -> str:
    """What uvicorn runs on here: uvloop and httptools when installed (the proxy's serve
    extra), else asyncio and h11; the proxy and the bare baseline alike."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio loop"
    parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"uvicorn, 1 worker, {loop}, {parser}"


def uvicorn_argv(app: str, port: int, factory: bool = True) -> list[str]:
    """The one server configuration both the proxy and the bare baseline run under."""
    argv = [PYTHON, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--workers", "1", "--no-access-log", "--log-level", "warning"]
    return argv + (["--factory"] if factory else [])


@contextlib.contextmanager
def sandbox() -> Iterator[Service]:
    require("sandbox/__main__.py")
    port = free_port()
    argv = [PYTHON, "-m", "sandbox", "--port", str(port), "--seed", "demo"]
    with serve("sandbox", argv, {}, port, "/_sandbox/calls") as server:
        yield server


HASH_SECRET = "bench-hash-secret"  # noqa: S105 - a local sandbox, never a real secret
WEBHOOK_SECRET = "whsec_bench"  # noqa: S105


def proxy_env(stripe_base: str) -> dict[str, str]:
    return {
        "STRIPE_SECRET_KEY": "rk_test_sandbox",
        "STRIPE_API_BASE": stripe_base,
        "PORTAL_HASH_SECRETS": HASH_SECRET,
        "PORTAL_ALLOWED_ORIGINS": "http://127.0.0.1",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        # wrk sends thousands of requests a second with one token from one address: limits
        # this generous never refuse one, so the figures are the proxy's work, checks included.
        "PORTAL_LIMIT_SESSION_PER_IP": "100000000/minute",
        "PORTAL_LIMIT_SESSION_PER_IDENTIFIER": "100000000/minute",
        "PORTAL_LIMIT_PER_TOKEN": "100000000/minute",
        "PORTAL_STRIPE_CALLS_PER_SECOND": "1000",
    }


@contextlib.contextmanager
def serve_workers(stripe_base: str, workers: int, **settings: str) -> Iterator[Service]:
    """The proxy as a site owner runs it: `invoice-portal serve --workers N`."""
    require("edge/cli.py")
    port = free_port()
    argv = [PYTHON, "-m", "edge.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--workers", str(workers)]
    env = {**proxy_env(stripe_base), **settings}
    with serve(f"invoice-portal serve --workers {workers}", argv, env, port, "/healthz") as server:
        yield server


def group_cpu_seconds(group: int) -> float:
    """CPU time (user + system) the live processes of a process group have used: a server
    and the workers it started (each `Service` leads its own group)."""
    used = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == group:
            used += int(fields[11]) + int(fields[12])
    return used / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def proxy(stripe_base: str, **settings: str) -> Iterator[Service]:
    """The real proxy under uvicorn; `settings` are more environment variables."""
    require("edge/app.py")
    port = free_port()
    argv = uvicorn_argv("edge.app:create_app", port)
    env = {**proxy_env(stripe_base), **settings}
    with serve("edge proxy", argv, env, port, "/healthz") as server:
        yield server
