"""httpx over the JavaScript runtime's `fetch`, for Pyodide and Python Workers: Python has no
sockets of its own there, so the Stripe SDK's calls go out as the runtime's own requests."""

from __future__ import annotations

import asyncio
import sys

import httpx

# fetch sets these itself: undici (Node) throws on hop-by-hop ones, browsers drop the rest.
UNSENT = frozenset(
    {"host", "connection", "keep-alive", "content-length", "transfer-encoding", "upgrade", "te"}
)
# fetch has already decompressed the body and its length changed with it: httpx must not
# decode it again.
STALE = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class FetchTransport(httpx.AsyncBaseTransport):
    """One `pyodide.http.pyfetch` per request, bounded by the client's read timeout."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        from pyodide.http import pyfetch  # only in Pyodide

        headers = {k: v for k, v in request.headers.items() if k.lower() not in UNSENT}
        options: dict[str, object] = {"method": request.method, "headers": headers}
        if body := await request.aread():
            options["body"] = body
        timeout = request.extensions.get("timeout", {}).get("read")
        try:
            async with asyncio.timeout(timeout):
                answer = await pyfetch(str(request.url), **options)
                content = await answer.bytes()
        except TimeoutError as error:  # an OSError too: caught first
            raise httpx.ReadTimeout("fetch timed out", request=request) from error
        except OSError as error:
            raise httpx.ConnectError(f"fetch failed: {error}", request=request) from error
        kept = [(k, v) for k, v in answer.headers.items() if k.lower() not in STALE]
        return httpx.Response(answer.status, headers=kept, content=content, request=request)


def runtime_transport() -> httpx.AsyncBaseTransport | None:
    """fetch where there are no sockets (Pyodide); None leaves httpx its own transport."""
    return FetchTransport() if sys.platform == "emscripten" else None
