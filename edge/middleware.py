"""The one layer of pure ASGI middleware around the routes: the request id, CORS, a body size
limit, the security headers, the API's JSON errors (and a last-resort one for bugs), and the
request's log line."""

from __future__ import annotations

import json
import os
import re
import time
import traceback
from collections.abc import Collection
from operator import itemgetter
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge.errors import ApiError
from edge.inputs import named_headers
from edge.logs import log, log_request, request_id_var

MAX_LOGGED_PATH = 200
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,128}")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"strict-transport-security", b"max-age=63072000"),
]
OWN_HEADERS = frozenset([b"vary", *(name for name, _ in SECURITY_HEADERS)])
VARY_ORIGIN = (b"vary", b"Origin")
CORS_METHODS = ("GET", "POST")
CORS_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key")
EXPOSED = b"X-Request-Id, Invoice-Portal-Files, Content-Disposition"


class Front:
    """Every answer, even to a bug, gets an id, the headers and a log line; CORS is answered
    for the allowed origins only; bodies over the limit are refused with 413 body_too_large
    before they are read whole."""

    def __init__(
        self,
        app: ASGIApp,
        origins: Collection[str] = (),
        limit: int = 16 * 1024,
        paths: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.origins = frozenset(origins)
        self.limit = limit
        self.paths = paths or {}
        # Starlette's own answer to a preflight, for the rare OPTIONS request.
        self.preflight = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=list(CORS_METHODS),
            allow_headers=list(CORS_HEADERS),
            expose_headers=[EXPOSED.decode()],
            max_age=600,
        )
        # A flood of refused requests must not become a flood of log lines: at most one
        # rate_limited line a second, which says how many it stands for.
        self.quiet_until = 0.0
        self.suppressed = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        named = named_headers(scope)
        origin = _text(named.get(b"origin"))
        given = _text(named.get(b"x-request-id"))
        declared = _text(named.get(b"content-length"))
        request_id = given if given and REQUEST_ID_PATTERN.fullmatch(given) else None
        request_id = request_id or os.urandom(16).hex()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        request_id_var.set(request_id)
        status = 0
        # None for a preflight, whose answer has its own CORS headers.
        cors: list[tuple[bytes, bytes]] | None = []
        if origin is not None:
            cors = [(b"access-control-expose-headers", EXPOSED)]
            if origin in self.origins:
                cors.append((b"access-control-allow-origin", origin.encode("latin-1")))

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = _headers(message.get("headers", []), cors, request_id)
            await send(message)

        limit = self.paths.get(scope["path"], self.limit)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)
            return message

        try:
            if scope["method"] == "OPTIONS" and origin is not None:
                headers = Headers(scope=scope)
                if "access-control-request-method" in headers:
                    cors = None
                    await self._preflight(scope, headers, receive, send_with_headers)
                    return
            if declared is not None and (not declared.isdigit() or int(declared) > limit):
                raise _too_large(limit)
            await self.app(scope, limited_receive, send_with_headers)
        except (ApiError, HTTPException) as error:
            if status:  # too late for an answer of its own
                await self._bug(error, scope, receive, send_with_headers, status)
            else:
                await _answer(error, scope, receive, send_with_headers)
        except Exception as error:
            await self._bug(error, scope, receive, send_with_headers, status)
        finally:
            line: dict[str, Any] = {
                "event": "request",
                "request_id": request_id,
                "method": scope["method"],
                # The visitor's own path, cut short: a log line must not grow with the request.
                "path": scope["path"][:MAX_LOGGED_PATH],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            code = state.get("error_code")
            if code is not None:
                line["code"] = code
            if code != "rate_limited" or self._loud(line):
                log_request(line)

    async def _preflight(
        self, scope: Scope, headers: Headers, receive: Receive, send: Send
    ) -> None:
        """Starlette's preflight answer, a refused one as the API's JSON error."""
        response = self.preflight.preflight_response(request_headers=headers)
        if response.status_code >= 400:
            error = ApiError(400, "preflight_refused", bytes(response.body).decode())
            scope["state"]["error_code"] = error.code
            response = error.response()
        await response(scope, receive, send)

    async def _bug(
        self, error: Exception, scope: Scope, receive: Receive, send: Send, status: int
    ) -> None:
        # Where it failed, not what it said: an exception's message can quote a customer.
        frames = "".join(traceback.format_tb(error.__traceback__))
        fields = {"event": "unhandled_error", "request_id": scope["state"]["request_id"]}
        log.error(json.dumps({**fields, "type": type(error).__name__, "frames": frames}))
        if status == 0:
            answer = ApiError(500, "internal_error", "something went wrong in the proxy")
            scope["state"]["error_code"] = answer.code
            await answer.response()(scope, receive, send)

    def _loud(self, line: dict[str, Any]) -> bool:
        """Whether this rate_limited line is written; it then counts those that were not."""
        now = time.monotonic()
        if now < self.quiet_until:
            self.suppressed += 1
            return False
        line["also_refused"], self.suppressed = self.suppressed, 0
        self.quiet_until = now + 1.0
        return True


def _headers(
    given: list[tuple[bytes, bytes]], cors: list[tuple[bytes, bytes]] | None, request_id: str
) -> list[tuple[bytes, bytes]]:
    """The answer's headers, then the CORS ones and `Vary: Origin` (as Starlette's CORS
    middleware adds them), the security headers the answer did not set, and the request id."""
    if cors is not None and OWN_HEADERS.isdisjoint(map(bytes.lower, map(itemgetter(0), given))):
        # Nearly every answer: nothing of its own to merge with ours.
        return [
            *given,
            *cors,
            VARY_ORIGIN,
            *SECURITY_HEADERS,
            (b"x-request-id", request_id.encode()),
        ]
    names = {name.lower() for name, _ in given}
    if cors is None:
        headers = list(given)
    else:
        vary = [value for name, value in given if name.lower() == b"vary"]
        headers = [(n, v) for n, v in given if n.lower() != b"vary"] if vary else list(given)
        headers += cors
        headers.append((b"vary", b", ".join([*vary, b"Origin"])))
    headers += [(n, v) for n, v in SECURITY_HEADERS if n not in names]
    headers.append((b"x-request-id", request_id.encode()))
    return headers


async def _answer(
    error: ApiError | HTTPException, scope: Scope, receive: Receive, send: Send
) -> None:
    """The API's JSON error, for an `ApiError` or for Starlette's 404 and 405."""
    if isinstance(error, HTTPException):
        error = _mapped(error)
    scope["state"]["error_code"] = error.code
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    await error.response(headers)(scope, receive, send)


def _mapped(error: HTTPException) -> ApiError:
    if error.status_code == 404:
        return ApiError(404, "not_found", "no such endpoint")
    if error.status_code == 405:
        return ApiError(
            405,
            "method_not_allowed",
            "this endpoint does not take that method",
            headers=dict(error.headers or {}),  # Allow: the methods it does take
        )
    return ApiError(error.status_code, "invalid_request", str(error.detail))


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "body_too_large", f"the body is over {limit} bytes")
