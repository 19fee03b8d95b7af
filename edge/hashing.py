"""The hash check: the only place that decides whether a visitor may see an identity.

hash = lowercase hex of HMAC-SHA256(secret, identifier), or of identifier + ":" + expires for
the expiring form. Every configured secret is accepted so that a secret can be rotated.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

EMAIL_MAX = 254
CUSTOMER_PATTERN = re.compile(r"cus_[A-Za-z0-9]{1,250}")
HASH_PATTERN = re.compile(r"[0-9a-fA-F]{64}")
CLOCK_SKEW = 60


class HashError(Exception):
    """A refused hash; `code` is the API error code (403)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_email(value: str) -> bool:
    # ":" is refused so that the static hash of "a@b.c:123" can never pass as the
    # expiring hash of "a@b.c" with expires=123.
    return (
        0 < len(value) <= EMAIL_MAX
        and "@" in value
        and ":" not in value
        and value.isprintable()
        and not value.startswith("cus_")
    )


def is_customer_id(value: str) -> bool:
    return CUSTOMER_PATTERN.fullmatch(value) is not None


def make_hash(secret: str, identifier: str, expires: int | None = None) -> str:
    message = identifier if expires is None else f"{identifier}:{expires}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def check_hash(
    secrets: Sequence[str],
    identifier: str,
    given: str | None,
    expires: int | None,
    *,
    now: float,
    max_lifetime: int,
    require_expiring: bool = False,
) -> None:
    """Return if `given` is a valid hash of `identifier` for any secret, else raise HashError."""
    if not given:
        raise HashError("missing_hash", "a hash is required: make it on your server")
    if expires is None and require_expiring:
        raise HashError(
            "expiring_hash_required",
            "this portal accepts only expiring hashes: sign identifier:expires and pass expires",
        )
    if HASH_PATTERN.fullmatch(given) is None:
        raise HashError("invalid_hash", "the hash is not 64 hexadecimal characters")
    given_bytes = given.lower().encode()
    matched = False
    for secret in secrets:
        # No early exit: the time taken does not tell which secret matched.
        expected = make_hash(secret, identifier, expires).encode()
        matched |= hmac.compare_digest(expected, given_bytes)
    if not matched:
        raise HashError("invalid_hash", "the hash does not match this email or customer")
    if expires is not None:
        if expires + CLOCK_SKEW < now:
            raise HashError("expired_hash", "the hash has expired: make a fresh one")
        if expires > now + max_lifetime + CLOCK_SKEW:
            raise HashError(
                "invalid_hash",
                f"expires is more than {max_lifetime} seconds ahead: shorten the lifetime",
            )
