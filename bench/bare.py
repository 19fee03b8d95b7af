"""The throughput baseline: a bare Starlette JSON endpoint answering a body of the proxy's size.

`create_app` reads the bodies the proxy really answered (captured by `bench.throughput`) from the
file named by BENCH_BARE_BODIES, so each edge endpoint is compared with a bare endpoint that
serialises the same JSON; nothing else (no auth, no Stripe, no cache) happens on its path.
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
    bodies: dict[str, Any] = json.loads(Path(os.environ["BENCH_BARE_BODIES"]).read_text())

    async def bare(request: Request) -> JSONResponse:
        if request.method == "POST":
            await request.json()
        return JSONResponse(bodies[request.path_params["name"]])

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    routes = [
        Route("/bare/{name}", bare, methods=["GET", "POST"]),
        Route("/healthz", healthz),
    ]
    return Starlette(routes=routes)
