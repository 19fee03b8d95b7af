"""Short-lived bearer tokens naming the Stripe customers a visitor may see.

Signed with a key derived from the hash secrets, so every replica with the same
configuration accepts every other replica's tokens without a shared store.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

import jwt

AUDIENCE = "invoice-portal"
ALGORITHM = "HS256"


class TokenError(Exception):
    """A refused token; `code` is the API error code (401)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Claims:
    customers: tuple[str, ...]
    subscriptions: tuple[str, ...]
    default_subscription: str | None
    livemode: bool
    expires_at: int


def signing_key(secret: str) -> bytes:
    # A separate key per purpose: a token signature is never a valid hash, nor the reverse.
    return hmac.new(secret.encode(), b"invoice-portal token v1", hashlib.sha256).digest()


def issue(
    secrets: Sequence[str],
    *,
    customers: Sequence[str],
    subscriptions: Sequence[str],
    default_subscription: str | None,
    livemode: bool,
    now: int,
    lifetime: int,
) -> tuple[str, int]:
    expires_at = now + lifetime
    payload = {
        "aud": AUDIENCE,
        "iat": now,
        "exp": expires_at,
        "cus": list(customers),
        "sub_ids": list(subscriptions),
        "dsub": default_subscription,
        "live": livemode,
    }
    token = jwt.encode(payload, signing_key(secrets[0]), algorithm=ALGORITHM)
    return token, expires_at


def verify(secrets: Sequence[str], token: str, *, livemode: bool, now: int) -> Claims:
    if len(token) > 8192:
        raise TokenError("invalid_token", "the token is not valid")
    claims: dict[str, object] | None = None
    for secret in secrets:
        try:
            claims = jwt.decode(
                token,
                signing_key(secret),
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                # Expiry is checked below against the caller's clock.
                options={
                    "require": ["exp", "aud", "iat"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
            break
        except jwt.PyJWTError:
            continue
    if claims is None:
        raise TokenError("invalid_token", "the token is not valid")
    expires_at = claims.get("exp")
    customers = claims.get("cus")
    subscriptions = claims.get("sub_ids")
    default_subscription = claims.get("dsub")
    if (
        not isinstance(expires_at, int)
        or not _strings(customers)
        or not _strings(subscriptions)
        or not (default_subscription is None or isinstance(default_subscription, str))
        or claims.get("live") is not livemode
    ):
        raise TokenError("invalid_token", "the token is not valid")
    if expires_at <= now:
        raise TokenError("expired_token", "the token has expired: start a new session")
    return Claims(
        customers=tuple(customers),  # type: ignore[arg-type]
        subscriptions=tuple(subscriptions),  # type: ignore[arg-type]
        default_subscription=default_subscription,
        livemode=livemode,
        expires_at=expires_at,
    )


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
