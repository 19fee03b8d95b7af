"""Pure ASGI middleware: request id, security headers, JSON access logs, a body size limit,
and a last-resort JSON answer for bugs."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
import traceback
from contextvars import ContextVar
from typing import Any

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge.errors import ApiError

log = logging.getLogger("invoice_portal")
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
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


class JsonMessage:
    """A log message made of fields: its text is their JSON, and `JsonLines` writes the fields
    as they are instead of parsing that text back."""

    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields

    def __str__(self) -> str:
        return json.dumps(self.fields)


def log_fields(level: int, fields: dict[str, Any]) -> None:
    if log.isEnabledFor(level):
        # Built directly: logging's search of the stack for the caller costs more than the
        # rest of the line, and no line ever shows the caller's file.
        record = log.makeRecord(log.name, level, __name__, 0, JsonMessage(fields), (), None)
        log.handle(record)


class RequestContext:
    """Outermost layer: every answer, even to a bug, gets an id, the headers and a log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # A flood of refused requests must not become a flood of log lines: at most one
        # rate_limited line a second, which says how many it stands for.
        self.quiet_until = 0.0
        self.suppressed = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        if given and REQUEST_ID_PATTERN.fullmatch(given):
            request_id = given
        else:
            request_id = secrets.token_hex(16)
        scope.setdefault("state", {})["request_id"] = request_id
        request_id_var.set(request_id)
        started = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message["headers"] = [
                    *message.get("headers", []),
                    *extra,
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as error:
            # Where it failed, not what it said: an exception's message can quote a customer.
            frames = "".join(traceback.format_tb(error.__traceback__))
            fields = {"event": "unhandled_error", "request_id": request_id}
            log.error(json.dumps({**fields, "type": type(error).__name__, "frames": frames}))
            if status == 0:
                error = ApiError(500, "internal_error", "something went wrong in the proxy")
                scope["state"]["error_code"] = error.code
                await error.response()(scope, receive, send_with_headers)
        finally:
            record = {
                "event": "request",
                "request_id": request_id,
                "method": scope["method"],
                # The visitor's own path, cut short: a log line must not grow with the request.
                "path": scope["path"][:MAX_LOGGED_PATH],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            code = scope["state"].get("error_code")
            if code is not None:
                record["code"] = code
            if code != "rate_limited" or self._loud(record):
                log_fields(logging.INFO, record)

    def _loud(self, record: dict[str, Any]) -> bool:
        """Whether this rate_limited line is written; it then counts those that were not."""
        now = time.monotonic()
        if now < self.quiet_until:
            self.suppressed += 1
            return False
        record["also_refused"], self.suppressed = self.suppressed, 0
        self.quiet_until = now + 1.0
        return True


class Cors(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered and logged as the API's JSON error."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" else None
        if (
            headers is None
            or scope["method"] != "OPTIONS"
            or "origin" not in headers
            or "access-control-request-method" not in headers
        ):
            await super().__call__(scope, receive, send)
            return
        response = self.preflight_response(request_headers=headers)
        if response.status_code >= 400:
            error = ApiError(400, "preflight_refused", bytes(response.body).decode())
            scope.setdefault("state", {})["error_code"] = error.code
            response = error.response()
        await response(scope, receive, send)


class BodyLimit:
    """Refuse bodies over the limit with 413 body_too_large, before reading them whole."""

    def __init__(self, app: ASGIApp, limit: int, paths: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.paths = paths or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.paths.get(scope["path"], self.limit)
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            scope.setdefault("state", {})["error_code"] = "body_too_large"
            await _too_large(limit).response()(scope, receive, send)
            return
        received = 0
        too_large: ApiError | None = None

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = _too_large(limit)
                    raise too_large
            return message

        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except ApiError as error:
            # Raised by limited_receive where the app has no handler for it.
            if error is not too_large or started:
                raise
            scope.setdefault("state", {})["error_code"] = error.code
            await error.response()(scope, receive, send)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "body_too_large", f"the body is over {limit} bytes")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None
