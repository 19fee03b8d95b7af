"""The proxy as a Python Worker: a JavaScript Request in, one ASGI call of the same app as
everywhere else, a JavaScript Response out. docs/workers.md deploys it:

    from workers import WorkerEntrypoint
    from edge.worker import on_fetch

    class Default(WorkerEntrypoint):
        async def fetch(self, request):
            return await on_fetch(request, self.env)

The Worker's vars and secrets carry the environment variables' names and meanings. Rate
limits, the cache and tokens live in the isolate's memory: each isolate counts its own.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import httpx

from edge.app import Api, configure_logging, create_app
from edge.errors import ApiError
from edge.settings import ConfigError, Settings
from edge.variables import VARIABLES

log = logging.getLogger("invoice_portal")
# redis-py needs sockets, which a Worker does not give Python.
UNSUPPORTED = ("PORTAL_REDIS_URL",)
# A JavaScript Response with one of these statuses refuses a body, even an empty one.
BODILESS = frozenset({101, 204, 205, 304})


async def on_fetch(request: Any, env: Any) -> Any:
    """The fetch handler: a JavaScript Request (or the Workers SDK's wrapper of one) and the
    Worker's bindings in, a JavaScript Response out."""
    request = getattr(request, "js_object", request)
    try:
        app = app_for(bindings(env))
    except ConfigError as error:
        for problem in error.problems:
            log.error(f"invoice-portal: {problem}")
        refusal = ApiError(500, "misconfigured", "the portal is not configured: see its log")
        shaped = refusal.response()
        return _js_response(shaped.status_code, shaped.headers.items(), bytes(shaped.body))
    from js import Object

    headers = Object.fromEntries(request.headers.entries()).to_py()
    body = (await request.arrayBuffer()).to_bytes()
    # Cloudflare names the visitor in this header; the per-address session limit counts it.
    visitor = headers.get("cf-connecting-ip", "unknown")
    transport = httpx.ASGITransport(app, raise_app_exceptions=False, client=(visitor, 0))
    asked = httpx.Request(request.method, request.url, headers=headers, content=body or None)
    answer = await transport.handle_async_request(asked)
    return _js_response(answer.status_code, answer.headers.multi_items(), await answer.aread())


def bindings(env: Any) -> tuple[tuple[str, str], ...]:
    """The proxy's variables among the Worker's bindings; KV, R2 and the like are skipped,
    and vars written as JSON numbers or booleans are read as the environment would give them."""
    found = []
    for variable in VARIABLES:
        value = getattr(env, variable.name, None)
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int | float):
            value = str(value)
        if isinstance(value, str):
            found.append((variable.name, value))
    return tuple(found)


# One app per isolate, as a server process builds one at start. The memo is not state the
# request path reads or writes: it maps the (immutable) bindings to the app built from them, and
# everything requests change (limits, cache, tokens) lives on that app's `app.parts`. A deploy
# with other bindings gets a new app; maxsize=1 lets the old one go.
@functools.lru_cache(maxsize=1)
def app_for(bindings: tuple[tuple[str, str], ...]) -> Api:
    environ = dict(bindings)
    for name in UNSUPPORTED:
        if environ.pop(name, None):
            log.warning(f"invoice-portal: {name} is ignored in a Worker: limits stay in memory")
    settings = Settings.from_env(environ)
    configure_logging()
    return create_app(settings)


def _js_response(status: int, headers: Any, content: bytes) -> Any:
    from js import Headers, Object, Response
    from pyodide.ffi import to_js

    out = Headers.new()
    for name, value in headers:
        out.append(name, value)
    init = to_js({"status": status, "headers": out}, dict_converter=Object.fromEntries)
    # Response copies the bytes: the view to_js makes need not outlive this call.
    return Response.new(None if status in BODILESS else to_js(content), init)
