"""Every environment variable the proxy reads, in one table: how each is checked and read,
its default and an example. `Settings.from_env`, `invoice-portal serve --help` and
docs/configuration.md all come from it, so they cannot disagree."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import SplitResult, urlsplit

from limits import parse_many

KEY_PATTERN = re.compile(r"(sk|rk)_(test|live)_[A-Za-z0-9_]+")
DEFAULT_API_BASE = "https://api.stripe.com"
# The embed gives up on a request after 20 s: the proxy answers well before that.
MAX_DEADLINE = 15.0
LIVE_SECRET_LENGTH = 16
GENERATE_SECRET = "python -c 'import secrets; print(secrets.token_hex(32))'"  # noqa: S105 - a command, not a secret
TRUE = ("true", "1", "yes", "on")
FALSE = ("false", "0", "no", "off")


class Invalid(ValueError):
    """What is wrong with a value and how to fix it; the table adds the name and an example."""

    def __init__(self, problem: str, fix: str, example: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix
        self.example = example  # when the table's example is not the fix for this problem


@dataclass(frozen=True)
class Variable:
    name: str
    field: str  # the `Settings` attribute it sets
    default: str  # as it would be written in the environment; "" for none
    example: str
    meaning: str
    read: Callable[[str], Any]  # the value, stripped, or the default when unset
    required: bool = False

    @property
    def shown_default(self) -> str:
        return self.default or ("required" if self.required else "unset")

    def problem(self, error: Invalid) -> str:
        """The one line a site owner reads: the variable, what is wrong, the fix, an example."""
        example = self.example if error.example is None else error.example
        return f"{self.name} {error.problem}: {error.fix} (e.g. {self.name}={example})"


def stripe_key(value: str) -> str:
    if not value:
        raise Invalid(
            "is not set",
            "set it to a secret key (sk_...) or, better, a restricted key (rk_...) from the "
            "Stripe dashboard, Developers > API keys",
        )
    if not KEY_PATTERN.fullmatch(value):  # never shown back: it may be a real key
        raise Invalid(
            "does not look like a Stripe secret key",
            "use an sk_test_..., sk_live_..., rk_test_... or rk_live_... key; a publishable "
            "key (pk_...) does not work here",
        )
    return value


def hash_secrets(value: str) -> tuple[str, ...]:
    secrets = tuple(s.strip() for s in value.split(","))
    if not any(secrets):
        raise Invalid("is not set", "set one or more comma-separated long random secrets")
    if not all(secrets):
        raise Invalid("has an empty entry", "remove the stray comma")
    return secrets


def origins(value: str) -> tuple[str, ...]:
    found = tuple(o for o in (o.strip() for o in value.split(",")) if o)
    if not found:
        raise Invalid(
            "is not set", "set the comma-separated origins of the pages that embed the portal"
        )
    for origin in found:
        if not _is_origin(origin):
            raise Invalid(
                f"has {origin!r}, which is not an origin",
                "write scheme://host[:port] without path or trailing slash",
            )
    return found


def webhook_secret(value: str) -> str | None:
    if value and not value.startswith("whsec_"):
        raise Invalid(
            "does not start with whsec_",
            "copy the signing secret of your webhook endpoint from the Stripe dashboard, "
            "or unset it",
        )
    return value or None


def api_base(value: str) -> str:
    value = value.rstrip("/")
    parts = _split(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
        raise Invalid(
            f"is {value!r}, not a base address",
            f"write scheme://host[:port], or unset it to use {DEFAULT_API_BASE}",
        )
    return value


def redis_url(value: str) -> str | None:
    if value and _split(value).scheme not in ("redis", "rediss", "unix"):
        raise Invalid(
            f"is {value!r}, not a Redis address",
            "write redis://host:6379/0, rediss://... for TLS, or unset it to keep limits in memory",
        )
    return value or None


def flag(value: str) -> bool:
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise Invalid(f"is {value!r}, not a boolean", "write true or false")


def rate(value: str) -> str:
    try:
        parse_many(value)
    except ValueError:
        raise Invalid(
            f"is {value!r}, not a rate",
            "write a count per period such as 60/minute, or several joined by ; "
            "such as 10/second;300/hour",
        ) from None
    return value


def number(low: float, high: float, scale: float = 1, whole: bool = False) -> Callable[[str], Any]:
    def read(value: str) -> float | int:
        fix = f"write a number from {low:g} to {high:g}"
        try:
            found = float(value)
        except ValueError:
            raise Invalid(f"is {value!r}, not a number", fix) from None
        if not low <= found <= high:  # also refuses nan
            raise Invalid(f"is {value!r}, out of range", fix)
        return int(found * scale) if whole else found * scale

    return read


VARIABLES = (
    Variable(
        "STRIPE_SECRET_KEY", "stripe_secret_key", "", "rk_live_...",
        "a secret (sk_...) or restricted (rk_...) key; _test_ or _live_ in it sets the mode",
        stripe_key, required=True,
    ),
    Variable(
        "PORTAL_HASH_SECRETS", "hash_secrets", "", f'"$({GENERATE_SECRET})"',
        "comma-separated secrets; every one is accepted, the first signs (rotation without "
        f"downtime); in live mode each is at least {LIVE_SECRET_LENGTH} characters",
        hash_secrets, required=True,
    ),
    Variable(
        "PORTAL_ALLOWED_ORIGINS", "allowed_origins", "", "https://www.example.com",
        "comma-separated origins (no path, no trailing slash) of the pages that embed the portal",
        origins, required=True,
    ),
    Variable(
        "PORTAL_REQUIRE_HASH", "require_hash", "true", "false",
        "false accepts sessions without a hash (a hash sent is still checked); test keys only",
        flag,
    ),
    Variable(
        "PORTAL_REQUIRE_EXPIRING_HASH", "require_expiring_hash", "false", "true",
        "true refuses static hashes (403 expiring_hash_required)",
        flag,
    ),
    Variable(
        "PORTAL_MAX_HASH_LIFETIME", "max_hash_lifetime", "604800", "86400",
        "seconds (60 to 604800); an expiring hash whose expires is further ahead is refused",
        number(60, 7 * 24 * 3600, whole=True),
    ),
    Variable(
        "STRIPE_WEBHOOK_SECRET", "webhook_secret", "", "whsec_...",
        "the signing secret of your Stripe webhook endpoint; enables POST /v1/stripe/webhook",
        webhook_secret,
    ),
    Variable(
        "STRIPE_API_BASE", "api_base", DEFAULT_API_BASE, "http://127.0.0.1:12111",
        "another Stripe-compatible address, e.g. the project's Stripe sandbox",
        api_base,
    ),
    Variable(
        "PORTAL_ALLOW_PAY", "allow_pay", "true", "false",
        "false hides the Pay button and refuses payments",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_PDF", "allow_pdf", "true", "false",
        "false hides PDF downloads and refuses them",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_SHOW_ALL", "allow_show_all", "true", "false",
        "false refuses scope=all (the show-all-invoices attribute)",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_PAYMENT_METHOD_UPDATE", "allow_payment_method_update", "true", "false",
        "false refuses Stripe billing portal sessions that update the card",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_PLAN_CHANGE", "allow_plan_change", "false", "true",
        "true allows billing portal sessions that change the plan",
        flag,
    ),
    Variable(
        "PORTAL_ALLOW_CANCEL", "allow_cancel", "false", "true",
        "true allows billing portal sessions that cancel a subscription",
        flag,
    ),
    Variable(
        "PORTAL_CACHE_SECONDS", "cache_seconds", "30", "60",
        "seconds a customer's Stripe answers are reused (0 to 3600; 0 turns the cache off)",
        number(0, 3600),
    ),
    Variable(
        "PORTAL_CACHE_MB", "cache_bytes", "64", "256",
        "megabytes of memory for what the proxy keeps of Stripe's answers (1 to 65536)",
        number(1, 65536, scale=2**20, whole=True),
    ),
    Variable(
        "PORTAL_STRIPE_TIMEOUT", "stripe_timeout", "5", "3",
        f"seconds one Stripe attempt may take (0.1 to {MAX_DEADLINE:g})",
        number(0.1, MAX_DEADLINE),
    ),
    Variable(
        "PORTAL_STRIPE_DEADLINE", "stripe_deadline", "10", "12",
        f"seconds all Stripe calls of one request may take together (0.1 to {MAX_DEADLINE:g})",
        number(0.1, MAX_DEADLINE),
    ),
    Variable(
        "PORTAL_LIMIT_SESSION_PER_IP", "limit_session_per_ip", "60/minute", "10/second;300/hour",
        "new sessions per visitor address",
        rate,
    ),
    Variable(
        "PORTAL_LIMIT_SESSION_PER_IDENTIFIER", "limit_session_per_identifier", "20/minute",
        "5/minute",
        "new sessions per email or customer id, counted once the hash is valid",
        rate,
    ),
    Variable(
        "PORTAL_LIMIT_PER_TOKEN", "limit_per_token", "120/minute", "10/second;600/hour",
        "requests with a token; all tokens of one customer share it",
        rate,
    ),
    Variable(
        "PORTAL_STRIPE_CALLS_PER_SECOND", "stripe_calls_per_second", "20", "50",
        "this process's budget of Stripe calls (1 to 1000); when spent, requests get 429",
        number(1, 1000, whole=True),
    ),
    Variable(
        "PORTAL_REDIS_URL", "redis_url", "", "redis://cache:6379/0",
        "Redis shared by replicas for rate limits, shown invoices and webhook ids",
        redis_url,
    ),
)  # fmt: skip
BY_NAME = MappingProxyType({variable.name: variable for variable in VARIABLES})


def _split(value: str) -> SplitResult:
    """The parts of an address; none at all when it is malformed (`http://[x`, a bad port)."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return urlsplit("")
    return parts


def _is_origin(origin: str) -> bool:
    parts = _split(origin)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and f"{parts.scheme}://{parts.netloc}" == origin
        and "@" not in parts.netloc
    )
