"""What the owner's operations see: readiness that names what is wrong with Stripe, and a
request log line that names why a request was refused."""

from __future__ import annotations

import json
import logging
import secrets
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sandbox.testing import SandboxServer

from .conftest import Proxy, bearer, signed, start, wait_for

# The sandbox takes keys of at most 247 characters after the prefix: this one it answers with
# 401, as Stripe answers a revoked or mistyped key. It still looks like a key to the proxy.
REJECTED_KEY = "sk_test_" + "r" * 248


def closed_address() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """Every line the proxy logs while the test runs (the proxy runs in this process)."""
    logger = logging.getLogger("invoice_portal")
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def request_line(lines: list[str], request_id: str) -> dict[str, Any] | None:
    for line in list(lines):
        try:
            fields = json.loads(line)
        except ValueError:
            continue
        if fields.get("event") == "request" and fields.get("request_id") == request_id:
            return dict(fields)
    return None


def test_readiness_is_ready_when_stripe_takes_the_key_and_asks_stripe_once(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    sandbox.reset_calls()
    proxy = make_proxy()
    with proxy.client() as http:
        answers = [http.get("/readyz") for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200], answers[0].text
    assert answers[0].json() == {"status": "ready"}
    assert sandbox.calls()["by_endpoint"] == {"GET /v1/customers": 1}


def test_readiness_names_a_rejected_key_while_liveness_stays_up(
    make_proxy: Callable[..., Proxy], sandbox: SandboxServer
) -> None:
    sandbox.reset_calls()
    proxy = make_proxy(stripe_secret_key=REJECTED_KEY)
    with proxy.client() as http:
        answers = [http.get("/readyz") for _ in range(2)]
        alive = http.get("/healthz")
    assert [a.status_code for a in answers] == [503, 503], answers[0].text
    assert answers[0].json()["error"]["code"] == "stripe_key_rejected"
    assert "rrrr" not in answers[0].text
    assert alive.status_code == 200
    # A failed check is cached too: the second answer did not ask Stripe again.
    assert sandbox.calls()["total"] == 1


def test_readiness_names_an_unreachable_stripe_while_liveness_stays_up(
    make_proxy: Callable[..., Proxy],
) -> None:
    proxy = make_proxy(api_base=closed_address(), stripe_deadline=1.0)
    with proxy.client() as http:
        answer = http.get("/readyz")
        alive = http.get("/healthz")
    assert answer.status_code == 503, answer.text
    assert answer.json()["error"]["code"] == "stripe_unreachable"
    assert alive.status_code == 200


def test_the_log_line_of_a_refused_request_names_the_refusal(
    make_proxy: Callable[..., Proxy], log_lines: list[str]
) -> None:
    proxy = make_proxy(limit_per_token="1/hour")
    jane = signed("jane@example.com")
    with proxy.client() as http:
        session = start(http, "jane@example.com")
        refusals: list[tuple[str, str, dict[str, Any], str]] = [
            ("POST", "/v1/session", {"json": {**jane, "hash": "0" * 64}}, "invalid_hash"),
            ("POST", "/v1/session", {"json": jane, "headers": {"Origin": "https://evil.example"}},
             "origin_not_allowed"),
            ("GET", "/v1/invoices", {}, "missing_token"),
            ("GET", "/v1/invoices/in_1" + secrets.token_hex(12), {"headers": bearer(session)},
             "not_found"),
            ("GET", "/v1/invoices", {"headers": bearer(session)}, "rate_limited"),
            ("GET", "/v1/nowhere", {}, "not_found"),
        ]  # fmt: skip
        for number, (method, path, options, code) in enumerate(refusals):
            request_id = f"refusal-{number}-{secrets.token_hex(4)}"
            headers = {**options.pop("headers", {}), "X-Request-Id": request_id}
            answer = http.request(method, path, headers=headers, **options)
            assert answer.json()["error"]["code"] == code, (path, answer.text)

            # The line is written once the answer has gone out.
            def logged(request_id: str = request_id) -> bool:
                return request_line(log_lines, request_id) is not None

            wait_for(logged)
            line = request_line(log_lines, request_id)
            assert line is not None
            assert (line["status"], line.get("code")) == (answer.status_code, code), line
    text = "\n".join(log_lines)
    for secret in ("jane@example.com", jane["hash"], session["token"]):
        assert secret not in text
