"""Webhook delivery: Stripe's events, signed as Stripe signs them, posted in the background."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from typing import Any

from sandbox.shapes import BASE

log = logging.getLogger("sandbox.webhooks")


def sign(payload: str, secret: str, timestamp: int) -> str:
    """The `Stripe-Signature` header that `stripe.Webhook.construct_event` verifies."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class Webhooks:
    def __init__(self, url: str | None = None, secret: str | None = None) -> None:
        self.url = url
        self.secret = secret
        self.base = "http://127.0.0.1"
        self.delivered = 0
        self.failed = 0
        self._queue: asyncio.Queue[tuple[str, str, str]] | None = None
        self._worker: asyncio.Task[None] | None = None

    def configure(self, url: str | None, secret: str | None) -> None:
        self.url, self.secret = url, secret

    def send(self, event: dict[str, Any]) -> None:
        """Queue an event; one worker posts them in order, never holding up an API answer."""
        if not self.url or not self.secret:
            return
        payload = json.dumps(event, ensure_ascii=False).replace(BASE, self.base + "/")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # seeding, outside the server: nothing listens yet
            return
        if self._queue is None or self._worker is None or self._worker.done():
            self._queue = asyncio.Queue()
            self._worker = loop.create_task(self._deliver(self._queue))
        self._queue.put_nowait((self.url, self.secret, payload))

    async def _deliver(self, queue: asyncio.Queue[tuple[str, str, str]]) -> None:
        import httpx  # tens of milliseconds to import: only once there is an event to post

        async with httpx.AsyncClient(timeout=5) as client:
            while True:
                url, secret, payload = await queue.get()
                headers = {
                    "Content-Type": "application/json; charset=utf-8",
                    "Stripe-Signature": sign(payload, secret, int(time.time())),
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                }
                try:
                    response = await client.post(url, content=payload.encode(), headers=headers)
                    ok = response.status_code < 300
                except httpx.HTTPError as exc:
                    log.warning("webhook to %s failed: %s", url, exc)
                    ok = False
                self.delivered += ok
                self.failed += not ok
