"""Configuration from the environment, checked once at start."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from limits import parse_many

KEY_PATTERN = re.compile(r"(sk|rk)_(test|live)_[A-Za-z0-9_]+")
DEFAULT_API_BASE = "https://api.stripe.com"
# The embed gives up on a request after 20 s: the proxy answers well before that.
MAX_DEADLINE = 15.0
GENERATE_SECRET = "python -c 'import secrets; print(secrets.token_hex(32))'"  # noqa: S105 - a command, not a secret


class ConfigError(Exception):
    """A bad setting: the message names the variable and the fix, on one line."""


@dataclass(frozen=True)
class Settings:
    stripe_secret_key: str
    hash_secrets: tuple[str, ...]
    allowed_origins: tuple[str, ...] = ()
    require_hash: bool = True
    require_expiring_hash: bool = False
    webhook_secret: str | None = None
    api_base: str = DEFAULT_API_BASE
    allow_pay: bool = True
    allow_pdf: bool = True
    allow_show_all: bool = True
    # Stripe billing portal sessions (Customer portal Write): a card update is how a customer
    # recovers from a decline; plan changes and cancellation are the owner's to offer.
    allow_payment_method_update: bool = True
    allow_plan_change: bool = False
    allow_cancel: bool = False
    cache_seconds: float = 30.0
    max_hash_lifetime: int = 7 * 24 * 3600
    stripe_timeout: float = 5.0
    # The whole request, whatever the number of Stripe calls in it; under the embed's 20 s.
    stripe_deadline: float = 10.0
    token_seconds: int = 15 * 60
    cache_bytes: int = 64 * 2**20
    redis_url: str | None = None
    limit_session_per_ip: str = "60/minute"
    limit_session_per_identifier: str = "20/minute"
    limit_per_token: str = "120/minute"  # noqa: S105 - a rate, not a secret
    stripe_calls_per_second: int = 20

    # PORTAL_CACHE_MB bounds everything kept of Stripe's data: half for cached answers, a
    # quarter for their rendered list pages, a quarter for the record of invoices shown.
    @property
    def answers_bytes(self) -> int:
        return self.cache_bytes // 2

    @property
    def pages_bytes(self) -> int:
        return self.cache_bytes // 4

    @property
    def seen_bytes(self) -> int:
        return self.cache_bytes // 4

    @property
    def test_mode(self) -> bool:
        return "_test_" in self.stripe_secret_key

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        key = env.get("STRIPE_SECRET_KEY", "").strip()
        if not key:
            raise ConfigError(
                "STRIPE_SECRET_KEY is not set: set it to your Stripe secret key (sk_live_... or "
                "sk_test_...) or a restricted key (rk_...)"
            )
        if not KEY_PATTERN.fullmatch(key):
            raise ConfigError(
                "STRIPE_SECRET_KEY does not look like a Stripe secret key: use the sk_test_..., "
                "sk_live_..., rk_test_... or rk_live_... key from the Stripe dashboard"
            )
        test_mode = "_test_" in key

        secrets = tuple(s.strip() for s in env.get("PORTAL_HASH_SECRETS", "").split(","))
        if not any(secrets):
            raise ConfigError(
                f"PORTAL_HASH_SECRETS is empty: set one or more comma-separated secrets, "
                f"e.g. generated with {GENERATE_SECRET}"
            )
        if not all(secrets):
            raise ConfigError("PORTAL_HASH_SECRETS has an empty entry: remove the stray comma")
        if not test_mode and any(len(s) < 16 for s in secrets):
            raise ConfigError(
                f"PORTAL_HASH_SECRETS has a secret shorter than 16 characters: use long random "
                f"secrets in live mode, e.g. generated with {GENERATE_SECRET}"
            )

        origins = tuple(o.strip() for o in env.get("PORTAL_ALLOWED_ORIGINS", "").split(","))
        origins = tuple(o for o in origins if o)
        if not origins:
            raise ConfigError(
                "PORTAL_ALLOWED_ORIGINS is empty: set the comma-separated origins of the pages "
                "that embed the portal, e.g. https://www.example.com"
            )
        for origin in origins:
            if not _is_origin(origin):
                raise ConfigError(
                    f"PORTAL_ALLOWED_ORIGINS has {origin!r}, which is not an origin: write "
                    f"scheme://host[:port] without path or trailing slash, "
                    f"e.g. https://www.example.com"
                )

        require_hash = _flag(env, "PORTAL_REQUIRE_HASH", True)
        if not require_hash and not test_mode:
            raise ConfigError(
                "PORTAL_REQUIRE_HASH=false is refused with a live key: remove it, or use a "
                "test key (sk_test_... or rk_test_...) while developing"
            )

        webhook_secret = env.get("STRIPE_WEBHOOK_SECRET", "").strip() or None
        if webhook_secret is not None and not webhook_secret.startswith("whsec_"):
            raise ConfigError(
                "STRIPE_WEBHOOK_SECRET does not start with whsec_: copy the signing secret of "
                "your webhook endpoint from the Stripe dashboard, or unset it"
            )

        api_base = env.get("STRIPE_API_BASE", "").strip().rstrip("/") or DEFAULT_API_BASE
        parts = urlsplit(api_base)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise ConfigError(
                "STRIPE_API_BASE is not a base address: write scheme://host[:port] such as "
                "http://127.0.0.1:12111, or unset it to use https://api.stripe.com"
            )

        return cls(
            stripe_secret_key=key,
            hash_secrets=secrets,
            allowed_origins=origins,
            require_hash=require_hash,
            require_expiring_hash=_flag(env, "PORTAL_REQUIRE_EXPIRING_HASH", False),
            webhook_secret=webhook_secret,
            api_base=api_base,
            allow_pay=_flag(env, "PORTAL_ALLOW_PAY", True),
            allow_pdf=_flag(env, "PORTAL_ALLOW_PDF", True),
            allow_show_all=_flag(env, "PORTAL_ALLOW_SHOW_ALL", True),
            allow_payment_method_update=_flag(env, "PORTAL_ALLOW_PAYMENT_METHOD_UPDATE", True),
            allow_plan_change=_flag(env, "PORTAL_ALLOW_PLAN_CHANGE", False),
            allow_cancel=_flag(env, "PORTAL_ALLOW_CANCEL", False),
            cache_seconds=_number(env, "PORTAL_CACHE_SECONDS", 30.0, 0.0, 3600.0),
            max_hash_lifetime=int(
                _number(env, "PORTAL_MAX_HASH_LIFETIME", 7 * 24 * 3600, 60, 7 * 24 * 3600)
            ),
            stripe_timeout=_number(env, "PORTAL_STRIPE_TIMEOUT", 5.0, 0.1, MAX_DEADLINE),
            stripe_deadline=_number(env, "PORTAL_STRIPE_DEADLINE", 10.0, 0.1, MAX_DEADLINE),
            cache_bytes=int(_number(env, "PORTAL_CACHE_MB", 64, 1, 65536) * 2**20),
            redis_url=_redis_url(env),
            limit_session_per_ip=_rate(env, "PORTAL_LIMIT_SESSION_PER_IP", "60/minute"),
            limit_session_per_identifier=_rate(
                env, "PORTAL_LIMIT_SESSION_PER_IDENTIFIER", "20/minute"
            ),
            limit_per_token=_rate(env, "PORTAL_LIMIT_PER_TOKEN", "120/minute"),
            stripe_calls_per_second=int(
                _number(env, "PORTAL_STRIPE_CALLS_PER_SECOND", 20, 1, 1000)
            ),
        )


def _redis_url(env: Mapping[str, str]) -> str | None:
    value = env.get("PORTAL_REDIS_URL", "").strip()
    if not value:
        return None
    if urlsplit(value).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(
            "PORTAL_REDIS_URL is not a Redis address: write redis://host:6379/0, "
            "rediss://... for TLS, or unset it to keep limits in memory"
        )
    return value


def _rate(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(
            f"{name}={value!r} is not a rate: write a count per period such as 60/minute, "
            f"or several separated by ; such as 10/second;300/hour"
        ) from None
    return value


def _is_origin(origin: str) -> bool:
    parts = urlsplit(origin)
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and f"{parts.scheme}://{parts.netloc}" == origin
        and "@" not in parts.netloc
    )


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise ConfigError(f"{name}={value!r} is not a boolean: write true or false")


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not low <= number <= high:
        raise ConfigError(
            f"{name}={value!r} is out of range: write a number from {low:g} to {high:g}"
        )
    return number
