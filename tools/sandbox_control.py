"""The Stripe sandbox's `/_sandbox/` control API, as `sandbox.testing.SandboxServer` has it."""

from __future__ import annotations

from typing import Any

import httpx
import stripe


class SandboxControl:
    """The sandbox's `/_sandbox/` control API, as `sandbox.testing.SandboxServer` offers it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=10.0)

    def calls(self) -> dict[str, Any]:
        answer: dict[str, Any] = self._send("GET", "/_sandbox/calls")
        return answer

    def reset_calls(self) -> None:
        self._send("DELETE", "/_sandbox/calls")

    def fault(self, status: int = 500, count: int = 1, path: str | None = None) -> None:
        """The next `count` calls (to paths starting with `path`, if given) answer `status`."""
        self._send("POST", "/_sandbox/faults", json=_given(status=status, count=count, path=path))

    def hang(self, seconds: float, count: int = 1, path: str | None = None) -> None:
        self._send("POST", "/_sandbox/faults", json=_given(hang=seconds, count=count, path=path))

    def latency(self, ms: int, path: str | None = None) -> None:
        """Every call (to paths starting with `path`, if given) waits `ms` first."""
        self._send("POST", "/_sandbox/faults", json=_given(latency_ms=ms, path=path))

    def clear_faults(self) -> None:
        self._send("DELETE", "/_sandbox/faults")

    def seed(self) -> dict[str, Any]:
        answer: dict[str, Any] = self._send("GET", "/_sandbox/seed")
        return answer

    def customers(self, email: str) -> list[str]:
        ids: list[str] = self.seed()["customers"][email]
        return ids

    def client(self, api_key: str = "sk_test_sandbox") -> stripe.StripeClient:
        """The official Stripe SDK, pointed at the sandbox."""
        return stripe.StripeClient(api_key, base_addresses={"api": self.url}, max_network_retries=0)

    def set_webhook(self, url: str, secret: str) -> None:
        self._send("POST", "/_sandbox/webhooks", json={"url": url, "secret": secret})

    def reset(self) -> None:
        """Reload the seed: every payment, fault and counter forgotten."""
        self._send("POST", "/_sandbox/reset")
        self.clear_faults()
        self.reset_calls()

    def close(self) -> None:
        self.http.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.http.request(method, path, **kwargs)
        answer.raise_for_status()
        return answer.json() if answer.content else None


def _given(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}
