"""The proxy's router answers every path and method as Starlette's own router would."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.routing import Router as StarletteRouter

from edge.app import Router


async def named(request: Request) -> PlainTextResponse:
    route = request.scope["route"]
    return PlainTextResponse(f"{route.path} {dict(request.path_params)}")


def routes() -> list[Route | Mount]:
    return [
        # Fixed paths placed before a pattern that also matches them, as the account's are.
        Route("/v1/invoices/export.csv", named, methods=["GET", "POST"]),
        Route("/v1/account", named, methods=["POST"]),
        Route("/v1/session", named, methods=["POST"]),
        Route("/v1/invoices", named, methods=["GET", "POST"]),
        Route("/v1/invoices/{id}", named, methods=["GET", "POST"]),
        Route("/v1/invoices/{id}/pay", named, methods=["POST"]),
        Route("/v1/invoices/export.zip", named, methods=["GET"]),  # after the pattern
        Mount("/static", routes=[Route("/{name}", named)]),
        Route("/healthz", named, methods=["GET"]),
    ]


REQUESTS = [
    ("GET", "/v1/invoices/export.csv"),
    ("POST", "/v1/invoices/export.csv"),
    ("GET", "/v1/invoices/export.zip"),
    ("PUT", "/v1/invoices/export.csv"),
    ("GET", "/v1/account"),
    ("POST", "/v1/session"),
    ("GET", "/v1/session"),
    ("GET", "/v1/invoices"),
    ("GET", "/v1/invoices/in_123"),
    ("POST", "/v1/invoices/in_123"),
    ("DELETE", "/v1/invoices/in_123"),
    ("POST", "/v1/invoices/in_123/pay"),
    ("GET", "/v1/invoices/in_123/pay"),
    ("GET", "/v1/invoices/in_123/nothing"),
    ("GET", "/static/logo.svg"),
    ("GET", "/healthz"),
    ("HEAD", "/healthz"),
    ("GET", "/healthz/"),
    ("GET", "/nowhere"),
]


async def _answers(router: StarletteRouter) -> list[tuple[int, str, str | None]]:
    app = Starlette()
    app.router = router
    found = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        for method, path in REQUESTS:
            answer = await http.request(method, path)
            found.append((answer.status_code, answer.text, answer.headers.get("allow")))
    return found


@pytest.mark.anyio
async def test_every_path_and_method_gets_the_answer_of_starlettes_router() -> None:
    ours = await _answers(Router(routes(), redirect_slashes=False))
    starlettes = await _answers(StarletteRouter(routes(), redirect_slashes=False))
    assert ours == starlettes
    assert ours[0] == (200, "/v1/invoices/export.csv {}", None)
    assert ours[2] == (200, "/v1/invoices/{id} {'id': 'export.zip'}", None)
    assert ours[8] == (200, "/v1/invoices/{id} {'id': 'in_123'}", None)
    assert ours[10][0] == 405


@pytest.mark.anyio
async def test_a_route_added_after_the_first_request_is_found() -> None:
    router = Router(routes(), redirect_slashes=False)
    assert (await _answers(router))[-1][0] == 404
    router.routes.append(Route("/nowhere", named))
    assert (await _answers(router))[-1] == (200, "/nowhere {}", None)
