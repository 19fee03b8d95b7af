"""Hashes for site owners on Python: what their server puts on the <invoice-portal> element.

from edge.owner import element_attributes
element_attributes("jane@example.com", edge="https://billing.example.com")
    # {"edge": ..., "email": "jane@example.com", "hash": "...", "expires": "1767225600"}

The hashes are edge.hashing's own, so the proxy accepts exactly what this module makes.
Without a secret, the first of PORTAL_HASH_SECRETS signs, as the proxy's settings read it.
"""

from __future__ import annotations

import html
import os
import time

from edge.hashing import is_customer_id, is_email, make_hash

LIFETIME = 15 * 60
# The longest PORTAL_MAX_HASH_LIFETIME can be: a later expires is refused by every proxy.
MAX_LIFETIME = 7 * 24 * 3600


def static_hash(identifier: str, secret: str | bytes | None = None) -> str:
    """The hash that never expires: as sensitive as a password to this customer's invoices.

    `identifier` is the email exactly as the element gets it, or a Stripe customer id.
    """
    return make_hash(_secret(secret), _identifier(identifier))


def expiring_hash(
    identifier: str,
    secret: str | bytes | None = None,
    *,
    lifetime: int = LIFETIME,
    now: float | None = None,
) -> tuple[str, int]:
    """The hash of `identifier:expires` and `expires`, unix seconds `lifetime` from now."""
    if not 0 < lifetime <= MAX_LIFETIME:
        raise ValueError(f"lifetime must be 1 to {MAX_LIFETIME} seconds, got {lifetime}")
    expires = int(time.time() if now is None else now) + lifetime
    return make_hash(_secret(secret), _identifier(identifier), expires), expires


def element_attributes(
    identifier: str,
    *,
    edge: str | None = None,
    secret: str | bytes | None = None,
    expiring: bool = True,
    lifetime: int = LIFETIME,
    now: float | None = None,
) -> dict[str, str]:
    """The element's `edge`, `email` or `customer`, `hash` and (unless `expiring` is false)
    `expires` attributes, for a template that writes each one."""
    kind = "customer" if is_customer_id(identifier) else "email"
    attributes: dict[str, str] = {"edge": edge} if edge is not None else {}
    attributes[kind] = identifier
    if expiring:
        signed, expires = expiring_hash(identifier, secret, lifetime=lifetime, now=now)
        attributes.update(hash=signed, expires=str(expires))
    else:
        attributes["hash"] = static_hash(identifier, secret)
    return attributes


def element_html_attributes(
    identifier: str,
    *,
    edge: str | None = None,
    secret: str | bytes | None = None,
    expiring: bool = True,
    lifetime: int = LIFETIME,
    now: float | None = None,
) -> str:
    """The same attributes as escaped HTML: `<invoice-portal {this}></invoice-portal>`."""
    attributes = element_attributes(
        identifier, edge=edge, secret=secret, expiring=expiring, lifetime=lifetime, now=now
    )
    return " ".join(f'{name}="{html.escape(value)}"' for name, value in attributes.items())


def _secret(secret: str | bytes | None) -> str:
    if secret is None:
        # As the proxy's settings read it: comma-separated, each trimmed, the first signs.
        secret = os.environ.get("PORTAL_HASH_SECRETS", "").split(",")[0].strip()
        if not secret:
            raise ValueError("PORTAL_HASH_SECRETS is empty: set it as the proxy has it")
    elif isinstance(secret, bytes):
        try:
            # The proxy reads its secrets as text, so only UTF-8 bytes can ever match one.
            secret = secret.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("the secret is not UTF-8 text, so no proxy can have it") from None
    if not secret:
        raise ValueError("the secret is empty")
    return secret


def _identifier(identifier: str) -> str:
    # The proxy's own test, so a hash is never made for something the proxy refuses.
    if not (is_email(identifier) or is_customer_id(identifier)):
        raise ValueError(
            f"{identifier!r} is neither an email (with @, without :) nor a customer id (cus_...)"
        )
    return identifier
