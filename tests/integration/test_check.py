"""`invoice-portal check`, and `invoice-portal serve` at start: the Stripe key tried once
through the proxy's own readiness check, against the sandbox on loopback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from edge.variables import VARIABLES
from sandbox.testing import SandboxServer
from tests import cli

# Well-formed for the proxy, refused by the sandbox as Stripe refuses an unknown key (401):
# the sandbox takes any key of Stripe's form up to 255 characters, and no longer one.
UNKNOWN_KEY = "rk_test_" + "x" * 300
REJECTED = (
    "invoice-portal: Stripe refuses STRIPE_SECRET_KEY (stripe_key_rejected): the key is "
    "mistyped, revoked, or a restricted key without Customers Read; copy a current key from "
    "the Stripe dashboard, Developers > API keys"
)


def environment(api_base: str, key: str = "rk_test_check") -> dict[str, str]:
    return cli.environment(
        STRIPE_SECRET_KEY=key,
        STRIPE_API_BASE=api_base,
        PORTAL_HASH_SECRETS="check-secret",
        PORTAL_ALLOWED_ORIGINS="https://shop.example.com",
        PORTAL_STRIPE_TIMEOUT="3",
    )


def check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return cli.invoke("check", env=env)


@pytest.fixture
def closed() -> Iterator[str]:
    """An address where nothing listens: the port is held, so nothing can start there."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


@pytest.fixture
def stripe(sandbox: SandboxServer) -> Iterator[SandboxServer]:
    sandbox.clear_faults()
    sandbox.reset_calls()
    yield sandbox
    sandbox.clear_faults()


def test_check_says_what_it_found_with_one_stripe_call(stripe: SandboxServer) -> None:
    done = check(environment(stripe.url))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"configuration: ok, {len(VARIABLES)} variables checked",
        "STRIPE_SECRET_KEY: a restricted key (rk_...) in test mode",
        f"Stripe: reachable at {stripe.url}",
        "Stripe: the key is accepted; the proxy is ready",
    ]
    assert done.stderr == ""
    assert stripe.calls()["by_endpoint"] == {"GET /v1/customers": 1}


def test_check_tells_a_live_secret_key_and_never_prints_it(stripe: SandboxServer) -> None:
    key = "sk_live_" + "checkvalue0123456789"
    env = environment(stripe.url, key) | {"PORTAL_HASH_SECRETS": "y" * 32}
    done = check(env)
    assert done.returncode == 0, done.stderr
    assert "STRIPE_SECRET_KEY: a secret key (sk_...) in live mode" in done.stdout.splitlines()
    assert "checkvalue" not in done.stdout + done.stderr


def test_check_exits_1_naming_a_rejected_key(stripe: SandboxServer) -> None:
    done = check(environment(stripe.url, UNKNOWN_KEY))
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == f"Stripe: reachable at {stripe.url}"
    assert done.stderr.splitlines() == [REJECTED]


def test_check_exits_1_naming_an_unreachable_stripe(closed: str) -> None:
    done = check(environment(closed))
    assert done.returncode == 1
    assert "Stripe: reachable" not in done.stdout
    assert done.stderr.splitlines() == [
        f"invoice-portal: Stripe cannot be reached at {closed} (stripe_unreachable): check this "
        "machine's network, firewall or outbound proxy, and STRIPE_API_BASE"
    ]


def serve_until_listening(env: dict[str, str]) -> tuple[subprocess.Popen[str], str, list[str]]:
    """The proxy, its address and the log lines it wrote until it listened."""
    server = subprocess.Popen(
        [sys.executable, "-m", "edge.cli", "serve", "--port", "0"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    for line in server.stderr:  # type: ignore[union-attr]
        lines.append(line)
        message = json.loads(line).get("message", "")
        if message.startswith("Uvicorn running on "):
            return server, message.split()[3], lines
    server.wait()
    raise AssertionError("the proxy did not start:\n" + "".join(lines))


@pytest.mark.parametrize("cause", ["stripe_key_rejected", "stripe_unreachable"])
def test_serve_logs_one_error_line_naming_the_cause_and_still_starts(
    cause: str, stripe: SandboxServer, closed: str
) -> None:
    if cause == "stripe_key_rejected":
        env = environment(stripe.url, UNKNOWN_KEY)
    else:
        env = environment(closed)
    server, address, lines = serve_until_listening(env)
    try:
        ready = httpx.get(address + "/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["error"]["code"] == cause
    finally:
        server.terminate()
        server.wait(10)
    assert "x" * 20 not in "".join(lines)  # not even the unknown key
    logged = [json.loads(line) for line in lines]
    problems = [entry for entry in logged if entry["level"] != "info"]
    assert [(entry["level"], entry["event"], entry["code"]) for entry in problems] == [
        ("error", "stripe_not_ready", cause)
    ]
    assert problems[0]["message"].startswith(
        "Stripe refuses STRIPE_SECRET_KEY" if cause == "stripe_key_rejected" else "Stripe cannot"
    )
    assert problems[0]["message"].endswith(
        "; the proxy starts anyway, and GET /readyz answers 503 until it is fixed"
    )
