"""Stripe calls per portal load, counted by the sandbox: cold, warm and after a webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx

from bench import personas, processes


def measure() -> dict[str, Any]:
    with processes.sandbox() as sandbox, processes.proxy(sandbox.url) as edge:
        with httpx.Client(timeout=60) as client:
            meter = Meter(client, sandbox.url)
            rows = []
            emails = (personas.small(sandbox.url), personas.big(sandbox.url))
            history = {email: personas.invoice_count(sandbox.url, email) for email in emails}
            for email in emails:
                cold = meter.count(partial(_load, client, edge.url, email))
                warm = meter.count(partial(_load, client, edge.url, email))
                rows.append({"persona": email, "stage": "cold", **cold})
                rows.append({"persona": email, "stage": "warm (reload within cache TTL)", **warm})
            email = emails[0]
            event = _invoice_event(client, sandbox.url, personas.seeded(sandbox.url)[email][0])
            handled = meter.count(lambda: _send_webhook(client, edge.url, event))
            rows.append({"persona": email, "stage": "webhook handling itself", **handled})
            after = meter.count(lambda: _load(client, edge.url, email))
            rows.append({"persona": email, "stage": f"load after {event['type']}", **after})
    return {
        "load": "POST /v1/session (the embed's first request: customer and first page)",
        "invoices": history,
        "rows": rows,
    }


class Meter:
    def __init__(self, client: httpx.Client, sandbox: str) -> None:
        self.client, self.url = client, f"{sandbox}/_sandbox/calls"

    def reset(self) -> None:
        self.client.delete(self.url).raise_for_status()

    def count(self, action: Callable[[], object]) -> dict[str, Any]:
        self.reset()
        action()
        answer = self.client.get(self.url)
        answer.raise_for_status()
        calls = answer.json()
        by_endpoint = {k: v for k, v in calls.get("by_endpoint", {}).items() if v}
        return {"calls": calls["total"], "by_endpoint": by_endpoint}


def _load(client: httpx.Client, edge: str, email: str) -> None:
    answer = client.post(
        f"{edge}/v1/session",
        json={"email": email, "hash": personas.hash_for(email)},
        headers={"Origin": "http://127.0.0.1"},
    )
    answer.raise_for_status()


def _invoice_event(client: httpx.Client, sandbox: str, customer: str) -> dict[str, Any]:
    listing = client.get(
        f"{sandbox}/v1/invoices",
        params={"customer": customer, "limit": 1},
        headers=personas.STRIPE_KEY,
    )
    listing.raise_for_status()
    invoice = listing.json()["data"][0]
    now = int(time.time())
    return {
        "id": f"evt_bench{now}",
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": now,
        "data": {"object": invoice},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "invoice.updated",
    }


def sign(payload: bytes, secret: str, timestamp: int) -> str:
    signed = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={signed.hexdigest()}"


def _send_webhook(client: httpx.Client, edge: str, event: dict[str, Any]) -> None:
    payload = json.dumps(event).encode()
    signature = sign(payload, processes.WEBHOOK_SECRET, int(time.time()))
    answer = client.post(
        f"{edge}/v1/stripe/webhook",
        content=payload,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
    )
    answer.raise_for_status()


def shortfalls(result: dict[str, Any]) -> list[str]:
    rows = {(r["persona"], r["stage"].split()[0]): r["calls"] for r in result["rows"]}
    found = []
    for (persona, stage), calls in rows.items():
        if stage == "warm" and calls:
            found.append(f"stripe calls: a warm reload for {persona} still made {calls} calls")
    emails = list(dict.fromkeys(p for p, _ in rows))
    if len(emails) == 2 and rows[(emails[1], "cold")] > rows[(emails[0], "cold")]:
        found.append(
            f"stripe calls: a cold load of {emails[1]} made {rows[(emails[1], 'cold')]} calls, "
            f"more than {emails[0]}'s {rows[(emails[0], 'cold')]}: cost grows with history"
        )
    return found


def markdown(result: dict[str, Any]) -> list[str]:
    cold = {r["persona"]: r["calls"] for r in result["rows"] if r["stage"] == "cold"}
    lines = [
        f"One portal load = {result['load']}, through the proxy's HTTP API on a fresh proxy. "
        "Baseline: the cold load, which is what every load would cost without the cache. "
        "Invoices in each customer's history: "
        + ", ".join(f"{email} {count}" for email, count in result.get("invoices", {}).items())
        + ".",
        "",
        "| persona | stage | Stripe calls | vs cold | by endpoint |",
        "|---|---|---:|---:|---|",
    ]
    for row in result["rows"]:
        base = cold.get(row["persona"])
        ratio = f"{row['calls'] / base:.2f}" if base else "-"
        endpoints = ", ".join(f"`{k}` {v}" for k, v in sorted(row["by_endpoint"].items()))
        lines.append(
            f"| {row['persona']} | {row['stage']} | {row['calls']} | {ratio} | {endpoints or '-'} |"
        )
    return lines


def headline(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = []
    for persona in dict.fromkeys(r["persona"] for r in result["rows"]):
        mine = [r for r in result["rows"] if r["persona"] == persona]
        stages = " / ".join(f"{r['calls']}" for r in mine)
        names = " / ".join(r["stage"].split(" (")[0] for r in mine)
        rows.append((f"Stripe calls per load, {persona} ({names})", stages, "cold load", "warm: 0"))
    return rows
