from __future__ import annotations

from collections.abc import AsyncIterator
from typing import cast

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from edge.logs import JsonMessage
from edge.middleware import Front


async def broken(request: Request) -> JSONResponse:
    raise RuntimeError("a bug, with sk_test_secret in its message")


async def echo(request: Request) -> JSONResponse:
    return JSONResponse({"size": len(await request.body())})


def client() -> httpx.AsyncClient:
    app = Starlette(
        routes=[Route("/broken", broken), Route("/echo", echo, methods=["POST"])],
        middleware=[Middleware(Front, limit=100)],
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.mark.anyio
async def test_a_bug_answers_a_json_error_with_headers_and_never_the_exception_text() -> None:
    async with client() as http:
        answer = await http.get("/broken")
    assert answer.status_code == 500
    assert answer.json() == {
        "error": {"code": "internal_error", "message": "something went wrong in the proxy"}
    }
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-request-id"]


@pytest.mark.anyio
async def test_bodies_over_the_limit_are_413_whether_declared_or_streamed() -> None:
    async def stream() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"x" * 40

    async with client() as http:
        assert (await http.post("/echo", content=b"x" * 100)).json() == {"size": 100}
        declared = await http.post("/echo", content=b"x" * 101)
        streamed = await http.post("/echo", content=stream())
    assert declared.status_code == 413 and declared.json()["error"]["code"] == "body_too_large"
    assert streamed.status_code == 413, streamed.text


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def limited(request: Request) -> JSONResponse:
    request.state.error_code = "rate_limited"
    return JSONResponse({"error": {"code": "rate_limited"}}, status_code=429)


@pytest.mark.anyio
async def test_a_flood_of_refused_requests_logs_one_line_a_second_that_counts_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Starlette(routes=[Route("/limited", limited)], middleware=[Middleware(Front)])
    transport = httpx.ASGITransport(app=app)
    caplog.set_level("INFO", logger="invoice_portal")
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        for _ in range(50):
            assert (await http.get("/limited")).status_code == 429
    lines = [
        cast(JsonMessage, r.msg).fields for r in caplog.records if getattr(r.msg, "fields", None)
    ]
    refused = [line for line in lines if line.get("code") == "rate_limited"]
    assert 1 <= len(refused) <= 3
    assert sum(1 + line["also_refused"] for line in refused) <= 50
    assert refused[0]["also_refused"] == 0
