"""The `invoice-portal` command: serve the proxy, make a hash, run the Stripe sandbox."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time

from edge.hashing import is_customer_id, is_email, make_hash
from edge.settings import ConfigError, Settings

DURATION_PATTERN = re.compile(r"(\d+)([smhd]?)")
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "sandbox":
        from sandbox.cli import main as sandbox_main

        return int(sandbox_main(args[1:]) or 0)
    parser = argparse.ArgumentParser(prog="invoice-portal", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the edge proxy")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8787)
    hashing = commands.add_parser("hash", help="print the hash of an email or customer id")
    hashing.add_argument("identifier", help="the email exactly as the embed gets it, or cus_...")
    hashing.add_argument(
        "--expires-in", help="make an expiring hash valid this long: 3600, 30m, 1h, 7d"
    )
    commands.add_parser("sandbox", help="run the Stripe sandbox (see invoice-portal sandbox -h)")
    options = parser.parse_args(args)
    if options.command == "hash":
        return _hash(options.identifier, options.expires_in)
    return _serve(options.host, options.port)


def _serve(host: str, port: int) -> int:
    import uvicorn

    from edge.app import configure_logging, create_app

    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"invoice-portal: {error}", file=sys.stderr)
        return 2
    configure_logging()
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_config=None)
    return 0


def _hash(identifier: str, expires_in: str | None) -> int:
    secrets = [s.strip() for s in os.environ.get("PORTAL_HASH_SECRETS", "").split(",")]
    if not secrets[0]:
        print(
            "invoice-portal: PORTAL_HASH_SECRETS is empty: set it as the proxy has it",
            file=sys.stderr,
        )
        return 2
    if not (is_email(identifier) or is_customer_id(identifier)):
        print(
            f"invoice-portal: {identifier!r} is neither an email (with @, without :) "
            f"nor a customer id (cus_...)",
            file=sys.stderr,
        )
        return 2
    if expires_in is None:
        print(make_hash(secrets[0], identifier))
        return 0
    match = DURATION_PATTERN.fullmatch(expires_in.strip())
    if match is None or int(match[1]) <= 0:
        print(
            f"invoice-portal: --expires-in {expires_in!r} "
            "is not a duration: write 3600, 30m, 1h or 7d",
            file=sys.stderr,
        )
        return 2
    expires = int(time.time()) + int(match[1]) * UNITS[match[2]]
    print(f"hash={make_hash(secrets[0], identifier, expires)}")
    print(f"expires={expires}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
