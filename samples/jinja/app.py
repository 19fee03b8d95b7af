"""A server-rendered account page that embeds the invoice portal: Starlette and Jinja2.

The server knows who is signed in, so it is where the portal's hash is made: an expiring
HMAC-SHA256 of the user's email, keyed with the proxy's secret, which never reaches the
browser. When it runs out while the page is open, the page asks `/portal-identity` for a
fresh one.

    PORTAL_HASH_SECRETS=... PORTAL_EDGE=https://billing.example.com \\
    PORTAL_SCRIPT=https://cdn.example.com/invoice-portal/invoice-portal.js \\
    python samples/jinja/app.py --port 5000
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

HERE = Path(__file__).resolve().parent
REQUIRED = ("PORTAL_HASH_SECRETS", "PORTAL_EDGE", "PORTAL_SCRIPT")
# Long enough for a visit; a copied page or a leaked hash is useless a quarter hour later.
LIFETIME_SECONDS = 15 * 60


@dataclass(frozen=True)
class Portal:
    """Where the portal's script and proxy are, and the secret the proxy checks hashes with."""

    script: str
    integrity: str
    edge: str
    secret: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Portal:
        missing = [name for name in REQUIRED if not env.get(name, "").strip()]
        if missing:
            raise SystemExit(f"set {', '.join(missing)}: see samples/jinja/README.md")
        return cls(
            script=env["PORTAL_SCRIPT"].strip(),
            integrity=env.get("PORTAL_INTEGRITY", "").strip(),
            edge=env["PORTAL_EDGE"].strip(),
            # The proxy accepts every one of its secrets; signing with the first lets the
            # others be retired (contract: rotation without downtime).
            secret=env["PORTAL_HASH_SECRETS"].split(",")[0].strip(),
        )

    def identity(self, email: str) -> dict[str, str | int]:
        """The portal's `email`, `hash` and `expires` for the signed-in user.

        The hash is lowercase hex HMAC-SHA256 of `email:expires`, the email exactly as the
        page gives it to the portal.
        """
        expires = int(time.time()) + LIFETIME_SECONDS
        message = f"{email}:{expires}".encode()
        digest = hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()
        return {"email": email, "hash": digest, "expires": expires}


def signed_in_email(request: Request) -> str:
    """Stands in for your session: a real site reads the signed-in user here."""
    email: str = request.app.state.sample_email
    return email


def create_app(env: Mapping[str, str] = os.environ) -> Starlette:
    portal = Portal.from_env(env)
    templates = Jinja2Templates(directory=HERE / "templates")

    async def account(request: Request) -> Response:
        identity = portal.identity(signed_in_email(request))
        context = {"portal": portal, "identity": identity}
        return templates.TemplateResponse(request, "account.html", context)

    async def fresh_identity(request: Request) -> Response:
        identity = portal.identity(signed_in_email(request))
        return JSONResponse(identity, headers={"Cache-Control": "no-store"})

    app = Starlette(
        routes=[
            Route("/", account),
            Route("/portal-identity", fresh_identity),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]
    )
    app.state.sample_email = env.get("SAMPLE_EMAIL", "jane@example.com")
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
