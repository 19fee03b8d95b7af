"""The `invoice-portal` command: serve the proxy, check its configuration and Stripe key, make
a hash, run the Stripe sandbox."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import re
import sys
import textwrap
import time
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from edge.errors import ApiError
from edge.hashing import is_customer_id, is_email, make_hash
from edge.readers import Invalid
from edge.settings import ConfigError, Settings
from edge.variables import BY_NAME, VARIABLES

DURATION_PATTERN = re.compile(r"(\d+)([smhd]?)")
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
# What the readiness check found, for a site owner: the cause and where to look.
STRIPE_PROBLEMS = {
    "stripe_key_rejected": (
        "Stripe refuses STRIPE_SECRET_KEY (stripe_key_rejected): the key is mistyped, revoked, "
        "or a restricted key without Customers Read; copy a current key from the Stripe "
        "dashboard, Developers > API keys"
    ),
    "stripe_unreachable": (
        "Stripe cannot be reached at {api_base} (stripe_unreachable): check this machine's "
        "network, firewall or outbound proxy, and STRIPE_API_BASE"
    ),
}
log = logging.getLogger("invoice_portal")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "sandbox":
        return _plugin("sandbox", args[1:])
    parser = argparse.ArgumentParser(prog="invoice-portal", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="run the edge proxy",
        description=_wrapped(
            "Run the edge proxy. Every setting is checked first; all problems are reported "
            "at once (exit status 2). Then the Stripe key is tried once: a refused key or an "
            "unreachable Stripe is logged as one error line, and /readyz answers 503 until "
            "fixed."
        ),
        epilog=variables_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    serve.add_argument("--port", type=int, default=8787, help="port to listen on (%(default)s)")
    serve.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="processes serving the same port, one per core you give the proxy (%(default)s); "
        "without PORTAL_REDIS_URL each keeps its own limits and cache",
    )
    commands.add_parser(
        "check",
        help="check the configuration, then the Stripe key with one Stripe call",
        description="Check every setting (all problems at once, exit status 2), then try the "
        "Stripe key with one cheap Stripe call, as GET /readyz does (exit status 1 when Stripe "
        "refuses the key or cannot be reached). Reads the same environment as serve.",
    )
    hashing = commands.add_parser(
        "hash",
        help="print the hash of an email or customer id",
        description=_wrapped(
            "Print the hash the proxy expects for IDENTIFIER, made with the first "
            "secret of PORTAL_HASH_SECRETS (read from the environment, as the proxy has it): "
            "compare it with what your server makes to debug a 403 invalid_hash."
        ),
        epilog="examples:\n"
        "  PORTAL_HASH_SECRETS=... invoice-portal hash jane@example.com\n"
        "  PORTAL_HASH_SECRETS=... invoice-portal hash cus_ABC123 --expires-in 1h",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    hashing.add_argument("identifier", help="the email exactly as the embed gets it, or cus_...")
    hashing.add_argument(
        "--expires-in",
        metavar="DURATION",
        help="make an expiring hash valid this long (3600, 30m, 1h, 7d): prints hash= and "
        "expires=, both for the embed",
    )
    commands.add_parser("sandbox", help="run the Stripe sandbox (see invoice-portal sandbox -h)")
    options = parser.parse_args(args)
    if options.command == "hash":
        return _hash(options.identifier, options.expires_in)
    if options.command == "check":
        return _check()
    return _serve(options.host, options.port, options.workers)


def _wrapped(text: str) -> str:
    return textwrap.fill(text, width=88)


def variables_help() -> str:
    lines = ["environment variables:"]
    for variable in VARIABLES:
        lines.append(
            f"  {variable.name}  (default: {variable.shown_default}; e.g. {variable.example})"
        )
        lines += textwrap.wrap(
            variable.meaning, width=92, initial_indent=" " * 6, subsequent_indent=" " * 6
        )
    lines.append(
        "  FORWARDED_ALLOW_IPS  (uvicorn's own; default: 127.0.0.1; e.g. 10.0.0.5)\n"
        "      addresses of reverse proxies whose X-Forwarded-For is trusted"
    )
    return "\n".join(lines)


def _settings() -> Settings | None:
    """The settings, or None once every problem is printed, one line each."""
    try:
        return Settings.from_env()
    except ConfigError as error:
        for problem in error.problems:
            print(f"invoice-portal: {problem}", file=sys.stderr)
        return None


def _plugin(name: str, args: list[str]) -> int:
    """A command another distribution adds (the sandbox adds `sandbox`), found by its entry
    point: the proxy never imports it by name, so the proxy's wheel works without it."""
    found = [e for e in entry_points(group="invoice_portal.commands") if e.name == name]
    if not found:
        print(
            f"invoice-portal: {name} is not installed: it is its own distribution; from the "
            f"repository, pip install ./{name}",
            file=sys.stderr,
        )
        return 2
    command: Callable[[list[str]], int | None] = found[0].load()
    return int(command(args) or 0)


