"""The application factory: `edge.app:create_app` for any ASGI server (`--factory`)."""

from __future__ import annotations

import inspect
import json
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
from starlette._utils import get_route_path
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.routing import Router as StarletteRouter
from starlette.types import ASGIApp, Receive, Scope, Send

from edge import account_routes, customer_routes
from edge.fetch_transport import runtime_transport
from edge.gateway import Gateway
from edge.logs import JsonLines as JsonLines
from edge.logs import configure_logging as configure_logging
from edge.logs import log
from edge.middleware import Front
from edge.parts import Parts
from edge.routes import routes
from edge.settings import ConfigError, Settings
from edge.store import Store

BODY_LIMIT = 16 * 1024
WEBHOOK_BODY_LIMIT = 1024 * 1024
# Libraries whose INFO lines quote request addresses (customer emails in ?email=) or Stripe's
# messages: only their warnings reach the proxy's log.
QUIET_LOGGERS = ("stripe", "httpx", "httpcore", "limits")


def create_app(
    settings: Settings | None = None, http_client: httpx.AsyncClient | None = None
) -> Api:
    """Build the proxy. The HTTP client under the Stripe SDK is the caller's choice."""
    if settings is None:
        try:
            settings = Settings.from_env()
        except ConfigError as error:
            for problem in error.problems:
                print(f"invoice-portal: {problem}", file=sys.stderr)
            raise SystemExit(2) from None
        configure_logging()
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    owned = http_client is None
    client = http_client or httpx.AsyncClient(
        timeout=settings.stripe_timeout, transport=runtime_transport()
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        mode = "test" if settings.test_mode else "live"
        log.info(json.dumps({"event": "start", "mode": mode, "stripe": settings.api_base}))
        yield
        await store.close()
        if owned:
            await client.aclose()

    app = Api(
        # The account's fixed paths (/v1/invoices/export.csv) before /v1/invoices/{id}.
        routes=[*account_routes.routes, *customer_routes.routes, *routes],
        middleware=[
            Middleware(
                Front,
                origins=settings.allowed_origins,
                limit=BODY_LIMIT,
                paths={"/v1/stripe/webhook": WEBHOOK_BODY_LIMIT},
            )
        ],
        lifespan=lifespan,
    )
    store = Store(settings)
    app.parts = Parts(settings, Gateway(settings, client, store), store, {})
    # A path with a trailing slash is not ours: no redirect built from the request's Host.
    app.router = Router(app.routes, redirect_slashes=False, lifespan=lifespan)
    return app


class Api(Starlette):
    """Starlette, with `Front` as its only middleware: Front answers the API's errors and a
    bug's 500 with their JSON and log line, so Starlette's own two layers for errors (each
    with its wrapper around `send`) would only be passed through. What requests read is on
    `parts` (edge.parts)."""

    parts: Parts

    def build_middleware_stack(self) -> ASGIApp:
        app: ASGIApp = self.router
        for cls, args, kwargs in reversed(self.user_middleware):
            app = cls(app, *args, **kwargs)
        return app


Endpoint = Callable[[Request], Awaitable[Response]]
Candidates = list[tuple[BaseRoute, Endpoint | None]]


class Router(StarletteRouter):
    """Starlette's router, which tries only the routes that can match the path: those of the
    path itself and those with parameters, in their order. Every other route's pattern is a
    fixed path, and trying each in turn cost more than the rest of routing a cached answer.
    A matched route's async function is called here, without the wrappers of Starlette's
    `request_response` for exception handlers the proxy does not have."""

    indexed: tuple[int, dict[str, Candidates], Candidates] = (-1, {}, [])

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            count, fixed, patterned = self.indexed
            if count != len(self.routes):  # routes added since: index them again
                count, fixed, patterned = self.indexed = _index(self.routes)
            for route, endpoint in fixed.get(get_route_path(scope), patterned):
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.setdefault("router", self)
                    scope["route"] = route
                    scope.update(child_scope)
                    if endpoint is None:
                        await route.handle(scope, receive, send)
                    else:
                        response = await endpoint(Request(scope, receive, send))
                        await response(scope, receive, send)
                    return
        # Partial matches (405), not found and the rest: Starlette's own way, over every route.
        await super().app(scope, receive, send)


def _index(routes: list[BaseRoute]) -> tuple[int, dict[str, Candidates], Candidates]:
    """Each fixed path's candidates, and those of every other path, in the routes' order,
    with the async function to call where the route is one."""

    def fixed(route: BaseRoute) -> str | None:
        return route.path if isinstance(route, Route) and not route.param_convertors else None

    def endpoint(route: BaseRoute) -> Endpoint | None:
        if isinstance(route, Route) and type(route) is Route:
            if inspect.iscoroutinefunction(route.endpoint):
                found: Endpoint = route.endpoint
                return found
        return None

    candidates = [(route, endpoint(route)) for route in routes]
    paths = {path for route in routes if (path := fixed(route)) is not None}
    by_path = {p: [c for c in candidates if fixed(c[0]) in (p, None)] for p in paths}
    return len(routes), by_path, [c for c in candidates if fixed(c[0]) is None]
