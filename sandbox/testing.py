"""A handle on a sandbox running in a subprocess, for tests of anything that talks to Stripe.

with SandboxServer() as sandbox:
    client = sandbox.client()               # the official SDK, pointed at the sandbox
    jane = sandbox.seed()["customers"]["jane@example.com"][0]
    sandbox.fault(status=500, count=1)      # the next Stripe call fails
    assert sandbox.calls()["by_endpoint"]["GET /v1/invoices"] == 1
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

import stripe

ROOT = Path(__file__).resolve().parent.parent


class SandboxControl:
    """The `/_sandbox/` control API of a sandbox already running at `url`."""

    def __init__(self, url: str) -> None:
        self.url = url

    def client(self, api_key: str = "sk_test_sandbox", **options: Any) -> stripe.StripeClient:
        options.setdefault("max_network_retries", 0)
        return stripe.StripeClient(api_key, base_addresses={"api": self.url}, **options)

    def calls(self) -> dict[str, Any]:
        return self._control("GET", "/_sandbox/calls")

    def reset_calls(self) -> None:
        self._control("DELETE", "/_sandbox/calls")

    def fault(self, status: int = 500, count: int = 1, path: str | None = None) -> None:
        self._control("POST", "/_sandbox/faults", {"status": status, "count": count, "path": path})

    def hang(self, seconds: float, count: int = 1, path: str | None = None) -> None:
        self._control("POST", "/_sandbox/faults", {"hang": seconds, "count": count, "path": path})

    def latency(self, ms: int, path: str | None = None) -> None:
        self._control("POST", "/_sandbox/faults", {"latency_ms": ms, "path": path})

    def clear_faults(self) -> None:
        self._control("DELETE", "/_sandbox/faults")

    def reset(self) -> None:
        self._control("POST", "/_sandbox/reset")

    def set_webhook(self, url: str | None, secret: str | None) -> None:
        self._control("POST", "/_sandbox/webhooks", {"url": url, "secret": secret})

    def seed(self) -> dict[str, Any]:
        return self._control("GET", "/_sandbox/seed")

    def customers(self, email: str) -> list[str]:
        ids: list[str] = self.seed()["customers"][email]
        return ids

    def customer_paying_with(self, card: str, *, name: str | None = None) -> stripe.Customer:
        """A new customer (a fresh email each time) whose default payment method is the test
        card `card` (`pm_card_visa`, `pm_card_chargeDeclinedInsufficientFunds`, ...): for tests
        that pay, decline or change cards without touching the seed's personas."""
        stripe_ = self.client()
        email = f"owing-{uuid.uuid4().hex[:12]}@example.com"
        customer = stripe_.v1.customers.create({"email": email, **({"name": name} if name else {})})
        method = stripe_.v1.payment_methods.attach(card, {"customer": customer.id})
        return stripe_.v1.customers.update(
            customer.id, {"invoice_settings": {"default_payment_method": method.id}}
        )

    def customer_owing(
        self,
        card: str,
        amount: int,
        *,
        item: str = "Work",
        name: str | None = None,
        description: str | None = None,
    ) -> tuple[stripe.Customer, stripe.Invoice]:
        """`customer_paying_with(card)`, with one open invoice of one line of `amount`, due in
        30 days."""
        stripe_ = self.client()
        customer = self.customer_paying_with(card, name=name)
        params: stripe.params.InvoiceCreateParams = {
            "customer": customer.id,
            "collection_method": "send_invoice",
            "days_until_due": 30,
        }
        if description:
            params["description"] = description
        draft = stripe_.v1.invoices.create(params)
        assert draft.id is not None
        stripe_.v1.invoice_items.create(
            {"customer": customer.id, "invoice": draft.id, "amount": amount, "description": item}
        )
        return customer, stripe_.v1.invoices.finalize_invoice(draft.id)

    def _control(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        data = (
            json.dumps({k: v for k, v in body.items() if v is not None}).encode() if body else None
        )
        request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read())  # every answer is an object
        return answer


class SandboxServer(SandboxControl):
    def __init__(
        self,
        seed: str | None = "demo",
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        host: str = "127.0.0.1",
        startup_timeout: float = 15.0,
    ) -> None:
        self.seed_name = seed or "empty"
        self.webhook = (webhook_url, webhook_secret)
        self.host = host
        self.startup_timeout = startup_timeout
        super().__init__("")
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> SandboxServer:
        command = [sys.executable, "-m", "sandbox", "--host", self.host, "--port", "0",
                   "--seed", self.seed_name]  # fmt: skip
        if self.webhook[0] and self.webhook[1]:
            command += ["--webhook-url", self.webhook[0], "--webhook-secret", self.webhook[1]]
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        first = _readline(self.process, self.startup_timeout)
        if "listening on " not in first:
            self.stop()
            raise RuntimeError(f"sandbox did not start: {first or 'no output'}")
        self.url = first.rsplit(" ", 1)[-1].strip()
        # Drain its output so a chatty server can never block on a full pipe.
        for stream in (self.process.stdout, self.process.stderr):
            threading.Thread(target=lambda s=stream: [None for _ in s], daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while True:
            try:
                self._control("GET", "/_sandbox/calls")
                return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _readline(process: subprocess.Popen[str], timeout: float) -> str:
    """The server's first line, or its last complaint if it stopped instead."""
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if line and line[0]:
        return line[0]
    try:
        process.wait(1)
    except subprocess.TimeoutExpired:
        return ""
    errors = process.stderr.read().strip().splitlines() if process.stderr else []
    return errors[-1] if errors else ""
