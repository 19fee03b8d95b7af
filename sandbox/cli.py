"""`invoice-portal sandbox`: run the Stripe sandbox on loopback."""

from __future__ import annotations

import argparse
import socket
import sys

import uvicorn

from sandbox.seed import SeedError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="invoice-portal sandbox",
        description="A Stripe API sandbox in memory: point STRIPE_API_BASE at it.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=12111, help="port; 0 picks a free one (12111)")
    parser.add_argument("--seed", default="demo", help="'demo', 'empty' or a seed JSON file (demo)")
    parser.add_argument("--webhook-url", help="where to post Stripe events")
    parser.add_argument("--webhook-secret", help="signing secret for the events (whsec_...)")
    args = parser.parse_args(argv)
    if bool(args.webhook_url) != bool(args.webhook_secret):
        parser.error("--webhook-url and --webhook-secret go together")

    from sandbox.app import create_app

    try:
        app = create_app(args.seed, args.webhook_url, args.webhook_secret)
    except SeedError as exc:
        print(f"invoice-portal sandbox: {exc}", file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        print(
            f"invoice-portal sandbox: cannot listen on {args.host}:{args.port}: {exc}",
            file=sys.stderr,
        )
        return 2
    host, port = sock.getsockname()[:2]
    # The first line tells scripts (and sandbox.testing) where it listens.
    print(f"Stripe sandbox listening on http://{host}:{port}", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
