"""Short-lived bearer tokens naming the Stripe customers a visitor may see.

Signed with a key derived from the hash secrets, so every replica with the same
configuration accepts every other replica's tokens without a shared store.

The embed sends the same token with every request of a visit, so a token that passed the full
check is remembered in the caller's `Memo` (by its exact text, the secrets and the mode) and
later requests only check its expiry. Only tokens that passed are remembered: a changed byte
is a different text and gets the full check.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass

import jwt

AUDIENCE = "invoice-portal"
ALGORITHM = "HS256"
MAX_TOKEN_LENGTH = 8192
VERIFIED_TOKENS = 4096
HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
URLSAFE = bytes.maketrans(b"+/", b"-_")
# json.dumps(..., separators=(",", ":")), without building an encoder per call.
COMPACT = json.JSONEncoder(separators=(",", ":")).encode


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


@functools.lru_cache(maxsize=16)
def _signing_keys(secrets: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(signing_key(secret) for secret in secrets)


# (token, secrets, livemode) -> the claims it carried; insertion order is age.
Memo = dict[tuple[str, tuple[str, ...], bool], Claims]


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
    # What jwt.encode makes, byte for byte, without its layers: a session issues one per call.
    signed = HEADER + b"." + _base64(COMPACT(payload).encode())
    key = _signing_keys((secrets[0],))[0]
    signature = _base64(hmac.digest(key, signed, "sha256"))
    return (signed + b"." + signature).decode(), expires_at


def _base64(raw: bytes) -> bytes:
    # base64.urlsafe_b64encode, without its two layers of Python.
    return binascii.b2a_base64(raw, newline=False).translate(URLSAFE).rstrip(b"=")


def verify(
    secrets: Sequence[str], token: str, *, livemode: bool, now: int, memo: Memo | None = None
) -> Claims:
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("invalid_token", "the token is not valid")
    verified: Memo = {} if memo is None else memo
    key = (token, tuple(secrets), livemode)
    claims = verified.get(key)
    if claims is None:
        claims = _check(key[1], token, livemode)
        if len(verified) >= VERIFIED_TOKENS:
            del verified[next(iter(verified))]
        verified[key] = claims
    if claims.expires_at <= now:
        verified.pop(key, None)
        raise TokenError("expired_token", "the token has expired: start a new session")
    return claims


def _check(secrets: tuple[str, ...], token: str, livemode: bool) -> Claims:
    """The full check, all but expiry: signature, audience, required claims, types, mode."""
    claims: dict[str, object] | None = None
    for key in _signing_keys(secrets):
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                # Expiry is checked by the caller, against its clock, on every request.
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
    return Claims(
        customers=tuple(customers),  # type: ignore[arg-type]
        subscriptions=tuple(subscriptions),  # type: ignore[arg-type]
        default_subscription=default_subscription,
        livemode=livemode,
        expires_at=expires_at,
    )


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
