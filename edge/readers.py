"""How each environment variable's value is checked and read: one function per kind of
value, raising `Invalid` with the problem and the fix; `edge.variables` names them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import SplitResult, urlsplit

from limits import parse_many

KEY_PATTERN = re.compile(r"(sk|rk)_(test|live)_[A-Za-z0-9_]+")
DEFAULT_API_BASE = "https://api.stripe.com"
# The embed gives up on a request after 20 s: the proxy answers well before that.
MAX_DEADLINE = 15.0
LIVE_SECRET_LENGTH = 16
TRUE = ("true", "1", "yes", "on")
FALSE = ("false", "0", "no", "off")


class Invalid(ValueError):
    """What is wrong with a value and how to fix it; the table adds the name and an example."""

    def __init__(self, problem: str, fix: str, example: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix
        self.example = example  # when the table's example is not the fix for this problem


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
