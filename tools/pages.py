"""The sample host pages' server: a site on its own origin that embeds the portal.

It plays the site owner's backend. Pages in `tests/e2e/pages/` are templates:

- `{{CDN}}`, `{{EDGE}}`, `{{PAGES}}`: the CDN's, the proxy's and this server's base address;
- `{{INTEGRITY:invoice-portal.js}}`: that file's `sha384` from the CDN's `manifest.json`;
- `{{HASH:jane@example.com}}`: that identifier's hash, made here, on the server, as a real
  site does, so the secret never reaches the browser;
- `{{PORTAL}}`: the `<invoice-portal>` attributes taken from the query string (`email`,
  `customer`, `locale`, `debug`, ...), the hash computed for them unless `hash` or `no-hash`
  is given, and `expires-in=SECONDS` making an expiring hash;
- `{{PERSONAS}}`, `{{LOCALES}}`, `{{CHECKED:name}}`: the demo page's selectors and checkbox.

A page's response headers (its Content-Security-Policy, say) live beside it in
`<page>.headers`, one `Name: value` per line, with the same placeholders.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import json
import os
import re
import time
import urllib.request
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "e2e" / "pages"
PLACEHOLDER = re.compile(r"\{\{([A-Z]+)(?::([^}]*))?\}\}")
PORTAL_ATTRIBUTES = (
    "email",
    "customer",
    "hash",
    "expires",
    "locale",
    "default-locale",
    "translations",
    "show-all-invoices",
    "subscription",
    "debug",
)
BOOLEAN_ATTRIBUTES = {"show-all-invoices", "debug"}
DEFAULT_EMAIL = "jane@example.com"
# The demo page's first visit shows every invoice: the richest view of the demo customer.
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


def sign(secret: str, identifier: str, expires: int | None = None) -> str:
    message = identifier if expires is None else f"{identifier}:{expires}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class Site:
    def __init__(self, pages: Path, cdn: str, edge: str, secret: str, sandbox: str | None) -> None:
        self.pages = pages.resolve()
        self.cdn = cdn.rstrip("/")
        self.edge = edge.rstrip("/")
        self.secret = secret
        self.sandbox = sandbox.rstrip("/") if sandbox else None

    def portal_attributes(self, query: dict[str, str]) -> str:
        attributes = {name: query[name] for name in PORTAL_ATTRIBUTES if name in query}
        if "email" not in attributes and "customer" not in attributes:
            attributes["email"] = DEFAULT_EMAIL
        if "expires-in" in query:
            attributes["expires"] = str(int(time.time()) + int(query["expires-in"]))
        if "hash" not in attributes and "no-hash" not in query:
            identifier = attributes.get("email") or attributes.get("customer", "")
            expires = int(attributes["expires"]) if "expires" in attributes else None
            attributes["hash"] = sign(self.secret, identifier, expires)
        parts = [f'edge="{html.escape(self.edge)}"']
        for name, value in attributes.items():
            if name in BOOLEAN_ATTRIBUTES:
                if value.lower() not in ("0", "false", "off"):
                    parts.append(name)
            else:
                parts.append(f'{name}="{html.escape(value)}"')
        return " ".join(parts)

    def personas(self) -> list[str]:
        if self.sandbox is None:
            return [DEFAULT_EMAIL]
        try:
            with urllib.request.urlopen(f"{self.sandbox}/_sandbox/seed", timeout=5) as answer:  # noqa: S310
                seed = json.load(answer)
        except (OSError, ValueError):
            # A page that still shows the default customer beats a 500 while the sandbox starts.
            return [DEFAULT_EMAIL]
        return sorted(seed.get("customers", {})) or [DEFAULT_EMAIL]

    def integrity(self, path: str) -> str:
        """The file's `sha384-...` from the CDN's manifest, read as a deploy script would."""
        with urllib.request.urlopen(f"{self.cdn}/manifest.json", timeout=5) as answer:  # noqa: S310
            manifest = json.load(answer)
        value: str = manifest["files"][path]["integrity"]
        return value

    def locales(self) -> list[str]:
        return sorted(path.stem for path in (ROOT / "translations").glob("*.json"))

    def options(self, values: list[str], selected: str, labels: dict[str, str]) -> str:
        return "\n".join(
            f'<option value="{html.escape(value)}"{" selected" if value == selected else ""}>'
            f"{html.escape(labels.get(value, value))}</option>"
            for value in values
        )

    def render(self, text: str, query: dict[str, str]) -> str:
        def fill(match: re.Match[str]) -> str:
            name, argument = match.group(1), match.group(2)
            if name == "CDN":
                return self.cdn
            if name == "EDGE":
                return self.edge
            if name == "PAGES":
                return query["__origin__"]
            if name == "INTEGRITY":
                return self.integrity(argument or "")
            if name == "HASH":
                return sign(self.secret, argument or "")
            if name == "PORTAL":
                return self.portal_attributes(query)
            if name == "CHECKED":
                return "checked" if query.get(argument or "", "0") not in ("", "0") else ""
            if name == "PERSONAS":
                return self.options(self.personas(), query.get("email", DEFAULT_EMAIL), {})
            if name == "LOCALES":
                labels = {"auto": "Browser language"}
                return self.options(["auto", *self.locales()], query.get("locale", "auto"), labels)
            return match.group(0)

        return PLACEHOLDER.sub(fill, text)

    def headers_for(self, page: Path, query: dict[str, str]) -> dict[str, str]:
        headers = {"Cache-Control": "no-store"}
        sidecar = page.with_name(page.name + ".headers")
        if sidecar.is_file():
            for line in self.render(sidecar.read_text(), query).splitlines():
                if ":" in line and not line.startswith("#"):
                    name, value = line.split(":", 1)
                    headers[name.strip()] = value.strip()
        return headers

    async def serve(self, request: Request) -> Response:
        relative = request.path_params["path"] or "index.html"
        if relative == "favicon.ico":
            # Browsers ask for it on every page; a 404 would be noise in the console tests.
            return Response(status_code=204)
        page = (self.pages / relative).resolve()
        if page.is_dir():
            page = page / "index.html"
        if not page.is_relative_to(self.pages) or not page.is_file() or page.suffix == ".headers":
            return PlainTextResponse("Not Found", status_code=404)
        # No defaults of the demo's own: the page opens with the snippet's, as shipped.
        query = dict(request.query_params)
        query["__origin__"] = f"{request.url.scheme}://{request.url.netloc}"
        headers = self.headers_for(page, query)
        if page.suffix == ".html":
            return HTMLResponse(self.render(page.read_text(), query), headers=headers)
        media_type = CONTENT_TYPES.get(page.suffix, "application/octet-stream")
        return FileResponse(page, media_type=media_type, headers=headers)


def create_app(site: Site) -> Starlette:
    return Starlette(routes=[Route("/{path:path}", site.serve, methods=["GET", "HEAD"])])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.pages", description=__doc__)
    parser.add_argument("--pages", type=Path, default=PAGES)
    parser.add_argument("--cdn", required=True, help="base address of the CDN")
    parser.add_argument("--edge", required=True, help="base address of the edge proxy")
    parser.add_argument("--sandbox", help="base address of the Stripe sandbox (demo personas)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    # From the environment, not the command line, so it never shows in `ps`.
    secret = os.environ["PAGES_HASH_SECRET"]
    site = Site(args.pages, args.cdn, args.edge, secret, args.sandbox)
    uvicorn.run(create_app(site), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
