"""A CDN-like static server for `dist/cdn`, for the demo and the end-to-end tests.

It answers the way a CDN in front of the package would: every file readable from any
origin (the embed loads its translations with `fetch`, and `integrity` needs CORS), the
`.br`/`.gz` twins sent when the browser accepts them, the stable `invoice-portal.js`
cached briefly and the content-hashed files forever.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".map": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
# A name such as `portal.3f9a1c2b.js` is immutable: its content never changes under it.
HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.[a-z0-9]+$", re.IGNORECASE)
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "*",
    "Timing-Allow-Origin": "*",
}


def create_app(root: Path) -> Starlette:
    root = root.resolve()

    async def serve(request: Request) -> Response:
        if request.method == "OPTIONS":
            headers = {**CORS_HEADERS, "Access-Control-Max-Age": "86400"}
            return Response(status_code=204, headers=headers)
        relative = request.path_params["path"] or "index.html"
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return PlainTextResponse("Not Found", status_code=404, headers=CORS_HEADERS)
        headers = dict(CORS_HEADERS)
        headers["Vary"] = "Accept-Encoding"
        if HASHED_NAME.search(path.name):
            headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            headers["Cache-Control"] = "public, max-age=300"
        accepted = request.headers.get("accept-encoding", "")
        served = path
        for encoding, suffix in ENCODINGS:
            twin = path.with_name(path.name + suffix)
            if encoding in accepted and twin.is_file():
                headers["Content-Encoding"] = encoding
                served = twin
                break
        media_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        return FileResponse(served, media_type=media_type, headers=headers)

    return Starlette(routes=[Route("/{path:path}", serve, methods=["GET", "HEAD", "OPTIONS"])])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.cdn", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path("dist/cdn"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    uvicorn.run(create_app(args.root), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
