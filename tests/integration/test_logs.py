"""The log of the whole integration suite names no customer and holds no secret.

Runs last (see conftest.py): by then every other test of the suite has sent its sessions,
refusals, payments, Stripe failures and webhooks through the proxies, and `log_lines` holds
each line they wrote, formatted as `invoice-portal serve` writes it.
"""

from __future__ import annotations

import json
import re

from sandbox.testing import SandboxServer

from .conftest import SECRET, WEBHOOK_SECRET, LogLines

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
HEX_64 = re.compile(r"[0-9a-fA-F]{64,}")
TOKEN = re.compile(r"eyJ[\w-]+\.")
KEY = re.compile(r"\b(sk|rk|pk)_(test|live)_\w+")
# Words only Stripe's error messages (or the SDK's own log lines) carry.
STRIPE_MESSAGES = (
    "No such",
    "Invalid API Key",
    "Your card",
    "was declined",
    "insufficient funds",
    "api.stripe.com",
    "/v1/customers?",
    "Request to Stripe",
)


def test_the_suite_logged_requests_with_their_refusal_codes(log_lines: LogLines) -> None:
    requests = [json.loads(line) for line in log_lines.lines if '"event": "request"' in line]
    assert len(requests) > 100
    refused = [r for r in requests if r["status"] >= 400]
    assert refused and all(r.get("code") for r in refused)
    assert {"invalid_hash", "not_found", "invalid_token"} <= {r["code"] for r in refused}


def test_no_line_holds_an_email_name_token_hash_key_or_stripe_message(
    log_lines: LogLines, sandbox: SandboxServer
) -> None:
    names = [
        customer.name
        for customer in sandbox.client().v1.customers.list(params={"limit": 100}).data
        if customer.name and len(customer.name) > 3
    ]
    assert "Jane Cooper" in names
    secrets = (SECRET, WEBHOOK_SECRET)
    for line in log_lines.lines:
        assert not EMAIL.search(line), line
        # A hash is 64 hex digits of every kind; a visitor's "aaaa..." path is not one.
        assert not any(len(set(run)) > 4 for run in HEX_64.findall(line)), line
        assert not TOKEN.search(line), line
        assert not KEY.search(line), line
        for text in (*names, *secrets, *STRIPE_MESSAGES):
            assert text not in line, (text, line)