def _serve(host: str, port: int, workers: int) -> int:
    try:
        import uvicorn
    except ImportError:
        print(
            "invoice-portal: serve needs uvicorn, the server extra: pip install "
            "'invoice-portal[serve]' (from the repository: pip install '.[serve]')",
            file=sys.stderr,
        )
        return 2

    from edge.app import configure_logging, create_app

    settings = _settings()
    if settings is None:
        return 2
    configure_logging()
    problem = stripe_problem(settings)
    if problem is not None:
        message = _cause(problem, settings)
        message += "; the proxy starts anyway, and GET /readyz answers 503 until it is fixed"
        log.error(
            json.dumps({"event": "stripe_not_ready", "code": problem.code, "message": message})
        )
    # uvloop and httptools (the serve extra) where they are installed, asyncio and h11 if not.
    common: dict[str, Any] = {"host": host, "port": port, "access_log": False, "log_config": None}
    if workers == 1:
        uvicorn.run(create_app(settings), **common)
    else:
        # Each worker builds its app from the same environment, already checked above.
        uvicorn.run("edge.app:create_app", factory=True, workers=workers, **common)
    return 0


def _workers(value: str) -> int:
    count = int(value)
    if not 1 <= count <= 64:
        raise argparse.ArgumentTypeError(f"--workers must be 1 to 64, got {count}")
    return count


def _check() -> int:
    settings = _settings()
    if settings is None:
        return 2
    kind = "restricted" if settings.stripe_secret_key.startswith("rk_") else "secret"
    mode = "test" if settings.test_mode else "live"
    print(f"configuration: ok, {len(VARIABLES)} variables checked")
    print(f"STRIPE_SECRET_KEY: a {kind} key ({settings.stripe_secret_key[:3]}...) in {mode} mode")
    problem = stripe_problem(settings)
    if problem is None or problem.code != "stripe_unreachable":
        print(f"Stripe: reachable at {settings.api_base}")
    if problem is not None:
        message = _cause(problem, settings)
        print(f"invoice-portal: {message}", file=sys.stderr)
        return 1
    print("Stripe: the key is accepted; the proxy is ready")
    return 0


def _cause(problem: ApiError, settings: Settings) -> str:
    cause = STRIPE_PROBLEMS.get(problem.code, f"{problem.message} ({problem.code})")
    return cause.format(api_base=settings.api_base)


def stripe_problem(settings: Settings) -> ApiError | None:
    """The readiness check of GET /readyz, once: None when Stripe accepts the key."""
    import anyio
    import httpx

    from edge.app import QUIET_LOGGERS
    from edge.gateway import Gateway
    from edge.store import Store

    async def ready() -> ApiError | None:
        async with httpx.AsyncClient(timeout=settings.stripe_timeout) as client:
            # The check touches no rate limit: no Redis connection for it.
            store = Store(dataclasses.replace(settings, redis_url=None))
            return await Gateway(settings, client, store).ready()

    for name in QUIET_LOGGERS:  # as the app has them: no line per Stripe call
        logging.getLogger(name).setLevel(logging.WARNING)
    # The gateway warns at each failed probe; here the caller says it once, as an error.
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        return anyio.run(ready)
    finally:
        log.setLevel(level)


def _hash(identifier: str, expires_in: str | None) -> int:
    secrets_variable = BY_NAME["PORTAL_HASH_SECRETS"]
    try:
        secrets = secrets_variable.read(os.environ.get(secrets_variable.name, "").strip())
    except Invalid as error:
        print(f"invoice-portal: {secrets_variable.problem(error)}", file=sys.stderr)
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
