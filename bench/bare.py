"""The throughput baseline: a bare Starlette JSON endpoint answering the proxy's bytes.

`create_app` reads the bodies the proxy really answered (captured by `bench.throughput`) from the
file named by BENCH_BARE_BODIES, with the headers the proxy adds to every answer (security
headers, Vary, a request id), so each edge endpoint is compared with a bare endpoint that
serialises the same JSON under the same headers; nothing else (no auth, no Stripe, no cache,
no log line) happens on its path.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def create_app() -> Starlette:
    given: dict[str, Any] = json.loads(Path(os.environ["BENCH_BARE_BODIES"]).read_text())
    bodies: dict[str, Any] = given["bodies"]
    headers: dict[str, str] = given["headers"]

    async def bare(request: Request) -> JSONResponse:
        if request.method == "POST":
            await request.json()
        return JSONResponse(bodies[request.path_params["name"]], headers=headers)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    routes = [
        Route("/bare/{name}", bare, methods=["GET", "POST"]),
        Route("/healthz", healthz),
    ]
    return Starlette(routes=routes)
