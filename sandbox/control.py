"""The control API under `/_sandbox/`: call counts, faults, webhooks, seed, reset.

Not part of Stripe's API, never counted as a call, never faulted.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.state import Fault, Sandbox


def _error(message: str, param: str | None = None) -> JSONResponse:
    error = {"type": "invalid_request_error", "code": "invalid_control", "message": message}
    body = {"error": {**error, "param": param}}
    return JSONResponse(body, 400)


async def _body(request: Request) -> dict[str, Any] | None:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _number(value: Any, low: float, high: float) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high


def routes(sb: Sandbox) -> list[Route]:
    async def calls(request: Request) -> Response:
        if request.method == "DELETE":
            sb.calls.clear()
        return JSONResponse({"total": sum(sb.calls.values()), "by_endpoint": dict(sb.calls)})

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            sb.faults.clear()
            sb.latency_ms = 0
        elif request.method == "POST":
            body = await _body(request)
            if body is None:
                return _error("Send a JSON object.")
            unknown = set(body) - {"status", "count", "hang", "latency_ms", "path"}
            if unknown:
                return _error(f"Unknown field: {sorted(unknown)[0]}", sorted(unknown)[0])
            path = body.get("path")
            if path is not None and not (isinstance(path, str) and path.startswith("/")):
                return _error("path must be a path prefix such as /v1/invoices", "path")
            count = body.get("count", 1)
            if not (isinstance(count, int) and _number(count, 1, 1_000_000)):
                return _error("count must be an integer from 1", "count")
            if "latency_ms" in body:
                if not _number(body["latency_ms"], 0, 600_000):
                    return _error("latency_ms must be a number from 0 to 600000", "latency_ms")
                sb.latency_ms = int(body["latency_ms"])
            if "hang" in body:
                if not _number(body["hang"], 0, 3600):
                    return _error("hang must be seconds from 0 to 3600", "hang")
                sb.faults.append(Fault(hang=float(body["hang"]), count=count, path=path))
            if "status" in body:
                if body["status"] not in (429, 500):
                    return _error("status must be 429 or 500", "status")
                sb.faults.append(Fault(status=body["status"], count=count, path=path))
        return JSONResponse({
            "latency_ms": sb.latency_ms,
            "faults": [vars(f) for f in sb.faults],
        })  # fmt: skip

    async def webhooks(request: Request) -> Response:
        hooks = sb.webhooks
        if request.method == "POST":
            body = await _body(request)
            if body is None:
                return _error("Send a JSON object.")
            url, secret = body.get("url"), body.get("secret")
            if url is not None and not (
                isinstance(url, str) and url.startswith(("http://", "https://"))
            ):
                return _error("url must be an http(s) address, or null to stop", "url")
            if url is not None and not (isinstance(secret, str) and secret):
                return _error("secret is required with a url (whsec_...)", "secret")
            hooks.configure(url, secret)
        return JSONResponse(
            {"url": hooks.url, "delivered": hooks.delivered, "failed": hooks.failed}
        )

    async def seed(request: Request) -> Response:
        return JSONResponse(sb.personas)

    async def reset(request: Request) -> Response:
        sb.reset()
        return JSONResponse({"reset": True, "seed": sb.seed})

    return [
        Route("/_sandbox/calls", calls, methods=["GET", "DELETE"]),
        Route("/_sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_sandbox/webhooks", webhooks, methods=["GET", "POST"]),
        Route("/_sandbox/seed", seed, methods=["GET"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
    ]
