"""List cursors the proxy hands out, signed and bound to the customers they were made for.

A visitor can only page from where the proxy's own answers left them: an edited cursor, a
random invoice id or another customer's id is refused before any Stripe call. The signature
needs no shared state, so every replica accepts every other replica's cursors.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

SEPARATOR = "~"
SIGNATURE_LENGTH = 32
MAX_LENGTH = 4096


def _key(secret: str) -> bytes:
    # A separate key per purpose: a cursor signature is never a token or a hash.
    return hmac.new(secret.encode(), b"invoice-portal cursor v1", hashlib.sha256).digest()


def _signature(key: bytes, position: str, customers: Sequence[str]) -> str:
    message = ("\n".join(customers) + "\n\n" + position).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:SIGNATURE_LENGTH]


def sign(secrets: Sequence[str], position: str | None, customers: Sequence[str]) -> str | None:
    """The cursor for a Stripe position (an invoice id or a merged position), or None."""
    if position is None:
        return None
    return position + SEPARATOR + _signature(_key(secrets[0]), position, customers)


def open_cursor(secrets: Sequence[str], cursor: str, customers: Sequence[str]) -> str | None:
    """The position a cursor of ours carries for these customers, else None."""
    if len(cursor) > MAX_LENGTH:
        return None
    position, separator, given = cursor.rpartition(SEPARATOR)
    if not separator or len(given) != SIGNATURE_LENGTH or not given.isascii():
        return None
    matched = False
    for secret in secrets:
        expected = _signature(_key(secret), position, customers)
        matched |= hmac.compare_digest(expected.encode(), given.encode())
    return position if matched else None
