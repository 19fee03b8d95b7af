"""The HTTP layer under the Stripe SDK: an httpx.AsyncClient chosen by whoever builds the app.

This is the one piece to swap where sockets do not exist (Pyodide): give the app an
httpx.AsyncClient whose transport is the runtime's fetch, and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import anyio
import httpx
import stripe


class StripeTransport(stripe.HTTPClient):
    """The Stripe SDK's HTTP layer over an httpx.AsyncClient chosen by the caller."""

    name = "httpx-injected"

    def __init__(self, client: httpx.AsyncClient) -> None:
        super().__init__()
        self.client = client

    async def request_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[bytes, int, Mapping[str, str]]:
        try:
            response = await self.client.request(method, url, headers=headers, content=post_data)
        except httpx.TimeoutException as error:
            raise TimeoutError from error
        except httpx.HTTPError as error:
            message = f"network error talking to Stripe ({type(error).__name__})"
            raise stripe.APIConnectionError(message, should_retry=True) from error  # type: ignore[no-untyped-call]
        return response.content, response.status_code, response.headers

    async def sleep_async(self, secs: float) -> None:
        await anyio.sleep(secs)

    async def close_async(self) -> None:
        """The client belongs to whoever made it."""
